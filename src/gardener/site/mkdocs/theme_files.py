"""The theme's static files, listed once while serving.

Every MkDocs build asks the theme's Jinja environment for all its files and keeps those that are
not templates (`Files.add_files_from_theme`): for Material that is a walk of about 14,500 files
(its icons) and a dozen patterns tried on each, about 0.15-0.25 s of every served rebuild, for a
list that does not change while the theme's files do not.

While serving, the environment of each build lists its files once per state of the theme's
folders: the listing is kept under the folders' stamp (`theme_stamp`: an installed theme by its
folder, a theme folder inside the project file by file) and under what MkDocs' filter reads
besides a file's name (the theme's static templates and the Markdown suffixes). Any other
caller of `list_templates` lists as Jinja does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils import markdown_extensions

# the filter add_files_from_theme gives list_templates: a function of a name and of the config
MKDOCS_FILTER = ("mkdocs.structure.files", "Files.add_files_from_theme.<locals>.filter")


class ThemeListing:
    """The listings of one serving process: the last state of the theme's folders only."""

    def __init__(self, stamp: Callable[[MkDocsConfig], Any]) -> None:
        self._stamp = stamp
        self._kept: tuple[Any, list[str]] | None = None
        self.listed = self.reused = 0

    def lend(self, config: MkDocsConfig) -> None:
        """This config's environments (one per build) list the theme's files through self."""
        theme = config.theme
        make_env = theme.get_env

        def get_env() -> jinja2.Environment:
            env = make_env()
            listing = env.list_templates
            env.list_templates = (  # type: ignore[method-assign]
                lambda extensions=None, filter_func=None:
                self._list(config, listing, extensions, filter_func))
            return env

        theme.get_env = get_env  # type: ignore[method-assign]

    def _list(self, config: MkDocsConfig, listing: Callable[..., list[str]],
              extensions: Any, filter_func: Any) -> list[str]:
        if extensions is not None or _where(filter_func) != MKDOCS_FILTER:
            return listing(extensions, filter_func)
        key = (self._stamp(config), tuple(sorted(config.theme.static_templates)),
               tuple(markdown_extensions))
        if self._kept is not None and self._kept[0] == key:
            self.reused += 1
            return list(self._kept[1])
        self.listed += 1
        names = listing(extensions, filter_func)
        self._kept = (key, list(names))
        return names


def _where(function: Any) -> tuple[str, str] | None:
    if function is None:
        return None
    return (getattr(function, "__module__", ""), getattr(function, "__qualname__", ""))
