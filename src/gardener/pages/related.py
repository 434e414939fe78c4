""""相关文章": the articles most like this one, with the concepts they share."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from gardener.articles.model import Concept
from gardener.garden.similarity import Related
from gardener.pages.common import ArticleRef, article_date, html_link, html_list

HEADING = "相关文章"


class RelatedRow(NamedTuple):
    article: ArticleRef
    concepts: tuple[str, ...]  # titles of the concepts both articles mention


@dataclass(frozen=True)
class RelatedInputs:
    page_path: str
    rows: tuple[RelatedRow, ...]  # most alike first
    directory_urls: bool = True  # how the site names pages, for the links written as HTML


def inputs(page_path: str, related: Iterable[Related], articles: Mapping[str, ArticleRef],
           concepts: Mapping[str, Concept], directory_urls: bool = True) -> RelatedInputs:
    """`articles`: listings' references by path; `concepts`: notes by slug."""
    rows = tuple(RelatedRow(articles[r.path], tuple(concepts[s].title for s in r.concepts if s in concepts))
                 for r in related if r.path in articles)
    return RelatedInputs(page_path, rows, directory_urls)


def emit(page: RelatedInputs) -> str:
    """A Markdown section, or "" when no article is close enough to name."""
    if not page.rows:
        return ""
    items = []
    for row in page.rows:
        shared = html.escape("、".join(row.concepts))
        why = f' <span class="gd-related__why">共同概念：{shared}</span>' if shared else ""
        link = html_link(row.article.title, page.page_path, row.article.path, page.directory_urls)
        items.append(f"{article_date(row.article)} · {link}{why}")
    return f"## {HEADING} {{data-search-exclude}}\n\n" + html_list("gd-related", items, searched=False)
