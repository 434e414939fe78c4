"""Splitting a file that holds several articles, only on evidence that it does.

Level-1 headings alone prove nothing: translated posts, chapters and release notes put their
sections under `# 1. …`, `# 2. …`. A digest or a pasted collection shows where one article ends
and the next begins: the next part opens with its own title and its own byline, labelled date
or source (or a news dateline such as "2月2日讯"), or its title is the name of a pasted file.
A file with front-matter, or with a byline or source block above its first title, is one
article: that block speaks for the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gardener.sources.headers import has_labels, level_one_headings

# How far into a part its byline may sit: the title, a subtitle, a lead image, then the byline.
EVIDENCE_LINES = 4
_DATELINE = re.compile(
    r"^[*_\s]*(?:[【《(（][^】》)）\n]{1,20}[】》)）]\s*)?(?:\S{1,12}?)?"
    r"\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:讯|消息|电)")
_H1_LIKE = re.compile(r"^ {0,3}(?:#[ \t]|=+[ \t]*$)", re.M)
_FILE_TITLE = re.compile(r"\.(?:md|markdown|txt|docx?|pdf|html?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Part:
    text: str
    first_line: int  # 1-based line of the part within the source file
    index: int  # 1-based position within the file


def split_articles(text: str, has_front_matter: bool) -> list[Part]:
    lines = text.split("\n")
    starts = [] if has_front_matter else article_starts(text, lines)
    if not starts:
        return [Part(text, 1, 1)]
    # Text before the first article boundary (a digest's intro, or its first article) is a part.
    bounds = [0, *starts, len(lines)]
    parts = []
    for i in range(len(bounds) - 1):
        chunk = "\n".join(lines[bounds[i]:bounds[i + 1]]).strip("\n") + "\n"
        parts.append(Part(chunk, bounds[i] + 1, i + 1))
    return parts


def article_starts(text: str, lines: list[str]) -> list[int]:
    """Line numbers (0-based) of the level-1 headings after the first that start an article."""
    if len(_H1_LIKE.findall(text)) < 2:
        return []  # fewer than two lines that could be level-1 headings: nothing to scan for
    h1 = level_one_headings(text)
    if len(h1) < 2 or any(has_labels(line) for line in lines[:h1[0]]):
        return []  # a byline or source block above the first title speaks for the whole file
    return [n for n in h1[1:] if _opens_article(lines, n)]


def _opens_article(lines: list[str], n: int) -> bool:
    if _FILE_TITLE.search(lines[n]):
        return True
    following = [line for line in lines[n + 1:n + 1 + 4 * EVIDENCE_LINES] if line.strip()]
    return any(has_labels(line) or _DATELINE.match(line) for line in following[:EVIDENCE_LINES])

