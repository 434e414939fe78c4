"""The mentions the analysis places are the ones linking uses: kept under the text's hash, equal
to a fresh reading, and a page the analysis has read is linked without reading it again."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from gardener.garden.cache import AnalysisCache
from gardener.garden.concepts import matcher as matcher_module
from gardener.garden.concepts import sense
from gardener.garden.concepts.index import Placed, analyse_concepts, placed_mentions
from gardener.garden.concepts.matcher import find_mentions
from gardener.garden.loading import load_garden
from gardener.options import Options
from gardener.pages.site import GardenSite
from gardener.text.cjk import has_cjk
from tests.conftest import ROOT

OPTIONS = Options(timeline_file=str(ROOT / "timeline.yml"))
CORPORA = ROOT / "tests" / "fixtures" / "corpora"


def texts() -> list[Path]:
    """Real articles: the repository's garden and the corpus files kept as fixtures."""
    return sorted((ROOT / "docs" / "articles").glob("*.md")) + sorted(CORPORA.rglob("*.md"))


@pytest.fixture(scope="module")
def index():
    return analyse_concepts(load_garden(ROOT / "docs"))


@pytest.mark.parametrize("path", texts(), ids=lambda p: p.name)
def test_placed_mentions_are_the_mentions_found(path, index):
    text = path.read_text(encoding="utf-8")
    for headings in (True, False):
        found = [(m.concept, m.start, m.end)
                 for m in find_mentions(text, index.matcher, headings=headings)]
        placed = placed_mentions(text, index.matcher, index.signature, headings, AnalysisCache())
        assert [tuple(spot) for spot in placed] == found
        assert len(placed) == len(found)


def test_placed_mentions_are_kept_under_the_text_and_the_alias_set(index):
    cache = AnalysisCache()
    text = (ROOT / "docs" / "articles").glob("*.md").__next__().read_text(encoding="utf-8")
    first = placed_mentions(text, index.matcher, index.signature, True, cache)
    assert placed_mentions(text, index.matcher, index.signature, True, cache) is first
    assert placed_mentions(text + "\n", index.matcher, index.signature, True, cache) is not first
    assert placed_mentions(text, index.matcher, "another alias set", True, cache) is not first
    assert isinstance(first, Placed) and len(first) > 0


def test_pages_the_analysis_read_are_linked_without_reading_them_again(monkeypatch):
    readings = []
    original = matcher_module.sort_mentions

    def counted(markdown, *args, **kwargs):
        readings.append(markdown)
        return original(markdown, *args, **kwargs)

    monkeypatch.setattr(matcher_module, "sort_mentions", counted)
    site = GardenSite(ROOT / "docs", OPTIONS, AnalysisCache())
    assert len(readings) >= len(site.garden.articles)  # the analysis read every article
    readings.clear()
    pages = {a.path: site.page_markdown(a.path, a.body) for a in site.garden.articles}
    assert readings == []
    # the same pages from a linker that reads every page itself
    linker = site.view.linker
    fresh = dataclasses.replace(linker, memo=AnalysisCache())
    for article in site.garden.articles:
        assert fresh.link(article.path, article.body) == linker.link(article.path, article.body)
        assert linker.link(article.path, article.body) in pages[article.path]
    assert len(readings) == len(site.garden.articles)


def fixture_texts() -> list[str]:
    paths = texts() + sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in paths]


def test_word_boundaries_are_jiebas_reading_everywhere():
    """At every other place between two Chinese characters of the fixtures, for matches of
    three and five characters (alternately): `splits_word` answers as jieba in Python reads the
    window around the match."""
    from gardener.text.segmenter import jieba

    checked = inside = 0
    for text in fixture_texts():
        for start in range(1, len(text) - 1, 2):
            if not (has_cjk(text[start]) and has_cjk(text[start - 1])):
                continue
            for end in (min(len(text), start + 2 + start % 4),):
                left, right = max(0, start - sense._CJK_EDGE), min(len(text), end + sense._CJK_EDGE)
                cuts, at = set(), left
                for word in jieba().lcut(text[left:right], HMM=False):
                    at += len(word)
                    cuts.add(at)
                assert sense.splits_word(text, start, end) == (start not in cuts), (text[left:right], start - left)
                checked += 1
                inside += start not in cuts
    # both answers were given, at many places
    assert checked > 20_000 and 0.2 < inside / checked < 0.8


def test_sentences_are_quoted_only_where_a_page_shows_them(monkeypatch):
    """The analysis keeps where each concept is first mentioned; a concept page quotes the
    sentence of its newest citing articles, the same sentence a fresh reading finds."""
    from gardener.garden.concepts import index as index_module
    from gardener.pages import concept as concept_page

    quoted = []
    original = index_module.sentence_around

    def counted(body, *args, **kwargs):
        quoted.append(body)
        return original(body, *args, **kwargs)

    monkeypatch.setattr(index_module, "sentence_around", counted)
    site = GardenSite(ROOT / "docs", OPTIONS, AnalysisCache())
    assert quoted == []
    shown = 0
    for note in site.garden.concepts:
        inputs = concept_page.inputs(site.view, note, note.body)
        for cited in inputs.citations:
            if cited.snippet is None:
                continue
            shown += 1
            article = site.garden.article(cited.article.slug)
            first = next(m for m in find_mentions(article.body, site.concepts.matcher)
                         if m.concept == note.slug)
            assert cited.snippet == original(article.body, first.start, first.end)
    assert 0 < len(quoted) <= shown
