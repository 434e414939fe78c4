"""The garden as a graph: one JSON file of pages and links, a page that draws all of it, and a
small graph of its neighbours on every article and concept page.

Pages never carry the graph themselves: the script fetches the one data file when a graph is
shown, so a 10,000-article garden does not repeat it in 10,000 pages.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Callable, Iterable, Mapping

from gardener.articles.model import Article, Concept
from gardener.pages.common import packed_html

PATH = "graph.md"
DATA = "assets/gardener/graph.json"
SCRIPT = "assets/gardener/graph.js"
LIBRARY = "assets/gardener/force-graph.min.js"
TITLE = "关系图"
ARTICLE, CONCEPT = "a", "c"
# Each article is drawn joined to this many of its related articles.
RELATED_EDGES = 3
_KEY = ('<span class="gd-graph__key gd-graph__key--article">文章</span>'
        '<span class="gd-graph__key gd-graph__key--concept">概念</span>')


def graph_data(articles: Iterable[Article], concepts: Iterable[Concept],
               outgoing: Mapping[str, Iterable[str]], mentions: Mapping[str, Iterable[str]],
               url_of: Callable[[str], str], related: Mapping[str, Iterable[str]] | None = None) -> dict:
    """{"nodes": [{id, t(itle), k(ind), g (tags)}], "links": [[a, b], ...], "related": [...]}.

    Nodes are listed articles and concepts. Links are Markdown links and wikilinks between them,
    the concepts each article mentions, and the related concepts each note declares; "related"
    pairs join articles alike in content that no link joins, so a garden with few links still
    shows its subjects. Pairs are indices into the node list, each pair once."""
    nodes: list[dict] = []
    index: dict[str, int] = {}
    for article in articles:
        if article.listed:
            index[article.path] = len(nodes)
            node: dict[str, object] = {"id": url_of(article.path), "t": article.title, "k": ARTICLE}
            if article.tags:
                node["g"] = list(article.tags)
            nodes.append(node)
    by_slug: dict[str, str] = {}
    concepts = tuple(concepts)
    for concept in concepts:
        index[concept.path] = len(nodes)
        by_slug[concept.slug] = concept.path
        nodes.append({"id": url_of(concept.path), "t": concept.title, "k": CONCEPT})
    pairs: set[tuple[int, int]] = set()

    def join(a: str | None, b: str | None) -> None:
        if a in index and b in index and a != b:
            i, j = index[a], index[b]
            pairs.add((min(i, j), max(i, j)))

    for source, targets in outgoing.items():
        for target in targets:
            join(source, target)
    for source, slugs in mentions.items():
        for slug in slugs:
            join(source, by_slug.get(slug))
    for concept in concepts:
        for slug in concept.related:
            join(concept.path, by_slug.get(slug))
    linked = set(pairs)
    for source, targets in (related or {}).items():
        for target in targets:
            join(source, target)
    return {"nodes": nodes, "links": sorted(linked), "related": sorted(pairs - linked)}


def graph_json(data: dict) -> str:
    """The data file, with a version ("v") that changes with its content (browsers keep a
    layout per version). Compact separators: the file is fetched whole by every graph view."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    version = hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()
    return '{"v":"' + version + '",' + text[1:]


def emit_graph_page(site_name: str) -> str:
    """The global graph: a search box, a filter by tag or concept, and the canvas."""
    return "\n".join([
        "---", f"title: {TITLE}", "hide:", "  - toc", "search:", "  exclude: true", "---", "",
        f"# {TITLE}", "",
        f"{html.escape(site_name, quote=False)}的全部文章与概念：点越大，连接越多；"
        "点击打开页面，滚轮缩放，拖动平移。", "",
        '<div class="gd-graph gd-graph--global" data-gd-graph="global">',
        '<div class="gd-graph__controls">',
        '<input type="search" class="gd-graph__search" placeholder="查找页面…" aria-label="查找页面">',
        '<select class="gd-graph__filter" aria-label="按标签或概念筛选">'
        '<option value="">全部页面</option></select>',
        _KEY,
        '<span class="gd-graph__status" aria-live="polite"></span>',
        "</div>",
        '<div class="gd-graph__canvas"></div>',
        "<noscript>关系图需要 JavaScript。</noscript>",
        "</div>", "",
    ])


def local_graph(url: str) -> str:
    """The neighbourhood of one page (its URL in the data file), drawn when scrolled into view."""
    return "\n".join(["", "## 本页关系图 {data-search-exclude}", "", packed_html("\n".join([
        f'<div class="gd-graph gd-graph--local" data-gd-graph="local" data-gd-node="{html.escape(url)}">',
        '<div class="gd-graph__controls">',
        '<label><input type="radio" name="gd-depth" value="1" checked> 直接相连</label>',
        '<label><input type="radio" name="gd-depth" value="2"> 两步之内</label>',
        _KEY,
        '<span class="gd-graph__status" aria-live="polite"></span>',
        "</div>",
        '<div class="gd-graph__canvas"></div>',
        "</div>", "",
    ]), searched=False)])
