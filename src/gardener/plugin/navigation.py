"""Articles in the navigation: one section per year, newest first."""

from __future__ import annotations

from collections import defaultdict

from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from gardener.garden.loading import Garden

UNDATED = "日期不详"


def arrange_articles(section: Section, garden: Garden) -> None:
    by_path = {a.path: a for a in garden.articles}
    pages = [c for c in section.children if isinstance(c, Page)]
    others = [c for c in section.children if not isinstance(c, Page)]
    years: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        article = by_path.get(page.file.src_uri)
        year = str(article.date.year) if article and article.date else UNDATED
        years[year].append(page)

    def newest(page: Page):
        article = by_path.get(page.file.src_uri)
        return (article.date.sort_key() if article and article.date else (), page.file.src_uri)

    children = []
    for year in sorted(years, key=lambda y: (y != UNDATED, y), reverse=True):
        group = Section(year, sorted(years[year], key=newest, reverse=True))
        group.parent = section
        for page in group.children:
            page.parent = group
        children.append(group)
    section.children = children + others


def relink_pages(nav: Navigation) -> None:
    """Recompute the page order and previous/next links after sections were rearranged."""
    pages: list[Page] = []

    def walk(items):
        for item in items:
            if isinstance(item, Page):
                pages.append(item)
            elif isinstance(item, Section):
                walk(item.children)

    walk(nav.items)
    for before, after in zip(pages, pages[1:]):
        before.next_page, after.previous_page = after, before
    if pages:
        pages[0].previous_page = pages[-1].next_page = None
    nav.pages = pages
