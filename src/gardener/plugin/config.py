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
