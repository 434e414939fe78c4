"""The home page: what the garden holds and its latest articles."""

from __future__ import annotations

from gardener.garden.loading import Garden
from gardener.pages.common import article_line, newest_first

PATH = "index.md"
LATEST = 10


def emit_home(garden: Garden, site_name: str = "知识花园") -> str:
    listed = garden.listed
    authors = {name for article in listed for name in article.authors}
    hidden = len(garden.articles) - len(listed)
    lines = [
        "---", "title: 首页", "hide:", "  - navigation", "---", "",
        f"# {site_name}", "",
        f"这里收录了 **{len(listed)}** 篇关于大语言模型的文章"
        f"（另有 {hidden} 篇重复或草稿未列出），"
        f"**{len(garden.concepts)}** 个概念，来自 **{len(authors)}** 位署名作者。",
        "",
        "## 最新文章", "",
    ]
    lines += [article_line(article, PATH) for article in newest_first(listed)[:LATEST]]
    return "\n".join(lines) + "\n"
