"""Which characters count as Chinese (CJK) text: the one definition every stage uses.

``IDEOGRAPHS`` are the Han characters of the Basic Multilingual Plane: the CJK Unified
Ideographs (U+4E00-U+9FFF), Extension A (U+3400-U+4DBF) and the Compatibility Ideographs
(U+F900-U+FAFF, which some older GBK/Big5 text and PDF extractions use for ordinary characters).
The Yijing hexagram symbols between Extension A and the main block (U+4DC0-U+4DFF) are not
ideographs and are left out. Ideographs outside the BMP (Extensions B and later) are rare in
the articles a garden holds and are not counted.

Punctuation is a separate class on purpose: "，" or "「" is not a Chinese word, so it never
counts towards reading time, language detection, pinyin or slugs. ``PUNCTUATION`` covers the
CJK Symbols and Punctuation block (U+3000-U+303F, the ideographic space included) and the
full-width punctuation of the Halfwidth and Fullwidth Forms block (full-width letters and
digits are not punctuation).

``WIDE`` is everything set full width, between which text is written without spaces: the
ideographs, the CJK Symbols and Punctuation block and the whole Halfwidth and Fullwidth Forms
block. Rejoining a line that a PDF or a web page broke needs this class, not the ideographs.
"""

from __future__ import annotations

import re

__all__ = [
    "CJK_CHAR",
    "CJK_RUN",
    "IDEOGRAPHS",
    "PUNCTUATION",
    "PUNCTUATION_CHAR",
    "WIDE",
    "WIDE_CHAR",
    "count_cjk",
    "has_cjk",
    "is_cjk",
    "is_wide",
]

# Ranges written for a regex character class: "[" + IDEOGRAPHS + "]".
IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
PUNCTUATION = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
WIDE = "\u3000-\u303f" + IDEOGRAPHS + "\uff00-\uffef"

CJK_CHAR = re.compile(f"[{IDEOGRAPHS}]")
CJK_RUN = re.compile(f"[{IDEOGRAPHS}]+")
PUNCTUATION_CHAR = re.compile(f"[{PUNCTUATION}]")
WIDE_CHAR = re.compile(f"[{WIDE}]")


def is_cjk(char: str) -> bool:
    """Whether a single character is a CJK ideograph."""
    return CJK_CHAR.fullmatch(char) is not None


def is_wide(char: str) -> bool:
    """Whether a single character is set full width (an ideograph, CJK punctuation or a
    full-width form)."""
    return WIDE_CHAR.fullmatch(char) is not None


def has_cjk(text: str) -> bool:
    """Whether the text holds at least one CJK ideograph."""
    return CJK_CHAR.search(text) is not None


def count_cjk(text: str) -> int:
    """How many CJK ideographs the text holds."""
    return len(CJK_CHAR.findall(text))
