"""`gardener check`: whole-garden validation. Errors fail CI; warnings are listed.

Each check is a function from the garden to diagnostics, registered in CHECKS; later features add
their own checks to the list rather than growing one function.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from gardener.articles.model import Diagnostic
from gardener.garden.concepts.index import analyse_concepts
from gardener.garden.concepts.matcher import matcher_for, normalise, sort_mentions
from gardener.garden.loading import Garden
from gardener.garden.timeline.build import build_timeline
from gardener.garden.timeline.extract import withheld_sentences
from gardener.text.cjk import has_cjk
from gardener.text.markdown import links
from gardener.text.segmenter import dictionary_counts

Check = Callable[[Garden], Iterable[Diagnostic]]


def _line(text: str, offset: int, first_line: int) -> int:
    return first_line + text.count("\n", 0, offset)


def duplicate_slugs(garden: Garden) -> Iterable[Diagnostic]:
    owners = defaultdict(list)
    for article in garden.articles:
        owners[article.slug].append(article.path)
    for slug, paths in owners.items():
        for path in paths[1:]:
            yield Diagnostic(path, f"slug '{slug}' is also used by {paths[0]}", "error", 1)


def duplicate_targets(garden: Garden) -> Iterable[Diagnostic]:
    slugs = {a.slug for a in garden.articles}
    for article in garden.articles:
        if article.duplicate_of and article.duplicate_of not in slugs:
            yield Diagnostic(article.path, f"duplicate_of names no article: '{article.duplicate_of}'")
        if article.duplicate_of == article.slug:
            yield Diagnostic(article.path, "duplicate_of names the article itself")


def missing_dates(garden: Garden) -> Iterable[Diagnostic]:
    for article in garden.articles:
        if article.date is None and not article.duplicate_of:
            yield Diagnostic(article.path, "no date: add `date:` to the front-matter", "warning")


def local_links(garden: Garden) -> Iterable[Diagnostic]:
    """Links and images that point at files of the garden which do not exist."""
    docs = garden.docs_dir
    for article in garden.articles:
        for link in links(article.body):
            parts = urlsplit(link.target)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            here = PurePosixPath(article.path).parent
            resolved = _resolve(docs, here, unquote(parts.path))
            if resolved is None or not resolved.exists():
                kind = "image" if link.image else "link"
                yield Diagnostic(article.path, f"broken {kind}: '{link.target}' does not exist",
                                 "error", _line(article.body, link.start, article.body_line))


def _resolve(docs: Path, here: PurePosixPath, target: str) -> Path | None:
    path = PurePosixPath(target.lstrip("/")) if target.startswith("/") else here / target
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if not parts:
                return None  # leaves the docs folder
            parts.pop()
        elif part != ".":
            parts.append(part)
    return docs.joinpath(*parts)


# An alias that general Chinese text uses this often (jieba's dictionary counts, out of ~60
# million words) is an everyday word: linking it would flood pages with links.
COMMON_WORD_FREQ = 1000
LATIN_MIN_CHARS = 3


def alias_collisions(garden: Garden) -> Iterable[Diagnostic]:
    owners = defaultdict(list)
    for concept in garden.concepts:
        for alias in dict.fromkeys(normalise(a) for a in concept.aliases):
            owners[alias].append(concept)
    for alias, concepts in owners.items():
        # Notes that all mark a shared alias ambiguous let the context choose (推理: inference
        # or reasoning); otherwise the first note would silently take every mention.
        if all(alias in {normalise(a) for a in c.ambiguous} for c in concepts):
            continue
        for concept in concepts[1:]:
            yield Diagnostic(concept.path, f"alias '{alias}' is also claimed by {concepts[0].path}",
                             "error")


def risky_aliases(garden: Garden) -> Iterable[Diagnostic]:
    counts = dictionary_counts(a for c in garden.concepts for a in c.aliases if has_cjk(a))
    for concept in garden.concepts:
        for alias in concept.aliases:
            reason = _alias_risk(alias, counts)
            if reason:
                yield Diagnostic(concept.path, f"alias '{alias}' {reason}", "warning")


def _alias_risk(alias: str, counts: Mapping[str, int]) -> str | None:
    cjk = has_cjk(alias)
    if cjk and len(alias.strip()) == 1:
        return "is a single Chinese character and would match inside many words"
    if not cjk and len(alias.strip()) < LATIN_MIN_CHARS:
        return f"is shorter than {LATIN_MIN_CHARS} characters and would match too often"
    if cjk and counts.get(alias, 0) > COMMON_WORD_FREQ:
        return "is an everyday Chinese word and would link too often"
    return None


def ambiguous_aliases(garden: Garden) -> Iterable[Diagnostic]:
    """Every alias linked only where its context is about the concept, with how often it was
    linked and skipped, so a note's `ambiguous` and `context` lists can be tuned."""
    matcher = matcher_for(garden.concepts)
    senses = matcher.senses
    if senses is None or not senses.ambiguous:
        return
    linked: Counter = Counter()
    skipped: Counter = Counter()
    for article in garden.articles:
        kept, left = sort_mentions(article.body, matcher)
        linked.update((m.concept, matcher.norm_of[m.alias]) for m in kept
                      if matcher.norm_of[m.alias] in senses.ambiguous)
        skipped.update(matcher.norm_of[m.alias] for m in left)
    for concept in garden.concepts:
        for alias in dict.fromkeys(normalise(a) for a in concept.aliases):
            if alias not in senses.ambiguous:
                continue
            why = senses.detected.get(alias) or "marked ambiguous"
            yield Diagnostic(concept.path, f"alias '{alias}' is ambiguous ({why}): linked where the "
                             f"context is about the concept ({linked[(concept.slug, alias)]}), "
                             f"skipped elsewhere ({skipped[alias]})", "info")


def withheld_events(garden: Garden) -> Iterable[Diagnostic]:
    """Dated sentences the timeline leaves out, one line per article with the reasons."""
    for article in garden.articles:
        if article.draft:
            continue
        withheld = withheld_sentences(article)
        if withheld:
            reasons = Counter(reason for _line, reason, _text in withheld)
            summary = ", ".join(f"{reason} {n}" for reason, n in reasons.most_common())
            line, _reason, text = withheld[0]
            yield Diagnostic(article.path, f"{len(withheld)} dated sentences are not timeline events "
                             f"({summary}); first: \"{text}\"", "info", article.body_line + line - 1)


def unmentioned_concepts(garden: Garden) -> Iterable[Diagnostic]:
    index = analyse_concepts(garden)
    for concept in garden.concepts:
        if concept.slug not in index.backlinks:
            yield Diagnostic(concept.path, "no article mentions this concept (check its aliases)",
                             "warning")


def unknown_related(garden: Garden) -> Iterable[Diagnostic]:
    known = {c.slug for c in garden.concepts}
    for concept in garden.concepts:
        for slug in concept.related:
            if slug not in known:
                yield Diagnostic(concept.path, f"related names no concept: '{slug}'", "error")


def timeline_check(curated_file: Path | None, name: str | None = None) -> Check:
    """Dates without a year, and hand-written entries that are malformed or match nothing."""

    def check(garden: Garden) -> Iterable[Diagnostic]:
        matcher = analyse_concepts(garden).matcher
        return build_timeline(garden, matcher, curated_file, name).diagnostics

    return check


CHECKS: list[Check] = [
    duplicate_slugs, duplicate_targets, missing_dates, local_links,
    alias_collisions, risky_aliases, ambiguous_aliases, unmentioned_concepts, unknown_related,
    withheld_events,
]


def run_checks(garden: Garden, checks: Iterable[Check] = ()) -> list[Diagnostic]:
    found = list(garden.diagnostics)
    for check in [*CHECKS, *checks]:
        found.extend(check(garden))
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(found, key=lambda d: (order[d.severity], d.path, d.line or 0))
