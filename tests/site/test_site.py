"""A real `mkdocs build --strict` of the repo's garden, and what the built pages contain."""

from __future__ import annotations

import json
import re

from gardener.garden.loading import load_garden
from gardener.site.search_shards import read_entries
from tests.conftest import ROOT

GARDEN = load_garden(ROOT / "docs")


def page(site, article) -> str:
    return (site / "articles" / article.slug / "index.html").read_text(encoding="utf-8")


def test_docs_articles_are_the_imported_seeds():
    origins = sorted(a.origin for a in GARDEN.articles)
    assert len(origins) == 9 and origins[0].startswith("000_") and origins[-1].startswith("004_")


def test_article_header_shows_front_matter(built_repo_site):
    essay = next(a for a in GARDEN.articles if a.authors == ("符尧",))
    html = page(built_repo_site, essay)
    header = re.search(r'<div class="gd-meta">(.*?)</div>', html, re.S).group(1)
    assert "符尧" in header and "阅读" in header
    clipping = next(a for a in GARDEN.articles if a.source == "https://archive.is/6eeyj")
    header = re.search(r'<div class="gd-meta">(.*?)</div>', page(built_repo_site, clipping), re.S).group(1)
    assert '<time datetime="2023-02-10">' in header and 'href="https://archive.is/6eeyj"' in header


def test_chinese_headings_get_readable_anchors(built_repo_site):
    essay = next(a for a in GARDEN.articles if a.authors == ("符尧",))
    ids = re.findall(r'<h2 id="([^"]*)"', page(built_repo_site, essay))
    assert ids and all(ids)
    assert any("对齐" in i for i in ids)


def test_duplicate_is_built_but_hidden_from_nav_and_search(built_repo_site):
    (copy,) = [a for a in GARDEN.articles if a.duplicate_of]
    original = GARDEN.article(copy.duplicate_of)
    assert "重复文章" in page(built_repo_site, copy)
    home = (built_repo_site / "index.html").read_text(encoding="utf-8")
    assert f"articles/{original.slug}/" in home and f"articles/{copy.slug}/" not in home
    locations = {doc["location"].split("#")[0] for doc in read_entries(built_repo_site)}
    assert f"articles/{original.slug}/" in locations
    assert f"articles/{copy.slug}/" not in locations


def test_home_page_counts_and_latest(built_repo_site):
    home = (built_repo_site / "index.html").read_text(encoding="utf-8")
    listed = [a for a in GARDEN.articles if a.listed]
    assert f"<strong>{len(listed)}</strong> 篇" in home
    assert f"<strong>{len(GARDEN.concepts)}</strong> 个概念" in home
    newest = max((a for a in listed if a.date), key=lambda a: a.date.sort_key())
    latest = home[home.index("最新文章"):]
    assert latest.index(newest.title) == min(latest.index(a.title) for a in listed)


def test_search_index_segments_chinese(built_repo_site):
    index = json.loads((built_repo_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(doc["text"] for doc in read_entries(built_repo_site))
    assert "\u200b" in text  # jieba inserted word boundaries
    assert index["config"]["separator"].startswith("[\\s\\u200b")


def test_search_index_is_written_as_utf8(built_repo_site):
    files = list((built_repo_site / "search").rglob("*.json"))
    raw = b"".join(path.read_bytes() for path in files)
    assert b"\\u5" not in raw and b"\\u4" not in raw  # no escaped CJK ideographs
    assert "对齐".encode() in raw
    for path in files:
        json.loads(path.read_bytes())
