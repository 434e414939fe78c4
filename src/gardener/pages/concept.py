"""A concept page: the note itself, linked, then its names, related concepts, the articles that
mention it and its events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gardener.articles.model import Concept
from gardener.garden.concepts.index import related_concepts
from gardener.pages import timeline
from gardener.pages.common import (
    ArticleRef,
    ConceptRef,
    article_date,
    html_link,
    html_list,
    html_quote,
    md_text,
    rel_link,
)
from gardener.pages.connections import Around
from gardener.pages.links import Linker

if TYPE_CHECKING:
    from gardener.pages.view import GardenView

# The snippets repeat the articles' own sentences, which search already finds in the articles.
BACKLINKS_HEADING = "## 提到它的文章 {data-search-exclude}"
# A concept that most articles mention would otherwise list thousands of them on one page.
BACKLINKS_SHOWN = 100
# The newest this many come with the sentence that mentions the concept; older ones are listed
# by date and title. Quotes were most of what a concept page rendered (and searched past), and a
# reader meets the concept's use in a few of them.
QUOTED = 20


@dataclass(frozen=True)  # not a NamedTuple: its `count` would hide tuple.count
class Citation:
    """One article that mentions the concept: how often, and the sentence of the first time."""

    article: ArticleRef
    count: int
    # text before the first mention, the mention, text after; None where the page shows none
    snippet: tuple[str, str, str] | None


@dataclass(frozen=True)
class ConceptInputs:
    concept: Concept
    markdown: str  # the note's own text, as the builder read it
    linker: Linker
    related: tuple[tuple[ConceptRef, str], ...]  # (concept, why: "declared" or the reason shown)
    citations: tuple[Citation, ...]  # the newest BACKLINKS_SHOWN
    cited_by: int  # how many listed articles mention it in all
    timeline: timeline.TimelineInputs | None  # None when the site has no timeline
    around: Around  # its wikilinks, the pages linking to it, its own graph
    directory_urls: bool  # how the site names pages, for the links written as HTML


def inputs(view: GardenView, concept: Concept, markdown: str) -> ConceptInputs:
    known = view.concepts
    related = related_concepts(concept.slug, concept.related, view.index, set(known))
    links = view.index.backlinks.get(concept.slug, ())
    return ConceptInputs(
        concept, markdown, view.linker,
        related=tuple((view.concept_refs[slug], why) for slug, why in related),
        citations=tuple(Citation(view.article_refs[b.article.path], b.count,
                                 b.snippet if number < QUOTED else None)
                        for number, b in enumerate(links[:BACKLINKS_SHOWN])),
        cited_by=len(links),
        timeline=timeline.inputs(view, concept.slug) if view.options.timeline else None,
        around=Around.of(view, concept.path, concept=True),
        directory_urls=view.options.use_directory_urls,
    )


def emit(page: ConceptInputs) -> str:
    concept = page.concept
    own = page.around.before(concept.path, page.markdown)
    linked = page.linker.link(concept.path, own, exclude=(concept.slug,))
    parts = [linked, emit_sections(page)]
    if page.timeline is not None:
        parts.append(timeline.emit_section(page.timeline, concept.path))
    parts.append(page.around.after())
    return "\n\n".join(p for p in parts if p)


def emit_sections(page: ConceptInputs) -> str:
    sections = [_aliases(page.concept), _related(page), _articles(page)]
    return "\n\n".join(s for s in sections if s) + "\n"


def _aliases(concept: Concept) -> str:
    return "## 别名\n\n" + " · ".join(md_text(a) for a in concept.aliases)


def _related(page: ConceptInputs) -> str:
    if not page.related:
        return ""
    lines = ["## 相关概念", ""]
    for other, why in page.related:
        note = "" if why == "declared" else f" · {why}"
        lines.append(f"- [{md_text(other.title)}]({rel_link(page.concept.path, other.path)}){note}")
    return "\n".join(lines)


def _articles(page: ConceptInputs) -> str:
    if not page.citations:
        return f"{BACKLINKS_HEADING}\n\n还没有文章提到这个概念。"
    lines = [BACKLINKS_HEADING, ""]
    if page.cited_by > BACKLINKS_SHOWN:
        lines += [f"共 {page.cited_by} 篇，以下是最新的 {BACKLINKS_SHOWN} 篇，其余的可以用搜索找到。", ""]
    items = []
    for cited in page.citations:
        link = html_link(cited.article.title, page.concept.path, cited.article.path,
                         page.directory_urls)
        item = f"{article_date(cited.article)} · {link}（{cited.count} 次）"
        items.append(item + "<br>" + html_quote(cited.snippet) if cited.snippet else item)
    return "\n".join(lines) + "\n" + html_list("gd-citations", items, searched=False)
