"""Post-build work on Material's search index.

Two savings, neither of which changes what the search finds:

- the index is written as UTF-8 instead of with \\u escapes (6 bytes become 3 for a Chinese
  character);
- Material marks every word boundary jieba finds with a zero-width space (U+200B, 3 bytes in
  UTF-8). Where that mark stands next to another character the search separator already splits
  on (a space, "，", "。", ...), it adds no boundary: the browser splits the text into the same
  words with or without it, and it is invisible in result previews. Those marks are dropped; a
  third of all the marks in a Chinese garden are of this kind.
"""

from __future__ import annotations

import io
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from gardener.files import write_atomic

INDEX = Path("search") / "search_index.json"
ZWSP = "\u200b"
# Characters whose meaning as a separator is the same in JavaScript's and Python's regular
# expressions; anything else is left alone, so the browser's split is never second-guessed.
_CANDIDATES = " \t\n\r\f\v\u3000\u00a0-_.,;:!?/、。，．？！；：（）《》「」【】“”‘’·…"


def compact_search_index(site_dir: Path) -> tuple[int, int] | None:
    """Rewrite the index compactly. Returns (bytes before, bytes after), or None when there is
    no index.

    Memory matters here: at 10,000 articles Material's index is 125 MB of JSON. It is parsed
    straight from the file and written back in pieces (json.dump streams), so the build never
    holds the old text, the new text and the parsed index at once."""
    path = site_dir / INDEX
    try:
        before = path.stat().st_size
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return None
    drop = redundant_marks(data.get("config", {}).get("separator"))
    if drop is not None:
        for doc in data.get("docs", ()):
            for field in ("title", "text"):
                if isinstance(doc.get(field), str) and ZWSP in doc[field]:
                    doc[field] = drop.sub("", doc[field])

    def dump(out: BinaryIO) -> None:
        text = io.TextIOWrapper(out, encoding="utf-8")
        json.dump(data, text, ensure_ascii=False, separators=(",", ":"))
        text.flush()
        text.detach()  # the writer closes the file itself

    write_atomic(path, dump, durable=False)  # keeps the mode the index was written with
    return before, path.stat().st_size


@lru_cache(maxsize=8)
def redundant_marks(separator: str | None) -> re.Pattern | None:
    """A pattern for the zero-width spaces next to another separator character, or None when
    the configured separator does not itself split on U+200B (then every mark matters)."""
    if not isinstance(separator, str):
        return None
    try:
        splitter = re.compile(separator)
    except re.error:
        return None  # JavaScript syntax Python does not read: keep the index as it is
    if not splitter.fullmatch(ZWSP):
        return None
    others = "".join(ch for ch in _CANDIDATES if splitter.fullmatch(ch))
    if not others:
        return None
    chars = re.escape(others)
    return re.compile(f"{ZWSP}(?=[{chars}])|(?<=[{chars}]){ZWSP}")

