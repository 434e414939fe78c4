"""How `mkdocs serve` notices a saved file: told by the system where it can be, not by polling.

MkDocs watches the docs, mkdocs.yml and the theme by polling: every 0.5 s a thread lists and
stats every watched file (~30 ms of the interpreter's time at 1,000 articles, also while a
rebuild runs), and a save waits 0.25 s on average before anyone sees it. Polling works on every
file system; the system's own notifications (inotify) arrive at once and cost nothing while
idle, but only for changes made through this machine's kernel: on a network share, or a Windows
folder seen from WSL, they never come.

So on Linux, when every watched path lies on a local file system and holds no link to a folder
(polling follows one, the notifications would not), the server's polling observer
is replaced by watchdog's native one before the server starts, through the server's own
`watch`/`unwatch`: MkDocs' own callback still decides what a change means. The native observer
reports only changes (creations, writes, moves, deletions), not a build reading the docs. Every
path is watched once by a probe first: if the system refuses one (its limit on watches, a path
that does not exist), or a path lies anywhere else, polling stays as it was.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from typing import cast

from watchdog import events as fs_events
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

# File systems whose every change goes through this kernel, so inotify hears of it.
LOCAL = frozenset({"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "ramfs", "f2fs", "zfs",
                   "bcachefs", "jfs", "reiserfs", "nilfs2", "overlay", "vfat", "exfat", "ntfs3"})
CHANGES = (fs_events.FileCreatedEvent, fs_events.FileModifiedEvent, fs_events.FileMovedEvent,
           fs_events.FileDeletedEvent, fs_events.FileClosedEvent, fs_events.DirCreatedEvent,
           fs_events.DirModifiedEvent, fs_events.DirMovedEvent, fs_events.DirDeletedEvent)
_OCTAL = re.compile(r"\\([0-7]{3})")


def watch_natively(server, extra=(), mounts: str = "/proc/self/mountinfo") -> str:
    """Give server a native observer when every path it watches (and extra, watched after)
    is on a local file system. Returns what was chosen, in words."""
    observer = getattr(server, "observer", None)
    watched = getattr(server, "_watched_paths", None)  # path -> how often watch() asked
    refs = getattr(server, "_watch_refs", None)
    if sys.platform != "linux" or not isinstance(observer, PollingObserver) or \
            not isinstance(watched, dict) or not isinstance(refs, dict) or not watched:
        return "polling (not Linux, or not MkDocs' own server)"
    if {e.watch for e in observer.emitters} != set(refs.values()):
        return "polling (something watches besides the server's own watch())"
    kinds = file_systems([*watched, *extra], mounts)
    elsewhere = sorted(p for p, kind in kinds.items() if kind not in LOCAL)
    if elsewhere:
        return f"polling ({', '.join(elsewhere)} on a file system without notifications of " \
               "every change)"
    linked = _linked_folder([*watched, *extra])
    if linked:
        return f"polling ({linked} is a link to a folder: polling follows it, the system's " \
               "notifications would not)"
    why = _refused([*watched, *extra])
    if why:
        return f"polling ({why})"
    native = changes_observer()
    counts = dict(watched)
    for path, count in counts.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = native
    for path, count in counts.items():
        for _ in range(count):
            server.watch(path)
    return "the system's notifications"


def _linked_folder(paths) -> str | None:
    """A link to a folder inside one of paths (this repository links its starter concepts into
    docs/), or None."""
    for path in paths:
        for root, folders, _files in os.walk(path):
            for folder in folders:
                if os.path.islink(os.path.join(root, folder)):
                    return os.path.join(root, folder)
    return None


def _refused(paths) -> str | None:
    """Why the system would not watch every path, found by watching them once (a native
    observer starts its watches when it starts: the server would fail to start instead)."""
    probe = changes_observer()
    if probe is None:
        return "no native observer here that can report changes only"
    try:
        for path in paths:
            probe.schedule(fs_events.FileSystemEventHandler(), path, recursive=True)
        probe.start()
    except OSError as why:
        return f"the system's notifications refused a watch: {why}"
    finally:
        probe.stop()
        if probe.is_alive():
            probe.join()
    return None


def changes_observer():
    """The platform's native observer, reporting changes only (not files being opened or read,
    which a build does to every page)."""
    from watchdog.observers import Observer

    native = cast(type[BaseObserver], Observer)  # a class chosen for the platform
    if issubclass(native, PollingObserver) or \
            "event_filter" not in inspect.signature(native.schedule).parameters:
        return None

    class ChangesObserver(native):  # type: ignore[valid-type,misc]
        def schedule(self, event_handler, path, *, recursive=False, event_filter=None):
            return super().schedule(event_handler, path, recursive=recursive,
                                    event_filter=event_filter or list(CHANGES))

    return ChangesObserver()


def file_systems(paths, mounts: str = "/proc/self/mountinfo") -> dict[str, str]:
    """The file system type of each path (its deepest mount), "" when it cannot be told."""
    table = []
    try:
        with open(mounts, encoding="utf-8", errors="surrogateescape") as lines:
            for line in lines:
                fields, _, rest = line.partition(" - ")
                parts, described = fields.split(), rest.split()
                if len(parts) >= 5 and described:
                    table.append((_unescape(parts[4]), described[0]))
    except OSError:
        return {str(p): "" for p in paths}
    found = {}
    for path in paths:
        real, depth, kind = os.path.realpath(path), -1, ""
        for point, point_kind in table:  # of mounts on one point, the last listed is on top
            if _under(real, point) and len(point) >= depth:
                depth, kind = len(point), point_kind
        found[str(path)] = kind
    return found


def _under(path: str, mount: str) -> bool:
    return path == mount or path.startswith(mount.rstrip("/") + "/")


def _unescape(field: str) -> str:
    """Mount points write spaces, tabs, newlines and backslashes as octal (\\040)."""
    return _OCTAL.sub(lambda found: chr(int(found.group(1), 8)), field)
