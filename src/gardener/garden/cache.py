"""Per-file analysis results keyed by content hash, kept in memory and optionally on disk.

Everything the garden computes for one file (the parsed article, its concept mentions, its
events) depends only on that file's text and on the concept aliases, so a key made of those
hashes is enough: after a one-file edit only that file misses. One cache lives for a whole
`mkdocs serve`; the disk copy carries it from one run to the next. Loading a pickle runs code
named in it, so the disk copy is signed with a key kept in the user's own cache folder, outside
any repository, and a file without a valid signature is never unpickled.

Nothing here grows with the number of edits: each build keeps only what it asked for, and the
values held for the whole garden (the alias matcher, the backlink tally, the last merge) sit in
slots that hold the latest version only.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import pickle
import secrets
from collections.abc import Callable, Hashable
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from platformdirs import user_cache_dir

from gardener.files import write_atomic
from gardener.forks import apart, begun

log = logging.getLogger("mkdocs.plugins.gardener")
MAGIC = b"gardener analysis cache, signed\n"
SIGNATURE_BYTES = 32
FORMAT = 5  # bump when cached objects change shape or meaning, so an old file is ignored, not misread
T = TypeVar("T")
_MISSING = object()


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class AnalysisCache:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.entries: dict[Hashable, Any] = {}
        # Kept in memory only (rendered pages), by the build that asked: the last finished
        # build's, and this one's. A page's key is its inputs, costly to hash (the whole text
        # and everything the page shows): it is hashed once per build (`_Hashed`), and the
        # results a build did not ask for go with the generation, unhashed.
        self.volatile: dict[_Hashed, Any] = {}
        self._volatile_now: dict[_Hashed, Any] = {}
        # Rendered pages pay off only when the same process builds again (`mkdocs serve`); a
        # one-shot build would hold every page twice until it exits.
        self.keep_volatile = False
        self.used: set[Hashable] = set()
        self.slots: dict[str, tuple[Hashable, Any]] = {}  # name -> (key, value): the latest only
        self.hits = self.misses = 0
        self._dirty = False
        if path is not None:
            self._load(path)

    def __contains__(self, key: Hashable) -> bool:
        """Whether a kept (persisted) result exists for key."""
        return key in self.entries

    def get(self, key: Hashable, compute: Callable[[], Any], *, persist: bool = True) -> Any:
        if not persist:
            return self._get_volatile(key, compute) if self.keep_volatile else compute()
        self.used.add(key)
        found = self.entries.get(key, _MISSING)
        if found is not _MISSING:
            self.hits += 1
            return found
        self.misses += 1
        value = self.entries[key] = compute()
        self._dirty = True
        return value

    def put(self, key: Hashable, value: Any) -> None:
        """A result made elsewhere (a worker process), kept as `get` keeps what it computes."""
        self.get(key, lambda: value)

    def _get_volatile(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        hashed = _Hashed(key)
        found = self._volatile_now.get(hashed, _MISSING)
        if found is _MISSING:
            found = self.volatile.get(hashed, _MISSING)
        if found is not _MISSING:
            self.hits += 1
        else:
            self.misses += 1
            found = compute()
        self._volatile_now[hashed] = found
        return found

    def latest(self, slot: str, key: Hashable, make: Callable[[], T]) -> T:
        """The value made for key in a slot that holds one key at a time: asking with another
        key replaces it (an alias edit replaces the matcher instead of adding one)."""
        held = self.slots.get(slot)
        if held is None or held[0] != key:
            held = self.slots[slot] = (key, make())
        return held[1]

    def held(self, slot: str) -> Any:
        """What a slot holds, whatever key it was made for (None when empty)."""
        found = self.slots.get(slot)
        return None if found is None else found[1]

    def reset_counts(self) -> None:
        """Start a new build: forget what the last build did not ask for (after the first
        build of the process, which has only the disk copy to go by)."""
        if self.used:  # save() writes the same set: what the latest build used
            self.entries = {k: v for k, v in self.entries.items() if k in self.used}
        if self._volatile_now:
            self.volatile, self._volatile_now = self._volatile_now, {}
        self.hits = self.misses = 0
        self.used.clear()

    def save(self) -> None:
        """Write the entries used since the last reset, so the file does not grow forever. A
        forked child writes them when this process can fork: pickling leaves a UTF-8 copy inside
        every non-ASCII string it writes (the articles' text, for one), which would stay with
        the build until it ends."""
        if self.path is None or not self._dirty:
            return
        kept = {k: v for k, v in self.entries.items() if k in self.used}
        problem = apart(_save, self.path, kept)
        if problem:
            log.info(f"gardener: cache not written ({problem}); the next build starts cold")
        else:
            self._dirty = False

    def save_begun(self) -> Callable[[], None]:
        """As save, begun now by a forked child while this process goes on. The function
        returned waits for it; should the cache have changed meanwhile (an entry added, or one
        more asked for), the next save writes it again."""
        if self.path is None or not self._dirty:
            return lambda: None
        kept = {k: v for k, v in self.entries.items() if k in self.used}
        seen = (len(self.used), len(self.entries))
        saving = begun(_save, self.path, kept)

        def wait() -> None:
            problem = saving()
            if problem:
                log.info(f"gardener: cache not written ({problem}); the next build starts cold")
            elif (len(self.used), len(self.entries)) == seen:
                self._dirty = False
        return wait

    def _load(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            log.info(f"gardener: ignoring unreadable cache {path}: {exc.strerror}")
            return
        payload = memoryview(data)[len(MAGIC) + SIGNATURE_BYTES:]  # read in place, not copied
        signature = data[len(MAGIC):len(MAGIC) + SIGNATURE_BYTES]
        # Unpickling runs code named in the file: only a file this user's gardener signed is
        # read. One committed to a repository, or written by anyone else, is ignored unread.
        key = _key(create=False)
        if not data.startswith(MAGIC) or not key or not hmac.compare_digest(
                signature, hmac.new(key, payload, hashlib.sha256).digest()):
            log.info(f"gardener: ignoring cache {path}: not written by gardener for this user")
            return
        try:
            version, entries = pickle.loads(payload)
        except Exception as exc:  # a damaged cache file is only a lost speed-up
            log.info(f"gardener: ignoring unreadable cache {path}: {exc}")
            return
        if version == FORMAT and isinstance(entries, dict):
            self.entries = entries


class _Hashed:
    """A key with its hash worked out once."""

    __slots__ = ("key", "hash")

    def __init__(self, key: Hashable) -> None:
        self.key = key
        self.hash = hash(key)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Hashed) and self.hash == other.hash and self.key == other.key


def _save(path: Path, entries: dict) -> str | None:
    """Write the cache file; None, or what went wrong."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, partial(_write_signed, (FORMAT, entries)), durable=False)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _write_signed(value: Any, out: BinaryIO) -> None:
    """The magic line, the signature, then value pickled: streamed to the file as it is
    pickled, and signed as it goes, so the whole pickle is never held in memory (it was the
    largest allocation at the end of a build)."""
    signer = hmac.new(_key(create=True), digestmod=hashlib.sha256)
    out.write(MAGIC + bytes(SIGNATURE_BYTES))
    pickle.dump(value, _Signing(out, signer), protocol=pickle.HIGHEST_PROTOCOL)
    out.seek(len(MAGIC))
    out.write(signer.digest())


class _Signing:
    """A file that signs what is written to it."""

    def __init__(self, out: BinaryIO, signer: hmac.HMAC) -> None:
        self.out, self.signer = out, signer

    def write(self, data) -> int:
        self.signer.update(data)
        return self.out.write(data)


def _key(*, create: bool) -> bytes:
    """This user's signing key (made on first save), or b"" when there is none yet."""
    key_file = Path(user_cache_dir("gardener")) / "cache-key"
    try:
        key = key_file.read_bytes()
    except OSError:
        key = b""
    if len(key) < 32 and create:
        key = secrets.token_bytes(32)
        key_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            write_atomic(key_file, key, exclusive=True, mode=0o600)
        except FileExistsError:  # another build made one first: sign with that one
            key = key_file.read_bytes()
    return key if len(key) >= 32 else b""


_PROCESS_CACHES: dict[Path | None, AnalysisCache] = {}


def shared_cache(path: Path | None) -> AnalysisCache:
    """One cache per cache file for the life of the process (a whole `mkdocs serve`)."""
    key = path.resolve() if path is not None else None
    if key not in _PROCESS_CACHES:
        _PROCESS_CACHES[key] = AnalysisCache(path)
    return _PROCESS_CACHES[key]
