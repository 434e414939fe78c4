"""What the page emitters share: the references a page keeps of articles and concepts it lists,
relative links, escaping and shipped assets.

Every page module has the same two halves. `inputs(...)` reads the garden and returns one frozen
value holding exactly what the page shows; `emit(inputs)` writes the page's Markdown from that
value alone. The site keys each rendered page by its inputs, so a page is rendered again exactly
when something it shows has changed, and a key cannot leave out anything the page prints.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from gardener.articles.model import Article, Concept
from gardener.pages.urls import relative_url
from gardener.text.dates import PartialDate
from gardener.text.markdown import escape_inline
from gardener.text.natural import natural_titles


class ArticleRef(NamedTuple):
    """An article as a listing shows it: everything but its text and tags. Listing pages keep
    these, not articles, so an edit to a body does not re-render every page that lists it.
    (Small page values are named tuples: a rebuild hashes and compares thousands of them.)"""

    path: str
    slug: str
    title: str
    date: PartialDate | None
    authors: tuple[str, ...]

    @classmethod
    def of(cls, article: Article) -> ArticleRef:
        return cls(article.path, article.slug, article.title, article.date, article.authors)


class ConceptRef(NamedTuple):
    """A concept as a link to it shows it."""

    slug: str
    title: str
    path: str

    @classmethod
    def of(cls, concept: Concept) -> ConceptRef:
        return cls(concept.slug, concept.title, concept.path)


@lru_cache(maxsize=1 << 16)  # bounded: a 10,000-article garden has millions of (page, target) pairs
def rel_link(from_path: str, to_path: str) -> str:
    """A relative link between two docs-relative Markdown paths, as MkDocs resolves them.

    Both paths are normalised docs paths (no "." or ".." parts), so plain list work gives the
    same answer as posixpath.relpath without its filesystem-style absolutising, which dominated
    page rendering time in large gardens.
    """
    here = from_path.split("/")[:-1]
    there = to_path.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


@lru_cache(maxsize=65536)
def md_text(text: str) -> str:
    """Text safe inside a Markdown link label or table cell (see escape_inline)."""
    return escape_inline(text)


def html_link(text: str, from_path: str, to_path: str, directory_urls: bool) -> str:
    return (f'<a href="{html.escape(relative_url(from_path, to_path, directory_urls))}">'
            f"{html.escape(text)}</a>")


def html_list(css: str, items: list[str], *, searched: bool = True) -> str:
    """A list written as HTML, which the Markdown renderer passes through as it is: the lists
    gardener adds to every page (concepts, related articles, backlinks) cost several times
    more to render as Markdown inside HTML than the article's own text. `searched`: see
    packed_html."""
    rows = "".join(f"<li>{item}</li>\n" for item in items)
    return packed_html(f'<div class="{css}"><ul>\n{rows}</ul></div>\n', searched=searched)


# HTML gardener adds to a page, carried through Python-Markdown inside one HTML comment: its
# "%" and "-" escaped, so no "--" ends the comment early. "-unsearched" marks a block in a
# section search leaves out.
_PACKED = re.compile(r"<!--gardener-html(-unsearched)?:(.*?)-->", re.S)
_ESCAPED = re.compile(r"%(25|2D)")


def packed_html(block: str, *, searched: bool = True) -> str:
    """A block of HTML gardener adds to a page, as one HTML comment that holds it. Python-Markdown
    passes HTML through as it is, but it parses every tag to find where the HTML ends: for the
    lists on every page, most of the cost of rendering it. A comment is read with one search
    for its end. The comment becomes the HTML again after rendering (`site/packed_html.py`),
    and in Markdown handed to anything else (`GardenSite.page_markdown`).

    `searched=False`: the block is in a section search leaves out (a heading marked
    `{data-search-exclude}`, no heading between them). A build may then keep it packed until
    search has read the page, which then skips it as one comment instead of parsing every tag
    only to drop the section (`unpacked_html(unsearched=False)`). A block holding search's own
    attributes is never kept: search takes those out of the HTML it has read."""
    html = block.rstrip("\n")
    escaped = html.replace("%", "%25").replace("-", "%2D")
    kind = "" if searched or "data-search-" in html else "-unsearched"
    return f"<!--gardener-html{kind}:{escaped}-->" + block[len(html):]


def unpacked_html(text: str, *, unsearched: bool = True) -> str:
    """text with the HTML of every packed block in its place; with `unsearched=False`, the
    blocks in sections search leaves out stay packed (see packed_html)."""
    if "<!--gardener-html" not in text:
        return text

    def unpacked(found: re.Match) -> str:
        if found.group(1) and not unsearched:
            return found.group(0)
        return _ESCAPED.sub(_unescape, found.group(2))
    return _PACKED.sub(unpacked, text)


def _unescape(match: re.Match) -> str:
    return "%" if match.group(1) == "25" else "-"


def html_quote(snippet: tuple[str, str, str]) -> str:
    """A sentence with the words it is quoted for in bold."""
    before, words, after = (html.escape(part) for part in snippet)
    return f"<small>{before}<strong>{words}</strong>{after}</small>"


def asset(name: str) -> str:
    """A stylesheet or script shipped in the package (src/gardener/assets), for the site."""
    return resources.files("gardener").joinpath("assets").joinpath(name).read_text(encoding="utf-8")


def article_date(article: Article | ArticleRef) -> str:
    return article.date.iso() if article.date else "日期不详"


def article_line(article: Article | ArticleRef, from_path: str) -> str:
    """`- 2023-02-10 · [title](path) · authors`, the list line every listing uses."""
    who = f" · {md_text('、'.join(article.authors))}" if article.authors else ""
    return f"- {article_date(article)} · [{md_text(article.title)}]({rel_link(from_path, article.path)}){who}"


def newest_first(articles):
    return sorted(articles, key=lambda a: (a.date.sort_key() if a.date else (), a.slug), reverse=True)


UNDATED = "日期不详"


def by_year(articles) -> list[tuple[str, list]]:
    """(year label, articles newest first) with the newest year first and undated ones last:
    the navigation order both the plugin and `gardener export` use."""
    groups: dict[str, list] = {}
    for article in articles:
        groups.setdefault(str(article.date.year) if article.date else UNDATED, []).append(article)
    order = sorted(groups, key=lambda y: (y != UNDATED, y), reverse=True)
    # Undated articles have no newest: 第1章 … 第12章 read in their own order.
    return [(year, natural_titles(groups[year]) if year == UNDATED else newest_first(groups[year]))
            for year in order]
