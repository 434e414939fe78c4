"""The gardener plugin's options, typed like Material's own plugins."""

from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


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
