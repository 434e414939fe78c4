"""Post-build work on Material's search index."""

from __future__ import annotations

import json
from pathlib import Path

INDEX = Path("search") / "search_index.json"


def compact_search_index(site_dir: Path) -> tuple[int, int] | None:
    """Rewrite the index with UTF-8 characters instead of \\u escapes (6 bytes become 3 for a
    Chinese character). Returns (bytes before, bytes after), or None when there is no index."""
    path = site_dir / INDEX
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    data = json.loads(raw)
    compact = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(compact) < len(raw):
        path.write_bytes(compact)
    return len(raw), min(len(raw), len(compact))
