"""Front-matter of unchanged pages while serving, taken from the build before.

MkDocs reads every page's front-matter with PyYAML on every rebuild (`Page.read_source` calls
`mkdocs.utils.meta.get_data`): at 1,000 pages that is a good part of a rebuild in which one page
changed. MkDocs has no event between reading a page's text and parsing it, so while a served
build runs, `get_data` in `mkdocs.utils.meta` is wrapped, and put back when the build ends.

The wrapper is exact by construction: `get_data` is a function of the page's text alone, and
its results are kept under a digest of that text, the whole of it. A text seen in the build
before gets the same Markdown and a fresh copy of the same front-matter (plugins change
`page.meta` in place); any other text is parsed by MkDocs. Only the last build's results are
kept, and of the Markdown only its length when it is the end of the text (it always is when
the front-matter is YAML), so the memory is about that of the pages' front-matter.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from typing import Any

from mkdocs.utils import meta as mkdocs_meta

Parse = Callable[[str], tuple[str, dict[str, Any]]]


class FrontMatter:
    def __init__(self) -> None:
        self._before: dict[bytes, tuple[int | str, bytes]] = {}
        self._now: dict[bytes, tuple[int | str, bytes]] = {}
        self._parse: Parse | None = None
        self.reused = self.parsed = 0

    def start(self) -> None:
        """A served build starts: MkDocs' parser is wrapped until `finish`."""
        if self._parse is not None:
            return
        self._before, self._now = {**self._before, **self._now}, {}
        self.reused = self.parsed = 0
        self._parse = mkdocs_meta.get_data
        mkdocs_meta.get_data = self.get_data

    def finish(self, succeeded: bool = True) -> None:
        if self._parse is None:
            return
        if mkdocs_meta.get_data == self.get_data:
            mkdocs_meta.get_data = self._parse  # type: ignore[assignment]
        self._parse = None
        if succeeded:
            self._before, self._now = self._now, {}

    def get_data(self, doc: str) -> tuple[str, dict[str, Any]]:
        parse = self._parse or mkdocs_meta.get_data
        if not isinstance(doc, str):
            return parse(doc)
        key = hashlib.sha256(doc.encode("utf-8", "surrogatepass")).digest()
        found = self._now.get(key) or self._before.get(key)
        if found is not None:
            self._now[key] = found
            self.reused += 1
            body, data = found
            return (doc[len(doc) - body:] if isinstance(body, int) else body), pickle.loads(data)
        markdown, meta = parse(doc)
        self.parsed += 1
        try:
            frozen = pickle.dumps(meta, pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - a value that cannot be copied is parsed each time
            return markdown, meta
        tail = len(markdown) if markdown and doc.endswith(markdown) else markdown
        self._now[key] = (tail, frozen)
        return markdown, meta
