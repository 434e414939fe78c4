"""Natural order for titles: 第2章 before 第12章, "Part 9" before "Part 60", 第九期 before 第六十期.

Numbers compare as numbers, written in digits (half- or full-width) or, where a counter says
they are ordinals (第十二章, 三十期), in Chinese numerals; the rest compares as text, ignoring
case and spacing.
"""

from __future__ import annotations

import re
import unicodedata

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "".join(_CN_DIGITS) + "".join(_CN_UNITS)
# Chinese numerals count only as an ordinal: after 第, or before a counter word.
_COUNTERS = "章节期篇回卷部集课讲届季话册辑"
_NUMBER = re.compile(rf"\d+|(?<=第)[{_CN}]+|[{_CN}]+(?=[{_COUNTERS}])")


def natural_key(text: str) -> tuple:
    """A sort key: text and number chunks, each chunk (0, number, "") or (1, 0, text)."""
    plain = "".join(unicodedata.normalize("NFKC", text).casefold().split())
    key: list[tuple[int, int, str]] = []
    pos = 0
    for match in _NUMBER.finditer(plain):
        if match.start() > pos:
            key.append((1, 0, plain[pos:match.start()]))
        key.append((0, _number(match.group()), ""))
        pos = match.end()
    if pos < len(plain):
        key.append((1, 0, plain[pos:]))
    return tuple(key)


def _number(chunk: str) -> int:
    if chunk.isdigit():
        return int(chunk)
    total, digit = 0, 0
    for char in chunk:
        if char in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[char]  # 十二: a bare 十 is ten
            digit = 0
        else:
            digit = digit * 10 + _CN_DIGITS[char] if total == 0 and digit else _CN_DIGITS[char]
    return total + digit


def natural_titles(articles) -> list:
    """Articles in the natural order of their titles (for those no date can order)."""
    return sorted(articles, key=lambda article: natural_key(article.title))
