"""Merging retellings: one timeline event per happening, however many articles tell it.

Events of one year and qualifier whose dates agree as far as both are known ("1914" and
"1914-07", never "1914-07" and "1914-08") and whose texts share enough letter bigrams (dates
left out) are one happening told again; they become one event, dated as precisely as any
telling dates it, listing every telling as a source.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import lru_cache

from gardener.articles.model import Article, Event, EventKind
from gardener.text.dates import PartialDate, find_dates

__all__ = ["MERGE_THRESHOLD", "compatible", "merge_events", "text_similarity"]

# In this garden, retellings of one statement score 0.46 (reworded) to 1.0 (re-punctuated), while
# different events of one date stay below 0.1; 0.4 sits in the gap (see tests/garden/test_events.py).
MERGE_THRESHOLD = 0.4

_NON_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=65536)  # the same texts come back on every rebuild of a served garden
def _bigrams(text: str) -> frozenset[str]:
    # The shared date would make any two texts of one bucket look alike: leave it out.
    for m in reversed(find_dates(text)):
        text = text[: m.start] + text[m.end:]
    letters = _NON_WORD.sub("", text).casefold()
    return frozenset(letters[i : i + 2] for i in range(len(letters) - 1))


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of the letter and digit bigrams of two event texts, dates left out."""
    return _jaccard(_bigrams(a), _bigrams(b))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _mergeable(event: Event) -> bool:
    return event.kind == EventKind.EVENT and event.resolved


def compatible(a: PartialDate, b: PartialDate) -> bool:
    """Whether two dates can name the same day: equal wherever both are known."""
    return all(x is None or y is None or x == y
               for x, y in ((a.year, b.year), (a.month, b.month), (a.day, b.day)))


def _fits(event: Event, group: list[Event]) -> bool:
    return all(compatible(event.date, other.date) for other in group)


def _cluster(bucket: list[Event], threshold: float) -> list[list[Event]]:
    """Single-link groups: an event joins the first group one of whose members it resembles.

    Only texts that can reach the threshold are compared (prefix filtering: two sets with
    Jaccard >= t share a bigram among the first |s| - ceil(t|s|) + 1 of each, in one global
    order, rarest first), and a text retold many times is one candidate, not many, so a date
    with thousands of events costs about linear time instead of all pairs."""
    grams = [_bigrams(event.text) for event in bucket]
    frequency = Counter(g for gs in set(grams) for g in gs)
    groups: list[list[Event]] = []
    first_group: dict[frozenset[str], int] = {}  # distinct text -> lowest group holding it
    by_prefix: dict[str, list[frozenset[str]]] = defaultdict(list)
    for event, own in zip(bucket, grams, strict=True):
        prefix = _prefix(own, frequency, threshold) if own else []
        candidates = {other for g in prefix for other in by_prefix[g]}
        home = min((g for g in (first_group[o] for o in candidates if _jaccard(own, o) >= threshold)
                    if _fits(event, groups[g])), default=None)
        if home is None:
            home = len(groups)
            groups.append([])
        groups[home].append(event)
        if own and own not in first_group:
            for g in prefix:
                by_prefix[g].append(own)
        first_group[own] = min(home, first_group.get(own, home))
    return groups


def _prefix(grams: frozenset[str], frequency: Counter, threshold: float) -> list[str]:
    ordered = sorted(grams, key=lambda g: (frequency[g], g))
    needed = math.ceil(threshold * len(grams) - 1e-9)
    return ordered[:len(grams) - needed + 1]


def _combine(group: list[Event], dates: Mapping[str, PartialDate | None],
             listed: set[str]) -> Event:
    # On equal confidence the wording of a listed article wins over a duplicate's repost;
    # max keeps the first of equals.
    best = max(group, key=lambda e: (e.confidence, e.sources[0] in listed))
    tellings: dict[str, str | None] = {}
    for event in group:
        for i, slug in enumerate(event.sources):
            anchor = event.anchors[i] if i < len(event.anchors) else event.anchor
            tellings.setdefault(slug, anchor)
    order = {slug: i for i, slug in enumerate(tellings)}

    def by_date(slug: str) -> tuple:
        date = dates.get(slug)
        return (date is None, date.sort_key() if date else (), order[slug])

    sources = tuple(sorted(tellings, key=by_date))
    concepts = tuple(dict.fromkeys(c for e in [best, *group] for c in e.concepts))
    precise = max(group, key=lambda e: _PRECISION_RANK[e.date.precision]).date
    return replace(best, date=precise, sources=sources, anchors=tuple(tellings[s] for s in sources),
                   concepts=concepts)


_PRECISION_RANK = {"year": 0, "month": 1, "day": 2}


def merge_events(events: Iterable[Event], articles: Iterable[Article] = (),
                 threshold: float = MERGE_THRESHOLD) -> list[Event]:
    """One event per happening: retellings on agreeing dates with alike texts become one event
    whose sources are ordered by article date (undated last). Only events of one year and
    qualifier are compared, so the work grows with the size of a year, not of the garden.
    Unresolved, published and hand-written events pass through untouched."""
    articles = list(articles)
    dates = {a.slug: a.date for a in articles}
    listed = {a.slug for a in articles if a.listed}
    buckets: dict[tuple, list[Event]] = {}
    slots: list[tuple | Event] = []
    for event in events:
        if not _mergeable(event):
            slots.append(event)
            continue
        key = (event.date.year, event.qualifier)
        if key not in buckets:
            buckets[key] = []
            slots.append(key)
        buckets[key].append(event)
    merged: list[Event] = []
    for slot in slots:
        if isinstance(slot, Event):
            merged.append(slot)
            continue
        merged.extend(_combine(group, dates, listed)
                      for group in _cluster(buckets[slot], threshold))
    return merged
