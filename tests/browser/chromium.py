"""Headless Chromium (Debian's) driven by playwright, against a site served on loopback."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]


def require_browser() -> None:
    """Skip locally when there is no browser; in CI (GARDENER_REQUIRE_BROWSER=1) fail instead."""
    missing = None
    if not Path(CHROMIUM).exists():
        missing = "Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is not installed"
    if missing and os.environ.get("GARDENER_REQUIRE_BROWSER") == "1":
        pytest.fail(missing)
    if missing:
        pytest.skip(missing)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(root: Path):
    """Serve a built site on an ephemeral loopback port; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def browser_page(color_scheme: str | None = None):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900},
                                    color_scheme=color_scheme)
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.console_errors = errors
            yield page
        finally:
            browser.close()


def search(page, base: str, query: str) -> list[dict]:
    """Type a query into Material's search box; return the result links and titles shown."""
    page.goto(base, wait_until="networkidle")  # the search index has loaded into the worker
    box = page.locator(".md-search__input")
    box.click()
    box.fill(query)
    box.press("End")  # the search listens to keyup, which inserted CJK text does not send
    page.wait_for_function(
        "() => document.querySelectorAll('.md-search-result__item').length > 0"
        " || /没有|No matching/.test(document.querySelector('.md-search-result__meta')?.innerText)",
        timeout=15000)
    items = page.locator(".md-search-result__item > a.md-search-result__link")
    # jieba's word boundaries are zero-width spaces inside the shown titles
    return [{"href": items.nth(i).get_attribute("href"),
             "title": items.nth(i).locator("h1, h2").first.inner_text().replace("\u200b", "")}
            for i in range(items.count())]
