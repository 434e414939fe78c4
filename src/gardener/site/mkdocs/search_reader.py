"""Material's search reads Chinese with gardener's search reader during a build.

Material's search plugin segments every run of Chinese on every page with `jieba.cut`, the
largest single cost of a build with Chinese pages. gardener's reader (`text/segmenter.py`)
chooses the same words from the same dictionary, taught the same garden words, several times
faster and in less memory, so the search plugin is lent it for the build: the index is the same,
byte for byte (tests/site/test_search_reader.py compares it with one made by jieba itself).

The plugin is left with jieba when it was given a dictionary of its own (`jieba_dict`,
`jieba_dict_user`): gardener's reader knows jieba's dictionary only.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable

from mkdocs.config.defaults import MkDocsConfig

from gardener.text.segmenter import search_cut

_SEARCH_MODULE = "material.plugins.search.plugin"


class _Reader:
    """What Material's search asks of jieba: `cut`, given UTF-8 bytes or text."""

    @staticmethod
    def cut(text: bytes | str, HMM: bool = True) -> Iterable[str]:  # noqa: N803 (jieba's name)
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return search_cut(text, HMM)


def _material_search(config: MkDocsConfig):
    """Material's search plugin and its module, when it segments Chinese with jieba."""
    module = sys.modules.get(_SEARCH_MODULE)
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    if module is None or plugin is None or type(plugin).__module__ != _SEARCH_MODULE:
        return None, None  # no search, or another theme's
    if getattr(module, "jieba", None) is None:
        return None, None  # jieba is not installed: it segments nothing
    return plugin, module


def reads_with_jieba(config: MkDocsConfig) -> bool:
    """Whether Material's search keeps jieba itself for this build (see `lend`)."""
    plugin, _module = _material_search(config)
    return plugin is not None and _own_dictionary(plugin)


def _own_dictionary(plugin) -> bool:
    return bool(plugin.config.get("jieba_dict") or plugin.config.get("jieba_dict_user"))


def lend(config: MkDocsConfig) -> Callable[[], None] | None:
    """Give Material's search plugin gardener's reader; returns what puts jieba back, or None
    when the plugin is absent, reads no Chinese, or has a dictionary of its own."""
    plugin, module = _material_search(config)
    if plugin is None or _own_dictionary(plugin):
        return None
    original = module.jieba
    module.jieba = _Reader

    def put_back() -> None:
        if module.jieba is _Reader:
            module.jieba = original
    return put_back
