"""When a file was first and last committed, read from the git repository that holds it.

A source kept in git carries its own publication record: the commit that added it is when it was
published, the latest commit that changed it when it was last updated. One `git log` per
repository answers for every file in it, renames followed (as `git log --follow` would).

A commit that added many files at once is an import of an existing collection, not a
publication: the date it gives is kept with low confidence.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from gardener.text.dates import PartialDate

# A commit adding more source files than this is a bulk import (a first commit of an existing
# folder), whose date says when the files were collected, not when each was written.
BULK_COMMIT_FILES = 20
_HEADER = re.compile(r"^([0-9a-f]{40}) (\S+)$")
_STATUS = re.compile(r"^[ACDMRTUXB][0-9]*$")
_TIMEOUT = 60


@dataclass(frozen=True)
class Commit:
    sha: str
    when: dt.datetime
    added: int  # files this commit added (within the folder asked about)

    @property
    def date(self) -> PartialDate:
        """The calendar day in the author's own time zone."""
        return PartialDate(self.when.year, self.when.month, self.when.day)


@dataclass(frozen=True)
class FileHistory:
    first: Commit
    last: Commit

    @property
    def bulk(self) -> bool:
        return self.first.added > BULK_COMMIT_FILES


def repository_root(folder: Path) -> Path | None:
    """The top of the git work tree holding folder, or None; no subprocess outside a work tree."""
    folder = folder.resolve()
    if not any((parent / ".git").exists() for parent in (folder, *folder.parents)):
        return None
    try:
        run = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return Path(run.stdout.strip()) if run.returncode == 0 and run.stdout.strip() else None


def histories(root: Path, folder: Path | None = None) -> dict[Path, FileHistory]:
    """Absolute path -> first and last commit, for every file committed under folder (default:
    the whole repository), as it is named at HEAD."""
    args = ["git", "-C", str(root), "-c", "core.quotepath=off", "log", "-z", "-M",
            "--format=%x00%H %aI", "--name-status"]
    if folder is not None:
        args += ["--", str(folder.resolve().relative_to(root.resolve())) or "."]
    try:
        run = subprocess.run(args, capture_output=True, timeout=_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if run.returncode != 0:
        return {}
    commits = _parse_log(run.stdout.decode("utf-8", "surrogateescape"))
    top = root.resolve()
    return {top / name: history for name, history in _follow(commits).items()}


def _parse_log(out: str) -> list[tuple[Commit, list[tuple[str, list[str]]]]]:
    """Newest first: each commit with its (status, paths) changes."""
    commits: list[tuple[Commit, list[tuple[str, list[str]]]]] = []
    tokens = [t.lstrip("\n") for t in out.split("\0")]
    i = 0
    while i < len(tokens):
        token = tokens[i]
        header = _HEADER.match(token)
        if header:
            commits.append((Commit(header.group(1), dt.datetime.fromisoformat(header.group(2)), 0), []))
        elif _STATUS.match(token) and commits:
            width = 2 if token[0] in "RC" else 1
            commits[-1][1].append((token[0], tokens[i + 1:i + 1 + width]))
            i += width
        i += 1
    return [(Commit(c.sha, c.when, sum(s == "A" for s, _ in changes)), changes)
            for c, changes in commits]


def _follow(commits: list[tuple[Commit, list[tuple[str, list[str]]]]]) -> dict[str, FileHistory]:
    """Walk from the newest commit back, carrying each file's current name through renames."""
    newest: dict[str, Commit] = {}  # current name -> its latest commit
    oldest: dict[str, Commit] = {}
    alias: dict[str, str] = {}  # name at this point in history -> name at HEAD
    deleted: set[str] = set()
    for commit, changes in commits:
        for status, paths in changes:
            if status == "D":
                deleted.add(paths[0])
                continue
            name = paths[-1]
            if name in deleted:
                continue  # a file deleted later: not in the tree now
            current = alias.get(name, name)
            newest.setdefault(current, commit)
            oldest[current] = commit
            if status in "RC" and len(paths) == 2:
                alias[paths[0]] = current
    return {name: FileHistory(oldest[name], newest[name]) for name in newest}


def head_commit(root: Path) -> str | None:
    try:
        run = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "-q", "HEAD"],
                             capture_output=True, text=True, timeout=_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return run.stdout.strip() if run.returncode == 0 and run.stdout.strip() else None


def last_changes(folder: Path, cache=None) -> dict[str, PartialDate]:
    """Path relative to folder (forward slashes) -> day of the last commit that changed it.

    One `git log` for the whole folder, cached under the HEAD commit: a rebuild with no new
    commit asks git one `rev-parse` and nothing else."""
    root = repository_root(folder)
    if root is None:
        return {}
    head = head_commit(root)
    if head is None:
        return {}

    def compute() -> dict[str, PartialDate]:
        base = folder.resolve()
        return {path.relative_to(base).as_posix(): history.last.date
                for path, history in histories(root, folder).items() if path.is_relative_to(base)}

    if cache is None:
        return compute()
    return cache.get(("git last changes", str(folder.resolve()), head), compute)
