"""Page inputs: what each page shows, as a value. Equal gardens give equal inputs (so a rebuild
reuses the page), and each page is written from its inputs alone."""

from __future__ import annotations

import dataclasses
import shutil

from gardener.articles.model import LinkPolicy
from gardener.garden.cache import AnalysisCache
from gardener.options import Options
from gardener.pages import article, concept, glossary, home, timeline
from gardener.pages.common import unpacked_html
from gardener.pages.site import GardenSite
from tests.conftest import ROOT

OPTIONS = Options(timeline_file=str(ROOT / "timeline.yml"))


def all_inputs(site: GardenSite) -> dict:
    view = site.view
    pages = {"home": home.inputs(view), "glossary": glossary.inputs(view, site._pinyin()),
             "timeline": timeline.inputs(view)}
    for a in site.garden.articles:
        pages[a.path] = article.inputs(view, a, a.body)
    for c in site.garden.concepts:
        pages[c.path] = concept.inputs(view, c, c.body)
    return pages


def test_two_reads_of_one_garden_give_equal_inputs():
    first = all_inputs(GardenSite(ROOT / "docs", OPTIONS, AnalysisCache()))
    second = all_inputs(GardenSite(ROOT / "docs", OPTIONS, AnalysisCache()))
    assert len(first) > 100 and first.keys() == second.keys()
    for page, inputs in first.items():
        assert inputs == second[page] and hash(inputs) == hash(second[page]), page


def test_every_page_is_written_from_its_inputs_alone():
    site = GardenSite(ROOT / "docs", OPTIONS, AnalysisCache())
    emitters = {"home": home.emit, "glossary": glossary.emit, "timeline": timeline.emit}
    for page, inputs in all_inputs(site).items():
        emit = emitters.get(page) or (article.emit if page.startswith("articles/") else concept.emit)
        # a copy of the inputs, nothing else: the same page
        copy = dataclasses.replace(inputs)
        assert emit(copy) == emit(inputs), page
        if page.startswith("articles/"):
            assert emit(inputs) == site.page_markdown(page, inputs.markdown, packed=True), page
            assert unpacked_html(emit(inputs)) == site.page_markdown(page, inputs.markdown), page


def test_what_a_page_shows_is_in_its_inputs(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    before = all_inputs(GardenSite(docs, OPTIONS, AnalysisCache()))
    chronicle = docs / "articles" / "zhongguo-ruhe-quexi-chatgpt-shengyan.md"
    text = chronicle.read_text(encoding="utf-8")
    chronicle.write_text(text.replace("---\n", "---\ntags: [编年史]\n", 1), encoding="utf-8")
    after = all_inputs(GardenSite(docs, OPTIONS, AnalysisCache()))
    changed = {page for page in before if before[page] != after[page]}
    # the article itself and the timeline (which lists its tags); no concept page shows tags
    assert {"timeline", "articles/zhongguo-ruhe-quexi-chatgpt-shengyan.md"} <= changed
    assert not any(page.startswith("concepts/") for page in changed)
    linking = GardenSite(docs, dataclasses.replace(OPTIONS, link_policy=LinkPolicy.ALL), AnalysisCache())
    assert linking.view.linker != GardenSite(docs, OPTIONS, AnalysisCache()).view.linker
