"""Writing files so that a crash, a full disk or a second process never leaves half of one.

Every file gardener writes goes through `write_atomic`: the new content goes to a temporary file
beside the target, is flushed to the disk, then renamed over the target in one step. A reader (or
the next run) sees the old file or the new one, never a mix; on failure the old one is untouched.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from filelock import FileLock, Timeout
from platformdirs import user_cache_dir

# Names of the temporary files: hidden (MkDocs and globs for *.md skip them) and recognisable,
# so the next run in a folder can clear what a killed one left.
TEMP_PREFIX, TEMP_SUFFIX = ".gardener-", ".tmp"


class WriteError(OSError):
    """A file could not be written; the message names it and says the old content is kept."""


def _default_mode() -> int:
    """The mode open() would give a new file: 0666 less the umask (mkstemp alone gives 0600)."""
    try:  # Linux tells the umask without changing it, which other threads would see
        with open("/proc/self/status", encoding="ascii") as status:
            umask = next(int(line.split()[1], 8) for line in status if line.startswith("Umask:"))
    except (OSError, StopIteration, ValueError, IndexError):
        umask = os.umask(0o022)
        os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, data: bytes | str | Callable[[BinaryIO], None], *,
                 exclusive: bool = False, mode: int | None = None, durable: bool = True) -> None:
    """Replace path's content with data in one step, keeping the file's mode.

    data may be a function that writes to the open file, for content too large to hold twice.
    With exclusive, an existing file is never replaced (FileExistsError): two processes that pick
    the same new name cannot both believe they wrote it. Output that can be made again (a built
    or exported site, a cache) need not be durable: it is still replaced in one step, but not
    flushed to the disk first, which costs two disk syncs a file."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path = Path(path)
    try:
        mode = stat.S_IMODE(path.stat().st_mode) if mode is None else mode
    except FileNotFoundError:
        mode = _default_mode()
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f"{TEMP_PREFIX}{path.name[:40]}.",
                                    suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as out:
            if callable(data):
                data(out)
            else:
                out.write(data)
            out.flush()
            if durable:
                os.fsync(out.fileno())
        os.chmod(temp, mode)
        if exclusive:
            os.link(temp, path)  # fails if path exists, unlike rename
        else:
            os.replace(temp, path)
    except FileExistsError:
        raise
    except OSError as exc:
        raise WriteError(exc.errno, f"not written ({exc.strerror or exc}); the previous "
                         "content is kept", str(path)) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
    if durable:
        _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def clear_leftovers(folder: Path) -> None:
    """Remove temporary files a killed run left in folder (call it while holding the folder)."""
    for stale in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            stale.unlink()


class FolderBusy(OSError):
    """Another gardener process is writing to the same folder."""


@contextlib.contextmanager
def folder_lock(folder: Path, timeout: float = 600) -> Iterator[None]:
    """Hold the folder for the length of a run that reads it and then writes into it, so two
    runs never both pick the same free name. The lock file lives in the user's cache folder, named
    after the folder's real path: nothing is left in the garden to publish or commit."""
    folder.mkdir(parents=True, exist_ok=True)
    locks = Path(user_cache_dir("gardener")) / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    name = hashlib.blake2b(str(folder.resolve()).encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()
    lock = FileLock(str(locks / f"{name}.lock"), timeout=timeout)
    try:
        with lock:
            yield
    except Timeout:
        raise FolderBusy(errno.EBUSY, f"{folder} is in use by another gardener run; try again when it "
                         "has finished") from None


def describe(exc: OSError) -> str:
    """Why an OSError happened, in one line without a traceback (the caller names the file)."""
    if isinstance(exc, (WriteError, FolderBusy)) or not exc.strerror:
        return str(exc.strerror or exc)
    return f"not written ({exc.strerror})"
