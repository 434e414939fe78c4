"""The gardener MkDocs plugin. Each event only calls into the core; no analysis lives here."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from gardener.garden.loading import Garden, load_garden
from gardener.pages import home
from gardener.pages.article import decorate
from gardener.plugin.config import GardenerConfig
from gardener.plugin.navigation import arrange_articles, relink_pages

log = logging.getLogger("mkdocs.plugins.gardener")
CSS = "assets/gardener/gardener.css"


class GardenerPlugin(BasePlugin[GardenerConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.garden: Garden | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if self.config.enabled and CSS not in config.extra_css:
            config.extra_css.append(CSS)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        self.garden = load_garden(Path(config.docs_dir), self.config.articles_dir,
                                  self.config.concepts_dir)
        for problem in self.garden.diagnostics:
            # Errors are warnings to MkDocs: `--strict` fails on them, `serve` keeps serving.
            (log.warning if problem.severity == "error" else log.info)(str(problem))
        hidden = {a.path for a in self.garden.articles if not a.listed}
        for file in files:
            if file.src_uri in hidden:
                file.inclusion = InclusionLevel.NOT_IN_NAV
        css = resources.files("gardener").joinpath("assets/gardener.css").read_text(encoding="utf-8")
        files.append(File.generated(config, CSS, content=css))
        if self.config.home and files.get_file_from_path("index.md") is None:
            files.append(File.generated(config, home.PATH, content=home.emit_home(
                self.garden, config.site_name)))
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if self.garden is None or config.nav:
            return nav  # an explicit nav in mkdocs.yml is the author's choice
        titles = {self.config.articles_dir: self.config.articles_title,
                  self.config.concepts_dir: self.config.concepts_title}
        for item in nav.items:
            if isinstance(item, Section):
                folder = _section_folder(item)
                item.title = titles.get(folder, item.title)
                if folder == self.config.articles_dir and self.config.nav_by_date:
                    arrange_articles(item, self.garden)
        relink_pages(nav)
        return nav

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str | None:
        article = self._article(page)
        if article is None:
            return markdown
        if not article.listed:
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        if self.config.article_header:
            markdown = decorate(article, self.garden, markdown)
        return markdown

    def _article(self, page: Page):
        if self.garden is None or not page.file.src_uri.startswith(self.config.articles_dir + "/"):
            return None
        return next((a for a in self.garden.articles if a.path == page.file.src_uri), None)


def _section_folder(section: Section) -> str | None:
    for child in section.children:
        file = getattr(child, "file", None)
        if file is not None:
            return file.src_uri.split("/", 1)[0]
        if isinstance(child, Section):
            return _section_folder(child)
    return None
