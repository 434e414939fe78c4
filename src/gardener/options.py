"""Every option gardener has, in one frozen type, and how to read it from an mkdocs.yml.

`Options` is the only place an option is named, typed, defaulted and explained. The MkDocs
plugin validates the `plugins: - gardener:` entry with a config class made from these fields and
converts it into `Options`; the command line reads the same entry with `read_options`, so
`gardener check` and `mkdocs build` always agree on folders and policies.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from gardener.articles.model import LinkPolicy

DEFAULT_SITE_NAME = "知识花园"
# Marks the fields that describe the site around the garden (read from mkdocs.yml itself);
# every other field is an option of the plugin entry.
_SITE = {"site": True}


@dataclass(frozen=True)
class Options:
    # -- the site around the garden: mkdocs.yml itself, its docs_dir and site_name
    config_file: Path | None = field(default=None, metadata=_SITE)
    docs_dir: Path = field(default=Path("docs"), metadata=_SITE)
    site_name: str = field(default=DEFAULT_SITE_NAME, metadata=_SITE)
    site_url: str = field(default="", metadata=_SITE)  # feeds need it for absolute links
    site_description: str = field(default="", metadata=_SITE)
    use_directory_urls: bool = field(default=True, metadata=_SITE)

    # -- the plugin's options, as written under `plugins: - gardener:`
    enabled: bool = True
    articles_dir: str = "articles"
    concepts_dir: str = "concepts"
    # Generate a home page when docs/ has no index.md of its own.
    home: bool = True
    article_header: bool = True
    # Articles in the navigation: grouped by year, newest first.
    nav_by_date: bool = True
    articles_title: str = "文章"
    concepts_title: str = "概念"
    # Concept linking: which mentions become links, and whether headings may hold links.
    link_policy: LinkPolicy = field(
        default=LinkPolicy.FIRST,
        metadata={"choices": (LinkPolicy.FIRST, LinkPolicy.SECTION, LinkPolicy.ALL)})
    link_headings: bool = False
    glossary: bool = True
    # Concept pages are reached through the glossary and links; listing ~100 of them in the
    # navigation drowns the articles, so they stay out of it unless asked for.
    concepts_in_nav: bool = False
    timeline: bool = True
    # Hand-written timeline entries (add, hide, correct), relative to mkdocs.yml.
    timeline_file: str = "timeline.yml"
    # -- connections between pages
    # `[[Title]]`, `[[slug|text]]`, `[[Title#heading]]`, `![[image.png]]` in articles and notes.
    wikilinks: bool = True
    # "链接到本文" / "引用本页": the pages that link to a page, with the sentence around each link.
    backlinks: bool = True
    # "相关文章": how many articles alike in words and concepts each article lists (0: none).
    related: int = 5
    # The graph page of the whole garden (graph.md) and each page's own neighbourhood graph.
    graph: bool = True
    # Hover previews of links to other pages: title, date, authors, summary.
    previews: bool = True
    # RSS and JSON feeds of this many newest articles (0: none); they need `site_url`.
    feeds: int = 20
    # Per-file analysis cached by content hash: in memory during `serve`, on disk between runs.
    cache: bool = True
    cache_dir: str = ".cache/gardener"
    # Rewrite the search index as UTF-8 instead of \u escapes: about half the size for Chinese.
    compact_search_index: bool = True
    # While `mkdocs serve` runs, a rebuild takes every page whose inputs did not change from the
    # build before (its HTML, table of contents and search entries) and renders only the rest.
    reuse_served_pages: bool = True
    # While `mkdocs serve` runs on Linux with the files on a local disk, a save is noticed at
    # once through the system's notifications instead of MkDocs' polling every 0.5 s.
    watch_natively: bool = True
    # Search that loads little: the index is cut into shards by word and the browser fetches
    # only those a query needs (off: Material's single index, fetched whole before a search).
    search_shards: bool = True
    # `mkdocs build` on two cores where there are two: a forked worker builds part of the pages
    # (search, template, file) while the build does the rest; the site is the same.
    parallel_build: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "link_policy", LinkPolicy(self.link_policy))

    @property
    def base(self) -> Path:
        """The folder of mkdocs.yml, which relative option paths start from."""
        return self.config_file.parent if self.config_file else Path(".")

    @property
    def timeline_path(self) -> Path:
        return self.base / self.timeline_file

    @property
    def cache_file(self) -> Path | None:
        return self.base / self.cache_dir / "analysis.pickle" if self.cache else None

    def is_article(self, path: Path) -> bool:
        """Articles follow the article schema; concept notes and other pages do not."""
        try:
            # absolute, not resolved: docs/concepts may be a link to notes kept elsewhere
            rel = Path(os.path.abspath(path)).relative_to(os.path.abspath(self.docs_dir))
        except ValueError:
            return True  # a file outside the garden: the caller named it, so treat it as an article
        return bool(rel.parts) and rel.parts[0] == self.articles_dir


DEFAULTS = Options()


def plugin_fields() -> Iterator[tuple[str, Any, tuple | None]]:
    """(name, default, allowed values or None) of every plugin option, in declaration order."""
    for item in fields(Options):
        if not item.metadata.get("site"):
            yield item.name, item.default, item.metadata.get("choices")


def plugin_options(options: Mapping[str, Any], **site: Any) -> tuple[Options, list[str]]:
    """Options from the plugin entry's mapping plus the site fields; a value of the wrong type
    or outside its choices is reported (named as in mkdocs.yml) and its default kept."""
    values, problems = {}, []
    for name, default, choices in plugin_fields():
        if name not in options:
            continue
        value, problem = _checked(options[name], default, choices)
        if problem:
            problems.append(f"plugins.gardener.{name}: {problem}")
        else:
            values[name] = value
    known = {name for name, _default, _choices in plugin_fields()}
    problems += [f"plugins.gardener.{name}: unknown option" for name in options if name not in known]
    return replace(DEFAULTS, **site, **values), problems


def _checked(value: Any, default: Any, choices: tuple | None) -> tuple[Any, str | None]:
    if choices is not None:
        if isinstance(value, str) and value in choices:
            return type(default)(value), None
        return None, f"expected one of {', '.join(map(str, choices))}, got {value!r}"
    kind = str if isinstance(default, Enum) else type(default)
    if type(value) is not kind:  # bool is an int, but "home: 1" is not a yes
        return None, f"expected {kind.__name__}, got {value!r}"
    return value, None


class _TolerantLoader(yaml.SafeLoader):
    """mkdocs.yml may hold Python tags (e.g. pymdownx's slugify): read as plain data, never run."""


def _ignore_tag(loader: yaml.SafeLoader, _suffix: str,
                node: yaml.ScalarNode | yaml.SequenceNode | yaml.MappingNode) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)


_TolerantLoader.add_multi_constructor("!", _ignore_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def plugin_entry(config: Mapping) -> dict:
    """The mapping under `plugins: - gardener:` of a loaded mkdocs.yml ({} when absent)."""
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and "gardener" in entry:
            return dict(entry["gardener"] or {})
    return {}


def site_fields(config: Mapping, config_file: Path | None,
                docs_dir: Path | None = None) -> dict[str, Any]:
    """The site fields of Options from a loaded mkdocs.yml."""
    base = config_file.parent if config_file else Path(".")
    return {"config_file": config_file,
            "docs_dir": Path(docs_dir or base / config.get("docs_dir", "docs")),
            "site_name": config.get("site_name") or DEFAULT_SITE_NAME,
            "site_url": config.get("site_url") or "",
            "site_description": config.get("site_description") or "",
            "use_directory_urls": config.get("use_directory_urls", True) is not False}


def read_options(config_file: Path | None = None, docs_dir: Path | None = None) -> Options:
    """The options of the garden an mkdocs.yml describes (./mkdocs.yml when there is one).

    Bad plugin options are left for a build to report; here their defaults apply."""
    if config_file is None and Path("mkdocs.yml").is_file():
        config_file = Path("mkdocs.yml")
    config: dict = {}
    if config_file is not None:
        with open(config_file, encoding="utf-8") as handle:
            config = yaml.load(handle, Loader=_TolerantLoader) or {}
    options, _problems = plugin_options(plugin_entry(config), **site_fields(config, config_file, docs_dir))
    return options
