"""One Python-Markdown converter for every page of a build, reset between pages.

MkDocs makes a new `markdown.Markdown` for every page it renders, which loads and configures
every extension again: about 0.7 ms a page, a second of CPU for a thousand pages. Python-Markdown
is made to convert many documents with one instance, `reset()` between them: every extension
that keeps state from one document to the next (footnotes, abbreviations, the table of contents,
md_in_html, pymdownx's) clears it in its own `reset`. So, during a build, MkDocs' page module is
lent a stand-in for the `markdown` module whose `Markdown(...)` hands back the build's converter,
reset, when it is asked for the build's own extensions. MkDocs still registers its per-page
processors on it (they replace the last page's, by name, at the same place in their order).

Only extensions known to reset themselves are trusted: Python-Markdown's own, pymdownx's and
gardener's. With any other, pages get a converter each, as MkDocs makes them.
tests/site/test_one_markdown.py builds sites both ways and compares every file.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib.metadata import entry_points
from typing import Any

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import pages as mkdocs_pages

# Extensions made to convert many documents with one converter (see the module's account).
_RESETTING_FAMILIES = ("markdown.extensions.", "pymdownx.", "gardener.")


class _MarkdownModule:
    """The `markdown` module as MkDocs' page module sees it during a build."""

    def __init__(self, extensions: list[str], configs: dict) -> None:
        self._extensions, self._configs = tuple(extensions), configs
        self._converter: markdown.Markdown | None = None

    def Markdown(self, **kwargs: Any) -> markdown.Markdown:  # noqa: N802 (the module's name)
        if not self._trusted(kwargs):
            return markdown.Markdown(**kwargs)
        if self._converter is None:
            self._converter = markdown.Markdown(**kwargs)
        else:
            self._converter.reset()
        return self._converter

    def _trusted(self, kwargs: dict) -> bool:
        """Asked for exactly the extensions and settings checked when the build began."""
        return (set(kwargs) == {"extensions", "extension_configs"}
                and tuple(kwargs["extensions"]) == self._extensions
                and (kwargs["extension_configs"] or {}) == self._configs)

    def __getattr__(self, name: str) -> Any:
        return getattr(markdown, name)


def lend(config: MkDocsConfig) -> Callable[[], None] | None:
    """Give MkDocs' page module one converter for the build; returns what puts the module
    back, or None when an extension is not known to reset itself."""
    extensions = config.markdown_extensions
    if mkdocs_pages.markdown is not markdown:
        return None  # lent already, or changed by another hand
    if not all(isinstance(name, str) and resets_itself(name) for name in extensions):
        return None
    mkdocs_pages.markdown = _MarkdownModule(  # type: ignore[assignment]
        extensions, dict(config.mdx_configs or {}))

    def put_back() -> None:
        if isinstance(mkdocs_pages.markdown, _MarkdownModule):
            mkdocs_pages.markdown = markdown
    return put_back


def resets_itself(name: str) -> bool:
    """Whether an extension, as mkdocs.yml names it, is one of those made to be reset."""
    module = _builtin_names().get(name, name)
    return module.startswith(_RESETTING_FAMILIES)


@lru_cache(maxsize=1)
def _builtin_names() -> dict[str, str]:
    """Python-Markdown's short names ("toc") and the modules they stand for."""
    return {point.name: point.value for point in entry_points(group="markdown.extensions")}
