"""Saved web pages: the article's links, images, tables and code survive, active content does not,
and the page's own metadata becomes front-matter with the tag it came from."""

from __future__ import annotations

import re
import shutil
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

from gardener.sources.formats import read_source
from gardener.sources.importing import import_sources
from tests.conftest import outside_git
from tests.sources.formats_support import FIXTURES, code_texts, counts, read_article, render, source_region

MATERIAL = FIXTURES / "custom-state-pseudo-classes-in-chrome.html"
MDBOOK = FIXTURES / "exploit-mitigations.html"
REFERENCE = FIXTURES / "reference-slice-types.html"  # onclick handlers inside the article
# Where each page's own markup puts the article.
REGIONS = {MATERIAL: "//article", MDBOOK: "//main", REFERENCE: "//main"}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    into = tmp_path_factory.mktemp("html") / "articles"
    copy = outside_git([FIXTURES], into.parent)[0]  # images beside the pages come along
    result = import_sources([copy / p.name for p in (MATERIAL, MDBOOK, REFERENCE)], into)
    assert result.failures == []
    return {a.origin: a for a in result.articles}


@pytest.mark.parametrize("page", [MATERIAL, MDBOOK], ids=lambda p: p.stem)
def test_conversion_keeps_every_link_image_table_and_code_block(page):
    root, region = source_region(page, REGIONS[page])
    source = read_source(page)
    converted = render(source.text)
    kept, expected = counts(converted), counts(region)
    # Relative links of a page that names no address of its own keep only their text.
    unlinked = sum(int(re.search(r"text of (\d+) relative links", n).group(1)) for n in source.notes)
    relative = [a for a in region.xpath(".//a[@href]")
                if not a.get("href").startswith("#") and not urlsplit(a.get("href")).scheme]
    has_address = bool(root.xpath('//link[@rel="canonical"]'))
    assert unlinked == (0 if has_address else len(relative))
    kept["links"] += unlinked
    assert kept == expected
    # Same targets (percent-encoding aside); relative ones may have been made absolute.
    kept_links = {unquote(a.get("href")) for a in converted.xpath(".//a[@href]")}
    for link in region.xpath(".//a[@href]"):
        href = unquote(link.get("href"))
        if not has_address and not href.startswith("#") and not urlsplit(href).scheme:
            assert re.sub(r"\W", "", link.text_content()) in re.sub(r"\W", "", source.text)
            continue
        assert href in kept_links or any(k.endswith(href.lstrip("./")) for k in kept_links), href


@pytest.mark.parametrize("page", [MATERIAL, MDBOOK], ids=lambda p: p.stem)
def test_code_blocks_come_through_line_for_line(page):
    _root, region = source_region(page, REGIONS[page])
    assert code_texts(render(read_source(page).text)) == code_texts(region)


def test_imported_article_keeps_images_tables_and_code(imported):
    article = imported[MDBOOK.name]
    front, body = read_article(article.path)
    _root, region = source_region(MDBOOK, REGIONS[MDBOOK])
    shown = counts(render(body))
    source = counts(region)
    assert shown["tables"] == source["tables"] and shown["code blocks"] == source["code blocks"]
    # Images saved next to the page are copied; the two that are not show as missing.
    assert shown["images"] + len(front["missing_assets"]) == source["images"]
    assert (article.path.parent / "assets" / article.slug / "image3.png").is_file()
    assert front["missing_assets"] == ["images/image1.png", "images/image2.png"]


@pytest.mark.parametrize("page", [MATERIAL, MDBOOK, REFERENCE], ids=lambda p: p.stem)
def test_no_active_content_comes_through(page, imported):
    root, region = source_region(page, REGIONS[page])
    assert root.xpath("//script")  # the pages do carry active content
    assert page == MATERIAL or root.xpath("//iframe")
    assert page != REFERENCE or region.xpath(".//*[@onclick]")
    text = imported[page.name].path.read_text(encoding="utf-8")
    for needle in ("<script", "<iframe", "onclick", "javascript:", "<style"):
        assert needle not in text.lower(), needle
    shown = render(read_article(imported[page.name].path)[1])
    assert not shown.xpath("//script | //iframe | //style | //object | //embed")
    assert not [a for el in shown.iter() for a in el.attrib if a.lower().startswith("on")]


def test_page_metadata_becomes_front_matter_with_its_evidence(imported):
    root, _region = source_region(MATERIAL, REGIONS[MATERIAL])

    def meta(key):
        return root.xpath(f'//meta[@property="{key}" or @name="{key}"]/@content')[0]

    article = imported[MATERIAL.name]
    front, _body = read_article(article.path)
    assert front["title"] == meta("og:title")
    assert front["authors"] == [meta("author")]
    assert str(front["date"]) == meta("article:published_time")
    assert front["publisher"] == meta("og:site_name")
    assert front["summary"] == meta("description")
    assert front["source"] == root.xpath('//link[@rel="canonical"]/@href')[0]
    where = article.inferred.provenance
    assert where["title"] == 'page <meta property="og:title">'
    assert where["authors"] == 'page <meta name="author">'
    assert where["date"].startswith("page ") and where["source"].startswith("page ")


def test_a_date_only_in_the_page_text_is_not_taken(imported):
    # The mdBook page has no metadata date, but its text is full of dates ("1.32.0 (2019-01-17)").
    article = imported[MDBOOK.name]
    front, body = read_article(article.path)
    assert re.search(r"\(\d{4}-\d{2}-\d{2}\)", body)
    assert "date" not in front
    assert article.inferred.provenance["title"].startswith("heading")
    assert front["title"] == source_region(MDBOOK, "//main//h1")[1].text_content().strip()


def test_page_detected_by_content_and_its_saved_files_skipped(tmp_path):
    src = tmp_path / "src"
    (src / "page_files").mkdir(parents=True)
    shutil.copy(MATERIAL, src / "page")  # no extension: the content says HTML
    shutil.copy(MDBOOK, src / "page.html")
    shutil.copy(MDBOOK, src / "page_files" / "frame.html")  # a frame the browser saved
    result = import_sources([src / "page", src], tmp_path / "out")
    assert result.failures == []
    assert sorted(a.origin for a in result.articles) == ["page", "page.html"]
    page = next(a for a in result.articles if a.origin == "page")
    assert page.inferred.provenance["title"].startswith("page <meta")


def test_page_without_text_is_reported_and_the_rest_imports(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    root, _region = source_region(MATERIAL, REGIONS[MATERIAL])
    for node in root.xpath("//body/*"):
        node.getparent().remove(node)
    (src / "empty.html").write_bytes(lxml.html.tostring(root))
    shutil.copy(MDBOOK, src / "good.html")
    result = import_sources([src], tmp_path / "out")
    assert [a.origin for a in result.articles] == ["good.html"]
    assert len(result.failures) == 1 and result.failures[0].path.endswith("empty.html")
    assert "no readable text" in result.failures[0].message
