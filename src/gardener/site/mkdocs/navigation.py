"""Articles in the MkDocs navigation: the tree of pages/nav_tree.py (years, newest first; months
and runs of days in large years; undated articles by folder and in runs of titles), wherever in
the articles' folder the pages sit."""

from __future__ import annotations

from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from gardener.articles.model import Garden
from gardener.pages.nav_tree import nav_tree


def arrange_articles(section: Section, garden: Garden, root: str) -> None:
    pages: dict[str, Page] = {}
    others: list = []
    _gather(section, pages, others)
    articles = [a for a in garden.articles if a.path in pages]
    children = [_section(label, entries, pages, section)
                for label, entries in nav_tree(articles, root)]
    # pages in the folder that are not articles (an index.md, a broken file) keep their place
    known = {a.path for a in articles}
    loose = [page for uri, page in pages.items() if uri not in known]
    for page in loose:
        page.parent = section
    section.children = loose + children + others


def _gather(section: Section, pages: dict[str, Page], others: list) -> None:
    """Every page below the section, subfolders included: the tree replaces the folders."""
    for child in section.children:
        if isinstance(child, Page):
            pages[child.file.src_uri] = child
        elif isinstance(child, Section):
            _gather(child, pages, others)
        else:
            others.append(child)


def _section(title: str, entries: list, pages: dict[str, Page], parent: Section) -> Section:
    section = Section(title, [])
    section.parent = parent
    for entry in entries:
        child: Section | Page
        if isinstance(entry, tuple):  # a section or a run: (label, entries)
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
