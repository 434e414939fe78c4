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

from gardener.garden.concepts import ConceptIndex, MentionCache, analyse_concepts
from gardener.garden.loading import Garden, load_garden
from gardener.linking import find_mentions, link_mentions
from gardener.garden.timeline import Timeline, build_timeline
from gardener.pages import glossary, home, timeline as timeline_page
from gardener.pages.article import concepts_footer, decorate
from gardener.pages.common import rel_link
from gardener.pages.concept import emit_concept_sections
from gardener.plugin.config import GardenerConfig
from gardener.plugin.navigation import arrange_articles, relink_pages

log = logging.getLogger("mkdocs.plugins.gardener")
CSS = "assets/gardener/gardener.css"
TIMELINE_CSS = "assets/gardener/timeline.css"
TIMELINE_JS = "assets/gardener/timeline.js"


class GardenerPlugin(BasePlugin[GardenerConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.garden: Garden | None = None
        self.concepts: ConceptIndex | None = None
        self.timeline = Timeline(())
        self.cache = MentionCache()  # survives rebuilds during `mkdocs serve`

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        for sheet in (CSS, TIMELINE_CSS) if self.config.timeline else (CSS,):
            if sheet not in config.extra_css:
                config.extra_css.append(sheet)
        if self.config.timeline and TIMELINE_JS not in config.extra_javascript:
            config.extra_javascript.append(TIMELINE_JS)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        self.garden = load_garden(Path(config.docs_dir), self.config.articles_dir,
                                  self.config.concepts_dir)
        for problem in self.garden.diagnostics:
            # Errors are warnings to MkDocs: `--strict` fails on them, `serve` keeps serving.
            (log.warning if problem.severity == "error" else log.info)(str(problem))
        self.concepts = analyse_concepts(self.garden, link_headings=self.config.link_headings,
                                         cache=self.cache)
        teach_segmenter(self.garden)
        if self.config.timeline:
            curated = Path(config.config_file_path or ".").parent / self.config.timeline_file
            self.timeline = build_timeline(self.garden, self.concepts.matcher, curated,
                                           self.config.timeline_file)
            for problem in self.timeline.diagnostics:
                (log.warning if problem.severity == "error" else log.info)(str(problem))
        hidden = {a.path for a in self.garden.articles if not a.listed}
        if not self.config.concepts_in_nav:
            hidden |= {c.path for c in self.garden.concepts}
        for file in files:
            if file.src_uri in hidden:
                file.inclusion = InclusionLevel.NOT_IN_NAV
        css = resources.files("gardener").joinpath("assets/gardener.css").read_text(encoding="utf-8")
        files.append(File.generated(config, CSS, content=css))
        if self.config.home and files.get_file_from_path("index.md") is None:
            files.append(File.generated(config, home.PATH, content=home.emit_home(
                self.garden, config.site_name)))
        if self.config.timeline:
            files.append(File.generated(config, timeline_page.PATH, content=timeline_page.emit_timeline(
                self.timeline.events, self.garden)))
            files.append(File.generated(config, TIMELINE_CSS, content=timeline_page.timeline_css()))
            files.append(File.generated(config, TIMELINE_JS, content=timeline_page.timeline_js()))
        if self.config.glossary:
            files.append(File.generated(config, glossary.PATH, content=glossary.emit_glossary(
                self.garden, self.concepts)))
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
        if self.garden is None:
            return markdown
        src = page.file.src_uri
        article = next((a for a in self.garden.articles if a.path == src), None)
        concept = next((c for c in self.garden.concepts if c.path == src), None)
        if article is not None:
            if not article.listed:
                page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
            linked = self._link(markdown, src, exclude=())
            if self.config.article_header:
                linked = decorate(article, self.garden, linked)
            return linked + concepts_footer(article, self.garden, self.concepts)
        if concept is not None:
            linked = self._link(markdown, src, exclude=(concept.slug,))
            sections = emit_concept_sections(concept, self.garden, self.concepts)
            events = timeline_page.emit_concept_timeline(self.timeline.events, concept.slug,
                                                         self.garden, concept.path)
            return linked + "\n\n" + sections + ("\n" + events if events else "")
        return markdown

    def _link(self, markdown: str, src: str, exclude) -> str:
        """Concept links in one page's Markdown; the source file is never touched."""
        known = {c.slug: c for c in self.garden.concepts}
        mentions = find_mentions(markdown, self.concepts.matcher,
                                 headings=not self.config.link_headings)
        return link_mentions(
            markdown, mentions, policy=self.config.link_policy, exclude=exclude,
            href=lambda slug: rel_link(src, known[slug].path),
            title=lambda slug: known[slug].summary,
        )


def _section_folder(section: Section) -> str | None:
    for child in section.children:
        file = getattr(child, "file", None)
        if file is not None:
            return file.src_uri.split("/", 1)[0]
        if isinstance(child, Section):
            return _section_folder(child)
    return None


def teach_segmenter(garden: Garden) -> None:
    """Give jieba every Chinese alias as a word, so search indexes "缩放定律" as one token."""
    try:
        import jieba
    except ImportError:
        return
    for concept in garden.concepts:
        for alias in concept.aliases:
            if any("\u3400" <= ch <= "\u9fff" for ch in alias) and " " not in alias:
                jieba.add_word(alias)
