"""Related articles on the imported gold-miner garden: subjects group together, never self,
never an article's duplicate, and the words of an article are read once per content."""

from __future__ import annotations

from gardener.garden.cache import AnalysisCache
from gardener.garden.concepts.index import analyse_concepts
from gardener.garden.loading import load_garden
from gardener.garden.similarity import related_articles
from tests.connections.conftest import article_file

GRAPHQL = {"6-months-of-using-graphql", "loving-graphql-more-than-rest",
           "some-arbitrary-number-of-lesser-known-graphql-features"}
TC39 = {"becoming-a-tc39-delegate", "how-to-participate-in-meetings", "how-to-take-notes", "tc39-and-ip"}


def related(root, cache=None):
    garden = load_garden(root / "docs")
    index = analyse_concepts(garden)
    counts = {path: {c: n for c, (n, _) in found.items()} for path, found in index.per_article.items()}
    slugs = {a.path: a.slug for a in garden.articles}
    found = related_articles(garden.articles, counts, cache=cache, digests=garden.digests)
    return {slugs[p]: [slugs[r.path] for r in rows] for p, rows in found.items()}


def test_articles_on_one_subject_are_each_others_nearest(garden):
    found = related(garden)
    for group in (GRAPHQL, TC39):
        for slug in group:
            assert found[slug], slug
            assert set(found[slug][:len(group) - 1]) == group - {slug}, (slug, found[slug])


def test_never_self_and_never_a_duplicate(garden):
    original = article_file(garden, "loving-graphql-more-than-rest")
    copy = original.with_name("loving-graphql-copy.md")
    copy.write_text(original.read_text(encoding="utf-8").replace(
        "slug: loving-graphql-more-than-rest", "slug: loving-graphql-copy\nduplicate_of: loving-graphql-more-than-rest"),
        encoding="utf-8")
    found = related(garden)
    assert "loving-graphql-copy" in found  # its page still gets a list, without its original
    assert "loving-graphql-more-than-rest" not in found["loving-graphql-copy"]
    for slug, rows in found.items():
        assert slug not in rows
        assert "loving-graphql-copy" not in rows  # duplicates are never offered
    assert set(found["6-months-of-using-graphql"][:2]) == GRAPHQL - {"6-months-of-using-graphql"}


def test_ranking_is_cached_and_follows_edits(garden):
    cache = AnalysisCache()
    first = related(garden, cache)
    misses = cache.misses
    assert related(garden, cache) == first and cache.misses == misses
    path = article_file(garden, "tc39-and-ip")
    path.write_text(path.read_text(encoding="utf-8") + "\nGraphQL GraphQL schema resolver\n", encoding="utf-8")
    related(garden, cache)
    assert cache.misses == misses + 2  # the edited article's words, and the ranking
