"""Real-browser search on the built repo garden: Chinese and English words both find pages."""

from __future__ import annotations

import pytest

from tests.browser import browser_page, require_browser, search, serve

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
