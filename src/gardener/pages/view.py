"""The analysed garden as the page modules read it: one value per build, with the lookups many
pages share made once.

A page's `inputs(view, ...)` picks what the page shows out of this view; the view itself is never
part of a page's key, so it may hold anything (the matcher, whole articles) without making
pages depend on more than they show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from gardener.articles.model import Article, Concept, Event, Garden
from gardener.garden.cache import AnalysisCache
from gardener.garden.concepts.index import ConceptIndex, analyse_concepts
from gardener.garden.connections import Connections, connect
from gardener.options import DEFAULTS, Options
from gardener.pages.common import ArticleRef, ConceptRef
from gardener.pages.links import Linker
from gardener.pages.timeline import shown_events


@dataclass(frozen=True, eq=False)
class GardenView:
    garden: Garden
    index: ConceptIndex
    events: tuple[Event, ...]  # the timeline's events; () when the site has no timeline
    options: Options
    linker: Linker
    connections: Connections | None = None  # links between pages, related articles

    @classmethod
    def of(cls, garden: Garden, options: Options = DEFAULTS, events: Iterable[Event] = (),
           index: ConceptIndex | None = None) -> GardenView:
        index = index or analyse_concepts(garden, link_headings=options.link_headings)
        connections = connect(garden, index, AnalysisCache(), related=options.related)
        return cls(garden, index, tuple(events), options, Linker.of(garden, index, options),
                   connections)

    @cached_property
    def concepts(self) -> dict[str, Concept]:
        """Concept notes by slug."""
        return {c.slug: c for c in self.garden.concepts}

    @cached_property
    def concept_refs(self) -> dict[str, ConceptRef]:
        return {slug: ConceptRef.of(c) for slug, c in self.concepts.items()}

    @cached_property
    def article_refs(self) -> dict[str, ArticleRef]:
        """Articles as listings show them, by path (made once: many pages list one article)."""
        return {a.path: ArticleRef.of(a) for a in self.garden.articles}

    @cached_property
    def readable(self) -> dict[str, Article]:
        """Articles a build includes, by slug: drafts may be left out, so nothing links them."""
        return {a.slug: a for a in self.garden.articles if not a.draft}

    @cached_property
    def shown(self) -> list[Event]:
        """The events pages show, in page order."""
        return shown_events(self.events)

    @cached_property
    def events_by_concept(self) -> dict[str, tuple[Event, ...]]:
        found: dict[str, list[Event]] = {}
        for event in self.shown:
            for slug in event.concepts:
                found.setdefault(slug, []).append(event)
        return {slug: tuple(events) for slug, events in found.items()}
