"""The home page: what the garden holds, its newest and recently updated articles, and the
concepts most connected to the rest.

A garden without docs/index.md gets a whole generated page. One with its own index.md can place
the same summary anywhere in it with the marker line `<!-- gardener:home -->`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gardener.pages.common import ArticleRef, ConceptRef, article_line, md_text, newest_first, rel_link
from gardener.text.dates import PartialDate

if TYPE_CHECKING:
    from gardener.pages.view import GardenView

PATH = "index.md"
MARKER = "<!-- gardener:home -->"
LATEST = 10
UPDATED = 5
CONNECTED = 10


@dataclass(frozen=True)
class HomeInputs:
    site_name: str
    listed: int
    unlisted: int  # duplicates and drafts
    concepts: int
    authors: int
    latest: tuple[ArticleRef, ...]  # newest first
    glossary: bool  # whether to point to the glossary, the timeline and the graph
    timeline: bool
    graph: bool = False
    links: int = 0  # links between listed pages: Markdown links and wikilinks
    tags: int = 0
    updated: tuple[tuple[ArticleRef, PartialDate], ...] = ()  # most recently updated first
    connected: tuple[tuple[ConceptRef, int, int], ...] = ()  # (concept, articles, pages linking)


def inputs(view: GardenView) -> HomeInputs:
    garden, options = view.garden, view.options
    listed = garden.listed
    return HomeInputs(
        site_name=options.site_name,
        listed=len(listed),
        unlisted=len(garden.articles) - len(listed),
        concepts=len(garden.concepts),
        authors=len({name for article in listed for name in article.authors}),
        latest=tuple(ArticleRef.of(a) for a in newest_first(listed)[:LATEST]),
        glossary=options.glossary,
        timeline=options.timeline,
        graph=options.graph,
        links=_links(view),
        tags=len({tag for article in listed for tag in article.tags}),
        updated=_updated(view, listed),
        connected=_connected(view),
    )


def _links(view: GardenView) -> int:
    if view.connections is None:
        return 0
    counted = {a.path for a in view.garden.listed} | {c.path for c in view.garden.concepts}
    return sum(len(targets) for path, targets in view.connections.links.outgoing.items()
               if path in counted)


def _updated(view: GardenView, listed) -> tuple[tuple[ArticleRef, PartialDate], ...]:
    """Articles whose `updated` is later than their `date`, most recent first."""
    changed = [a for a in listed if a.updated and a.updated.year and (
        a.date is None or a.updated.sort_key() > a.date.sort_key())]
    changed.sort(key=lambda a: (a.updated.sort_key(), a.slug), reverse=True)
    return tuple((view.article_refs[a.path], a.updated) for a in changed[:UPDATED])


def _connected(view: GardenView) -> tuple[tuple[ConceptRef, int, int], ...]:
    """The concepts most articles mention or most pages link to."""
    rows = []
    for concept in view.garden.concepts:
        mentioned = len(view.index.backlinks.get(concept.slug, ()))
        linked = len(view.connections.citations(concept.path)) if view.connections else 0
        if mentioned or linked:
            rows.append((view.concept_refs[concept.slug], mentioned, linked))
    rows.sort(key=lambda row: (-(row[1] + row[2]), row[0].slug))
    return tuple(rows[:CONNECTED])


def emit(page: HomeInputs) -> str:
    title = md_text(page.site_name)
    head = ["---", "title: 首页", "hide:", "  - navigation", "---", "", f"# {title}", ""]
    return "\n".join(head) + emit_summary(page)


def emit_summary(page: HomeInputs, page_path: str = PATH) -> str:
    lines = [
        f"这里收录了 **{page.listed}** 篇关于大语言模型的文章"
        f"（另有 {page.unlisted} 篇重复或草稿未列出），"
        f"**{page.concepts}** 个概念，来自 **{page.authors}** 位署名作者"
        + (f"；页面之间有 **{page.links}** 条链接" if page.links else "")
        + (f"，文章共用 **{page.tags}** 个标签" if page.tags else "") + "。",
        "",
        "## 最新文章", "",
    ]
    pointers = []
    if page.glossary:
        pointers.append(f"[术语表]({rel_link(page_path, 'glossary.md')})按拼音列出全部概念")
    if page.timeline:
        pointers.append(f"[时间线]({rel_link(page_path, 'timeline.md')})按年月排列文章里的事件")
    if page.graph:
        pointers.append(f"[关系图]({rel_link(page_path, 'graph.md')})把文章和概念画成一张网")
    if pointers:
        lines[1:1] = ["", "；".join(pointers) + "。"]
    lines += ([article_line(article, page_path) for article in page.latest]
              or ["还没有文章：用 `gardener import` 导入。"])
    lines += _updated_section(page, page_path) + _connected_section(page, page_path)
    return "\n".join(lines) + "\n"


def _updated_section(page: HomeInputs, page_path: str) -> list[str]:
    if not page.updated:
        return []
    return ["", "## 最近更新", ""] + [
        f"- {updated.iso()} 更新 · [{md_text(article.title)}]({rel_link(page_path, article.path)})"
        for article, updated in page.updated]


def _connected_section(page: HomeInputs, page_path: str) -> list[str]:
    if not page.connected:
        return []
    lines = ["", "## 连接最多的概念", ""]
    for concept, mentioned, linked in page.connected:
        facts = [f"{mentioned} 篇文章提到"] if mentioned else []
        facts += [f"{linked} 个页面链接"] if linked else []
        link = f"[{md_text(concept.title)}]({rel_link(page_path, concept.path)})"
        lines.append(f"- {link} · {'，'.join(facts)}")
    return lines


def fill_marker(markdown: str, page: HomeInputs, page_path: str = PATH) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, emit_summary(page, page_path))
