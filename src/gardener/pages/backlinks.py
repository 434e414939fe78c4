"""The pages that link to a page, listed at its end with the sentence around each link."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gardener.garden.backlinks import Citation
from gardener.pages.common import md_text, rel_link

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


def inputs(page_path: str, citations: Iterable[Citation], titles: Mapping[str, str], *,
           concept: bool = False) -> BacklinksInputs:
    citations = tuple(citations)
    shown = tuple(Backlink(c.source, titles.get(c.source, c.source), c.context) for c in citations[:SHOWN])
    return BacklinksInputs(page_path, concept, shown, len(citations))


def emit(page: BacklinksInputs) -> str:
    """A Markdown section, or "" when nothing links here. The quotes repeat other pages' text,
    which search finds there already, so the section stays out of the search index."""
    if not page.links:
        return ""
    heading = CONCEPT_HEADING if page.concept else ARTICLE_HEADING
    lines = [f"## {heading} {{data-search-exclude}}", "", '<div class="gd-backlinks" markdown>', ""]
    if page.total > len(page.links):
        lines += [f"共 {page.total} 个页面链接到这里，以下是其中 {len(page.links)} 个。", ""]
    for link in page.links:
        before, words, after = link.context
        quote = f"{md_text(before)}**{md_text(words)}**{md_text(after)}"
        lines.append(f"- [{md_text(link.title)}]({rel_link(page.page_path, link.path)})"
                     f"<br><small>{quote}</small>")
    lines += ["", "</div>", ""]
    return "\n".join(lines)
