"""Real-browser search on the built repo garden: Chinese and English words both find pages."""

from __future__ import annotations

import pytest

from tests.browser.chromium import browser_page, require_browser, search, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(built_repo_site):
    require_browser()
    with serve(built_repo_site) as base:
        yield base


@pytest.mark.parametrize("query, expected", [
    ("对齐", "谁能做出中国版ChatGPT"),
    ("scaling", "谁能做出中国版ChatGPT"),
    ("RLHF", "基于人类反馈的强化学习"),
    ("红博士", "中国如何缺席ChatGPT盛宴"),
])
def test_search_finds_chinese_and_english(site, query, expected):
    with browser_page() as page:
        results = search(page, site, query)
        assert results, f"no results for {query}"
        assert any(expected in r["title"] for r in results), results
        assert not [e for e in page.console_errors if "favicon" not in e]


def _slug_of(origin: str) -> str:
    from gardener.garden.loading import load_garden
    from tests.conftest import ROOT

    return next(a.slug for a in load_garden(ROOT / "docs").articles if a.origin.startswith(origin))


@pytest.mark.parametrize("query, concept, article_origin", [
    ("缩放定律", "scaling-law", "003_"),          # the article only says "Scaling Law"
    ("scaling law", "scaling-law", None),
    ("人类反馈强化学习", "rlhf", "001_"),          # the article says RLHF / 基于人类反馈的增强学习
    ("涌现能力", "emergent-abilities", None),
])
def test_cross_lingual_alias_search(site, query, concept, article_origin):
    with browser_page() as page:
        hrefs = [r["href"] for r in search(page, site, query)]
    assert any(f"/concepts/{concept}/" in h for h in hrefs), hrefs
    if article_origin:
        assert any(f"/articles/{_slug_of(article_origin)}/" in h for h in hrefs), hrefs
