"""The garden's timeline: mined events merged across articles, publications, hand-written entries.

One function runs the whole chain in the order that keeps every source of a retold event:
extract from every non-draft article (duplicates too), merge, add publications, apply curated.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path

from gardener.articles.model import Diagnostic, Event, Garden
from gardener.forks import begun
from gardener.garden.cache import AnalysisCache, digest
from gardener.garden.concepts.matcher import ConceptMatcher
from gardener.garden.timeline.curated import apply_curated, curated_diagnostics, load_curated
from gardener.garden.timeline.extract import event_diagnostics, extract_events, publication_events
from gardener.garden.timeline.merge import merge_events

# Fewer articles than this are read here: a child would cost more than it saves (an edit while
# serving reads one article).
MIN_ITEMS = 64


@dataclass(frozen=True)
class Timeline:
    events: tuple[Event, ...]
    diagnostics: tuple[Diagnostic, ...] = field(default=())


def build_timeline(garden: Garden, matcher: ConceptMatcher | None,
                   curated_file: Path | None = None, curated_name: str | None = None,
                   cache: AnalysisCache | None = None, signature: str = "") -> Timeline:
    cache = cache or AnalysisCache()
    readable = [a for a in garden.articles if not a.draft]
    mined = [event for article in readable
             for event in _article_events(article, matcher, signature, cache,
                                          garden.digests.get(article.path))]
    merged = _merged(mined, readable, cache)
    # After merging: a retelling takes the confidence of the best telling of its event.
    problems = event_diagnostics(merged, readable, garden.docs_dir)
    merged += publication_events(garden.articles)
    if curated_file is None:
        return Timeline(tuple(merged), tuple(problems))
    entries, curated_problems = load_curated(curated_file, curated_name)
    known = {"concepts": {c.slug for c in garden.concepts},
             "sources": {a.slug for a in garden.articles}}
    problems += curated_problems + curated_diagnostics(merged, entries, known)
    return Timeline(tuple(apply_curated(merged, entries)), tuple(problems))


def _article_events(article, matcher, signature: str, cache: AnalysisCache,
                    file_digest: str | None) -> list[Event]:
    return cache.get(_events_key(article, signature, file_digest),
                     lambda: extract_events(article, matcher))


def _events_key(article, signature: str, file_digest: str | None) -> Hashable:
    # Events depend on the body, the slug and date they are resolved against, and the aliases.
    date = article.date.iso() if article.date else None
    return ("events", signature, article.slug, date, file_digest or digest(article.body))


def read_events(garden: Garden, matcher: ConceptMatcher | None, signature: str,
                cache: AnalysisCache) -> Callable[[], None]:
    """Start reading the dated statements of every article not in the cache, in a child process
    when there are many; the function returned waits for them and puts them in the cache, where
    `build_timeline` finds them. The analysis of mentions goes on meanwhile: events need only
    the articles and the matcher."""
    missing = {_events_key(a, signature, garden.digests.get(a.path)): a
               for a in garden.articles if not a.draft}
    missing = {key: a for key, a in missing.items() if key not in cache}
    if len(missing) < MIN_ITEMS:
        return lambda: None  # a few edited articles: read when the timeline asks
    found = begun(_all_events, list(missing.values()), matcher)

    def collect() -> None:
        for key, events in zip(missing, found(), strict=True):
            cache.put(key, events)
    return collect


def _all_events(articles: list, matcher: ConceptMatcher | None) -> list[list[Event]]:
    return [extract_events(article, matcher) for article in articles]


def _merged(mined: list[Event], articles: list, cache: AnalysisCache) -> list[Event]:
    # The last merge is reused while neither the mined events nor the articles' dates change
    # (an edit that adds no dated sentence, the common case while writing).
    key = (tuple(mined), tuple((a.slug, a.date, a.listed) for a in articles))
    return list(cache.latest("merge", key, lambda: merge_events(mined, articles)))
