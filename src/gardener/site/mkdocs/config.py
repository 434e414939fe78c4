"""The gardener plugin's options, typed like Material's own plugins."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config

from gardener.pages.site import SiteOptions


class GardenerConfig(Config):
    enabled = opt.Type(bool, default=True)
    articles_dir = opt.Type(str, default="articles")
    concepts_dir = opt.Type(str, default="concepts")
    # Generate a home page when docs/ has no index.md of its own.
    home = opt.Type(bool, default=True)
    article_header = opt.Type(bool, default=True)
    # Articles in the navigation: grouped by year, newest first.
    nav_by_date = opt.Type(bool, default=True)
    articles_title = opt.Type(str, default="文章")
    concepts_title = opt.Type(str, default="概念")
    # Concept linking: which mentions become links ("first" per article, first per "section",
    # or "all"), and whether headings may hold links.
    link_policy = opt.Choice(("first", "section", "all"), default="first")
    link_headings = opt.Type(bool, default=False)
    glossary = opt.Type(bool, default=True)
    # Concept pages are reached through the glossary and links; listing ~100 of them in the
    # navigation drowns the articles, so they stay out of it unless asked for.
    concepts_in_nav = opt.Type(bool, default=False)
    timeline = opt.Type(bool, default=True)
    # Hand-written timeline entries (add, hide, correct), relative to mkdocs.yml.
    timeline_file = opt.Type(str, default="timeline.yml")
    # Per-file analysis cached by content hash: in memory during `serve`, on disk between runs.
    cache = opt.Type(bool, default=True)
    cache_dir = opt.Type(str, default=".cache/gardener")
    # Rewrite the search index as UTF-8 instead of \u escapes: about half the size for Chinese.
    compact_search_index = opt.Type(bool, default=True)


def site_options(config: GardenerConfig, base: Path, site_name: str) -> SiteOptions:
    """The builder-independent options the core needs, from the validated plugin config."""
    return SiteOptions(
        articles_dir=config.articles_dir, concepts_dir=config.concepts_dir, home=config.home,
        article_header=config.article_header, link_policy=config.link_policy,
        link_headings=config.link_headings, glossary=config.glossary, timeline=config.timeline,
        timeline_file=base / config.timeline_file, timeline_name=config.timeline_file,
        concepts_in_nav=config.concepts_in_nav, site_name=site_name,
    )


def validated(options: dict) -> tuple[GardenerConfig, list[str]]:
    """The plugin's options as MkDocs would validate them, for tools that run without MkDocs."""
    config = GardenerConfig()
    config.load_dict(dict(options or {}))
    errors, _warnings = config.validate()
    return config, [f"plugins.gardener.{name}: {error}" for name, error in errors]
