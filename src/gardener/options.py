"""Where the garden is: the docs folder and the plugin's options, read from mkdocs.yml.

The CLI reads the same mkdocs.yml as the plugin so `gardener check` and `mkdocs build` always agree
on folders. Python tags (e.g. pymdownx's slugify) are skipped: reading them would import code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml



class _TolerantLoader(yaml.SafeLoader):
    pass


def _ignore_tag(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)


_TolerantLoader.add_multi_constructor("!", _ignore_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


@dataclass(frozen=True)
class Settings:
    config_file: Path | None
    docs_dir: Path
    articles_dir: str = "articles"
    concepts_dir: str = "concepts"
    timeline_file: Path | None = None

    def is_article(self, path: Path) -> bool:
        """Articles follow the article schema; concept notes and other pages do not."""
        try:
            # absolute, not resolved: docs/concepts may be a link to notes kept elsewhere
            rel = Path(os.path.abspath(path)).relative_to(os.path.abspath(self.docs_dir))
        except ValueError:
            return True  # a file outside the garden: the caller named it, so treat it as an article
        return bool(rel.parts) and rel.parts[0] == self.articles_dir


def plugin_options(config: dict) -> dict:
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and "gardener" in entry:
            return entry["gardener"] or {}
    return {}


def load_settings(config_file: Path | None = None, docs_dir: Path | None = None) -> Settings:
    config_file = config_file or (Path("mkdocs.yml") if Path("mkdocs.yml").is_file() else None)
    config: dict = {}
    if config_file is not None:
        with open(config_file, encoding="utf-8") as handle:
            config = yaml.load(handle, Loader=_TolerantLoader) or {}
    base = config_file.parent if config_file else Path(".")
    docs = docs_dir or base / config.get("docs_dir", "docs")
    # The plugin's own typed config supplies the defaults, so the CLI and the build agree.
    from gardener.site.mkdocs.config import validated

    options, _problems = validated(plugin_options(config))  # a build reports bad options
    return Settings(
        config_file=config_file,
        docs_dir=Path(docs),
        articles_dir=options.articles_dir,
        concepts_dir=options.concepts_dir,
        timeline_file=base / options.timeline_file,
    )
