"""The one Markdown scanner: how Python-Markdown (with superfences) reads a body, for every
stage that needs to know what a piece of Markdown *is*.

Public API:

* ``fenced_lines(lines)``: which lines belong to fenced code (superfences' rule, one for all);
* ``protected_spans(markdown)`` / ``analyse``: code, math, links, raw HTML, headings and other
  spans whose text must stay verbatim, for the concept linker;
* ``blocks(body)``: typed blocks with line numbers (heading, paragraph, list item, code, HTML,
  table, rule, definition, admonition), for the timeline and summaries;
* ``heading_ids(body)``: the id the site's toc gives every heading;
* ``plain_text(body)`` / ``inline_text(markdown)``: what a reader of the page reads;
* ``links(markdown)``: inline links and images the site renders, for ``gardener check``.

It follows Python-Markdown's reading where it differs from CommonMark (lists do not interrupt
paragraphs, "#x" is a heading, "1)" starts no list, a code span may give up backticks to find
its closer, raw HTML blocks nest, a fence closes only on its own marker, ...). Known gaps, all
rare in prose: indented code nested inside blockquotes or several list levels deep, and
attr_list syntax in the middle of a paragraph. All offsets are str indices; nothing is
NFKC-normalised.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple

from pymdownx.slugs import slugify

Span = tuple[int, int]

_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)
_TAB = 4  # Python-Markdown expands tabs to four columns before any block is read
_FENCE_PREFIX = re.compile(r"[> \t]*")
# superfences' fence header: a marker, a language, then an attribute list or options.
_FENCE_OPENER = re.compile(
    r"""(?P<fence>`{3,}|~{3,})
    (?:[ \t]*\.?[\w#.+-]+(?=[ \t]|$))?
    (?:[ \t]*\{[^\n]*\}
      |(?P<options>(?:[ \t]*[a-zA-Z][a-zA-Z0-9_]*(?:=(?P<quote>["']).*?(?P=quote))?(?=[ \t]|$))+)
    )?[ \t]*$""",
    re.X,
)
_FENCE_OPTION = re.compile(r"""(?P<name>[a-zA-Z][a-zA-Z0-9_]*)(?:=(?P<q>["'])(?P<value>.*?)(?P=q))?""")
# The options pymdownx.highlight takes, with the pattern its value must match
# (None: any value); an option without a value has its own name as value.
_FENCE_OPTION_VALUES: dict[str, re.Pattern[str] | None] = {
    "hl_lines": re.compile(r"\d+(?:-\d+)?(?:[ \t]+\d+(?:-\d+)?)*$"),
    "linenums": re.compile(r"\d+"),
    "title": None,
    "title_mode": None,
}
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
      <span\ class="gd-missing-asset"[^>]*>[^<]*</span>             # a missing image's placeholder
    | \[(?:[^\[\]]++|\[[^\[\]]*+\])*+\][ \t\n]?\[[^\[\]\n]*\]          # [text][ref], [text][]
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

# Links as `gardener check` reads them: the destination up to the first blank
# (or in angle brackets), then an optional title.
_LINK_TARGET = re.compile(
    r"""(?<!\\)(?P<image>!?)\[(?P<words>[^\]\n]*)\]\((?P<target><[^>\n]+>|[^)\s]+)(?:\s+"[^"\n]*")?\)"""
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
    return analyse(markdown, headings=headings)[0]


def analyse(markdown: str, *, headings: bool) -> tuple[list[Span], list[tuple[int, str]]]:
    """Protected spans plus (line start, text) of every heading.

    The passes follow Python-Markdown's own order: fences (a preprocessor),
    then raw HTML and code spans, then block structure, then inline syntax.
    Each structural pass sees the text with earlier findings masked out.
    """
    scan = _Structure(markdown, headings)
    masked = scan.masked
    # Block spans are not masked: inline syntax found inside them is
    # protected anyway, and nothing after this pass depends on structure.
    inline = [m.span() for m in _LINK.finditer(masked)]
    inline += [m.span() for m in _INLINE.finditer(masked)]
    inline += _bare_urls(masked)
    inline += _references(masked)
    return _merge(scan.fixed + scan.fences + scan.opaque + scan.raw + scan.block + inline), scan.heads


def fenced_lines(lines: Sequence[str]) -> list[bool]:
    """For each line, whether it is part of a fenced code block, its markers included.

    The rule is pymdownx.superfences': a fence is three or more backticks or
    tildes after any blockquote markers and indentation, with a header it
    understands; the lines after it must keep that indentation and
    blockquote level, and only a line holding exactly the same marker at the
    same indentation closes it (so a ``` line inside a ```` fence is
    content).  A fence that is never closed runs to the end of the text:
    every stage treats what follows a stray marker as code, not prose.
    A leading front-matter block is not Markdown, as everywhere in this module.
    """
    text = "\n".join(lines)
    fences, unclosed = _fences(text, _front_matter(text))
    starts = list(accumulate((len(line) + 1 for line in lines), initial=0))
    mask = [False] * len(lines)
    for start, end in fences + ([unclosed] if unclosed else []):
        first, last = bisect_right(starts, start) - 1, bisect_right(starts, end) - 1
        mask[first : last + 1] = [True] * (last + 1 - first)
    return mask


@dataclass(frozen=True, slots=True)
class Link:
    """An inline link or image: where it starts and its destination as written (and where it
    ends, and its words, for the pages that quote the sentence around a link)."""

    start: int
    target: str
    image: bool
    end: int = 0
    text: str = ""


# One inline link or image as it is written on a line: its text, its destination and an optional
# title. For short texts known to be prose (a metadata line, a link ``links`` found).
INLINE_LINK = re.compile(r"(?P<image>!?)\[(?P<text>[^\]\n]*)\]\((?P<url>[^)\s]*)(?:\s+\"[^\"]*\")?\)")


def inline_links(markdown: str) -> list[re.Match[str]]:
    """The inline links and images of ``links``, each matched by ``INLINE_LINK`` at its start
    (a link of another shape, with a reference or a spaced destination, is left out)."""
    found = (INLINE_LINK.match(markdown, link.start) for link in links(markdown))
    return [match for match in found if match is not None]


def links(markdown: str) -> list[Link]:
    """Inline links and images that the site renders as such, in order.

    Nothing inside code (fenced, indented or spans), math, comments, raw HTML
    blocks or front matter counts: those are shown as written.
    """
    scan = _Structure(markdown, headings=False)
    masked = _mask(scan.masked, scan.code, _FILLER)
    hidden = _merge(scan.fixed)
    found = []
    for match in _LINK_TARGET.finditer(masked):
        if any(start <= match.start() < end for start, end in hidden):
            continue
        target = markdown[match.start("target") : match.end("target")]
        words = markdown[match.start("words") : match.end("words")]
        found.append(Link(match.start(), target.strip("<>"), bool(match.group("image")), match.end(), words))
    return found


# An HTML tag as Python-Markdown passes it through; attributes may run over several lines.
# Python-Markdown's looser reading ("<svg/onload=x>") is the second alternative.
_HTML_TAG = re.compile(r"""</?[a-z][a-z0-9\-]*(?:[\s/](?:"[^"]*+"|'[^']*+'|[^'"<>]++)*+)?/?>"""
                       r"""|</?[a-z][^<>@\s]*(?:\s[^<>]*)?>""", re.I)
# Where a link's destination starts: after "](" in an inline link or image, after "]:" in a
# definition (the destination may then sit on the next line).
_DESTINATION = re.compile(
    r"""\]\([ \t]*\n?[ \t]*(?P<inline><[^>\n]*>|[^\s)]+)"""
    r"""|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*\n?[ \t]*(?P<defined><[^>\n]*>|\S+)""",
    re.M,
)


def active_markup(markdown: str) -> tuple[list[Span], list[Span]]:
    """(raw HTML, link destinations): the two ways a page's Markdown reaches the browser as
    written. Raw HTML is what Python-Markdown passes through as it is: HTML blocks, elements
    such as <script> or <a> whole, and single tags in running text (sorted, merged).
    Destinations are those of inline links and images and of link definitions, angle brackets
    included. Code (fenced, indented, spans), math and comments hold neither."""
    scan = _Structure(markdown, headings=False)
    lifted = [(start, end) for start, end in scan.opaque + scan.raw
              if markdown.startswith("<", start) and not markdown.startswith("<!--", start)]
    masked = _mask(scan.masked, scan.code, _FILLER)
    return _merge(lifted + _tags(masked)), _destinations(masked)


def _destinations(masked: str) -> list[Span]:
    return [m.span(g) for m in _DESTINATION.finditer(masked)
            for g in ("inline", "defined") if m.group(g) is not None]


def _tags(masked: str) -> list[Span]:
    """Every tag under either reading; overlapping readings are merged by the caller."""
    spans, pos = [], 0
    while (match := _HTML_TAG.search(masked, pos)) is not None:
        spans.append(match.span())
        pos = match.start() + 1
    return spans


def loose_markup(markdown: str) -> tuple[list[Span], list[Span]]:
    """(tags, link destinations) anywhere outside fenced code, code spans and raw HTML included:
    for a reader that must not miss one where the renderer's reading is in doubt."""
    fences = fenced_code(markdown)
    masked = _mask(markdown, fences, _FILLER)
    return _merge(_tags(masked)), _destinations(masked)


class _Structure:
    """The structural passes shared by protected spans and links: front
    matter, fences, code spans and raw HTML, then the line scan."""

    def __init__(self, markdown: str, headings: bool) -> None:
        front = _front_matter(markdown)
        self.fences, unclosed = _fences(markdown, front)
        masked = _mask(markdown, [(0, front)], _BLOCK_FILLER)
        masked = _mask(masked, self.fences, _FILLER, keep_lines=False)
        self.opaque, self.raw, tail = _opaque(masked)
        self.masked = _mask(_mask(masked, self.opaque, _FILLER), self.raw, _BLOCK_FILLER)
        scanner = _LineScanner(self.masked, markdown, headings)
        self.block, self.heads = scanner.run()
        self.code = scanner.code
        # Protected to the end of the text but not masked: see _fences and _opaque.
        self.fixed = [(0, front)] + [span for span in (unclosed, tail) if span]


def _fences(text: str, pos: int) -> tuple[list[Span], Span | None]:
    """Closed fenced code blocks, and an unclosed one if there is one, as
    pymdownx.superfences finds them (see ``fenced_lines`` for the rule).

    A span runs from the opening marker to the end of the closing line.  An
    unclosed fence is protected to the end of the text but not masked:
    Python-Markdown renders it as plain text, so inline constructs around it
    are matched as if it were not there.
    """
    # Spans start at the marker, not the line: the indentation before it
    # stays visible to the line scan, which needs it to tell a fence inside
    # a list item from one that ends the list.
    spans: list[Span] = []
    resume = pos
    for start, line_end in _fence_markers(text, pos):
        if start < resume:
            continue
        fence = fence_opener(text[start:line_end].rstrip("\r"))
        if fence is None:
            continue
        prefix = text[_line_start(text, start) : start].expandtabs(_TAB)
        outcome, end = _fence_body(text, line_end, prefix, fence)
        if outcome is _UNCLOSED:
            return spans, (start, len(text))
        if outcome is _CLOSED:
            spans.append((start, end))
        resume = end
    return spans, None


def _unindented_fence_end(text: str, pos: int, fence: str) -> tuple[str, int]:
    """``_fence_body`` for a fence at the start of its line, which no line can
    give up: only its closing line matters, and str.find goes straight to it."""
    while (pos := text.find("\n" + fence, pos)) >= 0:
        end = text.find("\n", pos + 1)
        end = len(text) if end < 0 else end
        if not text[pos + 1 + len(fence) : end].strip(" \t\r"):
            return _CLOSED, end
        pos = end
    return _UNCLOSED, len(text)


def _fence_markers(text: str, pos: int) -> list[tuple[int, int]]:
    """(start, end of line) of every run of three backticks or tildes that
    starts a line after blockquote markers and blanks, in order.

    Markers are located with str.find, which is far faster than a regex scan
    over CJK text; the line prefix is checked afterwards.
    """
    markers = []
    for needle in ("```", "~~~"):
        start = text.find(needle, pos)
        while start >= 0:
            line_end = text.find("\n", start)
            line_end = len(text) if line_end < 0 else line_end
            if _FENCE_PREFIX.fullmatch(text, _line_start(text, start), start):
                markers.append((start, line_end))
            start = text.find(needle, line_end)
    markers.sort()
    return markers


def fence_opener(line: str) -> str | None:
    """The fence ("```", "~~~~", ...) a line opens, or None.

    superfences only opens a fence whose header it understands: a language,
    then either an attribute list or options that the highlighter accepts.
    Anything else ("``` foo(bar)", "```a```", "```python foo") leaves the
    line as text.
    """
    opener = _FENCE_OPENER.match(line)
    if opener is None:
        return None
    for option in _FENCE_OPTION.finditer(opener.group("options") or ""):
        name, value = option.group("name"), option.group("value")
        if name not in _FENCE_OPTION_VALUES:
            return None
        check = _FENCE_OPTION_VALUES[name]
        if check is not None and check.match(name if value is None else value) is None:
            return None
    return opener.group("fence")


_CLOSED, _ABANDONED, _UNCLOSED = "closed", "abandoned", "unclosed"


def _fence_body(text: str, pos: int, prefix: str, fence: str) -> tuple[str, int]:
    """Walk the lines after an opener the way superfences does.

    Returns how the fence ends and the end of its last line: closed by a line
    holding exactly the opening marker at the opener's indentation; abandoned
    at the first line indented less than the opener (or leaving its
    blockquote), which superfences does not look at again; or unclosed at the
    end of the text.
    """
    if not prefix:
        return _unindented_fence_end(text, pos, fence)
    width, quotes = len(prefix), prefix.count(">")
    blank_before = False
    while pos < len(text):
        start = pos + 1
        pos = text.find("\n", start)
        pos = len(text) if pos < 0 else pos
        line = text[start:pos].rstrip("\r").expandtabs(_TAB)
        if not line.strip(" "):
            line = ""  # Python-Markdown empties lines of blanks before fences are read
        lead = 0
        while lead < width and lead < len(line) and line[lead] in "> ":
            lead += 1
        content, level = line[lead:], line.count(">", 0, lead)
        if quotes:
            if level > quotes or content and (lead < width or blank_before and level < quotes):
                return _ABANDONED, pos
            blank_before = not content
        elif level:
            return _ABANDONED, pos
        elif not line.strip():
            continue
        elif lead < width:
            return _ABANDONED, pos
        if content.startswith(fence) and not content[len(fence) :].strip(" \t"):
            return _CLOSED, pos
    return _UNCLOSED, len(text)


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
        self.code: list[Span] = []  # indented code blocks, also in spans
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
                    self._code(code)
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
                self._code(code)
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
            self._code(code)
        return self.spans, self.headings

    def _code(self, code: list[int]) -> None:
        self.spans.append((code[0], code[1]))
        self.code.append((code[0], code[1]))

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
        if width < 4 and first in "#=-*_[" and self._block_boundary(
                stripped, first, start, end, block_first):
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
# Blocks: what a reader of the page sees, line by line

HEADING, PARAGRAPH, ITEM, CODE, HTML, TABLE, RULE, DEFINITION, ADMONITION = (
    "heading", "paragraph", "item", "code", "html", "table", "rule", "definition", "admonition"
)


class Block(NamedTuple):
    """One block of a Markdown body.

    ``text`` is its source without block markers (">", "#", "- ", "1. ",
    "!!!"), its lines joined by newlines; ``line`` is the 1-based line where
    it starts, ``level`` the level of a heading and ``quoted`` whether it
    stands in a blockquote.  A list item is its first line; lines that
    continue it are a paragraph of their own.
    """

    kind: str
    line: int
    text: str
    level: int = 0
    quoted: bool = False


def blocks(body: str) -> list[Block]:
    """The blocks of a Markdown body (front matter already removed), in order.

    HTML comments are dropped first (outside code, as Python-Markdown does),
    so a block never holds one.  Lines of fenced or indented code are CODE
    blocks; a line starting with "<" is HTML, one starting with "|" a TABLE
    row; blockquote markers are removed and the quoted blocks read like any
    other.
    """
    return _BlockReader(body).read()


_QUOTE = re.compile(r"(?:[ ]{0,3}>[ ]?)+")
_ITEM_MARKER = re.compile(r"[ \t]*(?:[-*+]|[0-9]{1,9}\.)[ \t]+")  # Python-Markdown's; "1)" is text
_SETEXT_LINE = re.compile(r"[ ]{0,3}(?:=+|-+)[ \t]*$")
_RULE = re.compile(r"[ ]{0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_DEFINITION_LINE = re.compile(r"[ ]{0,3}\[[^\]]+\]:")
_ADMONITION_TITLE = re.compile(r"(?:!!!|\?\?\?\+?)[ \t]*\S*[ \t]*(?:\"(?P<title>[^\"]*)\")?")
# Lines starting with anything else are paragraph text.
_BLOCK_START = frozenset(" \t#>-*+0123456789`~|<![=_")


class _BlockReader:
    """One pass over the lines of a body, close to how Python-Markdown reads
    blocks: indented code only where a paragraph cannot continue, and
    indented lines inside a list or admonition are its content."""

    def __init__(self, body: str) -> None:
        lines = body.split("\n")
        self.fenced = {i for i, inside in enumerate(fenced_lines(lines)) if inside}
        self.lines = _without_comments(body).split("\n")
        self.found: list[Block] = []
        self.paragraph: list[str] = []  # lines of the paragraph being read
        self.paragraph_start = (0, False)  # (line index, quoted) of its first line

    def read(self) -> list[Block]:
        # Most lines are blank or plain paragraph text: they take the shortest path.
        lines, fenced, paragraph = self.lines, self.fenced, self.paragraph
        code = container = skip_next = False  # container: a list or admonition
        prev_blank = True
        for index, line in enumerate(lines):
            if skip_next:
                skip_next = prev_blank = False
            elif fenced and index in fenced:
                self._add(CODE, index, line)
                prev_blank = code = False
            elif not line or line.isspace():
                if paragraph:
                    self._end_paragraph()
                prev_blank = True
            else:
                line = line.rstrip("\r")
                first_of_block, prev_blank = prev_blank, False
                if first_of_block and index + 1 < len(lines) \
                        and lines[index + 1].startswith(("=", "-")) and self._setext(index, line):
                    skip_next = True
                elif line[0] not in _BLOCK_START:
                    container = container and not first_of_block
                    code = False
                    if not paragraph:
                        self.paragraph_start = (index, False)
                    paragraph.append(line)
                else:
                    code, container = self._special_line(index, line, first_of_block, code, container)
        self._end_paragraph()
        return self.found

    def _special_line(self, index: int, line: str, first_of_block: bool, code: bool,
                      container: bool) -> tuple[bool, bool]:
        """A line starting with a Markdown-special character: (in indented code, in a container)."""
        width = len(line[: len(line) - len(line.lstrip(" \t"))].expandtabs(_TAB))
        code = width >= 4 and (code or first_of_block and not container)
        if code:
            self._add(CODE, index, line)
            return True, container
        if width == 0 and first_of_block and not _ITEM_MARKER.match(line) \
                and not line.startswith(("!!!", "???")):
            container = False
        return False, self._block_line(index, line) or container

    def _setext(self, index: int, line: str) -> bool:
        following = self.lines[index + 1]
        if not _SETEXT_LINE.match(following) or _ITEM_MARKER.match(line):
            return False
        self._add(HEADING, index, line.strip(), 1 if following[0] == "=" else 2)
        return True

    def _block_line(self, index: int, line: str) -> bool:
        """Headings, admonitions, tables, HTML, rules, definitions, list items
        and quoted paragraph lines; True when the line opens a container."""
        quote = _QUOTE.match(line)
        quoted = quote is not None
        if quote is not None:
            line = line[quote.end() :]
            if not line.strip():
                self._end_paragraph()
                return False
        stripped = line.lstrip(" \t")
        if line.startswith("#"):
            level = min(6, len(line) - len(line.lstrip("#")))
            self._add(HEADING, index, stripped.lstrip("#").rstrip("#").strip(), level, quoted)
        elif stripped.startswith(("!!!", "???")):
            title = _ADMONITION_TITLE.match(stripped)
            self._add(ADMONITION, index, (title.group("title") if title else None) or "", 0, quoted)
            return True
        elif stripped[0] in "|<":
            self._add(TABLE if stripped[0] == "|" else HTML, index, stripped, 0, quoted)
        elif _RULE.match(stripped):
            self._add(RULE, index, stripped, 0, quoted)
        elif _DEFINITION_LINE.match(stripped):
            self._add(DEFINITION, index, stripped, 0, quoted)
        elif (item := _ITEM_MARKER.match(stripped)) is not None:
            self._add(ITEM, index, stripped[item.end() :], 0, quoted)
            return True
        else:
            if not self.paragraph:
                self.paragraph_start = (index, quoted)
            self.paragraph.append(stripped)
        return False

    def _end_paragraph(self) -> None:
        if self.paragraph:
            index, quoted = self.paragraph_start
            self.found.append(Block(PARAGRAPH, index + 1, "\n".join(self.paragraph), 0, quoted))
            self.paragraph.clear()

    def _add(self, kind: str, index: int, text: str, level: int = 0, quoted: bool = False) -> None:
        self._end_paragraph()
        last = self.found[-1] if self.found else None
        if kind in (CODE, TABLE) and last is not None and last.kind == kind \
                and last.line + last.text.count("\n") == index:
            # Consecutive lines of code or of a table make one block.
            self.found[-1] = last._replace(text=last.text + "\n" + text)
            return
        self.found.append(Block(kind, index + 1, text, level, quoted))


def _without_comments(body: str) -> str:
    """The body with HTML comments outside code removed, newlines kept, so
    lines keep their numbers."""
    if "<!--" not in body:
        return body
    fences, _ = _fences(body, 0)
    masked = _mask(body, fences, _FILLER, keep_lines=False)
    inline, lifted, tail = _opaque(masked)
    comments = [span for span in inline + lifted if body.startswith("<!--", span[0])]
    comments += [tail] if tail else []
    pieces, pos = [], 0
    for start, end in _merge(comments):
        pieces += [body[pos:start], "\n" * body.count("\n", start, end)]
        pos = end
    pieces.append(body[pos:])
    return "".join(pieces)


# --------------------------------------------------------------------------
# Heading ids, as Python-Markdown's toc makes them with pymdownx's slugify

_SLUGIFY = slugify(case="lower")  # the slugify of the site's mkdocs.yml
_ID_COUNT = re.compile(r"^(.*)_([0-9]+)$")
_ATTR_LIST = re.compile(r"[ \t]*\{:?[ \t]*([^{}]*)\}[ \t]*$")
_CUSTOM_ID = re.compile(r"(?:^|[ \t])#([^\s}]+)")


def heading_ids(body: str | Iterable[Block]) -> list[str]:
    """The id of every heading of a Markdown body (or of its blocks, already read), in order,
    as the built site has them: the id given with attr_list ("{#id}"), else the slug of the
    heading's text made unique with "_1", "_2", ... (ids given with attr_list are taken
    first)."""
    read = blocks(body) if isinstance(body, str) else body
    parts = [_toc_heading(block.text) for block in read if block.kind == HEADING]
    used = {custom for _, custom in parts if custom}
    return [custom or _unique_id(_SLUGIFY(text, "-"), used) for text, custom in parts]


def _toc_heading(raw: str) -> tuple[str, str | None]:
    """(the heading's text as toc reads it, custom id or None).

    toc slugs the rendered text: links keep their text, images and footnote
    markers are gone, and so is emphasis.  Unlike ``plain_text``, citation
    markers ("[1]") stay, because the site shows them.
    """
    custom = None
    attrs = _ATTR_LIST.search(raw)
    if attrs is not None:
        found = _CUSTOM_ID.search(attrs.group(1))
        custom = found.group(1) if found else None
        raw = raw[: attrs.start()]
    text = raw
    if "[" in text:
        text = _IMAGE_MARKUP.sub("", text)
        text = _FOOTNOTE_MARKER.sub("", text)
        text = _LINK_MARKUP.sub(r"\1", text)
    if "*" in text or "_" in text:
        text = _EMPHASIS.sub(_unemphasise, text)
    text = text.replace("`", "")
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    return html.unescape(text).strip(), custom


def _unique_id(slug: str, used: set[str]) -> str:
    # markdown.extensions.toc.unique's rule: "foo", "foo_1", "foo_2", ...
    while slug in used or not slug:
        count = _ID_COUNT.match(slug)
        slug = f"{count.group(1)}_{int(count.group(2)) + 1}" if count else f"{slug}_1"
    used.add(slug)
    return slug


# --------------------------------------------------------------------------
# Plain text: what a reader of the page reads

_IMAGE_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]")
_LINK_MARKUP = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
_FOOTNOTE_MARKER = re.compile(r"\[\^[^\]]+\]")
# Asterisks go wherever they are; underscores only in pairs around a word, so
# snake_case survives.
_EMPHASIS = re.compile(r"\*+|(?<![\w\\])(_{1,2})(?=\S)(.+?)(?<=\S)\1(?!\w)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")
# A list's number is shown on the page, its bullet is not.
_LINE_MARKER = re.compile(r"^[ \t]*(?:>[ \t]?)*(?:#{1,6}[ \t]*|[-*+][ \t]+)?", re.M)
_TABLE_DELIMITER = re.compile(r"[\s|:-]*")
_LINKS_ONLY = re.compile(r"(?:\[[^\]]*\]\([^)]*\)[ \t]*)+$")

_MARKUP_START = re.compile(r"[<`$!\[&\\]")
# Inline markup, found in one left-to-right scan so that whichever construct
# starts first wins (a "*" inside a code span is code, not emphasis).
_INLINE_MARKUP = re.compile(
    r"""(?P<comment><!--[\s\S]*?(?:-->|\Z))
    | (?P<hidden><(script|style)\b[^>]*>[\s\S]*?</\3[ \t]*>
        |<span\ class="gd-missing-asset"[^>]*>[\s\S]*?</span>)
    | <(?P<codetag>code|kbd|samp)\b[^>]*>(?P<element>[\s\S]*?)</(?P=codetag)[ \t]*>
    | (?P<ticks>`+)(?P<code>[\s\S]+?)(?<!`)(?P=ticks)(?!`)
    | (?P<math>\$\$[\s\S]+?\$\$)
    | (?P<image>!\[[^\]\n]*\](?:\([^)\n]*\)|\[[^\]\n]*\]))
    | \[(?P<label>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\](?:\((?:[^()\n]|\([^()\n]*\))*\)|\[[^\]\n]*\])
    | (?P<footnote>\[\^[^\]\n]+\])
    | <(?P<autolink>[a-z][a-z0-9+.\-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>]+)>
    | (?P<tag></?[a-z][^<>]*>)
    | (?P<entity>&(?:\#[0-9]{1,7}|\#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});)
    | \\(?P<escaped>[\\`*_{}\[\]()#+\-.!>|])
    """,
    re.X | re.I,
)


def plain_text(body: str, *, keep_code: bool = True, gap: str = "") -> str:
    """The text a reader of a Markdown body sees, one line per line of prose.

    Code blocks, rules, link definitions, HTML comments and block markers are
    dropped and table cells are read one after another; each block's text
    goes through ``inline_text`` (see there for ``keep_code`` and ``gap``).
    """
    out = []
    for block in blocks(body):
        if block.kind == TABLE:
            out += [_table_row(row, keep_code, gap) for row in block.text.split("\n")]
        elif block.kind not in (CODE, RULE, DEFINITION):
            out.append(inline_text(block.text, keep_code=keep_code, gap=gap))
    return "\n".join(line for line in out if line)


def inline_text(markdown: str, *, keep_code: bool = True, gap: str = "") -> str:
    """Inline Markdown (a line, a paragraph or a slice of one) as plain text.

    Links keep their text; emphasis markers go; images, HTML comments, tags
    (their text stays), script and style, footnote markers ("[^1]") and
    display math are removed; an autolink is its
    address; entities and backslash escapes become the characters they
    stand for.  Code spans and <code> keep their text, verbatim, unless
    ``keep_code`` is false.  Each removed piece leaves ``gap`` behind (a line
    break keeps the words on either side apart).  A block marker (">", "#",
    "- ") at the start of a line is dropped too, so a slice of a body line
    reads right; a list's number stays, as the page shows it.  Line breaks and blanks are kept as they are.
    """
    if any(mark in markdown for mark in "#>-*+"):
        markdown = _LINE_MARKER.sub("", markdown)
    if _MARKUP_START.search(markdown) is None:
        return _unemphasised(markdown)
    pieces: list[str] = []
    pos = 0
    for markup in _INLINE_MARKUP.finditer(markdown):
        pieces.append(_unemphasised(markdown[pos : markup.start()]))
        pieces.append(_inline_piece(markup, keep_code, gap))
        pos = markup.end()
    pieces.append(_unemphasised(markdown[pos:]))
    return "".join(pieces)


_LINK_REMNANT = re.compile(r"\]\([^)\s]*\)?|[\[\]]")


def without_link_remnants(text: str) -> str:
    """Plain text cut out of a longer line, less the brackets and "](target" of a link the
    cut went through ("[《统计公报》](" becomes "《统计公报》")."""
    return _LINK_REMNANT.sub("", text) if "[" in text or "]" in text else text


def only_links(markdown: str) -> bool:
    """Whether a line holds nothing but inline links (a row of navigation)."""
    return _LINKS_ONLY.match(markdown.strip()) is not None


def _inline_piece(markup: re.Match[str], keep_code: bool, gap: str) -> str:
    if markup.group("label") is not None:
        return inline_text(markup.group("label"), keep_code=keep_code, gap=gap)
    for group in ("code", "element"):
        if markup.group(group) is not None:
            return markup.group(group).strip() if keep_code else gap
    if markup.group("autolink") is not None:
        return markup.group("autolink")
    if markup.group("entity") is not None:
        return html.unescape(markup.group("entity"))
    if markup.group("escaped") is not None:
        return markup.group("escaped")
    return gap


def _unemphasised(text: str) -> str:
    if "*" in text or "_" in text:
        return _EMPHASIS.sub(_unemphasise, text)
    return text


def _unemphasise(match: re.Match[str]) -> str:
    return "" if match.group(1) is None else match.group(2)


def _table_row(row: str, keep_code: bool, gap: str) -> str:
    if _TABLE_DELIMITER.fullmatch(row):
        return ""
    cells = row.strip().strip("|").split("|")
    return (gap or " ").join(inline_text(cell.strip(), keep_code=keep_code, gap=gap) for cell in cells)


# Headings with their levels, for the importer's title and article boundaries.

_ATX_LEVEL = re.compile(r"[ ]{0,3}(#{1,6})")
_UNDERLINE = re.compile(r"^[ ]{0,3}(=+|-+)[ \t]*\r?$", re.M)


def headings(markdown: str) -> list[tuple[int, int, str]]:
    """(offset of the heading's first line, level 1-6, title) of every heading Python-Markdown
    sees, in order: none inside code, HTML or front matter."""
    found = []
    for start, title in analyse(markdown, headings=True)[1]:
        atx = _ATX_LEVEL.match(markdown, start)
        level = len(atx.group(1)) if atx else _setext_level(markdown, start)
        found.append((start, level, title))
    return found


def _setext_level(markdown: str, start: int) -> int:
    underline = _UNDERLINE.search(markdown, start)
    return 1 if underline and underline.group(1)[0] == "=" else 2


def closed_fences(markdown: str) -> list[Span]:
    """(start, end) of every closed fenced code block: code however the page is read."""
    return _fences(markdown, _front_matter(markdown))[0]


def fenced_code(markdown: str) -> list[Span]:
    """(start, end) of every fenced code block, an unclosed one running to the end."""
    fences, unclosed = _fences(markdown, _front_matter(markdown))
    return fences + ([unclosed] if unclosed else [])


def code_and_comments(markdown: str) -> list[Span]:
    """Sorted, merged spans of fenced code, code spans, <code>/<pre> elements and HTML
    comments: text that shows verbatim or not at all, so a rewrite must leave it alone."""
    front = _front_matter(markdown)
    fences, unclosed = _fences(markdown, front)
    masked = _mask(_mask(markdown, [(0, front)], _BLOCK_FILLER), fences, _FILLER, keep_lines=False)
    inline, raw_blocks, tail = _opaque(masked)
    verbatim = [
        (start, end) for start, end in inline + raw_blocks
        if markdown.startswith(("`", "<!--"), start)
        or markdown[start:start + 5].lower() in ("<code", "<pre>", "<pre ")
    ]
    return _merge(fences + verbatim + [span for span in (unclosed, tail) if span])


# What Python-Markdown un-escapes after a backslash ("|" with the tables extension): escaping
# every one of them makes any text literal, wherever on a line it lands. Brackets, parentheses
# and the dollar sign are written as character references instead: arithmatex reads `\(...\)`
# and `$...$` as formulas, and a line that is `\[...\]` (a list item) as a block formula.
_INLINE_ESCAPES = str.maketrans({**{c: "\\" + c for c in "\\`*_{}#+-.!>|"},
                                 "(": "&#40;", ")": "&#41;", "[": "&#91;", "]": "&#93;",
                                 "$": "&#36;"})
# Python-Markdown builds its placeholders for stashed HTML from \x02 and \x03: text carrying
# them could bring raw HTML back, and no page can show a control character anyway.
_INLINE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape_inline(text: str) -> str:
    """Plain text (a title, a name, an event) as inline Markdown that renders as exactly that
    text on one line: inside a link label, a list item, a table cell or a heading. Every
    generated page writes user text through this one function."""
    return html.escape(one_line(text), quote=False).translate(_INLINE_ESCAPES)


def one_line(text: str) -> str:
    """The text escape_inline shows: on one line, runs of spaces as one, no control
    characters. (HTML of it, as Python-Markdown writes it: `html.escape(.., quote=False)`.)"""
    # str.split counts \x1c-\x1f as spaces: they become spaces before the rest are dropped.
    return " ".join(_INLINE_CONTROL.sub("", " ".join(text.split())).split())


# Quote markers, list markers and indentation at the start of a line: each opens a level.
_NEST_PREFIX = re.compile(r"(?:[ \t]|>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))*")
_LAST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])[ \t]+$")
# Deeper than any article needs (a list four levels down in a quote is 10), far below what
# slows Python-Markdown (200 levels take a second, 400 exhaust its stack).
MAX_NESTING = 40


def _nest_prefix(line: str, end: int) -> str:
    found = _NEST_PREFIX.match(line, 0, end)
    return found.group() if found else ""  # always found: the pattern matches nothing too


def _nesting(prefix: str) -> int:
    """Levels a line's prefix opens: each quote or list marker, and each two columns of
    indentation (the narrowest step a nested list takes)."""
    columns = sum(4 if char == "\t" else 1 for char in prefix if char in " \t")
    markers = len(prefix) - sum(char in " \t" for char in prefix)
    return columns // 2 + markers - sum(char.isdigit() for char in prefix)


def deep_lines(markdown: str, limit: int) -> list[tuple[int, int]]:
    """(0-based line, levels) of every line outside code fences nested deeper than limit.

    Python-Markdown parses each level of lists and quotes by recursion: a few hundred levels
    take minutes or exhaust the stack."""
    if not re.search(rf"^[ \t>*+\-\d.)]{{{limit}}}", markdown, re.MULTILINE):
        return []  # the common case, decided without finding fences
    lines = markdown.split("\n")
    fenced = fenced_lines(lines)
    found = []
    for number, line in enumerate(lines):
        if fenced[number] or len(line) < limit:
            continue
        # Past 4 * limit characters no prefix can stay within the limit: read no further.
        depth = _nesting(_nest_prefix(line, 4 * limit + 4))
        if depth > limit:
            found.append((number, depth))
    return found


def cap_nesting(markdown: str, limit: int) -> str:
    """The text with every line nested deeper than limit brought back to limit levels: its
    indentation cut and its outer markers dropped, its own list marker and text kept."""
    deep = deep_lines(markdown, limit)
    if not deep:
        return markdown
    lines = markdown.split("\n")
    for number, _depth in deep:  # the whole prefix now, to cut it
        prefix = _nest_prefix(lines[number], len(lines[number]))
        marker = _LAST_MARKER.search(prefix)
        lines[number] = (" " * (2 * (limit - 1)) + (marker.group() if marker else "  ")
                         + lines[number][len(prefix):])
    return "\n".join(lines)
