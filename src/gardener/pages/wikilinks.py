"""Wikilinks written out as ordinary Markdown, so any builder renders them.

`[[Title#heading|text]]` becomes `[text](<../articles/slug.md#heading>)`, `![[image.png]]` an
image, and a wikilink that names nothing becomes its own words in a marked span (the build
reports it; the reader sees that a link is missing instead of a bracketed name).
"""

from __future__ import annotations

import html
from pathlib import PurePosixPath
from typing import Iterable

from gardener.garden.wikilinks import Resolved
from gardener.pages.common import md_text, rel_link

MISSING_CLASS = "gd-wikilink--missing"

_HREF_ESCAPES = {ord(ch): f"%{ord(ch):02X}" for ch in " \"'<>()[]\\`$|"}
_HREF_ESCAPES.update({cp: f"%{cp:02X}" for cp in [*range(32), 127]})


def write_wikilinks(markdown: str, resolved: Iterable[Resolved], page_path: str) -> str:
    """The page's Markdown with every wikilink replaced; `resolved` in text order."""
    pieces, pos = [], 0
    for item in resolved:
        link = item.link
        pieces += (markdown[pos:link.start], _written(item, page_path))
        pos = link.end
    if not pieces:
        return markdown
    pieces.append(markdown[pos:])
    return "".join(pieces)


def _written(item: Resolved, page_path: str) -> str:
    link = item.link
    if item.asset is not None:
        alt = link.label or PurePosixPath(item.asset).stem
        return f"![{md_text(alt)}]({_destination(rel_link(page_path, item.asset))})"
    if item.problem is not None or item.page is None:
        words = html.escape(link.written)
        reason = html.escape(f"未找到链接目标：{item.problem or link.target}", quote=True)
        return f'<span class="{MISSING_CLASS}" title="{reason}">{words}</span>'
    href = "" if item.page.path == page_path else rel_link(page_path, item.page.path)
    if item.anchor:
        href += "#" + item.anchor
    return f"[{md_text(link.written)}]({_destination(href)})"


def _destination(href: str) -> str:
    # Angle brackets and percent-encoding: no space, quote or bracket can end the link early.
    return "<" + href.translate(_HREF_ESCAPES) + ">"
