"""Everything gardener adds to a site, independent of any site builder.

`GardenSite` holds the analysed garden and answers three questions: which extra files exist
(home, glossary, timeline, styles, script), which pages stay out of navigation and search, and
what each page's Markdown becomes. The MkDocs plugin asks them during a build; `gardener export`
asks them once and writes the answers to disk.

Each page kind's module says what the page shows (`inputs`) and how it is written (`emit`);
a rendered page is kept under its inputs, so nothing here decides what a page depends on.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Callable, Hashable

from gardener.articles.model import Diagnostic, Garden
from gardener.garden.cache import AnalysisCache
from gardener.garden.concepts.index import ConceptIndex, analyse_concepts
from gardener.garden.loading import load_garden
from gardener.garden.timeline.build import Timeline, build_timeline
from gardener.options import Options
from gardener.pages import article, concept, glossary, home, timeline
from gardener.pages.common import asset
from gardener.pages.links import Linker
from gardener.pages.view import GardenView
from gardener.text.cjk import has_cjk
from gardener.text.pinyin import spellings

CSS = "assets/gardener/gardener.css"
TIMELINE_CSS = "assets/gardener/timeline.css"
TIMELINE_JS = "assets/gardener/timeline.js"


def extra_css(options: Options) -> list[str]:
    return [CSS, TIMELINE_CSS] if options.timeline else [CSS]


def extra_javascript(options: Options) -> list[str]:
    return [TIMELINE_JS] if options.timeline else []


class GardenSite:
    def __init__(self, docs_dir: Path, options: Options, cache: AnalysisCache | None = None):
        self.options = options
        self.cache = cache or AnalysisCache()
        self.garden: Garden = load_garden(docs_dir, options.articles_dir, options.concepts_dir,
                                          self.cache)
        self.concepts: ConceptIndex = analyse_concepts(
            self.garden, link_headings=options.link_headings, cache=self.cache)
        self.timeline = Timeline(())
        if options.timeline:
            self.timeline = build_timeline(self.garden, self.concepts.matcher,
                                           options.timeline_path, options.timeline_file,
                                           self.cache, self.concepts.signature)
        self._articles = {a.path: a for a in self.garden.articles}
        self._concepts = {c.path: c for c in self.garden.concepts}
        # The previous build's linker when nothing about linking changed: pages then share one
        # object, and comparing their keys stops at its identity.
        linker = Linker.of(self.garden, self.concepts, options)
        linker = self.cache.latest("linker", linker, lambda: linker)
        self.view = GardenView(self.garden, self.concepts, self.timeline.events, options, linker)

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return self.garden.diagnostics + self.timeline.diagnostics

    def _render(self, emit: Callable[[Hashable], str], inputs: Hashable) -> str:
        """A page written from its inputs alone, kept (while serving) until they change."""
        return self.cache.get(inputs, lambda: emit(inputs), persist=False)

    def generated(self, existing: set[str]) -> dict[str, str]:
        """Docs-relative path -> content of every file gardener adds."""
        files = {CSS: asset("gardener.css")}
        if self.options.home and home.PATH not in existing:
            files[home.PATH] = self._render(home.emit, self._home)
        if self.options.glossary:
            files[glossary.PATH] = self._render(glossary.emit,
                                                glossary.inputs(self.view, self._pinyin()))
        if self.options.timeline:
            files[timeline.PATH] = self._render(timeline.emit, timeline.inputs(self.view))
            files[TIMELINE_CSS] = timeline.timeline_css()
            files[TIMELINE_JS] = timeline.timeline_js()
        return files

    @cached_property
    def _home(self) -> home.HomeInputs:
        return home.inputs(self.view)

    def _pinyin(self) -> dict[str, str]:
        titles = tuple(sorted({c.title for c in self.garden.concepts}))
        return self.cache.get(("pinyin", titles), lambda: spellings(titles))

    def segmenter_words(self) -> list[str]:
        """Chinese aliases as whole words for jieba, so search keeps "缩放定律" as one token."""
        words = {alias for concept in self.garden.concepts for alias in concept.aliases
                 if has_cjk(alias) and " " not in alias}
        return sorted(words)

    def hidden_from_nav(self) -> set[str]:
        hidden = {a.path for a in self.garden.articles if not a.listed}
        if not self.options.concepts_in_nav:
            hidden |= set(self._concepts)
        return hidden

    def hidden_from_search(self, path: str) -> bool:
        found = self._articles.get(path)
        return found is not None and not found.listed

    def manages(self, path: str) -> bool:
        """Articles and concept notes: the pages whose front-matter gardener reads."""
        return path in self._articles or path in self._concepts

    def page_markdown(self, path: str, markdown: str) -> str:
        """A page's Markdown with everything gardener adds; other pages come back unchanged."""
        if path in self._articles:
            return self._render(article.emit, article.inputs(self.view, self._articles[path],
                                                             markdown))
        if path in self._concepts:
            return self._render(concept.emit, concept.inputs(self.view, self._concepts[path],
                                                             markdown))
        if home.MARKER in markdown:
            return home.fill_marker(markdown, self._home, path)
        return markdown
