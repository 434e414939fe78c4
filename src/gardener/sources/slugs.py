"""Readable ASCII slugs: Chinese words become pinyin, Latin words stay as they are.

Slugs are frozen into front-matter at import, so a later title edit never changes a URL.
"""

from __future__ import annotations

import re
import unicodedata

from gardener.text.cjk import has_cjk
from gardener.text.segmenter import jieba

SLUG_MAX = 60
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(title: str, fallback: str = "article") -> str:
    words = [_ascii(token) for token in _tokens(title)]
    slug: list[str] = []
    length = 0
    for word in filter(None, words):
        if slug and length + len(word) + 1 > SLUG_MAX:
            break
        slug.append(word)
        length += len(word) + 1
    return "-".join(slug)[:SLUG_MAX].strip("-") or fallback


def _tokens(title: str) -> list[str]:
    text = unicodedata.normalize("NFKC", title)
    if not has_cjk(text):
        return [text]
    return list(jieba().cut(text))


def _ascii(token: str) -> str:
    if has_cjk(token):
        from pypinyin import lazy_pinyin

        token = "".join(lazy_pinyin(token))
    token = unicodedata.normalize("NFKD", token).encode("ascii", "ignore").decode()
    return _NON_ALNUM.sub("-", token.lower()).strip("-")


def unique(slug: str, taken: set[str]) -> str:
    """The slug itself, or the first free `slug-2`, `slug-3`, ..."""
    if slug not in taken:
        return slug
    n = 2
    while f"{slug}-{n}" in taken:
        n += 1
    return f"{slug}-{n}"
