"""The gardener MkDocs plugin. Each event only calls into the core; no analysis lives here."""

from __future__ import annotations

import functools
import gc
import html
import logging
import time
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from gardener.articles.schema import for_theme
from gardener.files import write_atomic
from gardener.forks import apart
from gardener.garden.cache import shared_cache
from gardener.garden.loading import MAX_ALIAS_CHARS
from gardener.pages import feeds
from gardener.pages.common import unpacked_html
from gardener.pages.site import GardenSite, extra_css, extra_javascript
from gardener.site import math_assets, packed_html, search_shards
from gardener.site.mkdocs import one_markdown, search_reader
from gardener.site.mkdocs.config import GardenerConfig, to_options
from gardener.site.mkdocs.navigation import arrange_articles, relink_pages
from gardener.site.mkdocs.parallel import ParallelBuild, cpus, only_known_plugins
from gardener.site.mkdocs.reuse import ServedPages, content_only
from gardener.site.mkdocs.search_entries import SearchEntries
from gardener.site.mkdocs.search_index import compact_search_index
from gardener.site.mkdocs.watching import watch_natively
from gardener.site.search_stream import IndexStream
from gardener.sources.sanitizing import safe_url
from gardener.text.segmenter import forget, prepare_search_reader, teach

log = logging.getLogger("mkdocs.plugins.gardener")
# Seconds spent in gardener's hooks during the last build, by hook: the garden's share of a
# build, read by scripts/bench.py and logged at debug level.
LAST_BUILD: dict[str, float] = {}


def timed(hook):
    @functools.wraps(hook)
    def wrapper(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return hook(self, *args, **kwargs)
        finally:
            LAST_BUILD[hook.__name__] = LAST_BUILD.get(hook.__name__, 0.0) + (
                time.perf_counter() - start)
    return wrapper


class GardenerPlugin(BasePlugin):
    # The options' class is made from Options when this module loads: a value, so it is set
    # here rather than given as the type argument, which must be a class the checker knows.
    config_class = GardenerConfig
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.site: GardenSite | None = None
        self.serving = False
        self.command = ""
        self.served: ServedPages | None = None
        self.reusing: ServedPages | None = None  # self.served, in a build that reuses pages
        self.sharded_search = False
        self.manifest: bytes | None = None  # the sharded index's, written over Material's
        self.stream: IndexStream | None = None  # indexes each page as soon as it is built
        self.searched: SearchEntries | None = None  # Material's entries, while streaming
        self.entries_start = 0  # where the page being built began adding its entries
        self.cache_saved: Callable[[], None] = lambda: None  # waits for a save begun earlier
        self.dirty = False
        self.parallel = ParallelBuild(self)
        self.put_back_reader: Callable[[], None] | None = None  # Material's search's jieba
        self.put_back_markdown: Callable[[], None] | None = None  # MkDocs' page module's
        # A build in which only plugins gardener knows read pages (see on_config)
        self.only_known_readers = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup also makes MkDocs keep this object across `serve` rebuilds.
        self.command = command
        self.serving = command == "serve"
        self.dirty = dirty
        # a dirty rebuild renders only the changed files already
        self.served = ServedPages() if self.serving and not dirty else None

    def on_shutdown(self) -> None:
        if self.served is not None:
            self.served.close()
        if self.site is not None:
            self.cache.save()  # while serving, the disk copy is written once, at the end
        if self.command == "build" and self.config.enabled:
            # `mkdocs build` ends here. Python's last collection at exit would walk every object
            # the build made (0.3-0.5 s at 1,000 articles) only to find the cycles among them,
            # which the process's end frees anyway: out of its reach, they go with the process.
            # (Objects without cycles are still freed as they are let go.)
            gc.freeze()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        self.options = to_options(self.config, config)
        self.cache = shared_cache(self.options.cache_file)
        self.cache.keep_volatile = self.serving
        config.extra_css.extend(p for p in extra_css(self.options) if p not in config.extra_css)
        config.extra_javascript.extend(p for p in extra_javascript(self.options)
                                       if p not in config.extra_javascript)
        extensions = config.markdown_extensions
        if packed_html.NAME not in extensions:
            extensions.append(packed_html.NAME)  # gardener's lists, unpacked after rendering
        # In a build where only plugins gardener knows read the pages, a rendered page's
        # Markdown is let go of (_let_go_of_markdown), and lists in sections search leaves out
        # stay packed until Material's search has read the page (_unpack_after_search).
        self.only_known_readers = not self.serving and only_known_plugins(config)
        config.mdx_configs.setdefault(packed_html.NAME, {})["unsearched"] = \
            not self.only_known_readers
        config.extra_css.extend(p for p in math_assets.extra_css(extensions)
                                if p not in config.extra_css)
        config.extra_javascript.extend(p for p in math_assets.extra_javascript(extensions)
                                       if p not in config.extra_javascript)
        announce_feeds(config, self.options)
        if self.served is not None and self.config.reuse_served_pages:
            self.served.theme.lend(config)  # the theme's files, listed once while they stay
        self.sharded_search = self.options.search_shards and shards_fit(config)
        self.parallel.start(enabled=self.options.parallel_build, serving=self.serving,
                            dirty=self.dirty)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self.served is not None and self.config.enabled and self.config.reuse_served_pages:
            self.served.keep_folder(config.site_dir)

    @timed
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        LAST_BUILD.clear()
        self._start_stream(config)  # first: the process forked is the smaller
        self.cache.reset_counts()
        self.reusing = self.served if self.options.reuse_served_pages else None
        if self.reusing is not None:
            self.reusing.start(config)
        forget()  # the last build's words: the analysis reads texts as a fresh process does
        self._lend(config)
        self.site = GardenSite(Path(config.docs_dir), self.options, self.cache)
        report_to_mkdocs(self.site.diagnostics)
        teach_segmenter(self.site, python_jieba=search_reader.reads_with_jieba(config))
        hidden = self.site.hidden_from_nav()
        for file in files:
            if file.src_uri in hidden:
                file.inclusion = InclusionLevel.NOT_IN_NAV
        existing = {f.src_uri for f in files}
        for path in self.site.shadowed(existing):
            log.info(f"gardener: warning: {path} is the site's own file, so gardener does not "
                     f"add its generated {path} (turn that page off in the plugin's options to "
                     "silence this)")
        for path, content in self.site.generated(existing).items():
            files.append(File.generated(config, path, content=content))
        if self.sharded_search and search_shards.WORKER not in existing:
            files.append(File.generated(config, search_shards.WORKER,
                                        content=search_shards.worker_script()))
        if math_assets.uses_math(config.markdown_extensions):
            for path, data in math_assets.math_files().items():
                if path not in existing:
                    files.append(File.generated(config, path, content=data))
        return files

    def _start_stream(self, config: MkDocsConfig) -> None:
        """In a build whose pages only plugins gardener knows read (so Material's search entries
        come only from its pages), the sharded index is made as pages are built."""
        self._stop_stream()
        self.searched = None
        if not (self.sharded_search and self.only_known_readers):
            return
        searched = SearchEntries(config)
        if searched.index is not None:
            self.searched = searched
            self.stream = IndexStream.start(Path(config.site_dir), index_settings(searched.index))

    def _cache_saved(self) -> None:
        wait, self.cache_saved = self.cache_saved, lambda: None
        wait()

    def _stop_stream(self) -> None:
        stream, self.stream = self.stream, None
        if stream is not None:
            stream.close()

    def _lend(self, config: MkDocsConfig) -> None:
        """For this build: Material's search gets gardener's Chinese reader; MkDocs renders
        every page with one Python-Markdown converter."""
        self._put_back()
        self.put_back_reader = search_reader.lend(config)
        self.put_back_markdown = one_markdown.lend(config)

    def _put_back(self) -> None:
        for put_back in (self.put_back_reader, self.put_back_markdown):
            if put_back is not None:
                put_back()
        self.put_back_reader = self.put_back_markdown = None

    @timed
    def _garden_nav(self, nav: Navigation, *, config: MkDocsConfig,
                    files: Files) -> Navigation | None:
        if self.site is None or config.nav:
            return nav  # an explicit nav in mkdocs.yml is the author's choice
        options = self.options
        titles = {options.articles_dir: options.articles_title,
                  options.concepts_dir: options.concepts_title}
        for item in nav.items:
            if isinstance(item, Section):
                folder = _section_folder(item)
                if folder is not None:  # a section without pages has no folder
                    item.title = titles.get(folder, item.title)
                if folder == options.articles_dir and options.nav_by_date:
                    arrange_articles(item, self.site.garden, options.articles_dir)
        relink_pages(nav)
        return nav

    @event_priority(-1000)  # the navigation is final: every plugin has had its say
    def _keep_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> None:
        self.parallel.keep_nav(nav, config, files)

    on_nav = CombinedEvent(_garden_nav, _keep_nav)

    @timed
    def _garden_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str | None:
        if self.site is None:
            return markdown
        if self.site.manages(page.file.src_uri):
            normalise_meta(page, self.site.note(page.file.src_uri))
        escape_meta(page)
        if self.site.hidden_from_search(page.file.src_uri):
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        site = self.site
        return self.parallel.garden_markdown(
            page, markdown, lambda: site.page_markdown(page.file.src_uri, markdown, packed=True))

    @event_priority(-100)  # the Markdown is final: every plugin has had its say
    @timed
    def _reuse_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> None:
        if self.reusing is not None:
            self.reusing.before_render(page, markdown, config, files)
        self.parallel.before_render(page, markdown)

    on_page_markdown = CombinedEvent(_garden_markdown, _reuse_markdown)

    @event_priority(100)  # straight after Python-Markdown, before any plugin changes the HTML
    @timed
    def _rendered(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> None:
        if self.reusing is not None:
            self.reusing.after_render(page)

    @event_priority(-1000)  # after every plugin has seen the page's HTML
    def _let_go_of_markdown(self, html: str, *, page: Page, config: MkDocsConfig,
                            files: Files) -> None:
        # A build keeps every page to the end, and nothing after rendering reads a page's
        # Markdown when only plugins gardener knows run: let it go (~15 MB at 1,000 articles).
        # Empty, not None: MkDocs takes None for "not read yet" (a page's title is then None),
        # and once rendered it never reads a title from the Markdown. Never while serving
        # (served pages are compared with the build before).
        if self.only_known_readers:
            page.markdown = ""

    on_page_content = CombinedEvent(_rendered, _let_go_of_markdown)

    @timed
    def _reuse_env(self, env, *, config: MkDocsConfig, files: Files):
        if self.reusing is not None:
            self.reusing.route_templates(env, files)
        return env

    @event_priority(-1000)  # every page is final: every plugin has had its say
    @timed
    def _split_pages(self, env, *, config: MkDocsConfig, files: Files) -> None:
        if self.put_back_reader is not None:
            prepare_search_reader()  # once, for this process and the page worker
        if self.site is not None and not self.serving:
            # every page is rendered: what the analysis cache holds is final
            self.cache_saved = self.cache.save_begun()
        if self.stream is not None:
            self.stream.number(files.documentation_pages(inclusion=InclusionLevel.is_included))
        self.parallel.split(env, config, files, self.stream)
        if self.stream is not None:
            self.stream.worker_forked()

    on_env = CombinedEvent(_reuse_env, _split_pages)

    @event_priority(10_000)  # before every other plugin sees the page
    def _enter_page(self, context, *, page: Page, config: MkDocsConfig, nav) -> None:
        self.parallel.enter_page(page)
        if self.stream is not None and self.searched is not None:
            self.entries_start = len(self.searched.entries())

    @event_priority(1)  # before the search plugin (priority 0) reads the page
    @timed
    def _reuse_before_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        self.parallel.before_context(page)
        if self.reusing is not None:
            self.reusing.before_context(context, page)

    @event_priority(-100)  # the context is final: every plugin has had its say
    @timed
    def _reuse_after_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        self.parallel.after_context(page)
        if self.reusing is not None:
            self.reusing.after_context(context, page)
        if self.stream is not None and self.searched is not None and \
                not self.parallel.passes_over(page):
            self.stream.page(page.file.src_uri, self.searched.entries()[self.entries_start:])
        return context

    @event_priority(-50)  # Material's search (priority 0) has read the page: its HTML is final
    @content_only
    def _unpack_after_search(self, context, *, page: Page, config: MkDocsConfig, nav):
        if self.only_known_readers and page.content:
            page.content = unpacked_html(page.content)

    on_page_context = CombinedEvent(_enter_page, _reuse_before_context, _unpack_after_search,
                                    _reuse_after_context)

    def _searched_by_worker(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if not self.sharded_search:
            return output
        return search_shards.use_worker(output)

    @event_priority(-10_000)  # after every other plugin has seen the page
    def _leave_page(self, output: str, *, page: Page, config: MkDocsConfig) -> None:
        self.parallel.leave_page(page)

    @event_priority(-10_001)  # the last: what it returns, MkDocs writes
    def _hand_over_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if self.reusing is None:
            return output
        return self.reusing.page_output(page, output)

    on_post_page = CombinedEvent(_searched_by_worker, _leave_page, _hand_over_page)

    def on_post_template(self, output_content: str, *, template_name: str,
                         config: MkDocsConfig) -> str | None:
        if not self.sharded_search:
            return output_content
        return search_shards.use_worker(output_content)  # 404.html is built from a template

    @event_priority(10)  # before the search plugin (priority 0) writes its one index
    @timed
    def _shard_search(self, *, config: MkDocsConfig) -> None:
        self.manifest = None
        if self.site is None or self.serving or not self.sharded_search:
            return
        stream, self.stream = self.stream, None
        if stream is not None and self.searched is not None:
            figures = stream.finish(worker_sent=self.parallel.worker_sent)
            if figures is not None:
                self.searched.entries().clear()  # Material then writes its settings alone
                self.manifest = (Path(config.site_dir) / search_shards.INDEX).read_bytes()
                log.debug(f"gardener: sharded search index, made as pages were built {figures}")
                return
        shards = shard_entries(config, helped=self.options.parallel_build)
        if shards is not None:
            figures, self.manifest = shards
            log.debug(f"gardener: sharded search index {figures}")

    @event_priority(1000)  # before any plugin reads the pages or the search index
    def _collect_pages(self, *, config: MkDocsConfig) -> None:
        self.parallel.collect()

    @event_priority(-100)  # after the search plugin has written its index
    @timed
    def _finish_build(self, *, config: MkDocsConfig) -> None:
        self._put_back()
        if self.reusing is not None:
            self.reusing.finish()
            log.debug(f"gardener: served rebuild: {self.reusing.counts}")
        if self.site is None:
            return
        if self.serving:
            return  # a served site is never published: keep rebuilds fast
        if self.manifest is not None:  # in place of the index the search plugin wrote
            write_atomic(Path(config.site_dir) / search_shards.INDEX, self.manifest, durable=False)
        elif self.sharded_search:
            figures = search_shards.rewrite_index(Path(config.site_dir))
            log.debug(f"gardener: sharded search index {figures}")
        elif self.options.compact_search_index:
            compact_search_index(Path(config.site_dir))
        self._cache_saved()
        self.cache.save()
        log.debug(f"gardener: cache {self.cache.hits} hits, {self.cache.misses} misses")
        log.debug(f"gardener: {sum(LAST_BUILD.values()):.3f} s in gardener's hooks")

    on_post_build = CombinedEvent(_collect_pages, _shard_search, _finish_build)

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_stream()
        self._cache_saved()
        self._put_back()
        self.parallel.abandon()
        if self.reusing is not None:
            self.reusing.abandon()

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        # The curated timeline file lives outside docs/, so serve would not watch it by itself.
        if self.options.timeline and self.options.timeline_path.exists():
            server.watch(str(self.options.timeline_path))
        if self.options.watch_natively:
            chosen = watch_natively(server, extra=config.watch)
            log.debug(f"gardener: changes are noticed by {chosen}")
        return server


def shard_entries(config: MkDocsConfig, *, helped: bool = False) -> tuple[dict, bytes] | None:
    """Write the sharded index from the entries Material's search plugin holds, before it
    writes them as one file: it then writes only its settings (a whole index would take the
    build's peak memory and be replaced at once). Returns the figures and the manifest, which
    replaces that file once written; None when this version of Material keeps its entries
    elsewhere (its file is then read back and rewritten). `helped`: the build may use a second
    core."""
    site_dir = Path(config.site_dir)
    index = getattr(_search_plugin(config), "search_index", None)
    entries, settings = getattr(index, "entries", None), getattr(index, "config", None)
    if index is None or not isinstance(entries, list) or not isinstance(settings, dict):
        return None
    index.entries = []
    settings = index_settings(index)
    # Written by a forked child, which reads the entries this process holds: the index's own
    # memory (its postings, every page's file) is the child's and goes when it exits, instead
    # of being the build's peak. This process only waits meanwhile: on two cores a helper
    # forked before the writer indexes the later pages and writes their files.
    helper = search_shards.start_helper(site_dir, settings, entries) \
        if helped and cpus() > 1 else None
    try:
        figures = apart(_write_shards, site_dir, settings, entries, helper)
    finally:
        if helper is not None:
            helper.handed.close()
    return figures, (site_dir / search_shards.INDEX).read_bytes()


def index_settings(index) -> dict:
    """The settings of Material's search index the sharded index is made with."""
    return {k: index.config[k] for k in ("lang", "separator", "pipeline", "fields")
            if k in index.config}


def _write_shards(site_dir: Path, settings: dict, entries: list,
                  helper: search_shards.Helper | None) -> dict:
    return search_shards.write_sharded_index(site_dir, settings, _consumed(entries), helper)


def _consumed(entries: list) -> Iterator:
    """The entries one by one, each let go of once taken: the index is built while the text
    it is built from goes away."""
    for number in range(len(entries)):
        entry, entries[number] = entries[number], None
        yield entry


def _search_plugin(config: MkDocsConfig):
    return config.plugins.get("material/search") or config.plugins.get("search")


def shards_fit(config: MkDocsConfig) -> bool:
    """Whether gardener's search worker and sharded index can stand in for Material's:
    Material's theme and search, with settings the worker reproduces. (A served site keeps
    Material's whole index, which its rebuilds update without gardener; the same worker reads
    it whole, so served pages are the pages a build writes.)"""
    search = _search_plugin(config)
    if config.theme.name != "material" or search is None:
        return False
    if not getattr(search.config, "enabled", True):
        return False
    problem = search_shards.settings_problem(search.config, config.plugins.keys())
    if problem:
        log.info(f"gardener: search keeps Material's single index: {problem}")
    return problem is None


def announce_feeds(config: MkDocsConfig, options) -> None:
    """Every page's head links to the feeds. Material's documented way to add to the head is a
    `main.html` that extends `base.html` and fills its `extrahead` block: gardener ships one,
    placed after the site's own overrides, so a site's own `main.html` still wins."""
    if not options.feeds:
        return
    if not options.site_url:
        log.info(f"gardener: {feeds.NO_SITE_URL}")
        return
    config.extra["gardener_feeds"] = feeds.head_links(options.site_name)
    templates = str(resources.files("gardener") / "templates" / "theme")
    if templates not in config.theme.dirs:
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, templates)
    if config.theme.custom_dir and (Path(config.theme.custom_dir) / "main.html").is_file():
        log.info('gardener: your main.html replaces gardener\'s: add {% include '
                 '"partials/gardener-feeds.html" %} to its extrahead block to link the feeds')


def normalise_meta(page: Page, note) -> None:
    """MkDocs and Material read the raw front-matter: give them the title and tags gardener
    read, whatever the file called them (`headline:`, `tags: "a, b"`), so the title, the h1
    and the navigation agree with gardener's pages."""
    for_theme(page.meta, note.title, getattr(note, "tags", None))


def escape_meta(page: Page) -> None:
    """Front-matter values come from user files, and MkDocs and Material print many of them
    unescaped (<title>, the h1, <meta> description and author, the navigation's subtitle and
    status, tag chips, search results): escape every value once, here, rather than the few a
    theme prints today. A redirect target must also be a web address."""
    page.meta.update({key: _escaped(value) for key, value in page.meta.items()})  # shared dict
    location = page.meta.get("location")
    if isinstance(location, str) and not safe_url(html.unescape(location)):
        page.meta["location"] = "#"


def _escaped(value):
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, (list, tuple)):
        return [_escaped(item) for item in value]
    if isinstance(value, dict):
        return {_escaped(key): _escaped(item) for key, item in value.items()}
    return value


def report_to_mkdocs(diagnostics) -> None:
    """Errors become MkDocs warnings (`--strict` fails on them; `serve` keeps serving); warnings
    are counted, not repeated on every rebuild: `gardener check` lists them."""
    warnings = 0
    for problem in diagnostics:
        if problem.severity == "error":
            log.warning(str(problem))
        else:
            warnings += problem.severity == "warning"
            log.debug(str(problem))
    if warnings:
        log.info(f"gardener: {warnings} warnings; `gardener check` lists them")


def teach_segmenter(site: GardenSite, *, python_jieba: bool = False) -> None:
    """Give the search reader every Chinese alias as a word, so search indexes "缩放定律" as
    one token. `python_jieba`: Material's search reads with jieba itself (it has its own
    dictionary), so jieba is taught them too."""
    teach((word for word in site.segmenter_words()
           if len(word) <= MAX_ALIAS_CHARS),  # a reading's cost grows with its longest word
          python_jieba=python_jieba)


def _section_folder(section: Section) -> str | None:
    for child in section.children:
        file = getattr(child, "file", None)
        if file is not None:
            return file.src_uri.split("/", 1)[0]
        if isinstance(child, Section):
            return _section_folder(child)
    return None
