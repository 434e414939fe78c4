"""Real GitHub-style articles, built into a site, read as their authors saw them: lists nest as
a CommonMark reader nests them, formulas reach KaTeX untouched, callouts and task lists work,
and everything the page loads for formulas is in the site."""

from __future__ import annotations

import re
from collections import Counter

import lxml.html
import markdown
import pytest

from gardener.site.markdown_ext import CALLOUT_CLASSES
from gardener.site.math_assets import CSS, JAVASCRIPT
from tests.site.conftest import ARTICLES
from tests.site.reading import (
    article,
    reference_formulas,
    reference_items,
    reference_tasks,
    run_on_paragraphs,
    site_formulas,
    site_items,
)

pytestmark = pytest.mark.slow
STEMS = [a.stem for a in ARTICLES]
_CALLOUT = re.compile(r"^> \[!(\w+)\][ \t]*(.*)$", re.M)


def source(stem: str) -> str:
    return next(a for a in ARTICLES if a.stem == stem).read_text(encoding="utf-8")


@pytest.mark.parametrize("stem", STEMS)
def test_lists_nest_as_commonmark_reads_them(render_garden, stem):
    _root, site = render_garden
    content = article(site, stem)
    assert site_items(content) == reference_items(source(stem))
    assert run_on_paragraphs(content) == []


@pytest.mark.parametrize("stem", ["self-llm-support-model", "gold-miner-how-to-run-an-online-meeting"])
def test_the_fixtures_hold_what_the_site_used_to_get_wrong(stem):
    """Lists after a paragraph line and two-space nesting, outside code, are what these
    fixtures are for; Python-Markdown alone reads them otherwise."""
    text = source(stem)
    without = markdown.markdown(text, extensions=["pymdownx.superfences"])
    assert reference_items(text) != site_items(lxml.html.fromstring(f"<div>{without}</div>"))
    assert max(reference_items(text)) >= 2


@pytest.mark.parametrize("stem", STEMS)
def test_formulas_reach_katex_as_written(render_garden, stem):
    _root, site = render_garden
    content = article(site, stem)
    expected = reference_formulas(source(stem))
    assert Counter(site_formulas(content)) == Counter(expected)
    for formula in content.xpath(".//*[contains(@class, 'arithmatex')]"):
        assert formula.xpath(".//a | .//em | .//strong") == []


def test_double_backslash_and_underscore_survive(render_garden):
    _root, site = render_garden
    shown = site_formulas(article(site, "gold-miner-latent-factor-model"))
    written = reference_formulas(source("gold-miner-latent-factor-model"))
    assert any("\\\\" in f for f in written) and any("_{" in f for f in written)
    assert [f for f in shown if "\\\\" in f] == [f for f in written if "\\\\" in f]


def test_concept_is_linked_in_prose_but_not_inside_formulas(render_garden):
    _root, site = render_garden
    content = article(site, "self-llm-bge-m3-finetune")
    formulas = site_formulas(content)
    assert any("softmax" in f for f in formulas)
    links = content.xpath(".//a[contains(@href, 'concepts/softmax/')]"
                          "[not(ancestor::*[contains(@class, 'gd-')])]")
    assert links, "prose mentions of the concept are linked"
    assert all("arithmatex" not in (a.getparent().get("class") or "") for a in links)


def test_callouts_become_admonitions(render_garden):
    _root, site = render_garden
    text = source("self-llm-digital-life-readme")
    callouts = _CALLOUT.findall(text)
    assert callouts
    content = article(site, "self-llm-digital-life-readme")
    for kind, title in callouts:
        boxes = content.xpath(f".//div[contains(@class, 'admonition')]"
                              f"[contains(@class, '{CALLOUT_CLASSES[kind.lower()]}')]")
        titles = [b.xpath("./p[@class='admonition-title']")[0].text_content() for b in boxes]
        assert (title.strip() or kind.capitalize()) in titles
    assert not any("[!" in q.text_content() for q in content.xpath(".//blockquote"))


def test_task_lists_show_checkboxes(render_garden):
    _root, site = render_garden
    stem = "self-llm-support-model"
    expected = reference_tasks(source(stem))
    assert expected
    boxes = article(site, stem).xpath(".//li[contains(@class, 'task-list-item')]//input")
    assert [b.get("checked") is not None for b in boxes] == expected


def test_formula_assets_ship_with_the_site(render_garden):
    _root, site = render_garden
    page = (site / "articles" / "self-llm-bge-m3-finetune" / "index.html").read_text(encoding="utf-8")
    for path in CSS + JAVASCRIPT:
        assert (site / path).is_file()
        assert path in page
    css = (site / CSS[0]).read_text(encoding="utf-8")
    fonts = re.findall(r"url\((fonts/[^)]+\.woff2)\)", css)
    assert fonts and all((site / CSS[0]).parent.joinpath(f).is_file() for f in fonts)
