"""Cleaners: small text-to-text steps that turn a raw article into tidy Markdown.

Each cleaner takes the text and the findings and returns new text; `clean` runs them in order.
Code fences are never touched: every line-based step skips fenced lines.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from gardener.sources.findings import Findings
from gardener.sources.furniture import remove_furniture
from gardener.sources.headers import extract_labels, extract_title
from gardener.text import markdown
from gardener.text.cjk import IDEOGRAPHS, is_cjk, is_wide

Cleaner = Callable[[str, Findings], str]

_ATX = re.compile(r"^ {0,3}#{1,6}\s")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)、])\s")
# Where a sentence may legitimately end a line: CJK and Latin stops, closing quotes and brackets.
_TERMINAL = "。！？!?；;：:…」』”\"’')）】》>|*_`~.,，、"
_SENTENCE_END = "。！？!?；;：:….」』”\"’)）"
_BULLET_ITEM = re.compile(r"^\s*[-*+]\s")
_BULLET = re.compile(r"^(\s*)[•●◆■▪►]\s*")
_SECTION_NUMBER = re.compile(r"^\s*(\d{1,2})\s*$")
_SUBSECTION = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){1,2})\s+(\S.{0,40})$")
_QUESTION = re.compile(r"^\s*(Q\d{1,3})\s*[:：]\s*(\S.{0,120})$")
_LATIN_OR_DIGIT = "A-Za-z0-9"
_SPACED = re.compile(f"[{IDEOGRAPHS}] [{_LATIN_OR_DIGIT}]|[{_LATIN_OR_DIGIT}] [{IDEOGRAPHS}]")
_ADJACENT = re.compile(f"[{IDEOGRAPHS}][{_LATIN_OR_DIGIT}]|[{_LATIN_OR_DIGIT}][{IDEOGRAPHS}]")
# A hard-wrapped line is long; headings and labels that happen to lack punctuation are short.
WRAP_MIN_CHARS = 24
# Fixed-width text: enough prose lines, a width a person or a PDF page would wrap at, and a
# line counts as full from this share of that width (proportional PDF fonts vary a little).
WRAP_MIN_LINES = 8
WRAP_MIN_WIDTH = 40
WRAP_MAX_WIDTH = 160
FULL_SHARE = 0.8
TITLE_MAX_CHARS = 80


def tidy_whitespace(text: str, found: Findings) -> str:
    """Full-width indentation is typesetting, not content; runs of blank lines collapse to one."""
    lines = text.split("\n")
    mask = markdown.fenced_lines(lines)
    out: list[str] = []
    indents = 0
    for number, (line, fenced) in enumerate(zip(lines, mask, strict=True)):
        if not fenced:
            stripped = line.lstrip(" \u3000\xa0")
            if "\u3000" in line[: len(line) - len(stripped)]:
                line, indents = stripped, indents + 1
            if not line.strip():
                line = ""
            elif line.endswith("  ") and not _next_is_text(lines, number):
                line = line.rstrip()  # a hard break before a blank line breaks nothing
            if not line and out and out[-1] == "":
                continue
        out.append(line)
    if indents:
        found.note(f"removed full-width indentation on {indents} lines")
    return "\n".join(out).strip("\n") + "\n"


def _next_is_text(lines: list[str], i: int) -> bool:
    return i + 1 < len(lines) and bool(lines[i + 1].strip())


def end_quotes_before_headings(text: str, found: Findings) -> str:
    """A heading right under a quote line ends the quote in GitHub's Markdown; Python-Markdown
    would pull it into the quote. A blank line keeps the author's structure."""
    lines = text.split("\n")
    mask = markdown.fenced_lines(lines)
    out: list[str] = []
    for i, line in enumerate(lines):
        if i and not mask[i] and _ATX.match(line) and lines[i - 1].lstrip().startswith(">"):
            out.append("")
            found.note(f"ended the quote before heading '{line.strip()[:40]}'")
        out.append(line)
    return "\n".join(out)


def plain_structure(text: str, found: Findings) -> str:
    """Give a plain-text dump (no Markdown headings at all) its headings and lists back."""
    lines = text.split("\n")
    if any(_ATX.match(line) for line in lines):
        return text
    out, changed = [], 0
    for i, line in enumerate(lines):
        nxt = _next_nonblank(lines, i)
        if _SECTION_NUMBER.match(line) and nxt is not None and _is_title_like(lines[nxt]):
            lines[nxt] = f"## {line.strip()} {lines[nxt].strip()}"
            changed += 1
            continue
        new = _structure_line(line)
        changed += new != line
        out.append(new)
    if changed:
        found.note(f"restored {changed} headings and list items in plain text")
    return "\n".join(out)


def _structure_line(line: str) -> str:
    if line.startswith("## "):
        return line
    bullet = _BULLET.match(line)
    if bullet:
        return f"{bullet.group(1)}- {line[bullet.end():]}"
    sub = _SUBSECTION.match(line)
    if sub and _is_title_like(line):
        return f"### {sub.group(1)} {sub.group(2).strip()}"
    question = _QUESTION.match(line)
    if question:
        return f"## {question.group(1)}: {question.group(2).strip()}"
    return line


def _next_nonblank(lines: list[str], i: int) -> int | None:
    for j in range(i + 1, min(i + 4, len(lines))):
        if lines[j].strip():
            return j
    return None


def _is_title_like(line: str) -> bool:
    text = line.strip()
    return 0 < len(text) <= 40 and text[-1] not in "。！？!?；;，,、" and not _LIST_ITEM.match(text)


def join_hard_wraps(text: str, found: Findings) -> str:
    """Rejoin sentences that a PDF or page break split over a blank line or a line break.

    Text wrapped at a fixed width (pdftotext, mail) is rejoined more boldly: a line that fills
    the width continues on the next line whatever its last character, and across a page break
    only a full line continues. Code, headings and tables (as the Markdown scanner reads them),
    list items and hard breaks are never joined."""
    lines = text.split("\n")
    physical = list(lines)  # as wrapped: a joined line is judged by its last piece
    fixed = _structure_lines(text, lines)
    width = wrap_width(lines, fixed)
    spaced = _spaced_scripts(text)
    out: list[str] = []
    joins = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        j = i + 1
        if j < len(lines) and not lines[j].strip():
            j += 1  # a page break leaves one blank line; more mean a real paragraph break
        if (j < len(lines) and not fixed[i] and not fixed[j]
                and _joinable(line, physical[i], lines[j], width, across_gap=j > i + 1)):
            lines[j] = line.rstrip() + _glue(line.rstrip(), lines[j].lstrip(), spaced) + lines[j].lstrip()
            joins += 1
            i = j
            continue
        out.append(line)
        i += 1
    if joins:
        found.note(f"rejoined {joins} sentences broken across lines")
    return "\n".join(out)


def _structure_lines(text: str, lines: list[str]) -> list[bool]:
    """True for lines that Markdown reads as code, headings or other verbatim blocks: the
    lines a protected span of the scanner covers from start to end."""
    spans = iter(markdown.protected_spans(text, headings=True))
    span = next(spans, None)
    flags, start = [], 0
    for line in lines:
        end = start + len(line)
        while span is not None and span[1] < end:
            span = next(spans, None)
        flags.append(bool(line.strip()) and span is not None and span[0] <= start
                     + len(line) - len(line.lstrip()))
        start = end + 1
    return flags


def wrap_width(lines: list[str], fixed: list[bool]) -> int | None:
    """The width text was hard-wrapped at (in columns, CJK counting two), or None when it was not:
    most prose lines then end within a narrow band below one width."""
    widths = sorted(display_width(line.rstrip()) for line, block in zip(lines, fixed, strict=True)
                    if line.strip() and not block)
    if len(widths) < WRAP_MIN_LINES:
        return None
    width = widths[int(len(widths) * 0.9)]
    if not WRAP_MIN_WIDTH <= width <= WRAP_MAX_WIDTH:
        return None
    near = sum(width * FULL_SHARE <= w <= width * 1.1 for w in widths)
    over = sum(w > width * 1.1 for w in widths)
    return width if near >= len(widths) * 0.4 and over <= len(widths) * 0.05 else None


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _joinable(line: str, piece: str, nxt: str, width: int | None, across_gap: bool) -> bool:
    """Whether `line` (ending in the wrapped line `piece`) goes on in `nxt`."""
    if piece.endswith("  ") and not across_gap:
        return False  # a Markdown hard break is meant
    if width is None or not _full(piece, nxt, width):
        return not (width and across_gap) and _continues(line, nxt)
    if across_gap:
        return piece.rstrip()[-1:] not in _SENTENCE_END and (_continues(line, nxt) or _wrapped(piece, nxt))
    return _continues(line, nxt) or _wrapped(piece, nxt)


def _full(line: str, nxt: str, width: int) -> bool:
    """The line fills the width: the next line's first word would not have fitted on it."""
    used = display_width(line.rstrip())
    words = nxt.split()
    first = display_width(words[0]) if words else 0
    first = min(first, 2) if nxt.strip() and is_wide(nxt.strip()[0]) else first
    return used >= width * FULL_SHARE or used + 1 + first > width


def _wrapped(line: str, nxt: str) -> bool:
    """A full line goes on in the next one unless that one starts a block of its own."""
    head, tail = line.rstrip(), nxt.strip()
    if not tail or _ATX.match(head) or _ATX.match(nxt) or _LIST_ITEM.match(nxt) or _BULLET.match(nxt):
        return False
    if head.lstrip().startswith(("|", "<", "![")) or tail.startswith(("|", "<", ">", "![")):
        return False
    item = _LIST_ITEM.match(line) or _BULLET.match(line)
    if nxt[:1].isspace() and not (line[:1].isspace() or item):
        return False  # an indented line after a flush paragraph starts a block
    return head[-1] != "-" or tail[0].isalnum()


def _spaced_scripts(text: str) -> bool:
    """Whether the text writes a space between Chinese and Latin ("使用 RGB 表示")."""
    sample = text[:20000]
    return len(_SPACED.findall(sample)) > len(_ADJACENT.findall(sample))


def _continues(line: str, nxt: str) -> bool:
    head, tail = line.rstrip(), nxt.strip()
    if len(head.strip()) < WRAP_MIN_CHARS or not tail or head[-1] in _TERMINAL:
        return False
    if _ATX.match(head) or _ATX.match(nxt) or _LIST_ITEM.match(nxt) or _BULLET.match(nxt):
        return False
    if _BULLET_ITEM.match(head) and not nxt[:1].isspace():
        return False  # a bullet without a full stop, then a paragraph of its own
    if head.lstrip().startswith(("|", "<", ">", "![")) or tail.startswith(("|", "<", ">", "!", "[")):
        return False
    if nxt[:1].isspace() and not line[:1].isspace():
        return False  # an indented line after a flush one starts a new block
    return (is_cjk(tail[0]) and is_cjk(head[-1])) or (
        head[-1].isalnum() and tail[0].islower()
    )


def _glue(head: str, tail: str, spaced: bool = False) -> str:
    wide_head, wide_tail = is_wide(head[-1]), is_wide(tail[0])
    if wide_head and wide_tail:
        return ""
    if wide_head or wide_tail:
        # Between Chinese and Latin the text's own habit decides; punctuation takes no space.
        punctuation = not is_cjk(head[-1]) if wide_head else not is_cjk(tail[0])
        return " " if spaced and not punctuation else ""
    return "" if head[-1] == "-" else " "


def balance_emphasis(text: str, found: Findings) -> str:
    """A lone `**` on a line lost its partner: make the label before it bold again."""
    lines = text.split("\n")
    mask = markdown.fenced_lines(lines)
    fixed = 0
    for i, line in enumerate(lines):
        if mask[i] or line.count("**") % 2 == 0:
            continue
        marker = _LIST_ITEM.match(line)
        start = marker.end() if marker else len(line) - len(line.lstrip())
        lone = line.find("**", start)
        if lone > start and "**" not in line[start:lone]:
            lines[i] = line[:start] + "**" + line[start:]
        else:
            lines[i] = line[:lone] + line[lone + 2:]
        fixed += 1
    if fixed:
        found.note(f"balanced unpaired ** on {fixed} lines")
    return "\n".join(lines)


# A line CommonMark opens a code fence with: three or more backticks or tildes (a backtick
# fence's info string holds no backtick), where a fence may stand (indented, in a quote, after
# a list marker).
_COMMONMARK_FENCE = re.compile(
    r"^(?P<lead>[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?)(?P<fence>`{3,}|~{3,})(?P<info>[^\r]*)"
    r"(?P<cr>\r?)$")
# HackMD's line-numbered fence: "```python=", "```python=101" (from line 101), "!" to wrap.
_HACKMD_NUMBERED = re.compile(r"(?P<language>[\w#.+-]*)=(?P<first>\d*)!?")
_FENCE_LANGUAGE = re.compile(r"\.?[\w#.+-]+")


def readable_fences(text: str, found: Findings) -> str:
    """Code fences as the site's renderer reads them. pymdownx.superfences opens a fence only on
    an info string it understands, where CommonMark (GitHub, Typora) takes any: "```jinja="
    (HackMD's line numbers) or "```http request" opens no fence, so every fence after it pairs
    the other way and the rest of the article renders inside out. Such an opener keeps its
    language (and HackMD's line numbers, as the highlighter's `linenums`); the code is
    untouched."""
    lines = text.split("\n")
    open_fence: str | None = None
    changed: list[str] = []
    for number, line in enumerate(lines):
        found_fence = _COMMONMARK_FENCE.match(line)
        if found_fence is None:
            continue
        fence, info = found_fence["fence"], found_fence["info"]
        if open_fence is not None:
            if fence[0] == open_fence[0] and len(fence) >= len(open_fence) and not info.strip():
                open_fence = None  # its closing line
            continue
        if fence[0] == "`" and "`" in info:
            continue  # inline code, not a fence
        open_fence = fence
        if markdown.fence_opener(fence + info) is not None:
            continue
        readable = _readable_info(info.strip())
        if markdown.fence_opener(fence + readable) is None:
            continue
        lines[number] = found_fence["lead"] + fence + readable + found_fence["cr"]
        changed.append(info.strip())
    if changed:
        shown = ", ".join(f"'{info}'" for info in dict.fromkeys(changed))
        found.note(f"made {len(changed)} code fences open as the site's renderer reads them "
                   f"(info strings {shown})")
    return "\n".join(lines)


def _readable_info(info: str) -> str:
    numbered = _HACKMD_NUMBERED.fullmatch(info)
    if numbered:
        language = numbered["language"]
        return f'{language} linenums="{numbered["first"] or 1}"'.lstrip()
    language = _FENCE_LANGUAGE.match(info)
    return language.group() if language else ""


def clean(text: str, found: Findings) -> str:
    for step in CLEANERS:
        text = step(text, found)
    return text


CLEANERS: tuple[Cleaner, ...] = (
    readable_fences,  # first: every later step skips the lines of fenced code
    tidy_whitespace,
    end_quotes_before_headings,
    remove_furniture,
    extract_title,
    extract_labels,
    plain_structure,
    join_hard_wraps,
    balance_emphasis,
    tidy_whitespace,
)
