"""The graph's one data file and the previews' one data file, from the repo's garden."""

from __future__ import annotations

import json

from gardener.garden.concepts.index import analyse_concepts
from gardener.garden.loading import load_garden
from gardener.pages.graph import graph_data, graph_json
from gardener.pages.previews import opening, preview_data
from gardener.pages.urls import page_url
from tests.conftest import ROOT

GARDEN = load_garden(ROOT / "docs")
INDEX = analyse_concepts(GARDEN)
MENTIONS = {path: list(found) for path, found in INDEX.per_article.items()}


def test_nodes_are_listed_articles_and_concepts_and_links_are_unique_pairs():
    data = json.loads(graph_json(graph_data(GARDEN.articles, GARDEN.concepts, {}, MENTIONS, page_url)))
    ids = [n["id"] for n in data["nodes"]]
    assert len(ids) == len(set(ids)) == len(GARDEN.listed) + len(GARDEN.concepts)
    assert all(not a.listed for a in GARDEN.articles if page_url(a.path) not in ids)
    pairs = [tuple(p) for p in data["links"]]
    assert len(pairs) == len(set(pairs)) and all(a < b for a, b in pairs)
    kinds = {n["id"]: n["k"] for n in data["nodes"]}
    # every mention of a concept by a listed article is one article-concept link
    article = next(a for a in GARDEN.listed if MENTIONS.get(a.path))
    i = ids.index(page_url(article.path))
    neighbours = {ids[b if a == i else a] for a, b in pairs if i in (a, b)}
    assert {page_url(f"concepts/{slug}.md") for slug in MENTIONS[article.path]} == neighbours
    assert all(kinds[n] == "c" for n in neighbours)


def test_declared_related_concepts_are_linked():
    data = graph_data(GARDEN.articles, GARDEN.concepts, {}, {}, page_url)
    ids = [n["id"] for n in data["nodes"]]
    concept = next(c for c in GARDEN.concepts if c.related)
    pairs = {tuple(sorted((ids.index(page_url(concept.path)), ids.index(page_url(f"concepts/{r}.md")))))
             for r in concept.related if any(c.slug == r for c in GARDEN.concepts)}
    assert pairs and pairs <= {tuple(p) for p in data["links"]}


def test_previews_keyed_by_url_with_dates_and_summaries():
    data = preview_data(GARDEN.articles, GARDEN.concepts, page_url)
    for article in GARDEN.listed:
        entry = data[page_url(article.path)]
        assert entry["t"] == article.title and entry.get("d") == (article.date and article.date.iso())
        assert entry["s"] == (article.summary or opening(article.body))
    assert all(page_url(a.path) not in data for a in GARDEN.articles if not a.listed)
    assert data["concepts/scaling-law/"]["k"] == "c"


def test_opening_words_are_plain_text():
    text = "# 标题\n\n**粗体**与`代码`，[链接](x.md)和<b>标签</b>。" + "长" * 300
    words = opening(text)
    assert words.startswith("粗体与，链接和标签。") and words.endswith("…") and len(words) <= 121
