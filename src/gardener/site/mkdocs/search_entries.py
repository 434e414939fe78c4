"""The one place a served rebuild touches the search plugin: Material's search index entries.

Material's search parses every page's HTML and segments its Chinese with jieba in
`on_page_context`: most of a rebuild's time once pages are reused. For a page whose search
inputs did not change, the entries of the build before are added to the index in the page's
place, and the plugin is told to skip the page for this one event (`search: exclude`, its
documented front-matter switch, put back as it was right after). The index then holds the same
entries in the same order as a fresh build's.

A site without Material's search plugin (another index, or none) gets no reuse here and nothing
else changes.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from gardener.text.segmenter import taught

_ABSENT = object()


class SearchEntries:
    def __init__(self, config: MkDocsConfig) -> None:
        self._index = _material_index(config)
        self._plugin_config = _material_config(config)
        self._marks: dict[str, tuple[Any, int]] = {}

    @property
    def active(self) -> bool:
        return self._index is not None

    @property
    def index(self):
        """Material's search index of this build (None without Material's search)."""
        return self._index

    def settings(self) -> object:
        """Everything besides the page that decides its entries: the plugin's options and the
        words the segmenter was taught for this build."""
        return (self._plugin_config, taught())

    def entries(self) -> list:
        """The index's own list of entries, in the order they will be written."""
        return self._index.entries

    def skip(self, page: Page) -> None:
        """The search plugin is about to read page, whose entries are known: make it pass."""
        meta = page.meta
        self._marks[page.file.src_uri] = (meta.get("search", _ABSENT), -1)
        meta["search"] = {**(meta.get("search") or {}), "exclude": True}

    def watch(self, page: Page) -> None:
        """The search plugin is about to read page: note where its entries will start."""
        self._marks[page.file.src_uri] = (_ABSENT, len(self._index.entries))

    def done(self, page: Page, entries: list | None) -> list:
        """After the plugin read page: put back its front-matter and add the known entries, or
        return the entries it made."""
        before, start = self._marks.pop(page.file.src_uri)
        if start >= 0:
            return self._index.entries[start:]
        if before is _ABSENT:
            page.meta.pop("search", None)
        else:
            page.meta["search"] = before
        self._index.entries.extend(entries or ())
        return entries or []


def _material_plugin(config: MkDocsConfig):
    for name, plugin in config.plugins.items():
        if name in ("search", "material/search") and hasattr(plugin, "search_index") and \
                getattr(plugin.config, "enabled", True):
            return plugin
    return None


def _material_index(config: MkDocsConfig):
    plugin = _material_plugin(config)
    index = getattr(plugin, "search_index", None)
    return index if isinstance(getattr(index, "entries", None), list) else None


def _material_config(config: MkDocsConfig):
    plugin = _material_plugin(config)
    return dict(plugin.config) if plugin is not None else None
