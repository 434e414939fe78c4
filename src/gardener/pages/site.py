"""Everything gardener adds to a site, independent of any site builder.

`GardenSite` holds the analysed garden and answers three questions: which extra files exist
(home, glossary, timeline, graph, feeds, data files, styles, scripts), which pages stay out of
navigation and search, and what each page's Markdown becomes. The MkDocs plugin asks them
during a build; `gardener export` asks them once and writes the answers to disk.

Each page kind's module says what the page shows (`inputs`) and how it is written (`emit`);
a rendered page is kept under its inputs, so nothing here decides what a page depends on.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from gardener.articles.model import Article, Concept, Diagnostic, Garden
from gardener.garden.cache import AnalysisCache
from gardener.garden.concepts.index import ConceptIndex, analyse_concepts, concept_matcher
from gardener.garden.concepts.sense import word_scores_begun
from gardener.garden.connections import Connections, connect, rank_related
from gardener.garden.loading import load_garden
from gardener.garden.similarity import read_terms
from gardener.garden.timeline.build import Timeline, build_timeline, read_events
from gardener.options import Options
from gardener.pages import article, concept, feeds, glossary, graph, home, previews, timeline
from gardener.pages.common import asset, unpacked_html
from gardener.pages.links import Linker
from gardener.pages.urls import page_url
from gardener.pages.view import GardenView
from gardener.sources.decoding import drop_control
from gardener.text.cjk import has_cjk
from gardener.text.markdown import MAX_NESTING, cap_nesting
from gardener.text.pinyin import spellings, spellings_begun

CSS = "assets/gardener/gardener.css"
TIMELINE_CSS = "assets/gardener/timeline.css"
TIMELINE_JS = "assets/gardener/timeline.js"
CONNECTIONS_CSS = "assets/gardener/connections.css"

Inputs = TypeVar("Inputs", bound=Hashable)  # what one page emitter is written from


def extra_css(options: Options) -> list[str]:
    return [CSS, TIMELINE_CSS, CONNECTIONS_CSS] if options.timeline else [CSS, CONNECTIONS_CSS]


def extra_javascript(options: Options) -> list[str]:
    scripts = [TIMELINE_JS] if options.timeline else []
    if options.graph:
        scripts.append(graph.SCRIPT)
    if options.previews:
        scripts.append(previews.SCRIPT)
    return scripts


class GardenSite:
    def __init__(self, docs_dir: Path, options: Options, cache: AnalysisCache | None = None):
        self.options = options
        self.cache = cache or AnalysisCache()
        self._spelled: Callable[[], dict[str, str]] | None = None
        self._scored: Callable[[], None] = lambda: None
        self.garden: Garden = load_garden(docs_dir, options.articles_dir, options.concepts_dir,
                                          self.cache, concepts_read=self._begin_for_concepts)
        self._scored()
        # While this process finds every article's mentions, a child reads their dated
        # statements for the timeline and a worker their words for related articles.
        events = None
        if options.timeline:
            matcher, signature = concept_matcher(self.garden, link_headings=options.link_headings,
                                                 cache=self.cache)
            events = read_events(self.garden, matcher, signature, self.cache)
        terms = read_terms(self.garden.articles, self.cache, self.garden.digests) \
            if options.related else None
        self.concepts: ConceptIndex = analyse_concepts(
            self.garden, link_headings=options.link_headings, cache=self.cache)
        if terms is not None:
            terms()
        # related articles are ranked by a child while this process goes on
        ranked = rank_related(self.garden, self.concepts, self.cache, related=options.related)
        self.timeline = Timeline(())
        if events is not None:
            events()
            self.timeline = build_timeline(self.garden, self.concepts.matcher,
                                           options.timeline_path, options.timeline_file,
                                           self.cache, self.concepts.signature)
        self._articles = {a.path: a for a in self.garden.articles}
        self._concepts = {c.path: c for c in self.garden.concepts}
        # The previous build's linker when nothing about linking changed: pages then share one
        # object, and comparing their keys stops at its identity.
        linker = Linker.of(self.garden, self.concepts, options, self.cache)
        linker = self.cache.latest("linker", linker, lambda: linker)
        self.connections: Connections = connect(self.garden, self.concepts, self.cache,
                                                related=options.related, ranked=ranked)
        self.view = GardenView(self.garden, self.concepts, self.timeline.events, options, linker,
                               self.connections)
        self._made: tuple[frozenset[str], dict[str, str]] | None = None

    def _begin_for_concepts(self, concepts: tuple[Concept, ...]) -> None:
        """While the articles are read, children spell the glossary's pinyin (see _pinyin) and
        read what the concept matcher asks of jieba's dictionary and wordfreq's list."""
        key = _pinyin_key(concepts)
        if self.options.glossary and key not in self.cache:
            self._spelled = spellings_begun(key[1])
        self._scored = word_scores_begun(a for c in concepts for a in c.aliases)

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        wikilinks = self.connections.diagnostics if self.options.wikilinks else ()
        return self.garden.diagnostics + self.timeline.diagnostics + wikilinks

    def url_of(self, path: str) -> str:
        """The site-relative URL of a page, as the builder names it."""
        return page_url(path, self.options.use_directory_urls)

    def _render(self, emit: Callable[[Inputs], str], inputs: Inputs) -> str:
        """A page written from its inputs alone, kept (while serving) until they change."""
        return self.cache.get(inputs, lambda: emit(inputs), persist=False)

    def generated(self, existing: set[str]) -> dict[str, str]:
        """Docs-relative path -> content of every file gardener adds. A file of the site's own
        at one of those paths wins: see shadowed()."""
        return {path: content for path, content in self._generated(existing).items()
                if path not in existing}

    def shadowed(self, existing: set[str]) -> list[str]:
        """Paths where a file of the site's own replaces one gardener would add."""
        return sorted(set(self._generated(existing)) & existing - {home.PATH})

    def _generated(self, existing: set[str]) -> dict[str, str]:
        # shadowed() and generated() ask in turn: the graph and previews are made once
        made = self._made
        if made is None or made[0] != existing:
            made = self._made = (frozenset(existing), self._make(existing))
        return made[1]

    def _make(self, existing: set[str]) -> dict[str, str]:
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
        files.update(self._connection_files())
        return files

    def _connection_files(self) -> dict[str, str]:
        """The graph page, and the data files and scripts of graphs, previews and feeds."""
        options, garden = self.options, self.garden
        files = {CONNECTIONS_CSS: asset("connections/connections.css")}
        if options.graph:
            files[graph.PATH] = graph.emit_graph_page(options.site_name)
            files[graph.DATA] = self._graph_data()
            files[graph.SCRIPT] = asset("connections/graph.js")
            files[graph.LIBRARY] = asset("force-graph/force-graph.min.js")
        if options.previews:
            files[previews.DATA] = previews.previews_json(previews.preview_data(
                garden.articles, garden.concepts, self.url_of, self._opening))
            files[previews.SCRIPT] = asset("connections/previews.js")
        if options.feeds and options.site_url:
            site = feeds.FeedSite(options.site_url, options.site_name, options.site_description)
            newest = feeds.newest(garden.articles, options.feeds)
            files[feeds.RSS] = feeds.rss_feed(site, newest, self.url_of)
            files[feeds.JSON] = feeds.json_feed(site, newest, self.url_of)
        return files

    def _graph_data(self) -> str:
        mentions = {path: tuple(found) for path, found in self.concepts.per_article.items()}
        similar = {path: [r.path for r in rows[:graph.RELATED_EDGES]]
                   for path, rows in self.connections.related.items()}
        return graph.graph_json(graph.graph_data(
            self.garden.articles, self.garden.concepts, self.connections.links.outgoing, mentions,
            self.url_of, similar))

    def _opening(self, page) -> str:
        """The first words of a page without a summary, read once per content."""
        key = ("opening", self.garden.digests.get(page.path) or page.path)
        return self.cache.get(key, lambda: previews.opening(page.body))

    @cached_property
    def _home(self) -> home.HomeInputs:
        return home.inputs(self.view)

    def _pinyin_key(self) -> tuple[str, tuple[str, ...]]:
        return _pinyin_key(self.garden.concepts)

    def _pinyin(self) -> dict[str, str]:
        key = self._pinyin_key()
        spelled, self._spelled = self._spelled, None
        return self.cache.get(key, spelled or (lambda: spellings(key[1])))

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

    def note(self, path: str) -> Article | Concept | None:
        """The article or concept note read from the page at path."""
        return self._articles.get(path) or self._concepts.get(path)

    def manages(self, path: str) -> bool:
        """Articles and concept notes: the pages whose front-matter gardener reads."""
        return path in self._articles or path in self._concepts

    def page_markdown(self, path: str, markdown: str, *, packed: bool = False) -> str:
        """A page's Markdown with everything gardener adds; other pages come back unchanged.
        `packed`: the HTML gardener adds stays packed (`pages.common.packed_html`), for a
        renderer with the extension that unpacks it (`site/packed_html.py`)."""
        if path in self._articles or path in self._concepts:
            # check reports both: no page shows control characters, and Python-Markdown
            # takes minutes over lists nested hundreds of levels deep
            markdown = cap_nesting(drop_control(markdown), MAX_NESTING)
        made = None
        if path in self._articles:
            made = self._render(article.emit, article.inputs(self.view, self._articles[path],
                                                             markdown))
        elif path in self._concepts:
            made = self._render(concept.emit, concept.inputs(self.view, self._concepts[path],
                                                             markdown))
        if made is not None:
            return made if packed else unpacked_html(made)
        if home.MARKER in markdown:
            return home.fill_marker(markdown, self._home, path)
        return markdown


def _pinyin_key(concepts: Iterable[Concept]) -> tuple[str, tuple[str, ...]]:
    return "pinyin", tuple(sorted({c.title for c in concepts}))
