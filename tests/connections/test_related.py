"""Related articles on the imported gold-miner garden: subjects group together, never self,
never an article's duplicate, and the words of an article are read once per content."""

from __future__ import annotations

from pathlib import Path

import pytest

from gardener.garden.cache import AnalysisCache
from gardener.garden.concepts.index import analyse_concepts
from gardener.garden.loading import load_garden
from gardener.garden.similarity import article_terms, related_articles
from tests.connections.conftest import article_file, wider_garden


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


@pytest.fixture(scope="module")
def wider(tmp_path_factory):
    """The nine articles and fifteen more from gold-miner (CSS, GPU computing, security), and
    two short notes of self-llm with the same words, imported into a `gardener new` garden,
    whose starter concepts include GPU."""
    root, garden, index = wider_garden(tmp_path_factory.mktemp("related-wider"))
    counts = {p: {c: n for c, (n, _) in found.items()} for p, found in index.per_article.items()}
    found = related_articles(garden.articles, counts)
    origin = {a.path: Path(str(a.origin)).stem if a.origin else a.slug for a in garden.articles}
    return garden, {origin[p]: [(origin[r.path], r.concepts) for r in rows] for p, rows in found.items()}


CSS = {"new-css-features-2021", "will-scss-be-replaced-by-css3", "tools-for-auditing-css"}
GPU = {"speed-up-your-angular-projects-by-10x-with-gpu-js", "numpy-on-gpu-tpu",
       "webgpu-computations-performance-in-comparison-to-webgl"}


def test_a_concept_both_mention_does_not_outweigh_their_words(wider):
    """An article on rendering with CSS mentions the GPU (compositing layers); articles on GPU
    computing mention it throughout. Its neighbours are the CSS articles, and GPU is named as
    what two articles share only where it is their subject."""
    _garden, found = wider
    rendering = found["improve-page-rendering-speed-using-only-css"]
    assert {slug for slug, _ in rendering[:3]} == CSS, rendering
    assert not GPU & {slug for slug, _ in rendering}, rendering
    for slug in CSS:
        assert not GPU & {other for other, _ in found[slug]}, (slug, found[slug])
        assert all("gpu" not in concepts for _, concepts in found[slug]), (slug, found[slug])
    numpy = found["numpy-on-gpu-tpu"]
    assert numpy[0] == ("speed-up-your-angular-projects-by-10x-with-gpu-js", ("gpu",)), numpy


def test_the_same_short_text_twice_is_not_related(wider):
    """Two short notes of one tutorial series, the same words (too short for the duplicate
    finder): neither is offered as related to the other."""
    garden, _found = wider
    notes = [a for a in garden.articles if a.title.startswith("存储本项目相关代码文件")]
    assert len(notes) == 2 and not any(a.duplicate_of for a in notes)
    found = related_articles(garden.articles, {})
    for note in notes:
        assert all(r.path not in {n.path for n in notes} for r in found[note.path]), found[note.path]


def test_a_chinese_compound_is_one_term_not_its_fragments(wider):
    """jieba's reading of the text: 开发人员 is one word, not also 开发, 发人 and 人员, so one
    generic compound does not count three times and its fragments match nothing."""
    garden, _found = wider
    article = next(a for a in garden.articles
                   if a.origin and Path(a.origin).stem == "react-vs-vue-in-2021-best-javascript-framework")
    terms = article_terms(article)
    assert terms["开发人员"] >= 10
    assert "发人" not in terms and "人员" not in terms
