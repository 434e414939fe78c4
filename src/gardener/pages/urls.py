"""Where a page of the garden ends up in the built site, as MkDocs names it."""

from __future__ import annotations

from urllib.parse import quote

_INDEX_NAMES = ("index.md", "README.md")


def page_url(path: str, directory_urls: bool = True) -> str:
    """The site-relative URL of a docs-relative Markdown file: "articles/x.md" gives
    "articles/x/" (or "articles/x.html" without directory URLs); the home page is ""."""
    folder, _, name = path.rpartition("/")
    prefix = folder + "/" if folder else ""
    if name in _INDEX_NAMES:
        url = prefix if directory_urls else prefix + "index.html"
    elif directory_urls:
        url = prefix + name[:-3] + "/"
    else:
        url = prefix + name[:-3] + ".html"
    return quote(url)


def absolute_url(site_url: str, url: str) -> str:
    return site_url.rstrip("/") + "/" + url
