"""What the garden adds around an article's own text: the header of facts and notices."""

from __future__ import annotations

import html
import re

from gardener.garden.concepts.index import ConceptIndex
from gardener.articles.model import Garden
from gardener.articles.model import Article
from gardener.pages.common import md_text, rel_link


def _item(label: str, value: str, css: str) -> str:
    return f'<span class="gd-meta__{css}"><span class="gd-meta__label">{label}</span>{value}</span>'


def header(article: Article) -> str:
    """An HTML block of title facts; all values escaped, they come from user files."""
    parts = []
    if article.authors:
        parts.append(_item("作者", html.escape("、".join(article.authors)), "authors"))
    if article.date:
        parts.append(_item("日期", f'<time datetime="{article.date.iso()}">{article.date.iso()}</time>',
                           "date"))
    if article.publisher:
        parts.append(_item("发布", html.escape(article.publisher), "publisher"))
    if article.source:
        href = html.escape(article.source, quote=True)
        parts.append(_item("来源", f'<a href="{href}" rel="nofollow noopener">原文链接</a>', "source"))
    parts.append(_item("阅读", f"约 {article.reading_minutes} 分钟", "reading"))
    return '<div class="gd-meta">\n' + "\n".join(parts) + "\n</div>\n"


def duplicate_notice(article: Article, garden: Garden) -> str:
    original = garden.article(article.duplicate_of or "")
    if original is None:
        return ""
    link = rel_link(article.path, original.path)
    title = html.escape(original.title)
    return (f'!!! note "重复文章"\n    本文与《[{title}]({link})》内容重复，'
            "已从导航和搜索中隐去，原文保留在此。\n\n")


def decorate(article: Article, garden: Garden, markdown: str) -> str:
    return header(article) + "\n" + duplicate_notice(article, garden) + markdown


_SPELLING = re.compile(r"[\s\-_.·–—]+")


def distinct_names(concept) -> list[str]:
    """The concept's other names, one per spelling: "Scaling Law", "scaling laws" and
    "scaling-law" are one name to a reader (and nearly so to search), and names already inside
    the title add nothing."""
    title = _SPELLING.sub("", concept.title.casefold())
    seen: set[str] = set()
    names = []
    for alias in concept.aliases:
        key = _spelling(alias)
        if key in seen or key in title:
            continue
        seen.add(key)
        names.append(alias)
    return names


def _spelling(name: str) -> str:
    key = _SPELLING.sub("", name.casefold())
    return key[:-1] if key.endswith("s") and len(key) > 3 else key


def concepts_footer(article: Article, garden: Garden, index: ConceptIndex) -> str:
    """"本文涉及的概念": each concept found, how often, and its other names (which search indexes,
    so the article is found under any name of a concept it discusses)."""
    counts = index.counts(article)
    if not counts:
        return ""
    known = {c.slug: c for c in garden.concepts}
    lines = ["", "## 本文涉及的概念", "", '<div class="gd-concepts" markdown>', ""]
    for slug, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        concept = known[slug]
        others = "、".join(md_text(a) for a in distinct_names(concept))
        names = f' <span class="gd-aliases">{others}</span>' if others else ""
        lines.append(f"- [{md_text(concept.title)}]({rel_link(article.path, concept.path)})"
                     f" × {count}{names}")
    lines += ["", "</div>", ""]
    return "\n".join(lines)
