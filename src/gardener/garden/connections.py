"""How the garden's pages connect: wikilinks resolved, links both ways, related articles.

What each page links to is read once per content hash (cached with the rest of the per-file
analysis); everything else is lookups over those readings, done again on every build, so an
edit during `mkdocs serve` costs one page's reading plus these cheap passes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from gardener.articles.model import Article, Concept, Diagnostic
from gardener.garden.backlinks import Citation, PageLinks, Reference, link_pages, page_references
from gardener.garden.cache import AnalysisCache, digest
from gardener.garden.concepts.index import ConceptIndex
from gardener.garden.similarity import Related, related_begun
from gardener.garden.wikilinks import WikiIndex, WikiTarget, garden_files, wikilink_diagnostics


@dataclass(frozen=True)
class Connections:
    index: WikiIndex
    references: Mapping[str, tuple[Reference, ...]]  # page path -> its links, in text order
    links: PageLinks
    related: Mapping[str, tuple[Related, ...]]
    diagnostics: tuple[Diagnostic, ...]
    titles: Mapping[str, str]  # page path -> title

    def citations(self, path: str) -> tuple[Citation, ...]:
        return self.links.incoming.get(path, ())

    def wiki_targets(self, path: str) -> tuple[tuple[tuple, WikiTarget], ...]:
        """Where each wikilink of a page goes, keyed by what it names: the part of the garden a
        page's wikilinks depend on."""
        found = {}
        for ref in self.references.get(path, ()):
            if ref.wiki is not None and ref.wiki.key not in found:
                found[ref.wiki.key] = self.index.target(ref.wiki, path)
        return tuple(found.items())


def rank_related(garden, concepts: ConceptIndex, cache: AnalysisCache, *,
                 related: int = 5) -> Callable[[], Mapping[str, tuple[Related, ...]]]:
    """Start ranking related articles (in a child process, for a whole garden); the function
    returned waits for the ranking, which `connect` takes."""
    if not related:
        return dict
    counts = {path: {slug: n for slug, (n, _) in found.items()}
              for path, found in concepts.per_article.items()}
    return related_begun(garden.articles, counts, cache=cache, digests=garden.digests,
                         count=related, signature=concepts.signature)


def connect(garden, concepts: ConceptIndex, cache: AnalysisCache, *, related: int = 5,
            ranked: Callable[[], Mapping[str, tuple[Related, ...]]] | None = None) -> Connections:
    """`ranked`: the related articles' ranking started by `rank_related`, or None to rank here."""
    pages: list[Article | Concept] = [*garden.articles, *garden.concepts]
    index = WikiIndex(garden.articles, garden.concepts, garden_files(garden.docs_dir))
    references = {page.path: _references(page, garden.digests, cache) for page in pages}
    sources = [a.path for a in garden.articles if a.listed] + [c.path for c in garden.concepts]
    links = link_pages(references, index, [p.path for p in pages], sources)
    ranking = (ranked or rank_related(garden, concepts, cache, related=related))()
    return Connections(index, references, links, ranking, _diagnostics(pages, references, index),
                       titles={p.path: p.title for p in pages})


def _references(page, digests: Mapping[str, str], cache: AnalysisCache) -> tuple[Reference, ...]:
    key = ("references", page.path, digests.get(page.path) or digest(page.body))
    return cache.get(key, lambda: page_references(page.path, page.body))


def _diagnostics(pages, references, index: WikiIndex) -> tuple[Diagnostic, ...]:
    problems: list[Diagnostic] = []
    for page in pages:
        links = [ref.wiki for ref in references[page.path] if ref.wiki is not None]
        if links:
            resolved = [index.resolve(link, page.path) for link in links]
            problems += wikilink_diagnostics(page.path, resolved, getattr(page, "body_line", 1))
    return tuple(problems)
