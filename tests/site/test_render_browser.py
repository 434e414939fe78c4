"""The render garden in headless Chromium, offline: KaTeX typesets every formula with the fonts
shipped in the site, nested lists are lists, and nothing the page needs is missing."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.browser.chromium import browser_page, require_browser, serve
from tests.site.conftest import RENDER
from tests.site.reading import reference_items

pytestmark = pytest.mark.browser
NEEDED = {"script", "stylesheet", "font"}


@pytest.fixture(scope="module")
def site(render_garden):
    require_browser()
    _root, built = render_garden
    with serve(built) as base:
        yield base


def offline(page) -> dict[str, list]:
    """Refuse every request that leaves this machine; note what was refused or failed."""
    seen: dict[str, list] = {"refused": [], "failed": []}

    def route(request_route):
        request = request_route.request
        if urlparse(request.url).hostname == "127.0.0.1":
            request_route.continue_()
        else:
            seen["refused"].append((request.resource_type, request.url))
            request_route.abort()

    page.route("**/*", route)
    page.on("response", lambda r: seen["failed"].append((r.request.resource_type, r.url))
            if r.status >= 400 else None)
    return seen


def own_errors(page) -> list[str]:
    """Console errors other than the articles' own images, which are not part of the fixtures."""
    return [e for e in page.console_errors if not e.startswith("Failed to load resource")]


@pytest.mark.parametrize("stem", ["self-llm-bge-m3-finetune", "gold-miner-latent-factor-model"])
def test_katex_typesets_every_formula_offline(site, stem):
    with browser_page() as page:
        seen = offline(page)
        page.goto(f"{site}articles/{stem}/", wait_until="networkidle")
        formulas = page.locator("article .arithmatex")
        assert formulas.count() > 0
        assert page.locator("article .arithmatex .katex").count() == formulas.count()
        assert page.locator("article .katex-error").count() == 0
        assert page.locator("article .arithmatex .katex-display").count() == page.locator(
            "article div.arithmatex").count()
        assert page.evaluate("document.fonts.check('1em KaTeX_Main')")
        assert page.evaluate("[...document.fonts].some(f => f.family.includes('KaTeX')"
                             " && f.status === 'loaded')")
        assert not [r for r in seen["refused"] + seen["failed"] if r[0] in NEEDED], seen
        assert own_errors(page) == []


def test_nested_lists_render_as_lists(site):
    stem = "self-llm-support-model"
    depths = reference_items((RENDER / f"{stem}.md").read_text(encoding="utf-8"))
    with browser_page() as page:
        seen = offline(page)
        page.goto(f"{site}articles/{stem}/", wait_until="networkidle")
        nested = page.locator("article li li")
        assert nested.count() == sum(1 for d in depths if d >= 2)
        first = nested.first
        assert first.evaluate("e => getComputedStyle(e).display") == "list-item"
        box, parent = first.bounding_box(), page.locator("article li:has(li)").first.bounding_box()
        assert box["x"] > parent["x"]  # indented under its parent item
        checkboxes = page.locator("article .task-list-item input[type=checkbox]")
        assert checkboxes.count() > 0
        assert not [r for r in seen["refused"] + seen["failed"] if r[0] in NEEDED], seen
        assert own_errors(page) == []
