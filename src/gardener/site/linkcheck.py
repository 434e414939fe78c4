"""Internal links and anchors of a built site, checked in the HTML a reader gets.

`mkdocs build --strict` validates Markdown links between pages, but not anchors inside
generated pages, links written as raw HTML, or what a theme adds; this reads every built page.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

SKIPPED_SCHEMES = {"http", "https", "mailto", "javascript", "data", "tel", "ftp"}


@dataclass(frozen=True)
class BrokenLink:
    page: str  # site-relative path of the page holding the link
    href: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.href}: {self.reason}"


# Built pages are machine-written HTML with quoted attributes; regexes read them far faster than
# an HTML parser, which matters when every page carries a navigation of thousands of links.
_HREF = re.compile(r"<(?:a|area)\b[^>]*?\shref=\"([^\"]*)\"", re.IGNORECASE)
_ID = re.compile(r"<[a-zA-Z][^>]*?\s(?:id|name)=\"([^\"]*)\"")


@dataclass
class _Page:
    ids: set[str]
    hrefs: list[str]


def _parse(path: Path) -> _Page:
    text = path.read_text(encoding="utf-8", errors="replace")
    return _Page({html.unescape(v) for v in _ID.findall(text)},
                 [html.unescape(v) for v in _HREF.findall(text)])


def html_pages(site: Path) -> list[Path]:
    """The site's pages: files named *.html (a folder or a dangling link so named is no page)."""
    return [p for p in site.rglob("*.html") if p.is_file()]


def check_site(site: Path) -> list[BrokenLink]:
    pages = {p.relative_to(site).as_posix(): p for p in html_pages(site)}
    parsed = {rel: _parse(path) for rel, path in pages.items()}
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    broken = []
    # Every page repeats the navigation: the same (folder, href) pairs come back thousands of
    # times in a large garden, so each is judged once.
    judged: dict[tuple[str, str], str | None] = {}
    for rel, page in parsed.items():
        folder = posixpath.dirname(rel)
        for href in page.hrefs:
            key = (folder, href) if not href.startswith("#") else (rel, href)
            if key not in judged:
                judged[key] = _problem(files, rel, href, parsed)
            problem = judged[key]
            if problem:
                broken.append(BrokenLink(rel, href, problem))
    return broken


def _problem(files: set[str], rel: str, href: str, parsed: dict[str, _Page]) -> str | None:
    parts = urlsplit(href)
    if parts.scheme in SKIPPED_SCHEMES or parts.netloc:
        return None
    target = rel
    if parts.path:
        path = unquote(parts.path)
        # Root-relative links (the 404 page uses them) start from the site's root.
        base = "" if path.startswith("/") else posixpath.dirname(rel)
        joined = posixpath.normpath(posixpath.join(base, path.lstrip("/")) or ".")
        if joined.startswith(".."):
            return "leaves the site"
        resolved = _resolve(files, joined)
        if resolved is None:
            return "no such page or file"
        target = resolved
    anchor = unquote(parts.fragment)
    if anchor and target.endswith(".html") and anchor not in parsed[target].ids:
        return f"no anchor '{anchor}' in {target}"
    return None


def _resolve(files: set[str], joined: str) -> str | None:
    if joined in files:
        return joined
    index = "index.html" if joined in ("", ".") else f"{joined.rstrip('/')}/index.html"
    return index if index in files else None
