"""Wikilinks: `[[Title]]`, `[[slug|text]]`, `[[Title#heading]]`, `![[image.png]]`.

Finding them depends only on a page's own text (cached with it); resolving them depends on the
names of every page, so it is a cheap dictionary lookup done on each build. A wikilink is found
only where Python-Markdown would show its brackets as text: never inside code, math, links or
raw HTML (the spans `gardener.text.markdown` protects).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from pymdownx.slugs import slugify

from gardener.articles.model import Article, Concept, Diagnostic, Garden
from gardener.garden.loading import all_files
from gardener.text.markdown import heading_ids, protected_spans

_WIKILINK = re.compile(
    r"(?<!\\)(?P<embed>!?)\[\[(?P<target>[^\[\]\n|#]*)(?:#(?P<heading>[^\[\]\n|]*))?"
    r"(?:\|(?P<label>[^\[\]\n]*))?\]\]"
)
_SLUGIFY = slugify(case="lower")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class WikiLink:
    """One `[[...]]` as written: offsets into the text, and its 1-based line there."""

    start: int
    end: int
    target: str
    heading: str | None
    label: str | None
    embed: bool
    line: int

    @property
    def key(self) -> tuple[bool, str, str | None]:
        """What the link names: links with the same key go to the same place."""
        return (self.embed, self.target, self.heading)

    @property
    def written(self) -> str:
        """The link's own words: its label, else what it names."""
        if self.label:
            return self.label
        if self.heading and self.target:
            return f"{self.target} › {self.heading}"
        return self.target or self.heading or ""


def find_wikilinks(markdown: str) -> tuple[WikiLink, ...]:
    if "[[" not in markdown:
        return ()
    spans = protected_spans(markdown, headings=False)
    starts = [s for s, _ in spans]
    found = []
    for match in _WIKILINK.finditer(markdown):
        if _touches(spans, starts, match.start(), match.end()) or _in_link_text(
                markdown, match.start(), match.end()):
            continue
        # In a table a writer escapes the label's pipe ("[[page\\|words]]") so the cell holds.
        target = match.group("target").strip().removesuffix("\\").rstrip()
        heading = (match.group("heading") or "").strip() or None
        if not target and not heading:
            continue
        label = (match.group("label") or "").strip() or None
        found.append(WikiLink(match.start(), match.end(), target, heading, label,
                              bool(match.group("embed")), markdown.count("\n", 0, match.start()) + 1))
    return tuple(found)


def _touches(spans: Sequence[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    """Whether any protected span (code, math, a web address, ...) overlaps start..end: then
    the brackets are not a wikilink, or not only one."""
    index = bisect_left(starts, end) - 1
    return index >= 0 and spans[index][1] > start


def _in_link_text(markdown: str, start: int, end: int) -> bool:
    """Whether brackets around the wikilink, on its line, make it part of a link's text
    (`[see [[x]]](url)`, which Python-Markdown renders as one link): a deeper nesting than the
    scanner's protected spans follow."""
    line_start = markdown.rfind("\n", 0, start) + 1
    line_end = markdown.find("\n", end)
    line_end = len(markdown) if line_end < 0 else line_end
    depth = 0
    for pos in range(end, line_end):
        char = markdown[pos]
        if char == "[":
            depth += 1
        elif char == "]":
            if depth == 0:
                return markdown[pos + 1:pos + 2] in ("(", "[") and "[" in markdown[line_start:start]
            depth -= 1
    return False


def name_key(name: str) -> str:
    """How two spellings of a name are compared: full-width folded, case and spacing ignored."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", name)).strip().casefold()


@dataclass(frozen=True)
class Page:
    """A page a wikilink can reach: an article or a concept note."""

    path: str
    title: str
    kind: str  # "article" | "concept"
    listed: bool = True


@dataclass(frozen=True)
class Resolved:
    """Where a wikilink goes: a page (and heading id) or an asset; `problem` when it cannot."""

    link: WikiLink
    page: Page | None = None
    asset: str | None = None
    anchor: str | None = None
    problem: str | None = None
    alternatives: tuple[str, ...] = ()  # other pages the name could mean


@dataclass(frozen=True)
class WikiTarget:
    """Where a wikilink goes, apart from the link itself: a page path (with a heading id) or a
    file of the garden; `problem` says why it goes nowhere."""

    path: str | None = None
    anchor: str | None = None
    asset: bool = False
    problem: str | None = None


# Lower ranks win when one name belongs to several pages: a path or slug is exact, a title is
# the page's own name, an alias is a name the page shares.
_BY_PATH, _BY_TITLE, _BY_ALIAS = 0, 1, 2


class WikiIndex:
    """Every name a wikilink may use: slugs and paths, titles and aliases of articles and concept
    notes, and the file names of the garden's other files (images)."""

    def __init__(self, articles: Iterable[Article], concepts: Iterable[Concept],
                 assets: Iterable[str] = ()) -> None:
        self._names: dict[str, list[tuple[int, int, Page]]] = {}
        self._bodies: dict[str, str] = {}
        self._resolved: dict[tuple, Resolved] = {}
        order = 0
        for article in articles:
            page = Page(article.path, article.title, "article", article.listed)
            names = [(article.title, _BY_TITLE)] + [(a, _BY_ALIAS) for a in article_aliases(article)]
            order = self._add(page, article.slug, names, article.body, order)
        for concept in concepts:
            page = Page(concept.path, concept.title, "concept")
            names = [(concept.title, _BY_TITLE)] + [(a, _BY_ALIAS) for a in concept.aliases]
            order = self._add(page, concept.slug, names, concept.body, order)
        self._assets: dict[str, list[str]] = {}
        for path in sorted(assets):
            for key in {name_key(path), name_key(PurePosixPath(path).name)}:
                self._assets.setdefault(key, []).append(path)

    def _add(self, page: Page, slug: str, names, body: str, order: int) -> int:
        stem = page.path[:-3] if page.path.endswith(".md") else page.path
        for name, rank in [(slug, _BY_PATH), (stem, _BY_PATH), (page.path, _BY_PATH), *names]:
            key = name_key(str(name))
            if key:
                self._names.setdefault(key, []).append((rank, order, page))
        self._bodies[page.path] = body
        return order + 1

    def pages(self, name: str) -> list[Page]:
        """The pages a name means, best first: exact paths before titles before aliases,
        listed articles before duplicates and drafts, then in garden order."""
        found = sorted(self._names.get(name_key(name), ()), key=lambda e: (e[0], not e[2].listed, e[1]))
        return list(dict.fromkeys(page for _, _, page in found))

    def resolve(self, link: WikiLink, here: str) -> Resolved:
        # One build asks for the same links several times (pages, backlinks, checks).
        key = (link.key, here if not link.target or link.heading else None)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = self._resolve(link, here)
        return found if found.link == link else replace(found, link=link)

    def _resolve(self, link: WikiLink, here: str) -> Resolved:
        if link.embed and is_file_name(link.target):
            found = self._assets.get(name_key(link.target))
            if not found:
                return Resolved(link, problem=f"no file named '{link.target}' in the garden")
            return Resolved(link, asset=found[0], alternatives=tuple(found[1:]))
        if not link.target:  # [[#heading]]: a heading of this page
            page = Page(here, "", "article")
            return self._with_heading(Resolved(link, page=page), here)
        candidates = self.pages(link.target)
        if not candidates:
            return Resolved(link, problem=f"no page is called '{link.target}'")
        best = candidates[0]
        # Pages of lower rank, or duplicates of a listed page, are not real alternatives.
        rivals = [p.path for p in candidates[1:] if p.listed and self._rank(link.target, p) ==
                  self._rank(link.target, best)]
        return self._with_heading(Resolved(link, page=best, alternatives=tuple(rivals)), here)

    def target(self, link: WikiLink, here: str) -> WikiTarget:
        found = self.resolve(link, here)
        if found.problem is not None:
            return WikiTarget(problem=found.problem)
        if found.asset is not None:
            return WikiTarget(path=found.asset, asset=True)
        assert found.page is not None  # resolved: a page when not a file
        return WikiTarget(path=found.page.path, anchor=found.anchor)

    def _rank(self, name: str, page: Page) -> int:
        return min(rank for rank, _, p in self._names[name_key(name)] if p == page)

    def _with_heading(self, resolved: Resolved, here: str) -> Resolved:
        heading = resolved.link.heading
        if not heading or resolved.page is None:
            return resolved
        body = self._bodies.get(resolved.page.path, "")
        anchor = heading_anchor(body, heading)
        if anchor is None:
            where = "this page" if resolved.page.path == here else resolved.page.path
            return Resolved(resolved.link, page=resolved.page,
                            problem=f"{where} has no heading '{heading}'")
        return Resolved(resolved.link, page=resolved.page, anchor=anchor,
                        alternatives=resolved.alternatives)


def is_file_name(target: str) -> bool:
    """Whether a wikilink names a file (an image, a PDF) rather than a page."""
    suffix = PurePosixPath(target).suffix.lower()
    return bool(suffix) and suffix != ".md" and " " not in suffix


def article_aliases(article: Article) -> tuple[str, ...]:
    """Other names an article may be linked by: its `aliases` front-matter key."""
    value = article.extra.get("aliases") if article.extra else None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return ()
    return tuple(str(v) for v in value if str(v).strip())


def heading_anchor(body: str, heading: str) -> str | None:
    """The id of the heading a link names by its text (or by the id itself), as the built site
    writes it; None when the page has no such heading."""
    ids = heading_ids(body)
    wanted = heading.strip()
    if wanted in ids:
        return wanted
    slug = _SLUGIFY(wanted, "-")
    return slug if slug in ids else None


def wikilink_diagnostics(path: str, resolved: Iterable[Resolved], first_line: int) -> list[Diagnostic]:
    """Unresolved wikilinks are errors (the page shows them as marked plain text); a name several
    pages share is a warning naming the page chosen."""
    problems = []
    for item in resolved:
        line = first_line + item.link.line - 1
        text = markdown_of(item.link)
        if item.problem:
            problems.append(Diagnostic(path, f"unresolved wikilink {text}: {item.problem}", "error", line))
        elif item.alternatives:
            chosen = item.page.path if item.page else item.asset
            others = ", ".join(item.alternatives)
            problems.append(Diagnostic(path, f"wikilink {text} could also mean {others}; "
                                       f"linked to {chosen}", "warning", line))
    return problems


def markdown_of(link: WikiLink) -> str:
    """The wikilink as it is written (for messages)."""
    inner = link.target + (f"#{link.heading}" if link.heading else "") + (
        f"|{link.label}" if link.label else "")
    return f"{'!' if link.embed else ''}[[{inner}]]"


def garden_files(docs_dir: Path) -> list[str]:
    """Docs-relative paths of the garden's files that are not Markdown (what `![[...]]` embeds)."""
    docs_dir = Path(docs_dir)
    return [p.relative_to(docs_dir).as_posix() for p in all_files(docs_dir)
            if p.suffix != ".md" and p.is_file()]


def garden_index(garden: Garden) -> WikiIndex:
    return WikiIndex(garden.articles, garden.concepts, garden_files(garden.docs_dir))


def check_wikilinks(garden: Garden) -> list[Diagnostic]:
    """`gardener check`: every wikilink of every article and concept note, with file and line."""
    index = garden_index(garden)
    problems = []
    pages: list[Article | Concept] = [*garden.articles, *garden.concepts]
    for page in pages:
        links = find_wikilinks(page.body)
        if links:
            resolved = [index.resolve(link, page.path) for link in links]
            problems += wikilink_diagnostics(page.path, resolved, getattr(page, "body_line", 1))
    return problems
