"""Cleaners: small text-to-text steps that turn a raw article into tidy Markdown.

Each cleaner takes the text and the findings and returns new text; `clean` runs them in order.
Code fences are never touched: every line-based step skips fenced lines.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from typing import Callable

from gardener.sources.findings import Findings
from gardener.sources.furniture import remove_furniture
from gardener.sources.headers import extract_labels, extract_title
from gardener.text.markdown import fenced_code

Cleaner = Callable[[str, Findings], str]

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}#{1,6}\s")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)、])\s")
# Where a sentence may legitimately end a line: CJK and Latin stops, closing quotes and brackets.
_TERMINAL = "。！？!?；;：:…」』”\"’')）】》>|*_`~.,，、"
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_BULLET_ITEM = re.compile(r"^\s*[-*+]\s")
_BULLET = re.compile(r"^(\s*)[•●◆■▪►]\s*")
_SECTION_NUMBER = re.compile(r"^\s*(\d{1,2})\s*$")
_SUBSECTION = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){1,2})\s+(\S.{0,40})$")
_QUESTION = re.compile(r"^\s*(Q\d{1,3})\s*[:：]\s*(\S.{0,120})$")
# A hard-wrapped line is long; headings and labels that happen to lack punctuation are short.
WRAP_MIN_CHARS = 24
TITLE_MAX_CHARS = 80


def fenced_mask(lines: list[str]) -> list[bool]:
    """True for lines inside (or delimiting) a fenced code block."""
    mask, fence = [], None
    for line in lines:
        marker = _FENCE.match(line)
        if marker and (fence is None or marker.group(1)[0] == fence):
            fence = marker.group(1)[0] if fence is None else None
            mask.append(True)
            continue
        mask.append(fence is not None)
    return mask


def code_mask(lines: list[str]) -> list[bool]:
    """True for lines of code: fenced_mask's, and those of the fences the Markdown scanner finds
    (fences inside list items, longer fences around shorter ones). A cleaner must never reflow
    or re-mark a line of code."""
    mask = fenced_mask(lines)
    text = "\n".join(lines)
    starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    for start, end in fenced_code(text):
        for n in range(bisect_right(starts, start) - 1, bisect_right(starts, max(start, end - 1))):
            mask[n] = True
    return mask


def tidy_whitespace(text: str, found: Findings) -> str:
    """Full-width indentation is typesetting, not content; runs of blank lines collapse to one."""
    lines = text.split("\n")
    mask = code_mask(lines)
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
    mask = code_mask(lines)
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
    """Rejoin sentences that a PDF or page break split over a blank line or a line break."""
    lines = text.split("\n")
    mask = code_mask(lines)
    out: list[str] = []
    joins = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        j = i + 1
        if j < len(lines) and not lines[j].strip():
            j += 1  # a page break leaves one blank line; more mean a real paragraph break
        if j < len(lines) and not mask[i] and not mask[j] and _continues(line, lines[j]):
            lines[j] = line.rstrip() + _glue(line.rstrip(), lines[j].lstrip()) + lines[j].lstrip()
            joins += 1
            i = j
            continue
        out.append(line)
        i += 1
    if joins:
        found.note(f"rejoined {joins} sentences broken across lines")
    return "\n".join(out)


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
    return bool(_CJK_CHAR.match(tail[0]) and _CJK_CHAR.match(head[-1])) or (
        head[-1].isalnum() and tail[0].islower()
    )


def _glue(head: str, tail: str) -> str:
    return "" if _CJK_CHAR.match(head[-1]) or _CJK_CHAR.match(tail[0]) else " "


def balance_emphasis(text: str, found: Findings) -> str:
    """A lone `**` on a line lost its partner: make the label before it bold again."""
    lines = text.split("\n")
    mask = code_mask(lines)
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


def clean(text: str, found: Findings) -> str:
    for step in CLEANERS:
        text = step(text, found)
    return text


CLEANERS: tuple[Cleaner, ...] = (
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
