"""An article page: its own text with concept links, a header of facts and notices above it,
and the concepts it discusses below."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from gardener.articles.model import Article, Concept
from gardener.pages.common import (
    ArticleRef,
    ConceptRef,
    html_link,
    html_list,
    md_text,
    packed_html,
    rel_link,
)
from gardener.pages.connections import Around
from gardener.pages.links import Linker

if TYPE_CHECKING:
    from gardener.pages.view import GardenView


@dataclass(frozen=True)  # not a NamedTuple: its `count` would hide tuple.count
class Discussed:
    """A concept the article mentions: how often, and its other names."""

    concept: ConceptRef
    count: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class ArticleInputs:
    article: Article
    markdown: str  # the article's text, as the builder read it
    linker: Linker
    header: bool  # whether to add the header of facts and notices
    original: ArticleRef | None  # the article this one repeats (with a header only)
    concepts: tuple[Discussed, ...]  # most mentioned first
    around: Around  # where it sits in the garden: wikilinks, related articles, backlinks, graph
    directory_urls: bool  # how the site names pages, for the links written as HTML


def inputs(view: GardenView, article: Article, markdown: str) -> ArticleInputs:
    header = view.options.article_header
    original = view.garden.article(article.duplicate_of) if article.duplicate_of else None
    known = view.concepts
    found = view.index.per_article.get(article.path, {})  # concept -> (count, snippet)
    counts = sorted(((slug, count) for slug, (count, _) in found.items()),
                    key=lambda kv: (-kv[1], kv[0]))
    return ArticleInputs(
        article, markdown, view.linker, header,
        original=view.article_refs[original.path] if original and header else None,
        concepts=tuple(Discussed(view.concept_refs[slug], count, distinct_names(known[slug]))
                       for slug, count in counts),
        around=Around.of(view, article.path),
        directory_urls=view.options.use_directory_urls,
    )


def emit(page: ArticleInputs) -> str:
    own = page.around.before(page.article.path, page.markdown)
    linked = page.linker.link(page.article.path, own)
    if page.header:
        linked = header(page.article) + "\n" + duplicate_notice(page) + linked
    return linked + concepts_footer(page) + page.around.after()


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
    return packed_html('<div class="gd-meta">\n' + "\n".join(parts) + "\n</div>\n")


def duplicate_notice(page: ArticleInputs) -> str:
    original = page.original
    if original is None:
        return ""
    link = rel_link(page.article.path, original.path)
    title = md_text(original.title)
    return (f'!!! note "重复文章"\n    本文与《[{title}]({link})》内容重复，'
            "已从导航和搜索中隐去，原文保留在此。\n\n")


_SPELLING = re.compile(r"[\s\-_.·–—]+")


def distinct_names(concept: Concept) -> tuple[str, ...]:
    """The concept's other names, one per spelling: "Scaling Law", "scaling laws" and
    "scaling-law" are one name to a reader (and nearly so to search), and names already inside
    the title add nothing."""
    return _distinct_names(concept.title, concept.aliases)


@lru_cache(maxsize=4096)  # asked once per article that mentions the concept
def _distinct_names(title: str, aliases: tuple[str, ...]) -> tuple[str, ...]:
    title = _SPELLING.sub("", title.casefold())
    seen: set[str] = set()
    names = []
    for alias in aliases:
        key = _spelling(alias)
        if key in seen or key in title:
            continue
        seen.add(key)
        names.append(alias)
    return tuple(names)


def _spelling(name: str) -> str:
    key = _SPELLING.sub("", name.casefold())
    return key[:-1] if key.endswith("s") and len(key) > 3 else key


def concepts_footer(page: ArticleInputs) -> str:
    """"本文涉及的概念": each concept found, how often, and its other names (which search indexes,
    so the article is found under any name of a concept it discusses)."""
    if not page.concepts:
        return ""
    items = []
    for row in page.concepts:
        link = html_link(row.concept.title, page.article.path, row.concept.path, page.directory_urls)
        others = html.escape("、".join(row.names))
        items.append(f"{link} × {row.count}" + (f' <span class="gd-aliases">{others}</span>'
                                               if others else ""))
    return "\n## 本文涉及的概念\n\n" + html_list("gd-concepts", items) + "\n"
