"""Hover previews: one JSON file, keyed by page URL, of each page's title, date and summary.

Links stay plain; the script fetches the file the first time a reader hovers a link to another
page of the garden, so no page repeats other pages' summaries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

from gardener.articles.model import Article, Concept
from gardener.text.markdown import links, protected_spans

DATA = "assets/gardener/previews.json"
SCRIPT = "assets/gardener/previews.js"
# An article without a summary is previewed by its opening words.
OPENING_CHARS = 120
_MARKS = re.compile(r"^[ \t]*(?:#{1,6}|>|[-*+]|\d+\.)[ \t]+|[*_~]{1,3}|<[^>\n]*>", re.M)


def preview_data(articles: Iterable[Article], concepts: Iterable[Concept],
                 url_of: Callable[[str], str], opening_of: Callable | None = None) -> dict[str, dict]:
    """URL -> {"t": title, "d": date, "a": authors, "s": summary}, for listed articles and for
    concepts (links that carry their own title, like concept links, keep their tooltip).
    `opening_of(page)` gives the first words of a page without a summary."""
    opening_of = opening_of or (lambda page: opening(page.body))
    data: dict[str, dict] = {}
    for article in articles:
        if not article.listed:
            continue
        entry = {"t": article.title, "s": article.summary or opening_of(article)}
        if article.date:
            entry["d"] = article.date.iso()
        if article.authors:
            entry["a"] = "、".join(article.authors)
        data[url_of(article.path)] = entry
    for concept in concepts:
        data[url_of(concept.path)] = {"t": concept.title, "s": concept.summary or opening_of(concept),
                                      "k": "c"}
    return data


def previews_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def opening(markdown: str, limit: int = OPENING_CHARS) -> str:
    """The first words of a body as plain text: headings, code, links' targets and markup left
    out."""
    head = markdown[: limit * 8]
    for link in reversed(links(head)):
        head = head[:link.start] + ("" if link.image else link.text) + head[link.end:]
    pieces, pos = [], 0
    for start, end in protected_spans(head, headings=True):
        pieces.append(head[pos:start])
        pos = end
    pieces.append(head[pos:])
    text = " ".join(_MARKS.sub("", "".join(pieces)).split())
    return text if len(text) <= limit else text[:limit].rstrip() + "…"
