"""The built repo garden as a reader meets it, in headless Chromium."""

from __future__ import annotations

import pytest

from gardener.garden.loading import load_garden
from tests.browser.chromium import browser_page, require_browser, search, serve
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
GARDEN = load_garden(ROOT / "docs")
CLIPPING = next(a for a in GARDEN.articles if a.origin.startswith("003_"))


@pytest.fixture(scope="module")
def site(built_repo_site):
    require_browser()
    with serve(built_repo_site) as base:
        yield base


def test_concept_link_tooltip_and_click(site):
    with browser_page() as page:
        page.goto(f"{site}articles/{CLIPPING.slug}/", wait_until="networkidle")
        link = page.locator('article a[href$="concepts/scaling-law/"]').first
        link.scroll_into_view_if_needed()
        link.hover()
        # the definition comes from the site's previews file: no page carries it
        card = page.locator(".gd-preview")
        card.wait_for(state="visible", timeout=5000)
        summary = next(c.summary for c in GARDEN.concepts if c.slug == "scaling-law")
        assert card.locator(".gd-preview__summary").inner_text() == summary
        assert card.locator(".gd-preview__meta").inner_text() == "概念"
        page.mouse.move(2, 2)
        card.wait_for(state="detached", timeout=3000)
        link.click()
        page.wait_for_url("**/concepts/scaling-law/")
        assert "缩放定律" in page.locator("article h1").inner_text()
        assert page.console_errors == []


def test_timeline_order_and_concept_filter(site):
    with browser_page() as page:
        page.goto(f"{site}timeline/", wait_until="networkidle")
        dates = page.eval_on_selector_all(".gd-event time.gd-event__date",
                                          "els => els.map(e => e.getAttribute('datetime'))")
        years = [int(d[:4]) for d in dates]
        assert len(dates) > 20 and years == sorted(years)
        total = page.locator(".gd-event").count()
        page.select_option("#gd-timeline-select", "concept:chatgpt")
        visible = page.locator(".gd-event:visible")
        shown = visible.count()
        assert 0 < shown < total
        for i in range(shown):
            assert "chatgpt" in visible.nth(i).get_attribute("data-concepts").split()
        page.select_option("#gd-timeline-select", "")
        assert page.locator(".gd-event:visible").count() == total
        assert page.console_errors == []


def test_dark_mode_renders(site):
    with browser_page(color_scheme="dark") as page:
        page.goto(f"{site}articles/{CLIPPING.slug}/", wait_until="networkidle")
        assert page.get_attribute("body", "data-md-color-scheme") == "slate"
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        channels = [int(c) for c in background[background.index("(") + 1:-1].split(",")[:3]]
        assert sum(channels) / 3 < 80, background  # a dark page, not the light palette
        header = page.locator(".gd-meta")
        assert header.is_visible() and "红博士说" in header.inner_text()
        assert page.console_errors == []


def test_full_sentence_chinese_query(site):
    with browser_page() as page:
        results = search(page, site, "为什么我们没有更早地意识到 OpenAI 技术的突破性")
        assert any(f"/articles/{CLIPPING.slug}/" in r["href"] for r in results), results
