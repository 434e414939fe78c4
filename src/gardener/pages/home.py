"""The home page: what the garden holds and its latest articles.

A garden without docs/index.md gets a whole generated page. One with its own index.md can place
the same summary anywhere in it with the marker line `<!-- gardener:home -->`.
"""

from __future__ import annotations

import html

from gardener.articles.model import Garden
from gardener.pages.common import article_line, newest_first, rel_link

PATH = "index.md"
MARKER = "<!-- gardener:home -->"
LATEST = 10


def emit_summary(garden: Garden, page_path: str = PATH, *, glossary: bool = True,
                 timeline: bool = True) -> str:
    listed = garden.listed
    authors = {name for article in listed for name in article.authors}
    hidden = len(garden.articles) - len(listed)
    lines = [
        f"这里收录了 **{len(listed)}** 篇关于大语言模型的文章"
        f"（另有 {hidden} 篇重复或草稿未列出），"
        f"**{len(garden.concepts)}** 个概念，来自 **{len(authors)}** 位署名作者。",
        "",
        "## 最新文章", "",
    ]
    pointers = []
    if glossary:
        pointers.append(f"[术语表]({rel_link(page_path, 'glossary.md')})按拼音列出全部概念")
    if timeline:
        pointers.append(f"[时间线]({rel_link(page_path, 'timeline.md')})按年月排列文章里的事件")
    if pointers:
        lines[1:1] = ["", "；".join(pointers) + "。"]
    latest = newest_first(listed)[:LATEST]
    lines += ([article_line(article, page_path) for article in latest]
              or ["还没有文章：用 `gardener import` 导入。"])
    return "\n".join(lines) + "\n"


def emit_home(garden: Garden, site_name: str = "知识花园", **links: bool) -> str:
    title = html.escape(site_name, quote=False)
    head = ["---", "title: 首页", "hide:", "  - navigation", "---", "", f"# {title}", ""]
    return "\n".join(head) + emit_summary(garden, **links)


def fill_marker(markdown: str, garden: Garden, page_path: str = PATH, **links: bool) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, emit_summary(garden, page_path, **links))
