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


def relative_url(from_path: str, to_path: str, directory_urls: bool = True) -> str:
    """The link from the built page of one docs-relative Markdown file to another's, for HTML
    that the builder passes through untouched (it rewrites only Markdown links)."""
    here, there = page_url(from_path, directory_urls), page_url(to_path, directory_urls)
    base = [part for part in here.split("/")[:-1] if part]
    target = there.split("/")
    common = 0
    while common < min(len(base), len(target) - 1) and base[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + target[common:]) or "."
