"""Two readings of one article for the rendering tests: what a CommonMark reader with math and task
lists (markdown-it-py, as on GitHub or in Typora) sees in the source, and what the built site
shows."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

_OURS = "contains(concat(' ', @class), ' gd-')"  # the header and footer gardener adds
_FOOTNOTES = "contains(@class, 'footnote')"
_MARKER_LINE = re.compile(r"^[ \t]*(?:[-*+]|\d+\.)[ \t]+\S", re.M)
_DELIMITERS = re.compile(r"^\\[([]([\s\S]*)\\[)\]]$")


def commonmark(source: str) -> list:
    parser = (MarkdownIt("commonmark").enable("table")
              .use(dollarmath_plugin, double_inline=True).use(tasklists_plugin))
    return parser.parse(source)


def _flat(tokens):
    for token in tokens:
        yield token
        yield from _flat(token.children or ())


def reference_items(source: str) -> list[int]:
    """The nesting depth of every list item, in document order."""
    depth, items = 0, []
    for token in commonmark(source):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "list_item_open":
            items.append(depth)
    return items


def reference_formulas(source: str) -> list[str]:
    return [t.content.strip() for t in _flat(commonmark(source)) if t.type.startswith("math_")]


def reference_tasks(source: str) -> list[bool]:
    """Checked or not, for every task-list item."""
    tasks = []
    for token in _flat(commonmark(source)):
        if token.type == "html_inline" and "task-list-item-checkbox" in token.content:
            tasks.append('checked="checked"' in token.content)
    return tasks


def article(site: Path, stem: str):
    page = lxml.html.parse(str(site / "articles" / stem / "index.html"))
    return page.xpath("//article")[0]


def site_items(content) -> list[int]:
    items = content.xpath(f".//li[not(ancestor::*[{_OURS}]) and not(ancestor::*[{_FOOTNOTES}])]")
    return [len(li.xpath("ancestor::ul | ancestor::ol")) for li in items]


def site_formulas(content) -> list[str]:
    formulas = []
    for element in content.xpath(".//*[contains(@class, 'arithmatex')]"):
        text = element.text_content().strip()
        match = _DELIMITERS.match(text)
        formulas.append((match.group(1) if match else text).strip())
    return formulas


def run_on_paragraphs(content) -> list[str]:
    """Paragraphs of several lines, one of which starts with a list marker: a list read as
    text. (A one-line paragraph such as "**1. Setup**" is a heading in bold, not a list.)"""
    paragraphs = [p.text_content().strip() for p in content.xpath(f".//p[not(ancestor::*[{_OURS}])]")]
    return [p for p in paragraphs if "\n" in p and _MARKER_LINE.search(p)]
