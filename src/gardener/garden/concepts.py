"""Concept mentions across the whole garden: who mentions what, where, and with what else.

Mentions are found once per article body with one multi-pattern matcher, and cached by the hash
of the body and of the alias set, so a rebuild after one edit only re-reads that one article.
Pairs are only ever formed within one article, so nothing here grows with the square of the
number of articles.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from gardener.garden.cache import AnalysisCache, digest
from gardener.garden.loading import Garden
from gardener.linking import ConceptMatcher, Mention, find_mentions
from gardener.model import Article

SNIPPET_CHARS = 90
RELATED_MAX = 6
_SENTENCE_END = "。！？!?\n"
_MARKUP = re.compile(r"<!--.*?-->|<[^>\n]+>|!?\[([^\]\n]*)\]\([^)\n]*\)|[*_`#>]+|^\s*[-+]\s+", re.S | re.M)


@dataclass(frozen=True)
class Backlink:
    article: Article
    count: int
    snippet: tuple[str, str, str]  # text before the mention, the mention, text after


@dataclass(frozen=True)
class ConceptIndex:
    matcher: ConceptMatcher
    signature: str
    per_article: dict[str, tuple[Mention, ...]]  # article path -> mentions in its body
    backlinks: dict[str, tuple[Backlink, ...]]  # concept slug -> listed articles, newest first
    cooccurring: dict[str, tuple[tuple[str, int], ...]]  # concept -> (other concept, articles)

    def counts(self, article: Article) -> Counter:
        return Counter(m.concept for m in self.per_article.get(article.path, ()))


# The automaton for an alias set, built once per process (each `serve` rebuild reuses it).
_MATCHERS: dict[str, ConceptMatcher] = {}


def alias_map(garden: Garden) -> dict[str, tuple[str, ...]]:
    return {c.slug: c.aliases for c in garden.concepts}


def matcher_signature(aliases: dict[str, tuple[str, ...]], headings: bool) -> str:
    text = repr(sorted(aliases.items())) + repr(headings)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def analyse_concepts(garden: Garden, *, link_headings: bool = False,
                     cache: AnalysisCache | None = None) -> ConceptIndex:
    cache = cache or AnalysisCache()
    aliases = alias_map(garden)
    signature = matcher_signature(aliases, link_headings)
    matcher = _MATCHERS.get(signature) or _MATCHERS.setdefault(signature, ConceptMatcher(aliases))
    per_article = {a.path: page_mentions(a.body, matcher, signature, not link_headings, cache)
                   for a in garden.articles}
    listed = [a for a in garden.articles if a.listed]
    return ConceptIndex(matcher, signature, per_article,
                        _backlinks(listed, per_article), _cooccurring(listed, per_article))


def page_mentions(markdown: str, matcher: ConceptMatcher, signature: str, protect_headings: bool,
                  cache: AnalysisCache) -> tuple[Mention, ...]:
    """Mentions in one page's Markdown, computed once per (alias set, text)."""
    key = ("mentions", signature, digest(markdown))
    return cache.get(key, lambda: tuple(find_mentions(markdown, matcher, headings=protect_headings)))


def _backlinks(articles: list[Article], per_article) -> dict[str, tuple[Backlink, ...]]:
    found: dict[str, list[Backlink]] = defaultdict(list)
    for article in articles:
        mentions = per_article[article.path]
        counts = Counter(m.concept for m in mentions)
        firsts: dict[str, Mention] = {}
        for mention in mentions:
            firsts.setdefault(mention.concept, mention)
        for concept, first in firsts.items():
            found[concept].append(Backlink(article, counts[concept], snippet(article.body, first)))
    return {c: tuple(sorted(links, key=_newest, reverse=True)) for c, links in found.items()}


def _newest(link: Backlink) -> tuple:
    article = link.article
    return (article.date is not None, article.date.sort_key() if article.date else (), article.slug)


def _cooccurring(articles: list[Article], per_article) -> dict[str, tuple[tuple[str, int], ...]]:
    # Pairs within one article only: linear in the number of articles, never article pairs.
    together: dict[str, Counter] = defaultdict(Counter)
    for article in articles:
        concepts = sorted({m.concept for m in per_article[article.path]})
        for concept in concepts:
            together[concept].update(c for c in concepts if c != concept)
    return {c: tuple(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
            for c, counter in together.items()}


def snippet(body: str, mention: Mention, width: int = SNIPPET_CHARS) -> tuple[str, str, str]:
    """The sentence around a mention, markup removed, cut to about width characters."""
    start = max(body.rfind(ch, 0, mention.start) for ch in _SENTENCE_END) + 1
    ends = [i for i in (body.find(ch, mention.end) for ch in _SENTENCE_END) if i >= 0]
    end = min(ends) + 1 if ends else len(body)
    before = _plain(body[start:mention.start])
    after = _plain(body[mention.end:end])
    room = max(10, (width - (mention.end - mention.start)) // 2)
    if len(before) > room:
        before = "…" + before[-room:]
    if len(after) > room:
        after = after[:room] + "…"
    return before.lstrip(), _plain(body[mention.start:mention.end]), after.rstrip()


def _plain(text: str) -> str:
    text = _MARKUP.sub(lambda m: m.group(1) or "", text)
    return " ".join(text.split())


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
