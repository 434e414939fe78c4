"""The one Markdown scanner: where Python-Markdown (with superfences) sees code, math, links,
raw HTML, headings and other spans whose text must stay verbatim.

Every stage that needs to know what a Markdown line *is* asks this module: the concept linker
(protected spans), the timeline (plain prose units), suggestions and checks (text outside code).
It follows Python-Markdown's reading where it differs from CommonMark (lists do not interrupt
paragraphs, "#x" is a heading, a code span may give up backticks to find its closer, raw HTML
blocks nest, ...). Known gaps, all rare in prose: indented code nested inside blockquotes or
several list levels deep, and attr_list syntax in the middle of a paragraph. All offsets are str
indices; nothing is NFKC-normalised.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

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
    return analyse(markdown, headings=headings)[0]


def analyse(markdown: str, *, headings: bool) -> tuple[list[Span], list[tuple[int, str]]]:
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
# Inline links, for the pages that follow them (backlinks, the graph)

_LINK_PARTS = re.compile(
    r"""(?<![!\\])\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]"""
    r"""\([ \t]*(?:<(?P<angled>[^<>\n]*)>|(?P<plain>(?:[^()\s]|\([^()\s]*\))+))"""
    r"""(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'))?[ \t]*\)"""
)


def inline_links(markdown: str) -> list[tuple[int, int, str, str]]:
    """(start, end, text, destination) of every inline link ``[text](destination)`` that
    Python-Markdown renders as a link: none inside code, math, raw HTML, front matter or
    admonition titles, and no images."""
    if "](" not in markdown:
        return []
    front = _front_matter(markdown)
    fences, unclosed = _fences(markdown, front)
    masked = _mask(markdown, [(0, front)], _BLOCK_FILLER)
    masked = _mask(masked, fences, _FILLER, keep_lines=False)
    opaque, raw, tail = _opaque(masked)
    masked = _mask(_mask(masked, opaque, _FILLER), raw, _BLOCK_FILLER)
    block, _heads = _LineScanner(masked, markdown, False).run()
    masked = _mask(masked, block + [s for s in (unclosed, tail) if s], _FILLER)
    return [(m.start(), m.end(), markdown[m.start("text"):m.end("text")],
             m.group("angled") if m.group("angled") is not None else m.group("plain"))
            for m in _LINK_PARTS.finditer(masked)]
