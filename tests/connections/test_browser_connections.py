"""The graph, local graphs and hover previews as a reader meets them, in headless Chromium, on a
built garden (the imported gold-miner articles, linked by hand), in light and dark."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.browser.chromium import browser_page, require_browser, serve
from tests.conftest import build_site
from tests.connections.conftest import append, article_file

pytestmark = pytest.mark.browser

READY = "el => el.dataset.gdReady === '1'"


@pytest.fixture(scope="module")
def site(tmp_path_factory, garden_template, n):
    require_browser()
    root = tmp_path_factory.mktemp("browser") / "garden"
    shutil.copytree(garden_template, root)
    append(article_file(root, n.graphql), f"\n\n在中文句子里链接到[[{n.features}|另一篇讲特性的文章]]，然后继续说话。\n")
    run = build_site(root)
    assert run.returncode == 0, run.stderr
    data = json.loads((root / "site" / "assets" / "gardener" / "graph.json").read_text(encoding="utf-8"))
    previews = json.loads((root / "site" / "assets" / "gardener" / "previews.json").read_text(encoding="utf-8"))
    with serve(root / "site") as base:
        yield base, data, previews


def painted_pixels(page, selector: str) -> int:
    """How many pixels of the graph's canvas are not transparent."""
    return page.eval_on_selector(selector + " canvas", """canvas => {
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) count++;
        return count; }""")


def wait_ready(page, selector: str) -> None:
    """Until the graph is drawn and its layout has stopped moving (it then fits the view)."""
    page.wait_for_function(f"() => document.querySelector('{selector}')?.dataset.gdFitted === '1'",
                           timeout=60000)
    page.wait_for_timeout(800)  # the fitting zoom's own animation


def own_errors(page) -> list[str]:
    """Console errors, without the articles' own pictures on other hosts, which a test machine
    without a name server cannot fetch (the site itself is served from an IP address)."""
    return [e for e in page.console_errors if "net::ERR_NAME_NOT_RESOLVED" not in e]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_graph_page_draws_every_node_and_a_click_opens_the_page(site, scheme, n):
    base, data, _ = site
    with browser_page(color_scheme=scheme) as page:
        page.goto(f"{base}graph/", wait_until="networkidle")
        wait_ready(page, ".gd-graph--global")
        assert page.get_attribute("body", "data-md-color-scheme") == ("slate" if scheme == "dark" else "default")
        assert page.get_attribute(".gd-graph--global", "data-gd-nodes") == str(len(data["nodes"]))
        assert painted_pixels(page, ".gd-graph--global") > 1000
        concept_colour = page.eval_on_selector(
            ".gd-graph", "el => getComputedStyle(el).getPropertyValue('--gd-graph-concept').trim()")
        assert concept_colour == ("#f3a44b" if scheme == "dark" else "#c0650b")
        target = f"articles/{n.features}/"
        point = page.eval_on_selector(".gd-graph--global", """(el, id) => {
            const chart = el.gdGraph;
            const node = chart.graphData().nodes.find(n => n.id === id);
            chart.centerAt(node.x, node.y, 0); chart.zoom(4, 0);
            const p = chart.graph2ScreenCoords(node.x, node.y);
            const box = el.querySelector('canvas').getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y}; }""", target)
        page.wait_for_timeout(1000)  # the hit-testing canvas is repainted at most every 800 ms
        page.mouse.move(point["x"], point["y"])
        page.wait_for_timeout(300)
        page.mouse.click(point["x"], point["y"])
        page.wait_for_url(f"**/{target}", timeout=5000)
        assert own_errors(page) == []


def test_graph_search_and_filter(site):
    base, data, _ = site
    with browser_page() as page:
        page.goto(f"{base}graph/", wait_until="networkidle")
        wait_ready(page, ".gd-graph--global")
        page.fill(".gd-graph__search", "graphql")
        status = page.inner_text(".gd-graph--global .gd-graph__status")
        matching = sum("graphql" in n["t"].lower() for n in data["nodes"])
        assert status.startswith(f"{matching} ")
        options = page.eval_on_selector_all(".gd-graph__filter option", "os => os.map(o => o.value)")
        concept = next(v for v in options if v.startswith("c:"))
        page.select_option(".gd-graph__filter", concept)
        shown = page.eval_on_selector(".gd-graph--global", """el => {
            const chart = el.gdGraph, visible = chart.nodeVisibility();
            return chart.graphData().nodes.filter(n => visible(n)).length; }""")
        assert 1 < shown < len(data["nodes"])
        assert own_errors(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_local_graph_shows_the_neighbours(site, scheme, n):
    base, data, _ = site
    with browser_page(color_scheme=scheme) as page:
        page.goto(f"{base}articles/{n.graphql}/", wait_until="networkidle")
        page.locator(".gd-graph--local").scroll_into_view_if_needed()
        wait_ready(page, ".gd-graph--local")
        shown = page.eval_on_selector(".gd-graph--local",
                                      "el => el.gdGraph.graphData().nodes.map(n => n.id)")
        ids = [n["id"] for n in data["nodes"]]
        me = ids.index(f"articles/{n.graphql}/")
        neighbours = {ids[b if a == me else a] for a, b in data["links"] + data.get("related", [])
                      if me in (a, b)}
        assert f"articles/{n.features}/" in neighbours
        assert set(shown) == neighbours | {f"articles/{n.graphql}/"}
        assert painted_pixels(page, ".gd-graph--local") > 200
        page.check('.gd-graph--local input[value="2"]')
        page.wait_for_timeout(500)
        wider = page.eval_on_selector(".gd-graph--local", "el => el.gdGraph.graphData().nodes.length")
        assert wider >= len(shown)
        assert own_errors(page) == []


def test_preview_on_hover_inside_chinese_text(site, n):
    base, _, previews = site
    with browser_page() as page:
        page.goto(f"{base}articles/{n.graphql}/", wait_until="networkidle")
        link = page.locator("article a", has_text="另一篇讲特性的文章")
        link.scroll_into_view_if_needed()
        link.hover()
        card = page.locator(".gd-preview")
        card.wait_for(state="visible", timeout=5000)
        entry = previews[f"articles/{n.features}/"]
        assert card.locator(".gd-preview__title").inner_text() == entry["t"]
        assert entry["d"] in card.locator(".gd-preview__meta").inner_text()
        assert card.locator(".gd-preview__summary").inner_text() == entry["s"]
        page.mouse.move(2, 2)
        card.wait_for(state="detached", timeout=3000)
        assert own_errors(page) == []
