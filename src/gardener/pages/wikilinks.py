"""Wikilinks written out as ordinary Markdown, so any builder renders them.

`[[Title#heading|text]]` becomes `[text](<../articles/slug.md#heading>)`, `![[image.png]]` an
image, and a wikilink that names nothing becomes its own words in a marked span (the build
reports it; the reader sees that a link is missing instead of a bracketed name).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import PurePosixPath

from gardener.garden.wikilinks import WikiLink, WikiTarget, find_wikilinks
from gardener.pages.common import md_text, rel_link

MISSING_CLASS = "gd-wikilink--missing"

_HREF_ESCAPES = {ord(ch): f"%{ord(ch):02X}" for ch in " \"'<>()[]\\`$|"}
_HREF_ESCAPES.update({cp: f"%{cp:02X}" for cp in [*range(32), 127]})


def write_wikilinks(markdown: str, targets: Mapping[tuple, WikiTarget], page_path: str) -> str:
    """The page's Markdown with every wikilink replaced, going where `targets` (by link key)
    says; a link the table does not know is shown as unresolved."""
    links = find_wikilinks(markdown)
    if not links:
        return markdown
    pieces: list[str] = []
    pos = 0
    for link in links:
        target = targets.get(link.key) or WikiTarget(problem=f"no page is called '{link.target}'")
        pieces += (markdown[pos:link.start], _written(link, target, page_path))
        pos = link.end
    pieces.append(markdown[pos:])
    return "".join(pieces)


def _written(link: WikiLink, target: WikiTarget, page_path: str) -> str:
    if target.problem is not None or target.path is None:
        words = html.escape(link.written)
        reason = html.escape(f"未找到链接目标：{target.problem or link.target}", quote=True)
        return f'<span class="{MISSING_CLASS}" title="{reason}">{words}</span>'
    if target.asset:
        alt = link.label or PurePosixPath(target.path).stem
        return f"![{md_text(alt)}]({_destination(rel_link(page_path, target.path))})"
    href = "" if target.path == page_path else rel_link(page_path, target.path)
    if target.anchor:
        href += "#" + target.anchor
    return f"[{md_text(link.written)}]({_destination(href)})"


def _destination(href: str) -> str:
    # Angle brackets and percent-encoding: no space, quote or bracket can end the link early.
    return "<" + href.translate(_HREF_ESCAPES) + ">"
