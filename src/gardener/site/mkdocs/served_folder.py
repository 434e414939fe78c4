"""The served folder, kept between rebuilds: a rebuild writes only the files that changed.

Before each build MkDocs empties its folder (`mkdocs.utils.clean_directory`), then writes every
page and copies every asset again: at 1,000 pages that is ~2,000 files made anew for an edit that
changed a few. While a served build runs, three of MkDocs' functions are wrapped, and put back
when it ends:

- emptying the served folder does not happen; the folder's files are listed instead (their
  inode, size and times: what any write changes);
- writing a file (`mkdocs.utils.write_file`: pages, templates, the search index) is skipped
  when its bytes are the ones this process wrote there last and the file was not touched since;
- copying an asset (`File.copy_file`) is skipped when its source is as it was when this process
  copied it last (or its content, for a file made in memory) and the copy was not touched since.

A page made from the very string its file was made from last time (a reused page: `reuse.py`
hands MkDocs the same object, and only pure functions of gardener's change it after) is not
even encoded and hashed again: the last `post_page` handler gives MkDocs a stand-in (`KeptPage`)
whose encoding tells the wrapped `write_file` to keep the file, if it is still as written.

When the build is done, every file it did not write or keep is removed if it is still as it was
listed: a file that was written again by any means (another plugin's own `open`) has new times.
What is left is what a build into an empty folder writes, including deletions and renames.
Folders emptied that way are removed too. Entries whose name starts with a dot at the top of
the folder are left alone, as MkDocs leaves them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterator
from typing import Any

from mkdocs import utils as mkdocs_utils
from mkdocs.structure.files import File

Signature = tuple[int, int, int, int]  # inode, size, modification and change times (ns)


def signature(info: os.stat_result) -> Signature:
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _current(path: str) -> Signature | None:
    try:
        return signature(os.lstat(path))
    except OSError:
        return None


class _KeptBytes(bytes):
    """What a KeptPage encodes to: no content, a sign to keep the file."""


KEPT_BYTES = _KeptBytes()


class KeptPage(str):
    """A page's HTML as MkDocs sees it after post_page when it is the string last written at its
    path: not blank (MkDocs writes only a page that is not), and encoded to KEPT_BYTES."""

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return KEPT_BYTES


KEPT_PAGE = KeptPage("a page kept as it was written")


class ServedFolder:
    def __init__(self) -> None:
        self._root: str | None = None
        self._listed: dict[str, Signature] = {}  # the folder's files when the build started
        self._made: set[str] = set()  # written or kept by this build
        # what this process last wrote at a path: (what it was made from, the file after)
        self._written: dict[str, tuple[bytes | tuple, Signature]] = {}
        # what the page last written at a path was made from; the page about to be written
        self._texts: dict[str, str] = {}
        self._pending: dict[str, tuple[str, str | None]] = {}
        self._originals: dict[str, Any] = {}
        self.written = self.kept = self.removed = self.unencoded = 0

    def start(self, site_dir: str) -> None:
        """Before MkDocs empties site_dir: keep it, and write only what changes."""
        self.finish(sweep=False)
        self._root = os.path.normpath(os.path.abspath(site_dir))
        self._listed, self._made, self._pending = {}, set(), {}
        self.written = self.kept = self.removed = self.unencoded = 0
        self._originals = {"clean": mkdocs_utils.clean_directory,
                           "write": mkdocs_utils.write_file, "copy": File.copy_file}
        mkdocs_utils.clean_directory = self._clean_directory
        mkdocs_utils.write_file = self._write_file
        File.copy_file = _bound(self._copy_file)  # type: ignore[method-assign]

    def finish(self, sweep: bool = True) -> None:
        """The build is done (sweep) or failed (what it did not write stays served)."""
        if not self._originals:
            return
        mkdocs_utils.clean_directory = self._originals["clean"]
        mkdocs_utils.write_file = self._originals["write"]
        File.copy_file = self._originals["copy"]  # type: ignore[method-assign]
        self._originals = {}
        if sweep and self._root is not None:
            self._sweep()
        self._listed, self._made, self._pending = {}, set(), {}

    # -- the wrapped functions

    def _clean_directory(self, directory: str) -> None:
        if os.path.normpath(os.path.abspath(directory)) != self._root:
            self._originals["clean"](directory)
            return
        self._listed = dict(_files(self._root))

    def page_written(self, output_path: str, text: str, made_from: str | None) -> str:
        """Called by the last post_page handler with the page's final HTML and the string it
        was made from by pure functions (None: unknown): what MkDocs is to encode and write
        (KEPT_PAGE when the HTML was made from the very string the file was made from)."""
        path = os.path.normpath(output_path)
        if not self._originals or not self._inside(path):
            return text
        self._pending[path] = (text, made_from)
        # whether the file is still as written is asked when MkDocs writes it
        kept = made_from is not None and self._texts.get(path) is made_from
        return KEPT_PAGE if kept else text

    def _write_file(self, content: bytes, output_path: str) -> None:
        path = os.path.normpath(output_path)
        text, source = self._pending.pop(path, (None, None))
        if content is KEPT_BYTES:
            last = self._written.get(path)
            if text is None:
                raise RuntimeError(f"{output_path}: a kept page without its HTML")
            if last is not None and self._unchanged(path, last[0]):
                self.unencoded += 1
                return
            content = text.encode("utf-8", errors="xmlcharrefreplace")  # as MkDocs encodes
        if not self._inside(path):
            self._originals["write"](content, output_path)
            return
        made_from = hashlib.sha256(content).digest()
        if not self._unchanged(path, made_from):
            self._make(path, made_from, lambda: self._originals["write"](content, output_path))
        if source is not None and path in self._written:
            self._texts[path] = source
        else:
            self._texts.pop(path, None)

    def _copy_file(self, file: File, dirty: bool = False) -> None:
        copy = self._originals["copy"]
        path = os.path.normpath(file.abs_dest_path)
        made_from = _source(file)
        if dirty or made_from is None or not self._inside(path):
            copy(file, dirty)
            self._forget(path)
            return
        if self._unchanged(path, made_from):
            return
        self._make(path, made_from, lambda: copy(file, dirty))

    # -- bookkeeping

    def _inside(self, path: str) -> bool:
        return self._root is not None and path.startswith(self._root + os.sep)

    def _unchanged(self, path: str, made_from: bytes | tuple) -> bool:
        last = self._written.get(path)
        if last is None or last[0] != made_from or path in self._made:
            return False
        if _current(path) != last[1]:
            return False
        self._made.add(path)
        self.kept += 1
        return True

    def _make(self, path: str, made_from: bytes | tuple, write: Callable[[], None]) -> None:
        self._made.add(path)
        self.written += 1
        if os.path.isdir(path):  # the last build's folder stands where this one writes a file
            self._clear_folder(path)
        try:
            write()
        except (NotADirectoryError, FileExistsError):
            # a file of the last build stands where this one needs a folder
            self._clear_parents(path)
            write()
        after = _current(path)
        if after is None:
            self._written.pop(path, None)
        else:
            self._written[path] = (made_from, after)

    def _forget(self, path: str) -> None:
        self._made.add(path)
        self._written.pop(path, None)
        self._texts.pop(path, None)

    def _clear_parents(self, path: str) -> None:
        parent = os.path.dirname(path)
        while self._root is not None and parent.startswith(self._root + os.sep):
            if os.path.isfile(parent) and parent not in self._made:
                self._remove(parent)
            parent = os.path.dirname(parent)

    def _clear_folder(self, path: str) -> None:
        if self._root is None or any(p.startswith(path + os.sep) for p in self._made):
            return  # this build wrote into it: a fresh build would meet the same clash
        for old, _ in list(_files(path, hidden=True)):
            self._remove(old)
        for folder, _dirs, _names in sorted(os.walk(path), key=lambda w: -len(w[0])):
            with contextlib.suppress(OSError):
                os.rmdir(folder)

    def _sweep(self) -> None:
        emptied = set()
        for path, listed in self._listed.items():
            if path in self._made or _current(path) != listed:
                continue
            self._remove(path)
            emptied.add(os.path.dirname(path))
        for folder in sorted(emptied, key=len, reverse=True):
            _remove_empty_folders(folder, self._root or folder)

    def _remove(self, path: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        self._written.pop(path, None)
        self._texts.pop(path, None)
        self.removed += 1


def _bound(function: Callable[..., None]) -> Callable[..., None]:
    """function as a method of File: the file it is called on comes first."""
    def copy_file(self: File, dirty: bool = False) -> None:
        function(self, dirty)
    return copy_file


def _source(file: File) -> bytes | tuple | None:
    """What a copy is made from: the content made in memory, or the source file as it is now
    (a change to it changes its times); None when it cannot be told."""
    content = getattr(file, "_content", None)
    if isinstance(content, str):
        return hashlib.sha256(content.encode("utf-8", "surrogatepass")).digest()
    if isinstance(content, bytes):
        return hashlib.sha256(content).digest()
    if content is not None or file.abs_src_path is None:
        return None
    source = _current(file.abs_src_path)
    return None if source is None else (file.abs_src_path, source)


def _files(root: str, hidden: bool = False) -> Iterator[tuple[str, Signature]]:
    """Every file under root with its signature (hidden entries at the top only with hidden)."""
    stack = [(root, not hidden)]
    while stack:
        folder, skip_hidden = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if skip_hidden and entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, False))
            else:
                try:
                    yield os.path.normpath(entry.path), signature(entry.stat(follow_symlinks=False))
                except OSError:
                    continue


def _remove_empty_folders(folder: str, root: str) -> None:
    """Remove folder and its emptied parents, up to root (kept)."""
    while folder.startswith(root + os.sep):
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = os.path.dirname(folder)
