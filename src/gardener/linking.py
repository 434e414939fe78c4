"""Find concept mentions in article Markdown and turn chosen ones into links.

The pipeline is deliberately split in three steps so that each can be tested
and reused on its own:

1. ``ConceptMatcher.find`` -- pure string matching (Aho-Corasick, one pass,
   leftmost-longest, ASCII word boundaries for Latin aliases).
2. ``protected_spans`` / ``find_mentions`` -- Markdown awareness: drop matches
   that sit in code, math, links, raw HTML, headings and similar places.
3. ``link_mentions`` -- pick mentions by policy and rewrite them as links.
   ``strip_links`` undoes exactly what step 3 produced.

Produced link format (the "mark" that ``strip_links`` relies on)::

    [text](<href> "title")        or, when title() returns None,   [text](<href>)

* The destination is always wrapped in angle brackets and never contains
  whitespace: ``< > " ' ( ) [ ] \\ ` $ |`` and control characters are
  percent-encoded.  Hand-written links practically never look like this.
* ``text`` is the original slice of the article; ``\\ [ ] ``` are
  backslash-escaped (Python-Markdown un-escapes exactly these).
* ``title`` is HTML-entity encoded.  Python-Markdown does not honour ``\\"``
  inside link titles (the backslash survives into the attribute) and runs the
  code-span and escape patterns before the link pattern, so backticks and
  backslashes in a title would be mangled.  Entities, on the other hand, are
  passed through verbatim and decoded by the browser, so ``& " \\ ` $ | < > [ ]
  ( ) '`` and control characters (newlines included) become ``&...;`` and the
  rendered ``title`` attribute equals the summary exactly.

``strip_links`` only accepts that exact shape, so it leaves every other link
alone.  The one theoretical ambiguity is a hand-written link that already has
this shape; such a link would be stripped too.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import ahocorasick

__all__ = [
    "ConceptMatcher",
    "LinkPolicy",
    "Mention",
    "find_mentions",
    "link_mentions",
    "normalise",
    "protected_spans",
    "strip_links",
]

LinkPolicy = Literal["first", "section", "all"]
Span = tuple[int, int]

# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_DIGITS = frozenset("0123456789")

# Lower-casing is done on UTF-8 bytes: bytes.translate is a C table lookup,
# whereas str.translate falls back to a per-character dict lookup as soon as
# the text contains CJK.  Multi-byte UTF-8 sequences only use bytes >= 0x80,
# so the table cannot touch them.
_LOWER_BYTES = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")

# Full-width ASCII (U+FF01..U+FF5E) maps 1:1 onto U+0021..U+007E, ideographic
# space onto a space; upper case letters go straight to lower case.
_FULLWIDTH = {cp: chr(cp - 0xFEE0).lower() for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = " "
_FULLWIDTH_RUN = re.compile("[\uff01-\uff5e\u3000]+")


def normalise(text: str) -> str:
    """Lower-case ASCII and fold full-width ASCII, keeping every offset.

    NFKC would also fold full-width forms but changes string lengths
    (e.g. ligatures, circled numbers), which would break offsets.
    """
    lowered = text.encode("utf-8", "surrogatepass").translate(_LOWER_BYTES)
    text = lowered.decode("utf-8", "surrogatepass")
    if _FULLWIDTH_RUN.search(text) is None:
        return text
    return _FULLWIDTH_RUN.sub(lambda m: m.group().translate(_FULLWIDTH), text)


# --------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mention:
    concept: str
    alias: str
    start: int
    end: int
    line: int
    heading: str | None


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
    """Leftmost-longest multi-alias matcher over normalised text."""

    def __init__(self, aliases: Mapping[str, Iterable[str]]) -> None:
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

    def _build(self, declared: Mapping[str, tuple[str, str]]) -> ahocorasick.Automaton | None:
        if not declared:
            return None
        automaton = ahocorasick.Automaton()
        for norm, entry in declared.items():
            automaton.add_word(norm, (len(norm), len(self._entries), _boundary_flags(norm)))
            self._entries.append(entry)
        automaton.make_automaton()
        return automaton

    def find(self, text: str) -> list[Mention]:
        return self._pick(text, self._candidates(text), (), ())

    def _normalise(self, text: str) -> str:
        """Same matches as ``normalise`` but cheaper on Chinese text.

        Chinese punctuation (，：？（）) is full-width ASCII, so folding every
        full-width character costs a substitution every few characters.  Only
        full-width letters, digits, "." (boundary rule) and the punctuation
        that occurs in some alias can change a match; the rest is left alone.
        """
        text = text.encode("utf-8", "surrogatepass").translate(_LOWER_BYTES)
        text = text.decode("utf-8", "surrogatepass")
        if self._fold.search(text) is None:
            return text
        return self._fold.sub(lambda m: m.group().translate(_FULLWIDTH), text)

    def _candidates(self, text: str) -> list[tuple[int, int, int]]:
        """Every boundary-valid match as (start, -end, entry), sorted.

        Boundary checks happen before overlap resolution so that a rejected
        long match never hides a valid shorter one in the same place.
        """
        if self._automaton is None:
            return []
        norm = self._normalise(text)
        alnum, digits = _ASCII_ALNUM, _DIGITS
        size = len(norm)
        found = []
        append = found.append
        for last, (length, entry, flags) in self._automaton.iter(norm):
            start = last - length + 1
            end = last + 1
            if flags & _LEFT_ALNUM and start:
                before = norm[start - 1]
                if before in alnum:
                    continue
                if flags & _LEFT_DIGIT and before == "." and start > 1 and norm[start - 2] in digits:
                    continue
            if flags & _RIGHT_ALNUM and end < size:
                after = norm[end]
                if after in alnum:
                    continue
                if flags & _RIGHT_DIGIT and after == "." and end + 1 < size and norm[end + 1] in digits:
                    continue
            append((start, -end, entry))
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
        unprotected one.
        """
        entries = self._entries
        spans_iter, headings_iter = iter(spans), iter(headings)
        span_start, span_end = next(spans_iter, _NO_SPAN)
        heading_start, heading_text = next(headings_iter, _NO_HEADING)
        heading = None
        reached, line, line_pos = 0, 1, 0
        mentions = []
        for start, neg_end, entry in candidates:
            if start < reached:
                continue
            while span_end <= start:
                span_start, span_end = next(spans_iter, _NO_SPAN)
            if span_start < -neg_end:
                continue
            reached = -neg_end
            while heading_start <= start:
                heading = heading_text
                heading_start, heading_text = next(headings_iter, _NO_HEADING)
            line += text.count("\n", line_pos, start)
            line_pos = start
            concept, alias = entries[entry]
            mentions.append(_new_mention(concept, alias, start, reached, line, heading))
        return mentions


_FAR = 1 << 62
_NO_SPAN = (_FAR, _FAR)
_NO_HEADING = (_FAR, None)


def _fold_pattern(aliases: Iterable[str]) -> re.Pattern[str]:
    ascii_chars = set("0123456789abcdefghijklmnopqrstuvwxyz.")
    for alias in aliases:
        ascii_chars.update(ch for ch in alias if "!" <= ch <= "~")
    wide = {chr(ord(ch) + 0xFEE0) for ch in ascii_chars}
    wide.update(chr(ord(ch) + 0xFEE0) for ch in ascii_chars if "a" <= ch <= "z" for ch in [ch.upper()])
    if any(" " in alias for alias in aliases):
        wide.add("\u3000")
    return re.compile("[" + "".join(sorted(re.escape(ch) for ch in wide)) + "]+")


def _new_mention(concept: str, alias: str, start: int, end: int, line: int, heading: str | None) -> Mention:
    """Build a Mention without the frozen-dataclass __init__, which routes
    every field through object.__setattr__ and doubles the cost on the hot
    path; the result is indistinguishable (same slots, eq and hash)."""
    mention = _object_new(Mention)
    _set_concept(mention, concept)
    _set_alias(mention, alias)
    _set_start(mention, start)
    _set_end(mention, end)
    _set_line(mention, line)
    _set_heading(mention, heading)
    return mention


_object_new = object.__new__
_set_concept = Mention.concept.__set__  # type: ignore[attr-defined]
_set_alias = Mention.alias.__set__  # type: ignore[attr-defined]
_set_start = Mention.start.__set__  # type: ignore[attr-defined]
_set_end = Mention.end.__set__  # type: ignore[attr-defined]
_set_line = Mention.line.__set__  # type: ignore[attr-defined]
_set_heading = Mention.heading.__set__  # type: ignore[attr-defined]


# --------------------------------------------------------------------------
# Protected spans
# --------------------------------------------------------------------------

_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)
_FENCE_OPEN = re.compile(r"^(?:[ \t]*>)*[ \t]*(`{3,}|~{3,})([^\n]*)", re.M)
_FENCE_CLOSE = {
    "`": re.compile(r"^(?:[ \t]*>)*[ \t]*(`{3,})[ \t]*\r?$", re.M),
    "~": re.compile(r"^(?:[ \t]*>)*[ \t]*(~{3,})[ \t]*\r?$", re.M),
}
_ATX = re.compile(r"(#{1,6})(.*?)(?:[ \t]#+)?[ \t]*\r?$")
_SETEXT = re.compile(r"(?:=+|-+)[ \t]*\r?$")
_LINK_DEFINITION = re.compile(r"\[(?!\^)[^\]\n]+\]:")
_HR = re.compile(r"(?:[-*_][ \t]*){3,}\r?$")
_LIST_ITEM = re.compile(r"(?:[-*+]|\d+\.) ")  # Python-Markdown's markers
_ADMONITION = re.compile(r"(?:!!!|\?\?\?\+?)[ \t]")

# Masking overwrites already protected text (keeping newlines and length) so
# that later regexes cannot pair delimiters across it.  Fillers are
# private-use characters rather than spaces: superfences swaps a fence for an
# inline placeholder, so a masked fence must not look like blank lines.  Raw
# HTML blocks and block-level comments, on the other hand, are lifted out as
# blocks of their own; their filler tells the line scan that a block ends.
_FILLER = "\ue000"
_BLOCK_FILLER = "\ue001"

# Lines starting with one of these need a closer look in the line scan; all
# other lines are ordinary paragraph text.
_SPECIAL_START = frozenset(" \t#=-*+`~>!?[_0123456789" + _BLOCK_FILLER)

# Block-level tags whose content Python-Markdown keeps as raw HTML, and inline
# elements whose content must not be touched either.
_RAW_BLOCK_TAGS = (
    "address|article|aside|blockquote|details|dialog|div|dl|fieldset|figure|"
    "footer|form|header|iframe|nav|noscript|ol|p|section|table|ul|video|audio|math|svg"
)
_OPAQUE_ELEMENTS = "a|code|pre|script|style|kbd|samp|textarea"
_RAW_BLOCK_SET = frozenset(_RAW_BLOCK_TAGS.split("|"))

# A line that interrupts a paragraph in Python-Markdown (or a blank line) ends
# any inline construct that could otherwise run on over several lines.  List
# items are not in here: Python-Markdown lets them continue a paragraph.
_NEW_BLOCK = (
    r"[ \t]*(?:\r?\n|>|\#|!!!|\?\?\?|\[[^\]\n]+\]:|(?:[-*_][ \t]*){3,}\r?$|<!--|<(?:"
    + _RAW_BLOCK_TAGS
    + r")\b)"
)
_PARAGRAPH_END = re.compile(r"\n" + _NEW_BLOCK, re.M | re.I)
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")

# Openers of constructs whose content is opaque to everything else.  They are
# found in one left-to-right scan so that whichever starts first wins: a
# backtick inside an HTML comment does not open a code span and "<!--" inside
# a code span does not open a comment (Python-Markdown's HTML extractor
# agrees).  Every alternative starts with a literal character, which lets the
# regex engine skip quickly over plain text.
_OPAQUE_START = re.compile(
    r"<!--|`+|\$\$?|\\[\[(]|<(?:" + _OPAQUE_ELEMENTS + "|" + _RAW_BLOCK_TAGS + r")\b", re.I
)
_INLINE_MATH = re.compile(r"\$(?![\s$])[^\n$]*?(?<![\s\\])\$(?![$\d])")
_BRACKET_MATH = {
    "\\[": re.compile(r"\\\[(?:[^\n]|\n(?![ \t]*\r?\n))*?\\\]"),
    "\\(": re.compile(r"\\\([^\n]*?\\\)"),
}
_ELEMENT = re.compile(
    r"<(?P<tag>" + _OPAQUE_ELEMENTS + r""")\b(?:"[^"]*"|'[^']*'|[^'">])*>[\s\S]*?</(?P=tag)[ \t]*>""",
    re.I,
)
_RAW_BLOCK = re.compile(
    r"<(?P<tag>" + _RAW_BLOCK_TAGS + r""")\b(?:"[^"]*"|'[^']*'|[^'">])*>[\s\S]*?(?:</(?P=tag)[ \t]*>|\Z)""",
    re.I,
)
_CODE_CLOSERS: dict[int, re.Pattern[str]] = {}

# Inline links and images.  Python-Markdown is lenient with an unclosed
# "[text](": it keeps looking for the ")" through the rest of the paragraph,
# so a link inserted there would close it.  Such a broken link protects up to
# the end of its paragraph.  (The "!" of an image needs no protection.)
_LINK = re.compile(
    r"""\[(?:[^\[\]]++|\[[^\[\]]*+\])*+\]\("""
    r"""(?:(?:[^()\n]++|\([^()\n]*+\))*+\)|[^\n]*+(?:\n(?![ \t]*\r?\n)[^\n]*+)*+)"""
)

# Link definitions, found by their line start so every alternative of _INLINE
# can begin with a literal character.
_DEFINITION = re.compile(r"""\n[ ]{0,3}(\[(?!\^)([^\]\n]+)\]:[^\n]*(?:\n[ \t]*["'(][^\n]*)?)""")

# Everything else that must stay verbatim; links get their own pass because
# in "[a][b](url)" the reference pattern would consume "[b]" and hide the
# link.  Overlaps are harmless because spans are merged afterwards.  An
# unclosed "<tag" is protected to the end of its paragraph because the ">" of
# a produced link's destination could otherwise complete it into a tag.
_INLINE = re.compile(
    r"""
      \[(?:[^\[\]]++|\[[^\[\]]*+\])*+\][ \t\n]?\[[^\[\]\n]*\]          # [text][ref], [text][]
    | \[\^[^\]\n]+\]                                                 # [^1]
    | <(?:[a-z][a-z0-9+.\-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>]+)>      # <http://...>, <a@b>
    | https?://[a-z0-9\-._~:/?\#\[\]@!$&'()*+,;=%]+                 # bare URL
    | www\.[a-z0-9\-._~:/?\#\[\]@!$&'()*+,;=%]+
    | </?[a-z][a-z0-9\-]*(?:\s(?:"[^"\n]*+"|'[^'\n]*+'|[^'"<>]++)*+)?/?>   # HTML tag
    | </?[a-z][^<>@ \n]*+(?:[ ][^<>]*+)?>                               # Python-Markdown's looser tag
    | </?[a-z](?:[^<>\n]++|\n(?![ \t]*\r?\n))*+(?!>)                 # unclosed tag start
    | &(?:\#[0-9]{1,7}|\#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});       # entity
    | \{:?[ \t]*[\#.:][^{}\n]*\}                                    # attr_list
    """,
    re.X | re.I,
)

_NON_NEWLINE = re.compile(r"[^\n]+")


def protected_spans(markdown: str, *, headings: bool = True) -> list[Span]:
    return _analyse(markdown, headings=headings)[0]


def _analyse(markdown: str, *, headings: bool) -> tuple[list[Span], list[tuple[int, str]]]:
    """Protected spans plus (line start, text) of every heading.

    The passes follow Python-Markdown's own order: fences (a preprocessor),
    then raw HTML and code spans, then block structure, then inline syntax.
    Each pass sees the text with earlier findings masked out.
    """
    front = _front_matter(markdown)
    fences, unclosed = _fences(markdown, front)
    masked = _mask(markdown, [(0, front)], _BLOCK_FILLER)
    masked = _mask(masked, fences, _FILLER)
    opaque, raw, tail = _opaque(masked)
    masked = _mask(_mask(masked, opaque, _FILLER), raw, _BLOCK_FILLER)
    block, heads = _LineScanner(masked, markdown, headings).run()
    masked = _mask(masked, block, _FILLER)
    inline = [m.span() for m in _LINK.finditer(masked)]
    inline += [m.span() for m in _INLINE.finditer(masked)]
    inline += _references(masked)
    fixed = [(0, front)] + [span for span in (unclosed, tail) if span]
    return _merge(fixed + fences + opaque + raw + block + inline), heads


def _fences(text: str, pos: int) -> tuple[list[Span], Span | None]:
    """Closed fenced code blocks, and an unclosed one if there is one.

    An unclosed fence is protected to the end of the text but not masked:
    Python-Markdown renders it as plain text, so inline constructs around it
    are matched as if it were not there.
    """
    spans: list[Span] = []
    while (opening := _FENCE_OPEN.search(text, pos)) is not None:
        marker, info = opening.group(1), opening.group(2)
        pos = opening.end()
        # A backtick fence's info string may not contain backticks,
        # otherwise "```a```" would be inline code.
        if marker[0] == "`" and "`" in info:
            continue
        end = _fence_end(text, pos, marker)
        if end is None:
            return spans, (opening.start(), len(text))
        spans.append((opening.start(), end))
        pos = end
    return spans, None


def _fence_end(text: str, pos: int, marker: str) -> int | None:
    closing = _FENCE_CLOSE[marker[0]]
    while (match := closing.search(text, pos)) is not None:
        if len(match.group(1)) >= len(marker):
            return match.end()
        pos = match.end()
    return None


def _opaque(masked: str) -> tuple[list[Span], list[Span], Span | None]:
    """Code spans, math, comments and raw HTML.

    Returns the spans to mask as inline text, those Python-Markdown lifts out
    as blocks of their own, and the tail after an unclosed comment.  That
    tail is protected but left unmasked, because Python-Markdown renders an
    unclosed comment as text and the structure after it still matters.
    """
    inline: list[Span] = []
    blocks: list[Span] = []
    pos = 0
    while (opener := _OPAQUE_START.search(masked, pos)) is not None:
        start, token = opener.start(), opener.group()
        if token == "<!--":
            end, lifted = _comment(masked, start)
            if end is None:
                return inline, blocks, (start, len(masked))
        elif token[0] == "<":
            end, lifted = _element(masked, start, token[1:].lower())
        elif token[0] == "`":
            if _escaped(masked, start):
                pos = start + 1
                continue
            end, lifted = _code_span(masked, start, len(token)), False
            if end is None:
                # A shorter run from the same backticks could not find a
                # closer the full run missed, so skip the whole run.
                pos = start + len(token)
                continue
        else:
            end, lifted = _inline_opaque(masked, start, token), False
        if end is None:
            pos = start + 1
            continue
        (blocks if lifted else inline).append((start, end))
        pos = end
    return inline, blocks, None


def _comment(masked: str, start: int) -> tuple[int | None, bool]:
    """End of a comment and whether it is block-level.  Inline comments
    cannot span paragraphs; unclosed ones give None."""
    close = masked.find("-->", start + 4)
    lifted = _at_line_start(masked, start)
    if close < 0 or not lifted and _BLANK_LINE.search(masked, start, close):
        return None, lifted
    return close + 3, lifted


def _element(masked: str, start: int, tag: str) -> tuple[int | None, bool]:
    if tag not in _RAW_BLOCK_SET:
        match = _ELEMENT.match(masked, start)
        return (match.end() if match else None), False
    # Only at a line start (or right after a lifted comment) is a block tag
    # raw HTML; elsewhere it is an ordinary inline tag.
    if not (_at_line_start(masked, start) or masked.endswith("-->", 0, start)):
        return None, False
    match = _RAW_BLOCK.match(masked, start)
    if match is None or "markdown=" in masked[start : masked.find(">", start)]:
        return None, False
    return match.end(), True


def _inline_opaque(masked: str, start: int, token: str) -> int | None:
    """Math in its four spellings."""
    before = masked[start - 1] if start else ""
    if before == "\\":
        return None
    if token == "$$":
        close = masked.find("$$", start + 3)
        return close + 2 if close >= 0 else None
    if token == "$":
        match = _INLINE_MATH.match(masked, start) if before != "$" else None
    else:
        match = _BRACKET_MATH[token].match(masked, start)
    return match.end() if match else None


def _escaped(text: str, pos: int) -> bool:
    """Whether an odd number of backslashes precedes ``pos``."""
    count = 0
    while pos > count and text[pos - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _code_span(masked: str, start: int, ticks: int) -> int | None:
    """Python-Markdown's code span rule: the opener may give up trailing
    backticks to find a closing run of exactly the same length, within the
    paragraph."""
    limit_match = _PARAGRAPH_END.search(masked, start)
    limit = limit_match.start() if limit_match else len(masked)
    for length in range(ticks, 0, -1):
        closer = _CODE_CLOSERS.get(length)
        if closer is None:
            closer = _CODE_CLOSERS[length] = re.compile(f"(?<!`)`{{{length}}}(?!`)")
        match = closer.search(masked, start + length + 1, limit)
        if match is not None:
            return match.end()
    return None


def _at_line_start(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    return pos - line_start <= 3 and not text[line_start:pos].strip(" ")


def _mask(text: str, spans: list[Span], filler: str) -> str:
    if not spans:
        return text
    pieces, pos = [], 0
    for start, end in _merge(spans):
        pieces.append(text[pos:start])
        pieces.append(_NON_NEWLINE.sub(lambda m: filler * len(m.group()), text[start:end]))
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _references(masked: str) -> list[Span]:
    """Link definitions, plus every ``[label]`` whose label they define
    (a shortcut reference link)."""
    definitions = list(_DEFINITION.finditer("\n" + masked))
    if not definitions:
        return []
    spans = [(m.start(1) - 1, m.end(1) - 1) for m in definitions]
    labels = {m.group(2).strip().lower() for m in definitions}
    pattern = re.compile(r"\[(?:" + "|".join(re.escape(label) for label in labels) + r")\]", re.I)
    return spans + [m.span() for m in pattern.finditer(masked)]


def _front_matter(text: str) -> int:
    """Offset just after a leading YAML front-matter block, or 0."""
    newline = text.find("\n")
    if newline < 0 or text[:newline].rstrip() != "---":
        return 0
    close = _FRONT_MATTER_END.search(text, newline + 1)
    if close is None:
        return 0
    return close.end()


class _LineScanner:
    """One pass over lines for block structure: indented code, headings,
    admonition titles.  ``structure`` is the masked text (so "#" inside a
    fence is no heading); heading titles are read from ``source``."""

    def __init__(self, structure: str, source: str, protect_headings: bool) -> None:
        self.structure = structure
        self.source = source
        self.protect_headings = protect_headings
        self.spans: list[Span] = []
        self.headings: list[tuple[int, str]] = []

    def run(self) -> tuple[list[Span], list[tuple[int, str]]]:
        code: list[int] | None = None  # indented code [start, end]
        prev_blank = True
        in_list = False
        block_first: int | None = None  # start of the current paragraph's first line
        special = _SPECIAL_START
        pos = 0
        for line in self.structure.split("\n"):
            start, end = pos, pos + len(line)
            pos = end + 1
            if not line or line.isspace():
                prev_blank, block_first = True, None
                continue
            first = line[0]
            if first not in special:
                # Plain paragraph text: only list context and setext bookkeeping.
                if prev_blank:
                    in_list, block_first = False, start
                else:
                    block_first = None
                prev_blank = False
                if code is not None:
                    self.spans.append((code[0], code[1]))
                    code = None
                continue
            stripped = line.lstrip(" \t")
            width = len(line[: len(line) - len(stripped)].expandtabs(4))
            if code is not None:
                if width >= 4:
                    code[1] = end
                    prev_blank = False
                    continue
                self.spans.append((code[0], code[1]))
                code = None
            if width >= 4 and prev_blank and not in_list:
                code = [start, end]
                prev_blank, block_first = False, None
                continue
            in_list, block_break = self._classify(stripped, width, start, end, prev_blank, block_first, in_list)
            if block_break:
                # Python-Markdown reparses what follows a heading, a rule or a
                # raw HTML block as a fresh block, as if after a blank line.
                prev_blank, block_first = True, None
                continue
            # Only the first line of a block can be underlined into a heading.
            block_first = start if prev_blank and not _ADMONITION.match(stripped) else None
            prev_blank = False
        if code is not None:
            self.spans.append((code[0], code[1]))
        return self.spans, self.headings

    def _classify(
        self,
        stripped: str,
        width: int,
        start: int,
        end: int,
        prev_blank: bool,
        block_first: int | None,
        in_list: bool,
    ) -> tuple[bool, bool]:
        """Record headings and admonition titles.

        Returns the new list context and whether the line ends its block
        (headings, rules, link definitions and raw HTML are split off by
        Python-Markdown).
        """
        if stripped[0] == _BLOCK_FILLER:
            return in_list, True
        if width < 4 and stripped[0] == "#" and _ATX.match(stripped):
            title = _ATX.match(self.source[start:end].lstrip(" \t"))
            self._heading(start, end, title.group(2).strip() if title else "")
            return False, True
        if width < 4 and block_first is not None and _SETEXT.match(stripped):
            self._heading(block_first, end, self.source[block_first : start - 1].strip())
            return False, True
        if width < 4 and (_HR.match(stripped) or _LINK_DEFINITION.match(stripped)):
            return False, True
        if _ADMONITION.match(stripped):
            # "!!! note "Title"": the quoted title is parsed by a regex that
            # a link with its own quotes would confuse.  The indented body
            # that follows is content, like a list item's.
            self.spans.append((start, end))
            return True, False
        if _LIST_ITEM.match(stripped):
            # Python-Markdown only starts a list at the start of a block; an
            # item line inside a paragraph is just more paragraph text.
            return in_list or prev_blank, False
        return (False if width < 4 and prev_blank else in_list), False

    def _heading(self, start: int, end: int, title: str) -> None:
        self.headings.append((start, title))
        if self.protect_headings:
            self.spans.append((start, end))


# --------------------------------------------------------------------------
# Mentions in Markdown
# --------------------------------------------------------------------------


def find_mentions(markdown: str, matcher: ConceptMatcher, *, headings: bool = True) -> list[Mention]:
    candidates = matcher._candidates(markdown)
    if not candidates:
        return []
    spans, heads = _analyse(markdown, headings=headings)
    return matcher._pick(markdown, candidates, spans, heads)


# --------------------------------------------------------------------------
# Linking
# --------------------------------------------------------------------------

_TITLE_ESCAPES = {
    ord("&"): "&amp;",
    ord('"'): "&quot;",
    ord("'"): "&#39;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord("\\"): "&#92;",
    ord("`"): "&#96;",
    ord("$"): "&#36;",
    ord("|"): "&#124;",
    ord("["): "&#91;",
    ord("]"): "&#93;",
    ord("("): "&#40;",
    ord(")"): "&#41;",
}
_TITLE_ESCAPES.update({cp: f"&#{cp};" for cp in [*range(32), 127]})

_HREF_ESCAPES = {ord(ch): f"%{ord(ch):02X}" for ch in " \"'<>()[]\\`$|"}
_HREF_ESCAPES.update({cp: f"%{cp:02X}" for cp in [*range(32), 127]})

_TEXT_ESCAPES = {ord(ch): "\\" + ch for ch in "\\[]`"}

# The characters excluded below are exactly those the escapers above remove,
# which is what makes the shape recognisable.  link_mentions never writes a
# link right after "!", "\\" or "]" (see _UNSAFE_BEFORE), so neither do we
# accept one there: that keeps images and escaped brackets out.
_PRODUCED = re.compile(
    r"""(?<![!\\\]])\[((?:[^\\\[\]`\n]|\\[\\\[\]`])+)\]"""
    r"""\(<[^\s"'<>()\[\]\\`$|\x7f]+>"""
    r"""(?:[ ]"[^"'<>\\`$|\[\]()\x00-\x1f\x7f]*")?\)"""
)
_TEXT_UNESCAPE = re.compile(r"\\([\\\[\]`])")

# A link right after "!" would become an image, after "\" its bracket would be
# escaped, and after "]" "[x][text]" could turn into a reference link.
# attr_list would attach a following "{: ...}" to the new <a>, and a
# "{: ...}" right before the link could become the paragraph's.  An underscore
# next to a word character cannot open or close emphasis, next to "[" or ")"
# it can, so linking beside "_" could create emphasis out of nothing.
_UNSAFE_BEFORE = frozenset("!\\]_}")
_UNSAFE_AFTER = frozenset("{_")


def link_mentions(
    markdown: str,
    mentions: Sequence[Mention],
    *,
    href: Callable[[str], str],
    title: Callable[[str], str | None],
    policy: LinkPolicy = "first",
    exclude: Container[str] = (),
) -> str:
    if policy not in ("first", "section", "all"):
        raise ValueError(f"unknown link policy: {policy!r}")
    chosen = _choose(markdown, mentions, policy, exclude)
    if not chosen:
        return markdown
    render = _LinkRenderer(href, title)
    pieces, pos = [], 0
    for mention in chosen:
        link = render(mention.concept, markdown[mention.start : mention.end])
        if link is None:
            continue
        pieces.append(markdown[pos : mention.start])
        pieces.append(link)
        pos = mention.end
    pieces.append(markdown[pos:])
    return "".join(pieces)


def _choose(
    markdown: str, mentions: Sequence[Mention], policy: LinkPolicy, exclude: Container[str]
) -> list[Mention]:
    section_starts = _section_starts(markdown) if policy == "section" else []
    seen: set[object] = set()
    chosen: list[Mention] = []
    reached = 0
    for mention in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if mention.concept in exclude or not _linkable(markdown, mention, reached):
            continue
        if policy != "all":
            key = mention.concept
            if policy == "section":
                key = (bisect_right(section_starts, mention.start), mention.concept)
            if key in seen:
                continue
            seen.add(key)
        chosen.append(mention)
        reached = mention.end
    return chosen


def _linkable(markdown: str, mention: Mention, reached: int) -> bool:
    if mention.start < reached or mention.end <= mention.start or mention.end > len(markdown):
        return False
    if _char_before(markdown, mention.start) in _UNSAFE_BEFORE:
        return False
    if mention.end < len(markdown) and markdown[mention.end] in _UNSAFE_AFTER:
        return False
    return "\n" not in markdown[mention.start : mention.end]


def _char_before(markdown: str, pos: int) -> str:
    """The character before ``pos``, looking through HTML comments: Python-
    Markdown lifts a comment out of the text, which joins its neighbours."""
    while markdown.endswith("-->", 0, pos):
        opening = markdown.rfind("<!--", 0, pos)
        if opening < 0:
            break
        pos = opening
    return markdown[pos - 1] if pos else ""


def _section_starts(markdown: str) -> list[int]:
    _, heads = _analyse(markdown, headings=False)
    return [start for start, _ in heads]


class _LinkRenderer:
    """Formats links, calling href/title once per concept."""

    def __init__(self, href: Callable[[str], str], title: Callable[[str], str | None]) -> None:
        self._href = href
        self._title = title
        self._cache: dict[str, tuple[str, str] | None] = {}

    def __call__(self, concept: str, text: str) -> str | None:
        parts = self._cache.get(concept, False)
        if parts is False:
            parts = self._cache[concept] = self._parts(concept)
        if parts is None:
            return None
        return "[" + text.translate(_TEXT_ESCAPES) + parts[0] + parts[1]

    def _parts(self, concept: str) -> tuple[str, str] | None:
        target = self._href(concept)
        if not target:
            return None
        summary = self._title(concept)
        tail = ")" if summary is None else ' "' + summary.translate(_TITLE_ESCAPES) + '")'
        return "](<" + target.translate(_HREF_ESCAPES) + ">", tail


def strip_links(linked: str) -> str:
    return _PRODUCED.sub(lambda m: _TEXT_UNESCAPE.sub(r"\1", m.group(1)), linked)
