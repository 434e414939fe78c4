"""Concept mentions across the whole garden: who mentions what, where, and with what else.

Mentions are found once per text with one multi-pattern matcher, and cached by the hash
of the body and of the alias set, so a rebuild after one edit only re-reads that one article.
Pairs are only ever formed within one article, so nothing here grows with the square of the
number of articles.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, partial

from gardener.articles.model import Article, Garden
from gardener.garden.cache import AnalysisCache, digest
from gardener.garden.concepts.matcher import ConceptMatcher, Mention, Spot, find_mentions, matcher_for
from gardener.text.markdown import inline_text

SNIPPET_CHARS = 90
RELATED_MAX = 6
# A sentence ends at Chinese end punctuation, a line's end, or "!" and "?" before a space or
# Chinese text: not inside an address ("?q=1") or before an image ("![").
_SENTENCE_END = re.compile(r"[。！？\n]|[!?](?=[\s\"'”’）)」』\u2e80-\U0010ffff]|$)")
_SENTENCE_SEARCH = 600  # characters either side: far beyond what a snippet shows


@dataclass(frozen=True)
class Backlink:
    article: Article
    count: int
    first: tuple[int, int]  # where in the article's body the concept is first mentioned

    @cached_property
    def snippet(self) -> tuple[str, str, str]:
        """Text before the first mention, the mention, text after. Made when a page quotes it:
        a concept page quotes a few of the articles that mention it, not every one."""
        return sentence_around(self.article.body, *self.first)


@dataclass(frozen=True)
class ConceptIndex:
    matcher: ConceptMatcher
    signature: str
    # path -> concept -> (mentions, (start, end) of the first)
    per_article: dict[str, dict[str, tuple[int, tuple[int, int]]]]
    backlinks: dict[str, tuple[Backlink, ...]]  # concept slug -> listed articles, newest first
    cooccurring: dict[str, tuple[tuple[str, int], ...]]  # concept -> (other concept, articles)


@dataclass(frozen=True)
class Placed:
    """Where one text's concept mentions are, as the analysis decided them: the concept and the
    bounds of each, in text order. Linking a page needs only these, so a page whose text the
    analysis has read is linked without reading it again (jieba's word-boundary checks are most
    of that reading). Kept as one string reference and two integers a mention, not as Mention
    objects, because the cache holds one for every text of the garden."""

    concepts: tuple[str, ...]
    bounds: array  # start and end of every mention, one after the other

    @classmethod
    def of(cls, mentions: Iterable[Spot | Mention]) -> Placed:
        mentions = tuple(mentions)
        bounds = array("q")
        for mention in mentions:
            bounds.extend((mention.start, mention.end))
        return cls(tuple(m.concept for m in mentions), bounds)

    def __iter__(self) -> Iterator[Spot]:
        bounds = self.bounds
        return (Spot(concept, bounds[2 * i], bounds[2 * i + 1])
                for i, concept in enumerate(self.concepts))

    def __len__(self) -> int:
        return len(self.concepts)


def placed_mentions(text: str, matcher: ConceptMatcher, signature: str, headings: bool,
                    cache: AnalysisCache) -> Placed:
    """The mentions of one text, kept under its hash and the alias set's signature, which also
    says whether headings are read (see matcher_signature): the analysis and a page's linking
    read each text once between them."""
    return cache.get(("placed", signature, headings, digest(text)),
                     lambda: Placed.of(find_mentions(text, matcher, headings=headings)))


def alias_map(garden: Garden) -> dict[str, tuple[str, ...]]:
    return {c.slug: c.aliases for c in garden.concepts}


def matcher_signature(aliases: dict[str, tuple[str, ...]], headings: bool, senses: object = ()) -> str:
    text = repr(sorted(aliases.items())) + repr(headings) + repr(senses)
    return digest(text)


def sense_data(garden: Garden) -> list[tuple]:
    """What the matcher's sense decisions read besides the aliases."""
    return sorted((c.slug, c.ambiguous, c.context, c.related) for c in garden.concepts)


def concept_matcher(garden: Garden, *, link_headings: bool = False,
                    cache: AnalysisCache | None = None) -> tuple[ConceptMatcher, str]:
    """The garden's matcher and its signature (the alias set, its senses, whether headings are
    read), built once per signature: every `serve` rebuild that keeps the aliases reuses it."""
    cache = cache or AnalysisCache()
    signature = matcher_signature(alias_map(garden), link_headings, sense_data(garden))
    return cache.latest("matcher", signature, lambda: matcher_for(garden.concepts)), signature


def analyse_concepts(garden: Garden, *, link_headings: bool = False,
                     cache: AnalysisCache | None = None) -> ConceptIndex:
    cache = cache or AnalysisCache()
    matcher, signature = concept_matcher(garden, link_headings=link_headings, cache=cache)
    summaries, current = {}, {}
    for article in garden.articles:
        # Only the per-concept summary is kept, not the mention list: a long article has
        # hundreds of mentions, and pages find their own when they are linked.
        key = garden.digests.get(article.path) or digest(article.body)
        summaries[article.path] = cache.get(("summary", signature, key), partial(
            _body_summary, article.body, matcher, signature, link_headings, cache))
        if article.listed:
            current[article.path] = (key, article, summaries[article.path])
    aggregate = cache.latest("aggregate", signature, _Aggregate)
    aggregate.update(current)
    return ConceptIndex(matcher, signature, summaries, dict(aggregate.sorted),
                        aggregate.cooccurring())


def _body_summary(body: str, matcher: ConceptMatcher, signature: str, link_headings: bool,
                  cache: AnalysisCache) -> dict[str, tuple[int, tuple[int, int]]]:
    return _summary(tuple(placed_mentions(body, matcher, signature, not link_headings, cache)))


def _summary(mentions: tuple[Spot | Mention, ...]) -> dict[str, tuple[int, tuple[int, int]]]:
    """concept -> (mentions in this article, where the first one is); depends only on the
    article's own text, so it is cached with it."""
    counts = Counter(m.concept for m in mentions)
    firsts: dict[str, Spot | Mention] = {}
    for mention in mentions:
        firsts.setdefault(mention.concept, mention)
    return {c: (counts[c], (first.start, first.end)) for c, first in firsts.items()}


class _Aggregate:
    """Backlinks and co-occurrence for one alias set, kept current article by article: a
    rebuild after one edit subtracts that article's old contribution and adds its new one
    instead of recounting the garden."""

    def __init__(self) -> None:
        self.parts: dict[str, tuple[str, frozenset[str]]] = {}
        self.links: dict[str, dict[str, Backlink]] = defaultdict(dict)
        self.together: dict[str, Counter] = defaultdict(Counter)
        self.sorted: dict[str, tuple[Backlink, ...]] = {}
        self._ranked: dict[str, tuple[tuple[str, int], ...]] = {}

    def update(self, current: dict[str, tuple[str, Article, dict]]) -> None:
        touched: set[str] = set()
        for path in [p for p, (key, _) in self.parts.items()
                     if p not in current or current[p][0] != key]:
            self._remove(path, touched)
        for path, (key, article, summary) in current.items():
            if path not in self.parts:
                self._add(path, key, article, summary, touched)
        for concept in touched:
            self._ranked.pop(concept, None)
            links = self.links.get(concept)
            if links:
                self.sorted[concept] = tuple(sorted(links.values(), key=_newest, reverse=True))
            else:
                self.sorted.pop(concept, None)

    def _add(self, path, key, article, summary, touched) -> None:
        concepts = frozenset(summary)
        for concept, (count, first) in summary.items():
            self.links[concept][path] = Backlink(article, count, first)
            self.together[concept].update(concepts - {concept})
        self.parts[path] = (key, concepts)
        touched |= concepts

    def _remove(self, path, touched) -> None:
        _key, concepts = self.parts.pop(path)
        for concept in concepts:
            self.links[concept].pop(path, None)
            counter = self.together[concept]
            counter.subtract(concepts - {concept})
            for other in [o for o, n in counter.items() if n <= 0]:
                del counter[other]
        touched |= concepts

    def cooccurring(self) -> dict[str, tuple[tuple[str, int], ...]]:
        for concept, counter in self.together.items():
            if concept not in self._ranked:
                self._ranked[concept] = tuple(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
        return {c: r for c, r in self._ranked.items() if r}


def _newest(link: Backlink) -> tuple:
    article = link.article
    return (article.date is not None, article.date.sort_key() if article.date else (), article.slug)


def sentence_around(body: str, first: int, last: int, width: int = SNIPPET_CHARS) -> tuple[str, str, str]:
    """(text before, the words first..last, text after) within their sentence, markup removed,
    cut to about width characters: a mention of a concept, or a link."""
    ends_before = list(_SENTENCE_END.finditer(body, max(0, first - _SENTENCE_SEARCH), first))
    start = ends_before[-1].end() if ends_before else max(0, first - _SENTENCE_SEARCH)
    end_after = _SENTENCE_END.search(body, last, last + _SENTENCE_SEARCH)
    end = end_after.end() if end_after else min(len(body), last + _SENTENCE_SEARCH)
    before = _plain(body[start:first])
    words = _plain(body[first:last])
    after = _plain(body[last:end])
    # The room is what the reader sees: a link's address is markup, not words.
    room = max(10, (width - len(words)) // 2)
    if len(before) > room:
        before = "…" + before[-room:]
    if len(after) > room:
        after = after[:room] + "…"
    return before.lstrip(), words, after.rstrip()


def _plain(text: str) -> str:
    return " ".join(inline_text(text).split())


def related_concepts(concept_slug: str, declared: tuple[str, ...], index: ConceptIndex,
                     known: set[str]) -> list[tuple[str, str]]:
    """(slug, why) for declared related concepts, then the ones that co-occur most."""
    chosen = [(slug, "declared") for slug in dict.fromkeys(declared) if slug in known]
    seen = {slug for slug, _ in chosen} | {concept_slug}
    for other, shared in index.cooccurring.get(concept_slug, ()):
        if len(chosen) >= len(declared) + RELATED_MAX:
            break
        if other not in seen:
            chosen.append((other, f"同时出现在 {shared} 篇文章中"))
            seen.add(other)
    return chosen
