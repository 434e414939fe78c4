"""Which page links to which: Markdown links to the garden's pages and wikilinks, both ways.

What a page links to, and the sentence around each link, depends only on its own text, so it is
read once per content hash (`page_references`, cached); turning those references into pages is
a lookup per build. Nothing here compares pages pairwise.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from gardener.garden.concepts.index import sentence_around
from gardener.garden.wikilinks import WikiIndex, WikiLink, find_wikilinks, is_file_name
from gardener.text.markdown import links


@dataclass(frozen=True)
class Reference:
    """One link in a page's text: a Markdown link's destination path, or a wikilink."""

    start: int
    end: int
    line: int
    context: tuple[str, str, str]  # the sentence around it: before, the link's words, after
    path: str | None = None  # docs-relative target of a Markdown link
    wiki: WikiLink | None = None


@dataclass(frozen=True)
class Citation:
    """A page that links to another, with the sentence around its first link there."""

    source: str
    context: tuple[str, str, str]
    line: int


@dataclass(frozen=True)
class PageLinks:
    outgoing: Mapping[str, tuple[str, ...]]  # path -> pages it links to, in text order
    incoming: Mapping[str, tuple[Citation, ...]]  # path -> pages linking to it, in garden order


def page_references(page_path: str, markdown: str) -> tuple[Reference, ...]:
    """Links of one page to (possibly) other pages, in text order."""
    wikilinks = find_wikilinks(markdown)
    found: list[tuple[int, int, str | None, WikiLink | None]] = [
        (link.start, link.end, None, link) for link in wikilinks]
    for link in links(markdown):
        path = None if link.image else local_target(page_path, link.target)
        if path is not None:
            found.append((link.start, link.end, path, None))
    if not found:
        return ()
    readable, moved = _words_for_wikilinks(markdown, wikilinks)
    return tuple(
        Reference(start, end, markdown.count("\n", 0, start) + 1,
                  sentence_around(readable, moved(start), moved(end)), path, wiki)
        for start, end, path, wiki in sorted(found, key=lambda f: f[0]))


def _words_for_wikilinks(markdown: str, found: Sequence[WikiLink]) -> tuple[str, Callable[[int], int]]:
    """The text with each wikilink replaced by its words (as the reader sees it), and where an
    offset of the original text lands in it, so snippets read like the page."""
    if not found:
        return markdown, lambda pos: pos
    pieces: list[str] = []
    starts: list[int] = []
    shifts: list[int] = []
    pos = shift = 0
    for link in found:
        pieces += (markdown[pos:link.start], link.written)
        shift += len(link.written) - (link.end - link.start)
        starts.append(link.end)
        shifts.append(shift)
        pos = link.end
    pieces.append(markdown[pos:])

    def moved(offset: int) -> int:
        index = bisect_right(starts, offset) - 1
        return offset + (shifts[index] if index >= 0 else 0)

    return "".join(pieces), moved


def local_target(page_path: str, destination: str) -> str | None:
    """The docs-relative path a relative link to a Markdown file points at, or None."""
    parts = urlsplit(destination)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    path = unquote(parts.path)
    if not path.endswith(".md"):
        return None
    resolved: list[str] = []
    for part in (PurePosixPath(page_path).parent / path).parts:
        if part == "..":
            if not resolved:
                return None
            resolved.pop()
        elif part != ".":
            resolved.append(part)
    return "/".join(resolved)


def link_pages(references: Mapping[str, tuple[Reference, ...]], index: WikiIndex,
               pages: Iterable[str], sources: Iterable[str] | None = None) -> PageLinks:
    """Outgoing and incoming links between the given pages. `sources` limits which pages count
    as linking (drafts and duplicates do not); a page's links to itself are left out."""
    known = set(pages)
    counted = known if sources is None else set(sources)
    outgoing: dict[str, tuple[str, ...]] = {}
    incoming: dict[str, list[Citation]] = {}
    for source, refs in references.items():
        targets: dict[str, Reference] = {}
        for ref in refs:
            target = _target_of(ref, index, source)
            if target is not None and target in known and target != source:
                targets.setdefault(target, ref)
        outgoing[source] = tuple(targets)
        if source not in counted:
            continue
        for target, ref in targets.items():
            incoming.setdefault(target, []).append(Citation(source, ref.context, ref.line))
    return PageLinks(outgoing, {t: tuple(c) for t, c in incoming.items()})


def _target_of(ref: Reference, index: WikiIndex, source: str) -> str | None:
    if ref.path is not None:
        return ref.path
    link = ref.wiki
    if link is None or not link.target or link.embed and is_file_name(link.target):
        return None
    pages = index.pages(link.target)  # the heading does not matter here
    return pages[0].path if pages else None
