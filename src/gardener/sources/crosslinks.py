"""Links between the sources of one import, pointed at the articles written from them.

Articles written to be read together link to each other by file: "./how-to-take-notes.md", or
the address the file is published at in its repository
("https://github.com/xitu/gold-miner/blob/master/article/2021/staggered-animation-in-flutter.md").
The import gives every article a new name in one folder, so a relative link to a sibling would
break, and a link to its published address would leave the garden for a page the garden holds.
Both become links to the imported article, which is also what makes them backlinks.

An address counts as a sibling's only when it ends with the sibling's folder and file name (two
parts at least): a bare file name such as "README.md" at some address says nothing about which
file it is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

from gardener.text.markdown import links

MIN_ADDRESS_PARTS = 2


@dataclass(frozen=True)
class Sibling:
    """A source file of this import and the slug of the (first) article written from it."""

    file: Path
    slug: str


class Siblings:
    def __init__(self, siblings: Sequence[Sibling]) -> None:
        self.by_file: dict[Path, str] = {}
        for sibling in siblings:
            self.by_file.setdefault(sibling.file.resolve(), sibling.slug)
        self.by_folder_casefold: dict[tuple[Path, str], list[str]] = {}
        for file, slug in self.by_file.items():
            self.by_folder_casefold.setdefault((file.parent, file.name.casefold()), []).append(slug)
        root = Path(os.path.commonpath([str(f.parent) for f in self.by_file])) if self.by_file else None
        self.by_address: dict[tuple[str, ...], str] = {}
        if root is not None:
            for file, slug in self.by_file.items():
                self.by_address[file.relative_to(root).parts] = slug

    def slug_for(self, source: Path, destination: str) -> str | None:
        """The slug of the sibling a link's destination names, or None."""
        try:
            return self._slug_for(source, destination)
        except (ValueError, OSError):  # no address ("http://[x", a NUL byte, a name too long)
            return None

    def _slug_for(self, source: Path, destination: str) -> str | None:
        parts = urlsplit(destination)
        path = unquote(parts.path)
        if not path.lower().endswith((".md", ".markdown", ".txt")):
            return None
        if parts.scheme in ("http", "https"):
            return self._by_address(PurePosixPath(path).parts)
        if parts.scheme or parts.netloc or path.startswith("/"):
            return None
        target = (source.resolve().parent / path).resolve()
        found = self.by_file.get(target)
        if found is not None:
            return found
        # Written on a system whose file names ignore case, the link worked for its author.
        matches = self.by_folder_casefold.get((target.parent, target.name.casefold()), [])
        return matches[0] if len(matches) == 1 else None

    def _by_address(self, parts: tuple[str, ...]) -> str | None:
        for length in range(len(parts), MIN_ADDRESS_PARTS - 1, -1):
            found = self.by_address.get(parts[-length:])
            if found is not None:
                return found
        return None


def relink(body: str, source: Path, siblings: Siblings, own_slug: str) -> tuple[str, int]:
    """The body with its links to sibling sources pointed at their articles (beside it in the
    garden's folder), and how many were changed. Images and links to itself stay as written."""
    pieces: list[str] = []
    pos = changed = 0
    for link in links(body):
        if link.image:
            continue
        slug = siblings.slug_for(source, link.target)
        if slug is None or slug == own_slug:
            continue
        written = body[link.start:link.end]
        at = written.find(link.target, written.find("](") + 2)
        if at < 0:
            continue
        fragment = urlsplit(link.target).fragment
        local = quote(f"{slug}.md") + (f"#{fragment}" if fragment else "")
        pieces += (body[pos:link.start + at], local)
        pos = link.start + at + len(link.target)
        changed += 1
    pieces.append(body[pos:])
    return "".join(pieces), changed
