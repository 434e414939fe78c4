"""Articles in the MkDocs navigation: one section per year (by month in a large year), newest
first."""

from __future__ import annotations

from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from gardener.articles.model import Garden
from gardener.pages.common import nav_tree


def arrange_articles(section: Section, garden: Garden) -> None:
    pages = {c.file.src_uri: c for c in section.children if isinstance(c, Page)}
    others = [c for c in section.children if not isinstance(c, Page)]
    articles = [a for a in garden.articles if a.path in pages]
    children = [_section(label, entries, pages, section) for label, entries in nav_tree(articles)]
    # pages in the folder that are not articles (an index.md, a broken file) keep their place
    known = {a.path for a in articles}
    loose = [page for uri, page in pages.items() if uri not in known]
    section.children = loose + children + others


def _section(title: str, entries: list, pages: dict[str, Page], parent: Section) -> Section:
    section = Section(title, [])
    section.parent = parent
    for entry in entries:
        child: Section | Page
        if isinstance(entry, tuple):  # (month label, articles)
            label, group = entry
            child = _section(label, group, pages, section)
        else:
            child = pages[entry.path]
            child.parent = section
        section.children.append(child)
    return section


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
    for before, after in zip(pages, pages[1:], strict=False):
        before.next_page, after.previous_page = after, before
    if pages:
        pages[0].previous_page = pages[-1].next_page = None
    nav.pages = pages
