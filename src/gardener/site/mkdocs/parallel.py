"""A `mkdocs build` on two cores: forked workers render and build part of the pages.

MkDocs reads and renders pages one after another on one core, then builds them the same way.
While it reads them, a worker forked once the navigation is final renders every other page's
Markdown (`_Renders`): this process still reads each page and runs `page_markdown`, and takes
the worker's HTML only for exactly the Markdown and front-matter it reached itself.

Once every page's Markdown is rendered (the
`env` event), building a page — Material's search reading its HTML, the theme's template,
writing the file — needs only what the build already holds. So at that point a worker process
is forked (it shares everything loaded so far) and builds its share of the pages exactly as
MkDocs would (`_build_page`: context, the plugins' `page_context`, the template, `post_page`,
the file). This process builds the other share and passes over the worker's pages cheaply:
their template is a blank one, so MkDocs writes nothing for them, and Material's search skips
them. Before the plugins' `post_build`, the worker sends back what this process must know of
its pages: Material's search entries, put in page order so the index equals a sequential
build's, and what it logged, said again here (so `--strict` counts the worker's warnings).

A worker loses whatever a plugin keeps from per-page events, so the build is split only when
every plugin with a handler in the events of this phase is one whose handlers are known
(Material's search and tags, gardener); otherwise, and while serving, for a dirty build, in a
process with other threads, on one CPU or for a small site, the build stays sequential and the
reason is logged at debug level. A worker that fails or dies leaves its pages to this process,
and when this process is done with its own pages it takes back those the worker has not started.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Sequence
from functools import partial
from itertools import islice
from typing import Any

import jinja2
from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from gardener.forks import can_fork
from gardener.site.mkdocs.reuse import Rendered, _restore, restore_template
from gardener.site.mkdocs.search_entries import SearchEntries
from gardener.site.search_stream import IndexStream

log = logging.getLogger("mkdocs.plugins.gardener")

# Plugins whose per-page handlers keep nothing a worker would lose: Material's search (its
# entries come back from the worker), Material's tags (adds to the page's context) and gardener.
KNOWN_PLUGINS = frozenset({
    "material.plugins.search.plugin.SearchPlugin",
    "material.plugins.tags.plugin.TagsPlugin",
    "gardener.site.mkdocs.plugin.GardenerPlugin",
})
# The events that run in both processes after the fork: a handler of an unknown plugin there
# could keep state the worker's pages never add to.
SPLIT_EVENTS = ("page_context", "post_page", "pre_template", "template_context",
                "post_template")
# The events a page goes through up to Python-Markdown, which the Markdown worker runs.
RENDER_EVENTS = ("pre_page", "page_read_source", "page_markdown")
# Below this many pages a worker saves less than forking and collecting costs.
MIN_PAGES = 8
# What a page costs besides its HTML (navigation, template, file), in characters of HTML:
# used to give both processes about the same work.
PAGE_COST = 20_000


def cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class ParallelBuild:
    """The split of one build's pages, driven by the plugin's events."""

    def __init__(self, plugin: object) -> None:
        self.plugin = plugin  # the gardener plugin: it must see the worker's pages first
        self.allowed = False
        self.nav: Navigation | None = None
        self._split: _Split | None = None
        self._renders: _Renders | None = None
        # In the Markdown worker: gardener's Markdown of each page (input, output, what it
        # logged), sent with the page, and what captures the worker's log records.
        self.garden_io: dict[str, tuple[str, str, tuple]] | None = None
        self.capture: _Capture | None = None
        self.worker_sent = True  # the last page worker sent every page it took

    def start(self, *, enabled: bool, serving: bool, dirty: bool) -> None:
        self.abandon()
        self.allowed = enabled and not serving and not dirty
        self.nav = None

    def keep_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> None:
        """Called last in on_nav: the navigation the pages are built with (on_env has none);
        a worker starts rendering part of the pages' Markdown."""
        self.nav = nav
        if not self.allowed:
            return
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        why = render_refusal(config, doc_files)
        if why:
            log.debug(f"gardener: Markdown rendered on one core: {why}")
            return
        self._renders = _Renders.fork(self, doc_files, config, files)

    def garden_markdown(self, page: Page, markdown: str,
                        make: Callable[[], str]) -> str:
        """gardener's own Markdown of a page, made by `make` from `markdown`: in the build, the
        Markdown worker's for the very same input (it computed it from the same state, forked
        after the navigation), in the worker noted for the build."""
        if self._renders is not None:
            found = self._renders.garden_markdown(page, markdown)
            if found is not None:
                made, records = found
                for record in records:  # what it logged, said here
                    logging.getLogger(record.name).handle(record)
                return made
        if self.garden_io is None or self.capture is None:
            return make()
        # the Markdown worker
        start = len(self.capture.records)
        made = make()
        said = tuple(_portable(r) for r in self.capture.records[start:])
        self.garden_io[page.file.src_uri] = (markdown, made, said)
        return made

    def before_render(self, page: Page, markdown: str) -> None:
        """Called last in on_page_markdown: the worker's HTML, if it rendered this Markdown."""
        if self._renders is not None:
            found = self._renders.take(page, markdown)
            if found is not None:
                # this page, in this build only, takes its HTML from the worker
                page.render = partial(_restore, page, found)  # type: ignore[method-assign]

    def split(self, env: jinja2.Environment, config: MkDocsConfig, files: Files,
              stream: IndexStream | None = None) -> None:
        """Called last in on_env: fork the worker, or say why not. `stream`: where each page's
        search entries go once it is built."""
        self.worker_sent = True
        renders, self._renders = self._renders, None
        if renders is not None:
            renders.finish()
        if not self.allowed:
            return
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        why = refusal(config, files, doc_files, self.nav, self.plugin)
        if why or self.nav is None:
            log.debug(f"gardener: pages built on one core: {why or 'no navigation'}")
            return
        self._split = _Split.fork(doc_files, config, self.nav, env, stream)

    def passes_over(self, page: Page) -> bool:
        """Whether the page worker builds this page (this process only passes over it)."""
        return self._split is not None and page.file.src_uri in self._split.theirs

    def enter_page(self, page: Page) -> None:
        """Called first in on_page_context."""
        if self._split is not None:
            self._split.silence.on = page.file.src_uri in self._split.theirs

    def leave_page(self, page: Page) -> None:
        """Called last in on_post_page."""
        if self._split is not None:
            self._split.silence.on = False

    def before_context(self, page: Page) -> None:
        if self._split is not None:
            self._split.before_context(page)

    def after_context(self, page: Page) -> None:
        if self._split is not None:
            self._split.after_context(page)

    def collect(self) -> None:
        """Called first in on_post_build: the worker's pages are in the site and the index."""
        if self._split is not None:
            try:  # the pages this process builds if the worker failed go through the events
                self.worker_sent = self._split.collect()
            finally:
                self._split = None

    def abandon(self) -> None:
        """The build failed: stop the workers."""
        split, self._split = self._split, None
        if split is not None:
            split.stop()
        renders, self._renders = self._renders, None
        if renders is not None:
            renders.finish()


def _can_fork(doc_files: Sequence[File]) -> str | None:
    if cpus() < 2:
        return "one CPU"
    if not can_fork():
        return "no fork here, or the process runs other threads"
    if len(doc_files) < MIN_PAGES:
        return f"{len(doc_files)} pages"
    return None


def _unknown_handler(config: MkDocsConfig, events: tuple[str, ...]) -> str | None:
    for event in events:
        for handler in config.plugins.events.get(event, ()):
            if _owner(handler) not in KNOWN_PLUGINS:
                return f"{_owner(handler)} handles {event}"
    return None


def render_refusal(config: MkDocsConfig, doc_files: Sequence[File]) -> str | None:
    """Why the pages' Markdown cannot be rendered in a worker, or None. (Its results are taken
    only for the very Markdown and front-matter this process reaches, but a plugin unknown
    here could do something else than reading in those events.)"""
    return _can_fork(doc_files) or _unknown_handler(config, RENDER_EVENTS)


def refusal(config: MkDocsConfig, files: Files, doc_files: Sequence[File], nav: Navigation | None,
            plugin: object) -> str | None:
    """Why this build cannot be split, or None."""
    why = _can_fork(doc_files)
    if why:
        return why
    if nav is None or any(f.page is None for f in doc_files) or \
            not hasattr(mkdocs_build, "_build_page"):
        return "not a build MkDocs runs as gardener knows it"
    why = _unknown_handler(config, SPLIT_EVENTS)
    if why:
        return why
    events = config.plugins.events
    post_build, navs = events.get("post_build", ()), events.get("nav", ())
    if not post_build or getattr(post_build[0], "__self__", None) is not plugin:
        return "another plugin's post_build runs before gardener's"
    if not navs or getattr(navs[-1], "__self__", None) is not plugin:
        return "another plugin's nav runs after gardener's"
    return _clash(files, doc_files, config)


def only_known_plugins(config: MkDocsConfig) -> bool:
    """Whether every plugin of the build is one whose handlers gardener knows (KNOWN_PLUGINS)."""
    return all(f"{type(p).__module__}.{type(p).__qualname__}" in KNOWN_PLUGINS
               for p in config.plugins.values())


def _owner(handler: Callable) -> str:
    owner = getattr(handler, "__self__", None)
    if owner is None:
        return f"hook {getattr(handler, '__module__', handler)!s}"
    kind = type(owner)
    return f"{kind.__module__}.{kind.__qualname__}"


def _clash(files: Files, doc_files: Sequence[File], config: MkDocsConfig) -> str | None:
    """Files this process writes while the worker writes pages: a page written to the same
    place as one of them could end differently than in a sequential build."""
    written = {f.dest_uri for f in files if not f.is_documentation_page()}
    written |= set(config.theme.static_templates) | set(config.extra_templates)
    for file in doc_files:
        if file.dest_uri in written:
            return f"{file.src_uri} is written where another file is"
    return None


def shares(pages: list[Page]) -> tuple[list[Page], list[Page]]:
    """(this process's pages, the worker's): about the same work each, in page order. This
    process also copies the static files and builds the theme's templates meanwhile, so it
    takes the first page and the worker takes the ties."""
    mine: list[Page] = []
    theirs: list[Page] = []
    load = [0, 0]
    for page in pages:
        side = 0 if load[0] < load[1] or not mine else 1
        (mine if side == 0 else theirs).append(page)
        load[side] += len(page.content or "") + PAGE_COST
    return mine, theirs


class _Split:
    """One worker and the pages it builds."""

    def __init__(self, doc_files: Sequence[File], theirs: list[Page], config: MkDocsConfig,
                 nav: Navigation, env: jinja2.Environment) -> None:
        self.doc_files = doc_files
        self.theirs: dict[str, Page] = {page.file.src_uri: page for page in theirs}
        self.config, self.nav, self.env = config, nav, env
        self.search = SearchEntries(config)
        self.templates: dict[str, Any] = {}
        self.found: dict[str, list] = {}  # the worker's pages: their search entries
        self.made: dict[str, list[int]] = {}  # this process's pages: [start, end] of entries
        self.quiet = _Quiet(set(self.theirs))
        self.silence = _Silence()
        self.content: str | None = None
        self.process: Any = None
        self.inbox: Any = None
        self.cpu = 0.0
        self.claimed: Any = None
        self.stream: IndexStream | None = None

    @classmethod
    def fork(cls, doc_files: Sequence[File], config: MkDocsConfig, nav: Navigation,
             env: jinja2.Environment, stream: IndexStream | None) -> _Split | None:
        pages = [f.page for f in doc_files if f.page is not None]
        _mine, theirs = shares(pages)
        split = cls(doc_files, theirs, config, nav, env)
        split.stream = stream
        compile_templates(env, config, doc_files, nav, pages[0])
        context = multiprocessing.get_context("fork")
        inbox, outbox = context.Pipe(duplex=False)
        # The worker only reads what is loaded: kept out of the collector's reach, those
        # objects are not copied into its memory when a collection would touch them.
        gc.freeze()
        try:
            split.claimed = context.Value("i", 0)  # the worker's pages it has started
            process = context.Process(target=_work, name="gardener-pages", daemon=True,
                                      args=(split, theirs, outbox))
            process.start()
        except OSError as exc:  # no process to spare: build every page here
            log.debug(f"gardener: no worker process ({exc}); pages built on one core")
            inbox.close()
            return None
        finally:
            gc.unfreeze()
            outbox.close()  # the worker holds the sending end: its exit ends the pipe
        split.process, split.inbox = process, inbox
        split.cpu = time.process_time()
        split.pass_over(theirs)
        log.debug(f"gardener: {len(theirs)} of {len(pages)} pages built by a worker")
        return split

    def pass_over(self, theirs: list[Page]) -> None:
        """The worker's pages get a blank template here, so MkDocs writes nothing for them
        (Jinja takes a template where it takes a template's name)."""
        blank = self.env.from_string("")
        for page in theirs:
            self.templates[page.file.src_uri] = page.meta.get("template")
            page.meta["template"] = blank
        # first: MkDocs' filter of repeated messages must not see what is dropped here
        logging.getLogger(mkdocs_build.__name__).filters.insert(0, self.quiet)
        self.silence.attach()

    def before_context(self, page: Page) -> None:
        uri = page.file.src_uri
        if uri in self.templates:
            restore_template(page, self.templates.pop(uri))
        if not self.search.active:
            return
        if uri in self.theirs:
            self.search.skip(page)
            # Material's search strips its marks from the HTML of a page it skips too: put
            # back after it, should this process have to build the page after all
            self.content = page.content
        else:
            self.made[uri] = [len(self.search.entries())] * 2

    def after_context(self, page: Page) -> None:
        if not self.search.active:
            return
        uri = page.file.src_uri
        if uri in self.theirs:
            self.search.done(page, None)
            page.content, self.content = self.content, None
        elif uri in self.made:
            self.made[uri][1] = len(self.search.entries())

    def collect(self) -> bool:
        """The worker's pages in the site and the index; whether it sent every page it took."""
        logging.getLogger(mkdocs_build.__name__).removeFilter(self.quiet)
        self.silence.detach()
        self.cpu = time.process_time() - self.cpu
        with self.claimed.get_lock():  # the pages the worker has not started are built here
            started, self.claimed.value = self.claimed.value, len(self.theirs)
        built = self._receive(started)
        sent = built is not None
        if built is None:
            built, started = [], 0
        for uri, (entries, records) in zip(self.theirs, built, strict=False):
            for record in records:
                logging.getLogger(record.name).handle(record)
            self.found[uri] = entries
        self._build_here(list(self.theirs)[started:])
        if self.search.active:
            self._index_in_page_order()
        return sent

    def _receive(self, started: int) -> list | None:
        waited = time.perf_counter()
        try:
            kind, value, cpu = self.inbox.recv()
            log.debug(f"gardener: pages: {cpu:.2f} s of CPU in the worker, {self.cpu:.2f} s "
                      f"here, then {time.perf_counter() - waited:.2f} s waiting for it; "
                      f"{len(self.theirs) - started} of its pages taken back")
        except (EOFError, OSError) as exc:
            kind, value = "died", repr(exc)
        finally:
            self.inbox.close()
            self.process.join()
        if kind == "built" and len(value) == started:
            return value
        log.debug(f"gardener: the page worker failed ({value}); its pages are built here")
        return None

    def _build_here(self, uris: list[str]) -> None:
        """Pages of the worker this process builds after all (the worker failed, or had not
        started them when this process was done with its own), as a sequential build would."""
        pages = [self.theirs.pop(uri) for uri in uris]
        for page in pages:
            mkdocs_build._build_page(page, self.config, self.doc_files, self.nav, self.env,
                                     excluded=page.file.inclusion.is_excluded())

    def _index_in_page_order(self) -> None:
        """Material's index as a sequential build makes it: every page's entries in page
        order (this process's pages added theirs in order, the worker's come in their place)."""
        entries = self.search.entries()
        ordered: list = []
        placed = [False] * len(entries)
        for file in self.doc_files:
            uri = file.src_uri
            if uri in self.found:
                ordered += self.found[uri]
            elif uri in self.made:
                start, end = self.made[uri]
                ordered += entries[start:end]
                placed[start:end] = [True] * (end - start)
        # entries no page made (none that gardener knows of) keep their order, at the end
        ordered += [entry for entry, done in zip(entries, placed, strict=True) if not done]
        entries[:] = ordered

    def stop(self) -> None:
        logging.getLogger(mkdocs_build.__name__).removeFilter(self.quiet)
        self.silence.detach()
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
        if self.inbox is not None:
            self.inbox.close()


def compile_templates(env: jinja2.Environment, config: MkDocsConfig, doc_files: Sequence[File],
                      nav: Navigation, page: Page) -> None:
    """Compile the templates a page is made with once, before the fork, so the worker does
    not compile them again: render one page's template and drop the result (templates are
    functions of their context). Nothing depends on it: a failure is left to the real build."""
    try:
        context = mkdocs_build.get_context(nav, doc_files, config, page)
        env.get_template(page.meta.get("template", "main.html")).render(context)
    except Exception as exc:  # noqa: BLE001 - the page's own build reports it
        log.debug(f"gardener: templates not compiled ahead ({exc!r})")


def _work(split: _Split, pages: list[Page], outbox) -> None:
    """The worker: build pages as MkDocs would and send back, page by page, their search
    entries and what was logged."""
    capture = _Capture.instead_of_handlers()
    built = []
    cpu = time.process_time()
    if split.stream is not None:
        split.stream.in_worker()
    try:
        for page in pages:
            with split.claimed.get_lock():
                if split.claimed.value >= len(pages):
                    break  # the build takes back the pages not started
                split.claimed.value += 1
            start = len(split.search.entries()) if split.search.active else 0
            capture.records = []
            mkdocs_build._build_page(page, split.config, split.doc_files, split.nav, split.env,
                                     excluded=page.file.inclusion.is_excluded())
            entries = split.search.entries()[start:] if split.search.active else []
            if split.stream is not None:
                split.stream.page(page.file.src_uri, entries)
            built.append((entries, [_portable(r) for r in capture.records]))
        message: tuple = ("built", built, time.process_time() - cpu)
    except BaseException as exc:  # noqa: BLE001 - whatever happened, this process redoes it
        message = ("failed", f"{type(exc).__name__}: {exc}", 0.0)
    outbox.send(message)
    outbox.close()


class _Capture(logging.Handler):
    """In the worker: every record, kept to be said by the build's process."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    @classmethod
    def instead_of_handlers(cls) -> _Capture:
        capture = cls()
        for logger in (logging.getLogger(), logging.getLogger("mkdocs")):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
            logger.addHandler(capture)
        return capture

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _portable(record: logging.LogRecord) -> logging.LogRecord:
    """The record as text, so it survives pickling whatever its arguments were."""
    record.msg, record.args = record.getMessage(), None
    if record.exc_info:
        record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        record.exc_info = None
    return record


class _Silence(logging.Filter):
    """While this process passes over a page the worker builds, the plugins' events still run
    for it here: what they say is dropped (the worker's records say it of the real page)."""

    def __init__(self) -> None:
        super().__init__()
        self.on = False
        self.handlers: list[logging.Handler] = []

    def attach(self) -> None:
        self.handlers = [*logging.getLogger().handlers, *logging.getLogger("mkdocs").handlers]
        for handler in self.handlers:
            handler.addFilter(self)

    def detach(self) -> None:
        for handler in self.handlers:
            handler.removeFilter(self)
        self.handlers, self.on = [], False

    def filter(self, record: logging.LogRecord) -> bool:
        return not self.on


class _Quiet(logging.Filter):
    """MkDocs says "Page skipped … empty output" of each page the worker builds, and "Building
    page" of them twice: here those are dropped, the worker's records say the rest."""

    def __init__(self, uris: set[str]) -> None:
        super().__init__()
        self.uris = uris

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for prefix in ("Page skipped: '", "Building page "):
            if message.startswith(prefix):
                uri = message[len(prefix):].split("'", 1)[0]
                return uri not in self.uris
        return True


class _Renders:
    """A worker that renders every other page's Markdown while this process reads the pages.

    It is forked once the navigation is final and goes through the pages as MkDocs does up to
    Python-Markdown (`pre_page`, reading, `page_markdown`, rendering), sending each result as
    soon as it has it. This process still reads every page and runs `page_markdown` itself;
    for a page of the worker it takes the worker's HTML only when the Markdown and front-matter
    it reached are exactly those the worker rendered, and renders the page itself otherwise.

    Reading every page costs this process more than the worker, so the worker, done with its
    share, goes on with this process's pages from the last one back, while this process goes
    forward: `claims` holds [this process's next page, the worker's first], each page taken by
    whoever claims it first, under the array's lock."""

    def __init__(self, theirs: set[str], mine: dict[str, int], claims, process, inbox,
                 learn: Callable[[Any, Any], None]) -> None:
        self.theirs, self.process, self.inbox = theirs, process, inbox
        self.learn = learn  # keeps what the worker's analysis cache learnt
        self.mine, self.claims = mine, claims  # this process's share: its pages' places
        self.found: dict[str, tuple] = {}
        self.open = True
        self.taken = self.differed = self.garden_taken = self.stolen = 0

    @classmethod
    def fork(cls, owner: ParallelBuild, doc_files: Sequence[File], config: MkDocsConfig,
             files: Files) -> _Renders | None:
        share = doc_files[1::2]  # this process reads every page anyway, so the worker is ahead
        mine = doc_files[0::2]
        context = multiprocessing.get_context("fork")
        inbox, outbox = context.Pipe(duplex=False)
        claims = context.Array("i", [0, len(mine)])
        gc.freeze()  # see _Split.fork
        try:
            process = context.Process(target=_render_work, name="gardener-markdown",
                                      daemon=True,
                                      args=(owner, share, mine, claims, config, files, outbox))
            process.start()
        except OSError as exc:
            log.debug(f"gardener: no worker process ({exc}); Markdown rendered on one core")
            inbox.close()
            return None
        finally:
            gc.unfreeze()
            outbox.close()
        cache = getattr(owner.plugin, "cache", None)
        return cls({f.src_uri for f in share},
                   {f.src_uri: place for place, f in enumerate(mine)}, claims, process, inbox,
                   cache.put if cache is not None else lambda _key, _value: None)

    def take(self, page: Page, markdown: str) -> Rendered | None:
        uri = page.file.src_uri
        if self._awaited(uri) is None:
            return None
        worker_markdown, meta, rendered, _garden = self.found.pop(uri)
        if worker_markdown != markdown or meta != page.meta:
            self.differed += 1
            return None
        self.taken += 1
        return rendered

    def garden_markdown(self, page: Page, markdown: str) -> tuple[str, tuple] | None:
        """The worker's gardener Markdown of one of its pages, made from this very input, and
        what making it logged."""
        found = self._awaited(page.file.src_uri)
        garden = found[3] if found is not None else None
        if garden is None or garden[0] != markdown:
            return None
        self.garden_taken += 1
        return garden[1], garden[2]

    def _awaited(self, uri: str) -> tuple | None:
        """What the worker sent for one of its pages, once it has; None for a page not its or
        one it never sent (it stopped)."""
        if uri in self.mine:
            self._claim(uri)
        while self.open and self.inbox.poll():
            self._receive()  # what is sent: a worker blocked on a full pipe would wait for us
        if uri not in self.theirs:
            return None
        while uri not in self.found and self.open:
            self._receive()
        return self.found.get(uri)

    def _claim(self, uri: str) -> None:
        """This process's page, its own unless the worker has claimed it already."""
        place = self.mine.pop(uri)
        with self.claims.get_lock():
            if place < self.claims[1]:
                self.claims[0] = max(self.claims[0], place + 1)
                return
        self.theirs.add(uri)
        self.stolen += 1

    def _receive(self) -> None:
        try:
            message = self.inbox.recv()
        except (EOFError, OSError) as exc:
            message = (None, repr(exc))
        if message[0] is None:  # the worker stopped: this process renders the rest
            log.debug(f"gardener: the Markdown worker stopped ({message[1]})")
            self.open = False
            return
        uri, *result, learnt = message
        self.found[uri] = tuple(result)
        for key, value in learnt:
            self.learn(key, value)

    def finish(self) -> None:
        if self.process.is_alive() and self.open:
            self.process.kill()  # what it renders now would not be used
        self.inbox.close()
        self.process.join()
        log.debug(f"gardener: Markdown of {self.taken} of {len(self.theirs)} pages rendered by "
                  f"a worker ({self.differed} rendered again here: their Markdown differed; "
                  f"{self.stolen} taken from this process's share before it reached them); "
                  f"gardener's Markdown of {self.garden_taken} made there")


def _render_work(owner: ParallelBuild, share: list[File], theirs: list[File], claims,
                 config: MkDocsConfig, files: Files, outbox) -> None:
    """The Markdown worker: each page up to Python-Markdown, as MkDocs' `_populate_page`; its
    own share, then the build's pages it claims before the build reaches them (`theirs`, from
    the last back)."""
    owner._renders = None  # this process's own pages are rendered here, not asked for
    capture = _Capture.instead_of_handlers()
    owner.garden_io, owner.capture = {}, capture
    try:
        for file in share:
            outbox.send(_rendered_here(owner, file, config, files, capture))
        while True:
            with claims.get_lock():
                place = claims[1] - 1
                if place < claims[0]:
                    break  # the build has reached every page left
                claims[1] = place
            outbox.send(_rendered_here(owner, theirs[place], config, files, capture))
        outbox.send((None, "done"))
    except BaseException as exc:  # noqa: BLE001 - the build renders the rest itself
        outbox.send((None, f"{type(exc).__name__}: {exc}"))
    outbox.close()


def _rendered_here(owner: ParallelBuild, file: File, config: MkDocsConfig, files: Files,
                   capture: _Capture) -> tuple:
    """One page as the Markdown worker sends it: its address, Markdown, front-matter, HTML and
    what making gardener's Markdown of it logged."""
    cache = getattr(owner.plugin, "cache", None)
    known = len(cache.entries) if cache is not None else 0
    page = file.page if file.page is not None else Page(None, file, config)
    config._current_page = page
    page = config.plugins.on_pre_page(page, config=config, files=files)
    page.read_source(config)
    page.markdown = config.plugins.on_page_markdown(
        page.markdown or "", page=page, config=config, files=files)
    capture.records = []  # the rest is said by the build's own reading of the page
    page.render(config, files)
    links = page.links_to_anchors
    rendered = Rendered(
        page.content or "", page.toc, page._title_from_render, page.present_anchor_ids,
        None if links is None else {f.src_uri: dict(v) for f, v in links.items()},
        tuple(_portable(r) for r in capture.records))
    # what the analysis cache learnt making this page (its mentions): kept by the build too, so
    # the next build finds it whichever process then reads the page
    learnt = list(islice(reversed(cache.entries.items()), len(cache.entries) - known)) \
        if cache is not None else []
    return (file.src_uri, page.markdown, page.meta, rendered,
            (owner.garden_io or {}).pop(file.src_uri, None), learnt)
