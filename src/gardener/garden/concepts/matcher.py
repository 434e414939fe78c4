"""Concept mentions: which aliases occur where in a text.

``ConceptMatcher.find`` is pure string matching (Aho-Corasick, one pass, leftmost-longest, ASCII
word boundaries for Latin aliases); ``find_mentions`` drops the matches that sit where the one
Markdown scanner (`gardener.text.markdown`) says text must stay verbatim. Writing the chosen
mentions as links is a page's job (`gardener.pages.links`).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick

from gardener.garden.concepts.sense import (
    Sense,
    SenseFilter,
    detected_ambiguous,
    expanded_acronym,
    glued,
    reference_heading,
    splits_word,
    word_scores,
    wrong_case,
)
from gardener.text.markdown import Span, analyse

__all__ = ["ConceptMatcher", "Mention", "Spot", "find_mentions", "matcher_for", "normalise", "sort_mentions"]

# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_DIGITS = frozenset("0123456789")

# Full-width ASCII (U+FF01..U+FF5E) maps 1:1 onto U+0021..U+007E, ideographic
# space onto a space; upper case letters go straight to lower case.
_FULLWIDTH = {cp: chr(cp - 0xFEE0).lower() for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = " "
_FULLWIDTH_RUN = re.compile("[\uff01-\uff5e\u3000]+")
# Translation table: 1 for bytes that continue a UTF-8 character, else 0
# (see ConceptMatcher._encode).
_CONTINUATION_BYTES = bytes(1 if 0x80 <= byte < 0xC0 else 0 for byte in range(256))


def normalise(text: str) -> str:
    """Lower-case ASCII and fold full-width ASCII, keeping every offset.

    NFKC would also fold full-width forms but changes string lengths
    (e.g. ligatures, circled numbers), which would break offsets.
    """
    # bytes.lower() touches ASCII only, unlike str.lower() (which would also
    # change other scripts and, for a few characters, the length).
    text = text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")
    return _FULLWIDTH_RUN.sub(lambda m: m.group().translate(_FULLWIDTH), text)


# --------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of a concept alias in a text.

    ``alias`` is the alias as declared (not as written in the text: that is
    ``text[start:end]``); ``line`` is 1-based; ``heading`` is the text of the
    nearest heading above, None before the first heading and for plain text.
    """

    concept: str
    alias: str
    start: int
    end: int
    line: int
    heading: str | None


class Spot(NamedTuple):
    """Where a mention is: what writing its link or quoting it needs (a Mention has the same
    three fields)."""

    concept: str
    start: int
    end: int


# Boundary flags stored with every automaton entry.
_LEFT_ALNUM = 1  # alias starts with an ASCII letter/digit
_LEFT_DIGIT = 2  # ... with a digit: "5" must not start right after "3."
_RIGHT_ALNUM = 4  # alias ends with an ASCII letter/digit
_RIGHT_DIGIT = 8  # ... with a digit: "GPT-3" must not match in "GPT-3.5"


def _boundary_flags(norm_alias: str) -> int:
    first, last = norm_alias[0], norm_alias[-1]
    flags = 0
    if first in _ASCII_ALNUM:
        flags |= _LEFT_ALNUM | (_LEFT_DIGIT if first in _DIGITS else 0)
    if last in _ASCII_ALNUM:
        flags |= _RIGHT_ALNUM | (_RIGHT_DIGIT if last in _DIGITS else 0)
    return flags


def _clean_aliases(aliases: Iterable[str] | str) -> list[str]:
    # A bare string is an easy mistake in hand-written concept files; iterating
    # it would register every character as an alias.
    if isinstance(aliases, str):
        aliases = [aliases]
    cleaned = []
    for alias in aliases:
        alias = alias.strip()
        # Line breaks cannot occur in a link text, so such aliases are unusable.
        if alias and "\n" not in alias and "\r" not in alias:
            cleaned.append(alias)
    return cleaned


class ConceptMatcher:
    """Leftmost-longest multi-alias matcher over normalised text.

    Aliases are compared case-insensitively (ASCII) with full-width ASCII
    folded to half-width.  Chinese aliases match anywhere; an alias side that
    is an ASCII letter or digit only matches next to a non-alphanumeric
    character, and a trailing digit also refuses ".<digit>" (a longer
    version number).  An alias claimed by several concepts is reported in
    ``collisions`` (normalised alias -> concept ids) and matches as the first
    concept that declared it.
    """

    def __init__(self, aliases: Mapping[str, Iterable[str]],
                 senses: Mapping[str, Sense] | None = None) -> None:
        """concept id -> aliases; one automaton over all normalised aliases. With ``senses``
        (concept id -> Sense) mentions of ambiguous aliases are kept only in their sense
        (see `gardener.garden.concepts.sense`)."""
        owners: dict[str, list[str]] = {}
        declared: dict[str, tuple[str, str]] = {}
        for concept, names in aliases.items():
            for alias in _clean_aliases(names):
                norm = normalise(alias)
                claimed = owners.setdefault(norm, [])
                if concept not in claimed:
                    claimed.append(concept)
                # First declaration wins, so results do not depend on hashing.
                declared.setdefault(norm, (concept, alias))
        self.collisions: dict[str, list[str]] = {
            norm: ids for norm, ids in owners.items() if len(ids) > 1
        }
        self._entries: list[tuple[str, str]] = []
        self._automaton = self._build(declared)
        self._fold = _fold_pattern(declared)
        self.norm_of = {alias: norm for norm, (_c, alias) in declared.items()}
        self._declared = declared
        self.senses: SenseFilter | None = None
        if senses is not None:
            counts, zipfs = word_scores(alias for _c, alias in declared.values())
            detected = {norm: why for norm, (_c, alias) in declared.items()
                        if (why := detected_ambiguous(alias, counts, zipfs))}
            self.senses = SenseFilter(senses, owners, detected)

    def _build(self, declared: Mapping[str, tuple[str, str]]) -> ahocorasick.Automaton | None:
        if not declared:
            return None
        automaton = ahocorasick.Automaton()
        for norm, entry in declared.items():
            key = norm.encode("utf-8", "surrogatepass").decode("latin-1")
            automaton.add_word(key, (len(key), _boundary_flags(norm), len(self._entries), len(norm)))
            self._entries.append(entry)
        automaton.make_automaton()
        return automaton

    def concept_of(self, alias: str) -> str | None:
        """The concept an alias (as written) matches, or None."""
        entry = self._declared.get(normalise(alias))
        return entry[0] if entry else None

    def find(self, text: str) -> list[Mention]:
        """All non-overlapping matches in plain text, leftmost-longest.
        No Markdown awareness: ``heading`` is always None."""
        return self._pick(text, self._candidates(text), (), ())

    def _encode(self, text: str) -> tuple[str, bytes]:
        """The normalised text as UTF-8 bytes (viewed as a latin-1 str), and
        a same-length map with 1 at every UTF-8 continuation byte.

        The automaton runs over bytes rather than characters because
        pyahocorasick finds a node's children by linear search: with a few
        hundred Chinese aliases the root has hundreds of children, while in
        UTF-8 it has one per ASCII letter plus a handful of lead bytes.  That
        is a third faster even though the text gets longer.  Matches always
        start and end on character boundaries (aliases start with an ASCII or
        a lead byte), and ASCII neighbours look the same in both spaces, so
        the boundary rule is unaffected.

        Folding is cheaper than ``normalise`` on Chinese text: Chinese
        punctuation (，：？（）) is full-width ASCII, and folding all of it costs
        a substitution every few characters.  Only full-width letters, digits,
        "." (boundary rule), punctuation that occurs in some alias and, if an
        alias has a space, the ideographic space can change a match, so only
        those are folded.
        """
        text_pattern, bytes_pattern, fold_space = self._fold
        data = text.encode("utf-8", "surrogatepass")
        # The check runs on bytes, where it is several times faster; the rare
        # text that needs folding is folded as str, one replace per character.
        if bytes_pattern.search(data) is not None:
            for char in set("".join(text_pattern.findall(text))):
                text = text.replace(char, _FULLWIDTH[ord(char)])
            data = text.encode("utf-8", "surrogatepass")
        # The ideographic space is common in Chinese text.  Replacing its three
        # bytes by one keeps the character count, so offsets stay right.
        if fold_space:
            data = data.replace("\u3000".encode(), b" ")
        data = data.lower()
        return data.decode("latin-1"), data.translate(_CONTINUATION_BYTES)

    def _candidates(self, text: str) -> list[tuple[int, int, int]]:
        """Every boundary-valid match as (start, -end, entry) in character
        offsets, sorted: leftmost first, longest first among equal starts.

        Boundary checks happen before overlap resolution so that a rejected
        long match never hides a valid shorter one in the same place.
        """
        if self._automaton is None:
            return []
        view, continuation = self._encode(text)
        alnum, digits = _ASCII_ALNUM, _DIGITS
        size = len(view)
        # Matches arrive in order of their end, so byte -> character offsets
        # are converted incrementally by counting continuation bytes.
        count, counted, skipped = continuation.count, 0, 0
        found: list[tuple[int, int, int]] = []
        append = found.append
        for last, (length, flags, entry, chars) in self._automaton.iter(view):
            end = last + 1
            if flags:
                start = end - length
                if flags & _LEFT_ALNUM and start:
                    before = view[start - 1]
                    if before in alnum:
                        continue
                    if flags & _LEFT_DIGIT and before == "." and start > 1 and view[start - 2] in digits:
                        continue
                if flags & _RIGHT_ALNUM and end < size:
                    after = view[end]
                    if after in alnum:
                        continue
                    if flags & _RIGHT_DIGIT and after == "." and end + 1 < size and view[end + 1] in digits:
                        continue
            if end != counted:  # several aliases often end at the same byte
                skipped += count(1, counted, end)
                counted = end
            end -= skipped
            append((end - chars, -end, entry))
        found.sort()
        return found

    def _pick(
        self,
        text: str,
        candidates: list[tuple[int, int, int]],
        spans: Sequence[Span],
        headings: Sequence[tuple[int, str]],
    ) -> list[Mention]:
        """Leftmost-longest selection among candidates outside ``spans``,
        with line numbers and headings.

        One merge-like pass: candidates, spans and headings are all sorted by
        offset, so each pointer only moves forward.  A protected candidate is
        dropped before it can claim its region, so it never hides a shorter
        unprotected one.  Mentions are built inline (see _SETTERS).
        """
        entries = self._entries
        spans_iter, headings_iter = iter(spans), iter(headings)
        span_start, span_end = next(spans_iter, _NO_SPAN)
        heading_start, heading_text = next(headings_iter, _NO_HEADING)
        heading = None
        reached, line, line_pos = 0, 1, 0
        new, count = _object_new, text.count
        set_concept, set_alias, set_start, set_end, set_line, set_heading = _SETTERS
        mentions = []
        for start, end, entry in candidates:
            if start < reached:
                continue
            end = -end
            while span_end <= start:
                span_start, span_end = next(spans_iter, _NO_SPAN)
            if span_start < end:
                continue
            reached = end
            while heading_start <= start:
                heading = heading_text
                heading_start, heading_text = next(headings_iter, _NO_HEADING)
            line += count("\n", line_pos, start)
            line_pos = start
            concept, alias = entries[entry]
            mention = new(Mention)
            set_concept(mention, concept)
            set_alias(mention, alias)
            set_start(mention, start)
            set_end(mention, end)
            set_line(mention, line)
            set_heading(mention, heading)
            mentions.append(mention)
        return mentions


_FAR = 1 << 62
_NO_SPAN = (_FAR, _FAR)
_NO_HEADING = (_FAR, None)


def _fold_pattern(aliases: Iterable[str]) -> tuple[re.Pattern[str], re.Pattern[bytes], bool]:
    """Full-width characters that can change a match (see _encode): as a str
    pattern, as a UTF-8 bytes pattern for the quick check, and whether the
    ideographic space is among them."""
    ascii_chars = set(string.digits + string.ascii_letters + ".")
    for alias in aliases:
        ascii_chars.update(ch for ch in alias if "!" <= ch <= "~")
    wide = sorted(chr(ord(ch) + 0xFEE0) for ch in ascii_chars)
    # Every full-width form is three UTF-8 bytes starting EF BC or EF BD;
    # grouping on those keeps the bytes pattern to two cheap branches.
    groups: dict[bytes, list[bytes]] = {}
    for ch in wide:
        encoded = ch.encode()
        groups.setdefault(encoded[1:2], []).append(re.escape(encoded[2:]))
    branches = [re.escape(second) + b"[" + b"".join(thirds) + b"]" for second, thirds in groups.items()]
    text_pattern = re.compile("[" + "".join(re.escape(ch) for ch in wide) + "]+")
    bytes_pattern = re.compile(b"\xef(?:" + b"|".join(branches) + b")")
    return text_pattern, bytes_pattern, any(" " in alias for alias in aliases)


# Mentions are built without the frozen-dataclass __init__, which routes every
# field through object.__setattr__ and doubles the cost on the hot path; the
# slot descriptors give an indistinguishable object (same fields, eq, hash).
_object_new = object.__new__
_SETTERS = tuple(getattr(Mention, field).__set__ for field in Mention.__dataclass_fields__)


# --------------------------------------------------------------------------
# Mentions in Markdown
# --------------------------------------------------------------------------


def find_mentions(markdown: str, matcher: ConceptMatcher, *, headings: bool = True) -> list[Mention]:
    """Mentions outside protected spans, with line and nearest heading, where a reader would
    read the concept (see `sort_mentions`)."""
    return sort_mentions(markdown, matcher, headings=headings)[0]


def sort_mentions(markdown: str, matcher: ConceptMatcher, *,
                  headings: bool = True) -> tuple[list[Mention], list[Mention]]:
    """(mentions meant as concepts, mentions of ambiguous aliases skipped for their sense).

    Protected matches are discarded before overlaps are resolved, so an alias
    running into a code span does not hide a shorter one next to it. Matches
    glued into identifiers, versioned names, acronyms in another case, words of
    a spelled-out expansion and anything under a reference heading are dropped.
    """
    candidates = matcher._candidates(markdown)
    if not candidates:
        return [], []
    spans, heads = analyse(markdown, headings=headings)
    mentions = [m for m in matcher._pick(markdown, candidates, spans, heads) if _placed(matcher, markdown, m)]
    if matcher.senses is None or not mentions:
        return mentions, []
    return matcher.senses.choose(markdown, normalise(markdown), mentions, matcher.norm_of.__getitem__)


def _placed(matcher: ConceptMatcher, markdown: str, mention: Mention) -> bool:
    start, end = mention.start, mention.end
    if (glued(markdown, start, end) or wrong_case(mention.alias, markdown, start, end)
            or reference_heading(mention.heading) or splits_word(markdown, start, end)):
        return False
    # Words of another name's expansion are that name, not this concept; the expansion of the
    # concept's own acronym ("PPO（Proximal Policy Optimization）") is the concept.
    acronym = expanded_acronym(markdown, start, end)
    return acronym is None or matcher.concept_of(acronym) == mention.concept


def matcher_for(concepts: Iterable) -> ConceptMatcher:
    """The garden's matcher: every concept's aliases with its sense data (ambiguous aliases,
    context words, related concepts both ways)."""
    concepts = list(concepts)
    related: dict[str, set[str]] = {c.slug: set(c.related) for c in concepts}
    for concept in concepts:
        for other in concept.related:
            related.setdefault(other, set()).add(concept.slug)
    senses = {
        c.slug: Sense(frozenset(normalise(a) for a in getattr(c, "ambiguous", ())),
                      tuple(normalise(w) for w in getattr(c, "context", ())),
                      frozenset(related[c.slug]))
        for c in concepts
    }
    return ConceptMatcher({c.slug: c.aliases for c in concepts}, senses)
