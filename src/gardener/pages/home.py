"""The home page: what the garden holds and its latest articles.

A garden without docs/index.md gets a whole generated page. One with its own index.md can place
the same summary anywhere in it with the marker line `<!-- gardener:home -->`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from typing import TYPE_CHECKING

from gardener.pages.common import ArticleRef, article_line, newest_first, rel_link

if TYPE_CHECKING:
    from gardener.pages.view import GardenView

PATH = "index.md"
MARKER = "<!-- gardener:home -->"
LATEST = 10


@dataclass(frozen=True)
class HomeInputs:
    site_name: str
    listed: int
    unlisted: int  # duplicates and drafts
    concepts: int
    authors: int
    latest: tuple[ArticleRef, ...]  # newest first
    glossary: bool  # whether to point to the glossary and the timeline
    timeline: bool


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
    )


def emit(page: HomeInputs) -> str:
    title = html.escape(page.site_name, quote=False)
    head = ["---", "title: 首页", "hide:", "  - navigation", "---", "", f"# {title}", ""]
    return "\n".join(head) + emit_summary(page)


def emit_summary(page: HomeInputs, page_path: str = PATH) -> str:
    lines = [
        f"这里收录了 **{page.listed}** 篇关于大语言模型的文章"
        f"（另有 {page.unlisted} 篇重复或草稿未列出），"
        f"**{page.concepts}** 个概念，来自 **{page.authors}** 位署名作者。",
        "",
        "## 最新文章", "",
    ]
    pointers = []
    if page.glossary:
        pointers.append(f"[术语表]({rel_link(page_path, 'glossary.md')})按拼音列出全部概念")
    if page.timeline:
        pointers.append(f"[时间线]({rel_link(page_path, 'timeline.md')})按年月排列文章里的事件")
    if pointers:
        lines[1:1] = ["", "；".join(pointers) + "。"]
    lines += ([article_line(article, page_path) for article in page.latest]
              or ["还没有文章：用 `gardener import` 导入。"])
    return "\n".join(lines) + "\n"


def fill_marker(markdown: str, page: HomeInputs, page_path: str = PATH) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, emit_summary(page, page_path))
