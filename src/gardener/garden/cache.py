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
from pathlib import Path
from typing import Any, TypeVar

from platformdirs import user_cache_dir

from gardener.files import write_atomic

log = logging.getLogger("mkdocs.plugins.gardener")
MAGIC = b"gardener analysis cache, signed\n"
SIGNATURE_BYTES = 32
FORMAT = 4  # bump when cached objects change shape or meaning, so an old file is ignored, not misread
T = TypeVar("T")
_MISSING = object()


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class AnalysisCache:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.entries: dict[Hashable, Any] = {}
        self.volatile: dict[Hashable, Any] = {}  # kept in memory only (rendered pages)
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
        if not persist and not self.keep_volatile:
            return compute()
        store = self.entries if persist else self.volatile
        self.used.add(key)
        found = store.get(key, _MISSING)  # one lookup: page keys are costly to hash
        if found is not _MISSING:
            self.hits += 1
            return found
        self.misses += 1
        value = store[key] = compute()
        self._dirty |= persist
        return value

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
            self.volatile = {k: v for k, v in self.volatile.items() if k in self.used}
            self.entries = {k: v for k, v in self.entries.items() if k in self.used}
        self.hits = self.misses = 0
        self.used.clear()

    def save(self) -> None:
        """Write the entries used since the last reset, so the file does not grow forever."""
        if self.path is None or not self._dirty:
            return
        kept = {k: v for k, v in self.entries.items() if k in self.used}
        try:
            payload = pickle.dumps((FORMAT, kept), protocol=pickle.HIGHEST_PROTOCOL)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, MAGIC + _signature(payload, create=True) + payload,
                         durable=False)
            self._dirty = False
        except OSError as exc:
            log.info(f"gardener: cache not written ({exc.strerror}); the next build starts cold")

    def _load(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            log.info(f"gardener: ignoring unreadable cache {path}: {exc.strerror}")
            return
        payload = data[len(MAGIC) + SIGNATURE_BYTES:]
        signature = data[len(MAGIC):len(MAGIC) + SIGNATURE_BYTES]
        # Unpickling runs code named in the file: only a file this user's gardener signed is
        # read. One committed to a repository, or written by anyone else, is ignored unread.
        if not data.startswith(MAGIC) or not hmac.compare_digest(
                signature, _signature(payload, create=False)):
            log.info(f"gardener: ignoring cache {path}: not written by gardener for this user")
            return
        try:
            version, entries = pickle.loads(payload)
        except Exception as exc:  # a damaged cache file is only a lost speed-up
            log.info(f"gardener: ignoring unreadable cache {path}: {exc}")
            return
        if version == FORMAT and isinstance(entries, dict):
            self.entries = entries


def _signature(payload: bytes, *, create: bool) -> bytes:
    """HMAC of the cache payload under this user's key (made on first save), or no signature
    that could match when there is no key yet."""
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
    if len(key) < 32:
        return b"\0" * SIGNATURE_BYTES
    return hmac.new(key, payload, hashlib.sha256).digest()


_PROCESS_CACHES: dict[Path | None, AnalysisCache] = {}


def shared_cache(path: Path | None) -> AnalysisCache:
    """One cache per cache file for the life of the process (a whole `mkdocs serve`)."""
    key = path.resolve() if path is not None else None
    if key not in _PROCESS_CACHES:
        _PROCESS_CACHES[key] = AnalysisCache(path)
    return _PROCESS_CACHES[key]
