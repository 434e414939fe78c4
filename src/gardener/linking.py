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

Which Markdown: the site is rendered by Python-Markdown with superfences, so
protected spans follow Python-Markdown's reading where it differs from
CommonMark (lists do not interrupt paragraphs, "#x" is a heading, a code span
may give up backticks to find its closer, raw HTML blocks nest, ...).  A link
is also never placed where Python-Markdown would read it differently from the
plain text it replaces (after "!", "\\", "]", "_", "}", before "{" or "_").
Known gaps, all rare in prose: indented code nested inside blockquotes or
several list levels deep, and attr_list syntax in the middle of a paragraph.
All offsets are str indices; nothing is NFKC-normalised.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_right
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
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
# A concept note may also say "never": found (and counted) but not linked.
POLICIES = ("first", "section", "all", "never")
Span = tuple[int, int]

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

    def __init__(self, aliases: Mapping[str, Iterable[str]]) -> None:
        """concept id -> aliases; one automaton over all normalised aliases."""
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
            key = norm.encode("utf-8", "surrogatepass").decode("latin-1")
            automaton.add_word(key, (len(key), _boundary_flags(norm), len(self._entries), len(norm)))
            self._entries.append(entry)
        automaton.make_automaton()
        return automaton

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
        found = []
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
# Protected spans
# --------------------------------------------------------------------------

_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)
_FENCE_PREFIX = re.compile(r"(?:[ \t]*>)*[ \t]*")
_ATX = re.compile(r"(#{1,6})(.*?)(?:[ \t]#+)?[ \t]*\r?$")
_SETEXT = re.compile(r"(?:=+|-+)[ \t]*\r?$")
_LINK_DEFINITION = re.compile(r"\[(?!\^)[^\]\n]+\]:")
_LIST_ITEM = re.compile(r"(?:[-*+]|\d+\.) ")  # Python-Markdown's markers
_ADMONITION = re.compile(r"(?:!!!|\?\?\?\+?)[ \t]")

# Masking overwrites already protected text (keeping its length) so that
# later regexes cannot pair delimiters across it.  Fillers are private-use
# characters rather than spaces: superfences swaps a fence for an inline
# placeholder, so a masked fence must not look like blank lines.  Raw
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
# agrees).  Every alternative starts with a literal character ("``*", not
# "`+"), which lets the regex engine skip quickly over plain text.
_OPAQUE_START = re.compile(
    r"<!--|``*|\$\$?|\\[\[(]|<(?:" + _OPAQUE_ELEMENTS + "|" + _RAW_BLOCK_TAGS + r")\b", re.I
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
_OPEN_TAG = re.compile(r"""<[a-z][a-z0-9]*\b(?:"[^"]*"|'[^']*'|[^'">])*>""", re.I)
_NESTED_TAGS: dict[str, re.Pattern[str]] = {}
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
    | </?[a-z][a-z0-9\-]*(?:\s(?:"[^"\n]*+"|'[^'\n]*+'|[^'"<>]++)*+)?/?>   # HTML tag
    | </?[a-z][^<>@ \n]*+(?:[ ][^<>]*+)?>                               # Python-Markdown's looser tag
    | </?[a-z](?:[^<>\n]++|\n(?![ \t]*\r?\n))*+(?!>)                 # unclosed tag start
    | &(?:\#[0-9]{1,7}|\#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});       # entity
    | \{:?[ \t]*[\#.:][^{}\n]*\}                                    # attr_list
    """,
    re.X | re.I,
)

_NON_NEWLINE = re.compile(r"[^\n]+")
# Bare URLs are found from "://" and "www." with str.find: in _INLINE every
# "h" and "w" of English prose would start a failed attempt.
_URL_TAIL = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def protected_spans(markdown: str, *, headings: bool = True) -> list[Span]:
    """Sorted, merged (start, end) ranges where links must never be inserted:
    front matter, fenced and indented code, code spans, math, links, images,
    references and definitions, footnote markers, autolinks and bare URLs,
    HTML tags, comments and opaque elements, admonition titles, attr lists,
    entities, and (unless ``headings`` is false) headings."""
    return _analyse(markdown, headings=headings)[0]


def _analyse(markdown: str, *, headings: bool) -> tuple[list[Span], list[tuple[int, str]]]:
    """Protected spans plus (line start, text) of every heading.

    The passes follow Python-Markdown's own order: fences (a preprocessor),
    then raw HTML and code spans, then block structure, then inline syntax.
    Each structural pass sees the text with earlier findings masked out.
    """
    front = _front_matter(markdown)
    fences, unclosed = _fences(markdown, front)
    masked = _mask(markdown, [(0, front)], _BLOCK_FILLER)
    masked = _mask(masked, fences, _FILLER, keep_lines=False)
    opaque, raw, tail = _opaque(masked)
    masked = _mask(_mask(masked, opaque, _FILLER), raw, _BLOCK_FILLER)
    block, heads = _LineScanner(masked, markdown, headings).run()
    # Block spans are not masked: inline syntax found inside them is
    # protected anyway, and nothing after this pass depends on structure.
    inline = [m.span() for m in _LINK.finditer(masked)]
    inline += [m.span() for m in _INLINE.finditer(masked)]
    inline += _bare_urls(masked)
    inline += _references(masked)
    fixed = [(0, front)] + [span for span in (unclosed, tail) if span]
    return _merge(fixed + fences + opaque + raw + block + inline), heads


def _fences(text: str, pos: int) -> tuple[list[Span], Span | None]:
    """Closed fenced code blocks, and an unclosed one if there is one.

    An unclosed fence is protected to the end of the text but not masked:
    Python-Markdown renders it as plain text, so inline constructs around it
    are matched as if it were not there.
    """
    # Spans start at the marker, not the line: the indentation before it
    # stays visible to the line scan, which needs it to tell a fence inside
    # a list item from one that ends the list.
    spans: list[Span] = []
    markers = iter(_fence_markers(text, pos))
    for start, marker, line_end in markers:
        # A backtick fence's info string may not contain backticks,
        # otherwise "```a```" would be inline code.
        if marker[0] == "`" and "`" in text[start + len(marker) : line_end]:
            continue
        for close_start, closing, close_end in markers:
            rest = text[close_start + len(closing) : close_end]
            if closing[0] == marker[0] and len(closing) >= len(marker) and not rest.strip():
                spans.append((start, close_end))
                break
        else:
            return spans, (start, len(text))
    return spans, None


def _fence_markers(text: str, pos: int) -> list[tuple[int, str, int]]:
    """(start, marker, end of line) of every fence-like marker that starts a
    line, in order.

    Markers are located with str.find, which is far faster than a regex scan
    over CJK text; the line prefix is checked afterwards.
    """
    markers = []
    for needle in ("```", "~~~"):
        start = text.find(needle, pos)
        while start >= 0:
            stop = start + 3
            while stop < len(text) and text[stop] == needle[0]:
                stop += 1
            line_end = text.find("\n", stop)
            line_end = len(text) if line_end < 0 else line_end
            if _FENCE_PREFIX.fullmatch(text, _line_start(text, start), start):
                markers.append((start, text[start:stop], line_end))
            start = text.find(needle, line_end)
    markers.sort()
    return markers


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


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
    opening = _OPEN_TAG.match(masked, start)
    if opening is None or "markdown=" in opening.group():
        return None, False
    return _raw_block_end(masked, opening.end(), tag), True


def _raw_block_end(masked: str, pos: int, tag: str) -> int:
    """End of the element closing at nesting depth zero, as Python-Markdown
    tracks it; unclosed raw HTML runs to the end of the text."""
    nested = _NESTED_TAGS.get(tag)
    if nested is None:
        nested = _NESTED_TAGS[tag] = re.compile(rf"<(/?){tag}\b[^>]*>", re.I)
    depth = 1
    while (match := nested.search(masked, pos)) is not None:
        depth += -1 if match.group(1) else 1
        pos = match.end()
        if depth == 0:
            return pos
    return len(masked)


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
    paragraph_end = _PARAGRAPH_END.search(masked, start)
    limit = paragraph_end.start() if paragraph_end else len(masked)
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


def _mask(text: str, spans: list[Span], filler: str, *, keep_lines: bool = True) -> str:
    """Overwrite spans with ``filler``; newlines survive unless
    ``keep_lines`` is false (for what Python-Markdown turns into an inline
    placeholder, whose blank lines therefore end nothing)."""
    if not spans:
        return text
    pieces, pos = [], 0
    for start, end in _merge(spans):
        pieces.append(text[pos:start])
        piece = text[start:end]
        if keep_lines and "\n" in piece:
            piece = _NON_NEWLINE.sub(lambda m: filler * len(m.group()), piece)
        else:
            piece = filler * len(piece)
        pieces.append(piece)
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


def _bare_urls(masked: str) -> list[Span]:
    """http://..., https://... and www.... up to the first non-URL character."""
    spans = []
    for needle in ("://", "www."):
        pos = masked.find(needle)
        while pos >= 0:
            if needle == "www.":
                start = pos
            elif masked.endswith("https", 0, pos):
                start = pos - 5
            elif masked.endswith("http", 0, pos):
                start = pos - 4
            else:
                start = -1
            tail = _URL_TAIL.match(masked, pos + len(needle)) if start >= 0 else None
            if tail is not None:
                spans.append((start, tail.end()))
            pos = masked.find(needle, tail.end() if tail is not None else pos + 1)
    return spans


def _references(masked: str) -> list[Span]:
    """Link definitions, plus every ``[label]`` whose label they define
    (a shortcut reference link)."""
    if "]:" not in masked:
        return []
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


# Containers whose indented content is not code.
_NO_CONTAINER, _LIST, _ADMONITION_BODY = 0, 1, 2


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
        container = _NO_CONTAINER  # what an indented line after a blank continues
        block_first: int | None = None  # start of the current paragraph's first line
        special = _SPECIAL_START
        pos = 0
        # Most lines are blank or plain text; they are handled before any
        # per-line bookkeeping that only the other lines need.
        for line in self.structure.split("\n"):
            start = pos
            pos += len(line) + 1
            if not line or line.isspace():
                if start == 0 and line:
                    # Python-Markdown blanks whitespace-only lines except the
                    # very first one, which stays a (setext-underlinable) line.
                    prev_blank, block_first = False, 0
                else:
                    prev_blank, block_first = True, None
                continue
            if line[0] not in special:
                # Plain paragraph text: only container and setext bookkeeping.
                if code is not None:
                    self.spans.append((code[0], code[1]))
                    code = None
                if prev_blank:
                    container, block_first, prev_blank = _NO_CONTAINER, start, False
                elif block_first is not None or container == _ADMONITION_BODY:
                    # A list takes lazy continuation lines, an admonition does not.
                    block_first = None
                    if container == _ADMONITION_BODY:
                        container = _NO_CONTAINER
                continue
            end = pos - 1
            stripped = line.lstrip(" \t")
            width = len(line) - len(stripped)
            if width and "\t" in line[:width]:
                width = len(line[:width].expandtabs(4))
            if code is not None:
                if width >= 4:
                    code[1] = end
                    prev_blank = False
                    continue
                self.spans.append((code[0], code[1]))
                code = None
            if width >= 4 and prev_blank and container == _NO_CONTAINER:
                code = [start, end]
                prev_blank, block_first = False, None
                continue
            container, block_break = self._classify(
                stripped, width, start, end, prev_blank, block_first, container
            )
            if block_break:
                # Python-Markdown reparses what follows a heading, a rule or a
                # raw HTML block as a fresh block, as if after a blank line.
                prev_blank, block_first = True, None
                continue
            # Only the first line of a block can be underlined into a heading.
            block_first = start if prev_blank and container != _ADMONITION_BODY else None
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
        container: int,
    ) -> tuple[int, bool]:
        """Record headings and admonition titles.

        Returns the new container and whether the line ends its block
        (headings, rules, link definitions and raw HTML are split off by
        Python-Markdown).
        """
        first = stripped[0]
        if first == _BLOCK_FILLER:
            return container, True
        if first == ">" and not stripped.strip("> \t\r"):
            # An empty quote line is a blank line inside the quote: a lazy
            # indented line after it is code there.
            return _NO_CONTAINER, True
        if width < 4 and first in "#=-*_[":
            if self._block_boundary(stripped, first, start, end, block_first):
                return _NO_CONTAINER, True
        if first in "!?" and _ADMONITION.match(stripped):
            # "!!! note "Title"": the quoted title is parsed by a regex that
            # a link with its own quotes would confuse.  The indented body
            # that follows is content, like a list item's.
            self.spans.append((start, end))
            return _ADMONITION_BODY, False
        if first in "-*+0123456789" and _LIST_ITEM.match(stripped):
            # Python-Markdown only starts a list at the start of a block; an
            # item line inside a paragraph is just more paragraph text.
            return (_LIST if container or prev_blank else container), False
        if width < 4 and (prev_blank or container == _ADMONITION_BODY):
            return _NO_CONTAINER, False
        return container, False

    def _block_boundary(
        self, stripped: str, first: str, start: int, end: int, block_first: int | None
    ) -> bool:
        """Headings, rules and link definitions; records headings."""
        if first == "#":
            if _ATX.match(stripped) is None:
                return False
            title = _ATX.match(self.source[start:end].lstrip(" \t"))
            self._heading(start, end, title.group(2).strip() if title else "")
            return True
        if first in "=-" and block_first is not None and _SETEXT.match(stripped):
            self._heading(block_first, end, self.source[block_first : start - 1].strip())
            return True
        if first == "[":
            return _LINK_DEFINITION.match(stripped) is not None
        # A rule is three or more of one marker and nothing but blanks.
        return first != "=" and stripped.count(first) >= 3 and not stripped.strip(first + " \t\r")

    def _heading(self, start: int, end: int, title: str) -> None:
        self.headings.append((start, title))
        if self.protect_headings:
            self.spans.append((start, end))


# --------------------------------------------------------------------------
# Mentions in Markdown
# --------------------------------------------------------------------------


def find_mentions(markdown: str, matcher: ConceptMatcher, *, headings: bool = True) -> list[Mention]:
    """Mentions outside protected spans, with line and nearest heading.

    Protected matches are discarded before overlaps are resolved, so an alias
    running into a code span does not hide a shorter one next to it.
    """
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
# link next to the characters of _UNSAFE_BEFORE / _UNSAFE_AFTER, so neither
# is one accepted there: that also keeps images and escaped brackets out.
_PRODUCED = re.compile(
    r"""(?<![!\\\]_}])\[((?:[^\\\[\]`\n]|\\[\\\[\]`])+)\]"""
    r"""\(<[^\s"'<>()\[\]\\`$|\x7f]+>"""
    r"""(?:[ ]"[^"'<>\\`$|\[\]()\x00-\x1f\x7f]*")?\)(?![{_])"""
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
    overrides: Mapping[str, str] | None = None,
) -> str:
    """Wrap chosen mentions in links (format in the module docstring).

    ``policy`` "first" links the first linkable mention of each concept in the
    article, "section" the first per concept per heading section, "all" every
    mention.  Concepts in ``exclude`` (e.g. the page's own) are never linked;
    neither are concepts whose ``href`` is empty.  A mention in a position
    where a link would change the rendering is skipped, and the next mention
    of the concept is used instead.
    """
    overrides = overrides or {}
    for value in (policy, *overrides.values()):
        if value not in POLICIES:
            raise ValueError(f"unknown link policy: {value!r}")
    chosen = _choose(markdown, mentions, policy, exclude, overrides)
    if not chosen:
        return markdown
    tails: dict[str, str | None] = {}
    pieces, pos = [], 0
    for mention in chosen:
        concept, start, end = mention.concept, mention.start, mention.end
        if concept not in tails:
            tails[concept] = _link_tail(href, title, concept)
        tail = tails[concept]
        if tail is None:
            continue
        pieces += (markdown[pos:start], "[", _escape_text(markdown[start:end]), tail)
        pos = end
    pieces.append(markdown[pos:])
    return "".join(pieces)


def _choose(
    markdown: str, mentions: Sequence[Mention], policy: LinkPolicy, exclude: Container[str],
    overrides: Mapping[str, str],
) -> list[Mention]:
    wanted = {policy, *overrides.values()}
    section_starts = _section_starts(markdown) if "section" in wanted else []
    seen: set[object] = set()
    chosen: list[Mention] = []
    reached = 0
    stray_entities = "&#" in markdown
    for mention in sorted(mentions, key=_by_start):
        if mention.concept in exclude:
            continue
        rule = overrides.get(mention.concept, policy) if overrides else policy
        if rule == "never":
            continue
        key: object = mention.concept
        if rule == "section":
            key = (bisect_right(section_starts, mention.start), key)
        # Cheap set lookup first: with policy "first" most mentions are
        # repeats and never need the linkability check.
        if rule != "all" and key in seen or not _linkable(markdown, mention, reached):
            continue
        if stray_entities and _near_stray_entity(markdown, mention.start):
            continue
        seen.add(key)
        chosen.append(mention)
        reached = mention.end
    return chosen


_by_start = attrgetter("start")


def _linkable(markdown: str, mention: Mention, reached: int) -> bool:
    start, end = mention.start, mention.end
    if start < reached or not 0 <= start < end <= len(markdown):
        return False
    before = markdown[start - 1] if start else ""
    if before == ">":
        before = _char_before(markdown, start)
    if before in _UNSAFE_BEFORE or markdown[end : end + 1] in _UNSAFE_AFTER:
        return False
    return "\n" not in markdown[start:end]


def _near_stray_entity(markdown: str, start: int) -> bool:
    """Whether "&#" occurs on the same line: Python-Markdown can then misread
    a "</..." link destination as an HTML tag."""
    line_end = markdown.find("\n", start)
    line_end = len(markdown) if line_end < 0 else line_end
    return markdown.find("&#", markdown.rfind("\n", 0, start) + 1, line_end) >= 0


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


def _link_tail(href: Callable[[str], str], title: Callable[[str], str | None], concept: str) -> str | None:
    """Everything after the link text, or None when there is no target."""
    target = href(concept)
    return _format_tail(target, title(concept)) if target else None


# Hrefs, titles and link texts repeat across articles (one per concept or
# alias), so their escaping is memoised on the strings themselves.
@lru_cache(maxsize=8192)
def _format_tail(target: str, summary: str | None) -> str:
    quoted = "" if summary is None else ' "' + _escape_title(summary) + '"'
    return "](<" + target.translate(_HREF_ESCAPES) + ">" + quoted + ")"


@lru_cache(maxsize=8192)
def _escape_text(text: str) -> str:
    return text.translate(_TEXT_ESCAPES)


def _escape_title(summary: str) -> str:
    return summary.translate(_TITLE_ESCAPES)


def strip_links(linked: str) -> str:
    """Undo ``link_mentions``: replace every link of the produced shape by
    its (unescaped) text, leaving all other Markdown untouched."""
    return _PRODUCED.sub(lambda m: _TEXT_UNESCAPE.sub(r"\1", m.group(1)), linked)
