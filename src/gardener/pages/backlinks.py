"""The pages that link to a page, listed at its end with the sentence around each link."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gardener.garden.backlinks import Citation
from gardener.pages.common import html_link, html_list, html_quote

ARTICLE_HEADING = "链接到本文"
CONCEPT_HEADING = "引用本页"
# A page half the garden links to would otherwise carry thousands of quotes.
SHOWN = 50


@dataclass(frozen=True)
class Backlink:
    path: str
    title: str
    context: tuple[str, str, str]  # the sentence around the link: before, its words, after


@dataclass(frozen=True)
class BacklinksInputs:
    page_path: str
    concept: bool  # a concept note's section has its own heading
    links: tuple[Backlink, ...]  # the first SHOWN, in garden order
    total: int
    directory_urls: bool = True  # how the site names pages, for the links written as HTML


def inputs(page_path: str, citations: Iterable[Citation], titles: Mapping[str, str], *,
           concept: bool = False, directory_urls: bool = True) -> BacklinksInputs:
    citations = tuple(citations)
    shown = tuple(Backlink(c.source, titles.get(c.source, c.source), c.context) for c in citations[:SHOWN])
    return BacklinksInputs(page_path, concept, shown, len(citations), directory_urls)


def emit(page: BacklinksInputs) -> str:
    """A Markdown section, or "" when nothing links here. The quotes repeat other pages' text,
    which search finds there already, so the section stays out of the search index."""
    if not page.links:
        return ""
    heading = CONCEPT_HEADING if page.concept else ARTICLE_HEADING
    lines = [f"## {heading} {{data-search-exclude}}", ""]
    if page.total > len(page.links):
        lines += [f"共 {page.total} 个页面链接到这里，以下是其中 {len(page.links)} 个。", ""]
    items = [html_link(link.title, page.page_path, link.path, page.directory_urls) + "<br>"
             + html_quote(link.context) for link in page.links]
    return "\n".join(lines) + "\n" + html_list("gd-backlinks", items, searched=False)
