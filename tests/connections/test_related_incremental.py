"""A ranking redone from the one before after an edit equals a ranking made from nothing.

The garden is the wider related-articles garden (gold-miner and self-llm articles imported by
`gardener import`); random sequences of edits change article texts (paragraphs of other
articles added, paragraphs dropped, titles, tags), the concepts an article mentions, drafts and
duplicates. After each edit both rankings are compared whole: the related lists, and the term
counts and kept weights the next edit will start from.
"""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from gardener.garden.cache import AnalysisCache
from gardener.garden.loading import load_garden
from gardener.garden.similarity import RELATED_COUNT, TermVector, article_terms, rank, related_articles
from tests.connections.conftest import wider_garden


@pytest.fixture(scope="module")
def garden(tmp_path_factory):
    root, garden, index = wider_garden(tmp_path_factory.mktemp("related-incremental"))
    counts = {p: tuple(sorted((c, n) for c, (n, _) in found.items()))
              for p, found in index.per_article.items()}
    return root, list(garden.articles), [counts.get(a.path, ()) for a in garden.articles]


def paragraphs(article) -> list[str]:
    return [p for p in article.body.split("\n\n") if p.strip()]


def edit(rng: random.Random, articles: list, concepts: list) -> tuple[int, str]:
    row = rng.randrange(len(articles))
    article = articles[row]
    kind = rng.choice(["add", "add", "drop", "title", "tags", "concepts", "draft", "duplicate",
                       "word"])
    if kind == "add":  # words other articles hold: their counts change for every row
        donor = rng.choice(articles)
        body = article.body + "\n\n" + "\n\n".join(rng.sample(paragraphs(donor), min(
            2, len(paragraphs(donor)))))
        articles[row] = dataclasses.replace(article, body=body)
    elif kind == "drop" and len(paragraphs(article)) > 1:
        kept = paragraphs(article)
        del kept[rng.randrange(len(kept))]
        articles[row] = dataclasses.replace(article, body="\n\n".join(kept))
    elif kind == "title":
        articles[row] = dataclasses.replace(article, title=rng.choice(articles).title)
    elif kind == "tags":
        articles[row] = dataclasses.replace(article, tags=tuple(rng.sample(
            ["javascript", "css", "gpu", "安全", "性能"], rng.randint(0, 3))))
    elif kind == "concepts":
        concepts[row] = rng.choice(concepts)
    elif kind == "draft":
        articles[row] = dataclasses.replace(article, draft=not article.draft)
    elif kind == "duplicate":
        original = rng.choice(articles).slug
        articles[row] = dataclasses.replace(
            article, duplicate_of=None if article.duplicate_of or original == article.slug
            else original)
    else:  # a word no other article has: nothing but this row's own text changes
        articles[row] = dataclasses.replace(article, body=article.body + f" unique{rng.random()}")
    return row, f"{kind} of {article.path}"


def vector(article) -> TermVector:
    return TermVector.of(article_terms(article))


def assert_same(redone, fresh, step: str) -> None:
    assert redone.related == fresh.related, f"after {step}: related lists differ"
    assert np.array_equal(redone.vocabulary, fresh.vocabulary), step
    assert np.array_equal(redone.documents, fresh.documents), step
    for mine, theirs in zip(redone.kept, fresh.kept, strict=True):
        assert np.array_equal(mine[0], theirs[0]) and np.array_equal(mine[1], theirs[1]), step


@pytest.mark.parametrize("seed", [3, 11])
def test_a_ranking_redone_after_edits_equals_a_fresh_one(garden, seed):
    _root, articles, concepts = garden
    articles, concepts = list(articles), list(concepts)
    rng = random.Random(seed)
    vectors = [vector(a) for a in articles]
    before = rank(articles, vectors, concepts, RELATED_COUNT)
    for _ in range(25):
        row, step = edit(rng, articles, concepts)
        vectors[row] = vector(articles[row])  # a new object, equal when only concepts changed
        redone = rank(articles, vectors, concepts, RELATED_COUNT, before)
        assert_same(redone, rank(articles, vectors, concepts, RELATED_COUNT), step)
        before = redone


def test_serving_ranks_from_the_build_before(garden):
    """related_articles with one cache (as `mkdocs serve` keeps it) after an edit gives the
    ranking a new cache gives."""
    root, _articles, _concepts = garden
    cache = AnalysisCache()
    loaded = load_garden(root / "docs")
    related_articles(loaded.articles, {}, cache=cache, digests=loaded.digests)
    article = sorted((root / "docs" / "articles").glob("*.md"))[3]
    original = article.read_text(encoding="utf-8")
    try:
        donor = sorted((root / "docs" / "articles").glob("*.md"))[5].read_text(encoding="utf-8")
        article.write_text(original + "\n\n" + donor.split("---", 2)[2], encoding="utf-8")
        edited = load_garden(root / "docs")
        served = related_articles(edited.articles, {}, cache=cache, digests=edited.digests)
        assert served == related_articles(edited.articles, {}, digests=edited.digests)
    finally:
        article.write_text(original, encoding="utf-8")
