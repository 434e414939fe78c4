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


# -- the sharded index (gardener's worker under Material's search box) -------------------------

@pytest.fixture(scope="module")
def material_site(material_search_site):
    """The same garden with Material's single index, to compare against."""
    require_browser()
    with serve(material_search_site) as base:
        yield base


def _fetched_while(page, action) -> list[str]:
    """Addresses of the search files the page and its worker fetched during action()."""
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url) if "/search/" in r.url else None)
    action()
    page.wait_for_load_state("networkidle")
    return [u.split("?")[0] for u in urls]


def test_a_query_fetches_only_the_shards_its_words_fall_in(site, built_repo_site):
    import json

    from gardener.site.search_shards import INDEX

    table = json.loads((built_repo_site / INDEX).read_text(encoding="utf-8"))["config"][
        "gardener"]["shards"]
    with browser_page() as page:
        urls = _fetched_while(page, lambda: search(page, site, "scaling"))
        results = [r["href"] for r in search(page, site, "scaling")]
    assert any(u.endswith("/search/search_index.json") for u in urls)
    shards = {u.rsplit("/", 1)[1] for u in urls if "/search/shards/" in u}
    pages = {u.rsplit("/", 1)[1] for u in urls if "/search/pages/" in u}
    # the shard whose range holds "scaling" (and the words it begins), not the others
    holder = max(i for i, (first, _size) in enumerate(table) if first <= "scaling")
    assert f"{holder}.json" in shards
    assert len(shards) < len(table) / 2
    # one page file per page shown
    assert 0 < len(pages) <= len({r.split("#")[0] for r in results})


def test_results_mark_the_words_found(site):
    with browser_page() as page:
        search(page, site, "对齐")
        marked = page.eval_on_selector_all(".md-search-result__item mark",
                                           "marks => marks.map(m => m.textContent)")
    assert marked and {m.replace("\u200b", "") for m in marked} == {"对齐"}


def test_arrow_keys_and_enter_open_a_result(site):
    with browser_page() as page:
        results = search(page, site, "scaling law")
        box = page.locator(".md-search__input")
        box.press("ArrowDown")
        first = page.evaluate("() => document.activeElement.getAttribute('href')")
        assert first == results[0]["href"]
        page.keyboard.press("ArrowDown")
        second = page.evaluate("() => document.activeElement.getAttribute('href')")
        assert second != first
        page.keyboard.press("ArrowUp")
        assert page.evaluate("() => document.activeElement.getAttribute('href')") == first
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: url.split("?")[0] == first.split("?")[0])


@pytest.mark.parametrize("query", ["scaling", "RLHF", "缩放定律", "GPT-4", "transformer"])
def test_the_best_results_are_the_ones_materials_index_gives(site, material_site, query):
    def pages(base, results):
        return list(dict.fromkeys(r["href"].removeprefix(base).split("?")[0] for r in results))

    with browser_page() as page:
        ours = pages(site, search(page, site, query))
        theirs = pages(material_site, search(page, material_site, query))
    assert ours[:3] == theirs[:3]


def test_a_served_site_searches_with_the_same_worker(request):
    """`mkdocs serve` keeps Material's whole index; gardener's worker reads it and answers."""
    require_browser()
    import os
    import subprocess
    import sys

    from tests.site.test_serve import fetch, free_port, wait_for

    root = request.getfixturevalue("repo_copy")
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
                               cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: "search-worker.js" in fetch(base), 90, "the first build")
        with browser_page() as page:
            urls: list[str] = []
            page.on("request", lambda r: urls.append(r.url) if "/search/" in r.url else None)
            # not search(): the reload script's long poll keeps the network busy while serving
            page.goto(base, wait_until="load")
            box = page.locator(".md-search__input")
            box.click()
            box.fill("缩放定律")
            box.press("End")
            page.wait_for_function(
                "() => document.querySelectorAll('.md-search-result__item').length > 0",
                timeout=30000)
            links = page.locator(".md-search-result__item > a.md-search-result__link")
            hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
            assert not [e for e in page.console_errors if "favicon" not in e]
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert any("/concepts/scaling-law/" in h for h in hrefs), hrefs
    assert any(u.endswith("/search/search_index.json") for u in urls)
    assert not [u for u in urls if "/search/shards/" in u or "/search/pages/" in u]
