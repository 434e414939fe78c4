"""Related articles on the imported gold-miner garden: subjects group together, never self,
never an article's duplicate, and the words of an article are read once per content."""

from __future__ import annotations

from gardener.garden.cache import AnalysisCache
from gardener.garden.concepts.index import analyse_concepts
from gardener.garden.loading import load_garden
from gardener.garden.similarity import related_articles
from tests.connections.conftest import article_file


def groups(n):
    """The articles on GraphQL, and those on TC39."""
    return [{n.graphql, n.features, n.months}, {n.tc39, n.delegate, n.meetings, n.notes}]


def related(root, cache=None):
    garden = load_garden(root / "docs")
    index = analyse_concepts(garden)
    counts = {path: {c: n for c, (n, _) in found.items()} for path, found in index.per_article.items()}
    slugs = {a.path: a.slug for a in garden.articles}
    found = related_articles(garden.articles, counts, cache=cache, digests=garden.digests)
    return {slugs[p]: [slugs[r.path] for r in rows] for p, rows in found.items()}


def test_articles_on_one_subject_are_each_others_nearest(garden, n):
    found = related(garden)
    for group in groups(n):
        for slug in group:
            others = group - {slug}
            assert set(found[slug][:2]) <= others, (slug, found[slug])  # the nearest two
            assert others <= set(found[slug][:len(group)]), (slug, found[slug])  # all, near the top


def test_never_self_and_never_a_duplicate(garden, n):
    original = article_file(garden, n.graphql)
    copy = original.with_name("graphql-copy.md")
    copy.write_text(original.read_text(encoding="utf-8").replace(
        f"slug: {n.graphql}", f"slug: graphql-copy\nduplicate_of: {n.graphql}"), encoding="utf-8")
    found = related(garden)
    assert "graphql-copy" in found  # its page still gets a list, without its original
    assert n.graphql not in found["graphql-copy"]
    for slug, rows in found.items():
        assert slug not in rows
        assert "graphql-copy" not in rows  # duplicates are never offered
    assert set(found[n.months][:2]) == {n.graphql, n.features}


def test_ranking_is_cached_and_follows_edits(garden, n):
    cache = AnalysisCache()
    first = related(garden, cache)
    misses = cache.misses
    assert related(garden, cache) == first and cache.misses == misses
    path = article_file(garden, n.tc39)
    path.write_text(path.read_text(encoding="utf-8") + "\nGraphQL GraphQL schema resolver\n", encoding="utf-8")
    related(garden, cache)
    assert cache.misses == misses + 2  # the edited article's words, and the ranking
