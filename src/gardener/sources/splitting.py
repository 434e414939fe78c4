"""Splitting a file that holds several articles.

A digest or a pasted collection puts each article under its own level-1 heading; a file with
front-matter, or with at most one level-1 heading, is a single article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gardener.text.markdown import fenced_lines

_H1 = re.compile(r"^# +\S")


@dataclass(frozen=True)
class Part:
    text: str
    first_line: int  # 1-based line of the part within the source file
    index: int  # 1-based position within the file


def split_articles(text: str, has_front_matter: bool) -> list[Part]:
    lines = text.split("\n")
    starts = [] if has_front_matter else _h1_lines(lines)
    if len(starts) < 2:
        return [Part(text, 1, 1)]
    # Text before the first heading (a digest's own intro) stays with the first article.
    bounds = [0, *starts[1:], len(lines)]
    parts = []
    for i in range(len(bounds) - 1):
        chunk = "\n".join(lines[bounds[i]:bounds[i + 1]]).strip("\n") + "\n"
        parts.append(Part(chunk, bounds[i] + 1, i + 1))
    return parts


def _h1_lines(lines: list[str]) -> list[int]:
    return [n for n, (line, fenced) in enumerate(zip(lines, fenced_lines(lines), strict=True))
            if not fenced and _H1.match(line)]
