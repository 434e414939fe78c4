"""A Python-Markdown extension that reads lists and display formulas as GitHub does.

Articles are written for GitHub, Typora or Obsidian, where a list may follow a paragraph line
directly, nested items are indented to their parent's text (two spaces under "- "), and a
`$$` formula may sit inside a paragraph. Python-Markdown wants a blank line before a list,
four spaces per nesting level and a formula block of its own, so such articles came out as
run-on paragraphs, flat lists and raw LaTeX.

The extension rewrites the source's block layout before Python-Markdown reads it: list lines
are re-indented to four spaces per level and blank lines are added where GitHub starts a new
block. Text is never changed. Whatever the Markdown scanner (gardener.text.markdown) reports as
verbatim, such as fenced code, formulas and raw HTML, is only shifted as a whole with the list
item that holds it, so its content stays as written.

Use it as `gardener.site.markdown_ext` in `markdown_extensions`; it needs no MkDocs plugin.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from gardener.text.markdown import protected_spans

# The list markers Python-Markdown knows (GitHub also accepts "1)", which Python-Markdown
# would print as text either way) followed by the spaces before the item's text.
_ITEM = re.compile(r"( *)([-+*]|(\d{1,9})\.)( +)(?=\S)")
_RULE = re.compile(r" {0,3}([-*_])(?: *\1){2,} *$")
_QUOTE = re.compile(r" {0,3}>")
# Python-Markdown's own containers (admonitions, details, tabs): their body is indented by LEVEL.
_CONTAINER = re.compile(r" {0,3}(?:!!!|\?\?\?\+?|===\+?)[ \t]")
_QUOTE_PREFIX = re.compile(r" {0,3}> ?")
# Lines that end a paragraph by themselves: a list item's text does not run on into them.
_BLOCK_START = re.compile(r" {0,3}(?:#|>|```|~~~)")
LEVEL = 4  # Python-Markdown's indentation per nesting level

# "> [!NOTE]" (GitHub) and "> [!tip]- Title" (Obsidian: a title, "-" folded, "+" open).
_CALLOUT = re.compile(r"\[!([A-Za-z][\w-]*)\]([-+]?)[ \t]*(.*)$")
# Callout types as Material for MkDocs styles them: GitHub's five and Obsidian's names.
CALLOUT_CLASSES = {
    "note": "note", "tip": "tip", "hint": "tip", "important": "info", "info": "info",
    "todo": "info", "warning": "warning", "attention": "warning", "caution": "danger",
    "danger": "danger", "error": "danger", "abstract": "abstract", "summary": "abstract",
    "tldr": "abstract", "success": "success", "check": "success", "done": "success",
    "question": "question", "help": "question", "faq": "question", "failure": "failure",
    "fail": "failure", "missing": "failure", "bug": "bug", "example": "example",
    "quote": "quote", "cite": "quote",
}


@dataclass
class _Item:
    content: int  # the source column where the item's text starts (GitHub's rule)
    indent: int  # the same column in the output: LEVEL per level
    ordered: bool


class _Lines:
    """Source lines with, for each, where the scanner's verbatim spans start and end."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        text = "\n".join(lines)
        self.starts = []
        pos = 0
        for line in lines:
            self.starts.append(pos)
            pos += len(line) + 1
        self.spans = protected_spans(text, headings=False)
        self._span_starts = [s for s, _e in self.spans]

    def span_at(self, pos: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self._span_starts, pos) - 1
        if i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]:
            return self.spans[i]
        return None

    def line_of(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1

    def verbatim_until(self, index: int) -> int:
        """The last line of a verbatim span that starts on line ``index`` and runs on past it
        (``index`` itself when there is none)."""
        start = self.starts[index]
        end = start + len(self.lines[index])
        last = index
        i = max(0, bisect.bisect_right(self._span_starts, start) - 1)
        while i < len(self.spans) and self.spans[i][0] < end:
            if self.spans[i][1] > start:
                last = max(last, self.line_of(self.spans[i][1] - 1))
            i += 1
        return last

    def opens_verbatim(self, index: int) -> bool:
        """Whether the line's text begins inside a verbatim span (code, math, HTML, link...):
        such a line is never a list item."""
        line = self.lines[index]
        first = len(line) - len(line.lstrip(" "))
        return self.span_at(self.starts[index] + first) is not None

    def spans_whole(self, index: int, last: int) -> bool:
        """Whether one verbatim span covers lines index..last from the first character of
        text to the last: a block of its own, such as a fence or a formula."""
        line = self.lines[index]
        span = self.span_at(self.starts[index] + len(line) - len(line.lstrip(" ")))
        return span is not None and span[1] >= self.starts[last] + len(self.lines[last].rstrip())

    def display_math(self, index: int, last: int) -> bool:
        """Whether lines index..last are exactly one `$$` formula, or a `\\[` formula whose
        opener stands on a line of its own (GitHub prints a one-line `\\[...\\]` as brackets,
        and articles use it so: "\\[[source](url)\\]")."""
        stripped = self.lines[index].strip()
        if not (stripped.startswith("$$") or stripped == "\\[" and last > index):
            return False
        return self.spans_whole(index, last)


class _Layout:
    """One pass over the lines of a document (or of a block quote's content)."""

    def __init__(self, lines: list[str]) -> None:
        self.src = _Lines(lines)
        self.out: list[str] = []
        self.stack: list[_Item] = []
        self.prev = "blank"  # blank, item, lead (an item's first paragraph) or text
        self.block_indent = 0  # output indentation of the first line after the last blank

    def run(self) -> list[str]:
        lines = self.src.lines
        index = 0
        while index < len(lines):
            line = lines[index]
            if not line.strip():
                self._emit("", "blank")
                index += 1
            elif _QUOTE.match(line) and not self._inside(line):
                index = self._quote(index)
            elif _CONTAINER.match(line) and not self._inside(line):
                index = self._container(index)
            else:
                index = self._block(index)
        return self.out

    def _inside(self, line: str) -> bool:
        """Whether a block-starting line stays inside an open list item (closing the others)."""
        indent = len(line) - len(line.lstrip(" "))
        while self.stack and indent < self.stack[-1].content:
            self.stack.pop()
        return bool(self.stack)

    def _emit(self, line: str, kind: str) -> None:
        if kind == "blank":
            self.out.append("")
        else:
            if self.prev == "blank":
                self.block_indent = len(line) - len(line.lstrip(" "))
            self.out.append(line)
        self.prev = kind

    def _blank(self) -> None:
        if self.prev != "blank":
            self._emit("", "blank")

    def _block(self, index: int) -> int:
        """One line, with the verbatim lines that continue a span it opens."""
        line = self.src.lines[index]
        last = self.src.verbatim_until(index)
        opens = self.src.opens_verbatim(index)
        item = None if opens or _RULE.match(line) else _ITEM.match(line)
        place = self._place(item) if item is not None else None
        if item is not None and place is not None:
            shift = self._item(item, *place)
        else:
            math = self.src.display_math(index, last)
            if math:
                self._blank()
            block = opens and self.src.spans_whole(index, last) or _BLOCK_START.match(line)
            shift = self._content(line, "other" if block else None)
            self._shifted(index + 1, last, shift, "other" if block else "text")
            if math:
                self._blank()
        return last + 1

    def _shifted(self, first: int, last: int, shift: int, kind: str) -> None:
        """Lines inside a verbatim span move with the line that opened it, as a whole."""
        for line in self.src.lines[first:last + 1]:
            if shift >= 0:
                line = " " * shift + line if line else line
            else:
                line = line[min(-shift, len(line) - len(line.lstrip(" "))):]
            self._emit(line, kind)

    def _place(self, item: re.Match) -> tuple[int, bool] | None:
        """(depth, whether it starts a new list) of a list item, or None when GitHub reads the
        line as paragraph text: a new list may interrupt a paragraph only with "-", "+", "*"
        or "1."."""
        indent = len(item.group(1))
        ordered = item.group(3) is not None
        depth = len(self.stack)
        while depth and indent < self.stack[depth - 1].content:
            depth -= 1
        sibling = self.stack[depth] if depth < len(self.stack) else None
        new_list = sibling is None or sibling.ordered != ordered
        in_paragraph = self.prev in ("item", "lead", "text")
        if new_list and in_paragraph and ordered and int(item.group(3)) != 1:
            return None
        return depth, new_list

    def _item(self, item: re.Match, depth: int, new_list: bool) -> int:
        indent = len(item.group(1))
        nested_here = depth == len(self.stack) and self.prev in ("item", "lead")
        del self.stack[depth:]
        out_indent = LEVEL * depth
        # Python-Markdown starts a list only at the start of a block, except right under an
        # item's first line; and a block that starts indented keeps every line that follows.
        if (new_list and not nested_here) or (self.prev != "blank" and out_indent < self.block_indent):
            self._blank()
        spaces = len(item.group(4))
        content = item.end(2) + (spaces if spaces <= 4 else 1)
        self.stack.append(_Item(content, out_indent + LEVEL, item.group(3) is not None))
        self._emit(" " * out_indent + item.string[indent:], "item")
        return out_indent - indent

    def _content(self, line: str, kind: str | None) -> int:
        """A line that is not a list item: inside the innermost item it belongs to, if any."""
        indent = len(line) - len(line.lstrip(" "))
        lazy = self.prev in ("item", "lead") and not _BLOCK_START.match(line)
        if not lazy:
            while self.stack and indent < self.stack[-1].content:
                self.stack.pop()
        if not self.stack:
            self._emit(line, kind or "text")
            return 0
        top = self.stack[-1]
        out_indent = top.indent + max(0, indent - top.content)
        paragraph = "lead" if self.prev in ("item", "lead") else "text"
        self._emit(" " * out_indent + line[indent:], kind or paragraph)
        return out_indent - indent

    def _quote(self, index: int) -> int:
        """A block quote's lines are laid out on their own, then quoted again; a callout
        becomes an admonition."""
        lines = self.src.lines
        last = index
        while last + 1 < len(lines) and _QUOTE.match(lines[last + 1]):
            last += 1
        inner = [_QUOTE_PREFIX.sub("", line, count=1) for line in lines[index:last + 1]]
        callout = _CALLOUT.match(inner[0])
        if callout is None:
            for line in _Layout(inner).run():
                self._emit(f"> {line}" if line else ">", "text")
        else:
            self._blank()
            self._emit(admonition_line(*callout.groups()), "other")
            for line in _Layout(inner[1:]).run():
                self._emit(" " * LEVEL + line if line else "", "other" if line else "blank")
            self._blank()
        return last + 1

    def _container(self, index: int) -> int:
        """An admonition written for Python-Markdown: its indented body is laid out on its own."""
        lines = self.src.lines
        last = index
        for following in range(index + 1, len(lines)):
            line = lines[following]
            if line.strip() and not line.startswith(" " * LEVEL):
                break
            if line.strip():
                last = following
        self._emit(lines[index], "other")
        for line in _Layout([line[LEVEL:] for line in lines[index + 1:last + 1]]).run():
            self._emit(" " * LEVEL + line if line else "", "other" if line else "blank")
        return last + 1


def admonition_line(kind: str, fold: str, title: str) -> str:
    """`!!! class "title"` for a callout: `??? ` (folded) or `???+ ` (open) when it folds."""
    css = CALLOUT_CLASSES.get(kind.lower(), "note")
    title = title.strip() or kind.capitalize()
    opener = {"-": "???", "+": "???+"}.get(fold, "!!!")
    return f'{opener} {css} "{title}"'


class GithubLayout(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return _Layout(lines).run()


class GithubLayoutExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After whitespace normalisation (30: tabs expanded) and before fenced code is set aside
        # (25), so that a fence inside a list item moves with its item.
        md.preprocessors.register(GithubLayout(md), "gardener_github_layout", 28)


def makeExtension(**kwargs) -> GithubLayoutExtension:  # noqa: N802 (Python-Markdown's name)
    return GithubLayoutExtension(**kwargs)
