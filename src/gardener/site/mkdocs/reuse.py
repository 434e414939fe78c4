"""Served rebuilds that take each unchanged page from the build before.

`mkdocs serve` builds the whole site again after every save. Three steps cost nearly all of a
rebuild, and each is a function of what it is given:

- Python-Markdown (`Page.render`): of the page's final Markdown, its file and front-matter, the
  config and the site's files (links are resolved against them);
- Material's search (`on_page_context`): of the page's HTML, table of contents, address, title
  and front-matter, the plugin's options and the words jieba was taught;
- the theme's template: of the template context (the page, the navigation with every page's
  title, address and front-matter, the config) and the theme's files.

Each result is kept under a fingerprint of those inputs (`fingerprint.py`: a digest of the
objects themselves, not of chosen fields) and reused while the fingerprint is the same. What a
page shows of other pages it sees through the navigation, so the navigation is fingerprinted
once per build without the other pages' text (their Markdown, HTML and table of contents): a
theme that printed another page's text would need `reuse_served_pages: false`. The build time
MkDocs puts in every context (`build_date_utc`) is left out: it is not an input of a page.

Only the results of the build before are kept, so memory stays that of one build.

Three costs of a served rebuild are MkDocs' own and do not depend on what changed: emptying the
served folder and writing every page and asset into it again, compiling the theme's templates
again for a fresh Jinja environment, and listing the theme's files. The served folder is kept
between rebuilds and only the files that changed are written (`served_folder.py`), compiled
templates are kept by Jinja's own bytecode cache, which compiles a template again whenever its
source changes, and the theme's files are listed again only when its folders change
(`theme_files.py`).
"""

from __future__ import annotations

import gc
import logging
import os
import sysconfig
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure import StructureItem
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from gardener.site.mkdocs.fingerprint import Fingerprint, Unstable
from gardener.site.mkdocs.front_matter import FrontMatter
from gardener.site.mkdocs.search_entries import SearchEntries
from gardener.site.mkdocs.served_folder import ServedFolder
from gardener.site.mkdocs.theme_files import ThemeListing

log = logging.getLogger("mkdocs.plugins.gardener")

# Other pages' own text: never shown by a page's template (see the module's docstring).
OTHER_PAGES_TEXT = frozenset({"content", "markdown", "toc", "present_anchor_ids",
                              "links_to_anchors", "_content"})
TEMPLATE = "gardener/served-page.html"  # every page's template while reuse is on
RENDER = "gardener_served_page"
_NOT_INPUTS = ("build_date_utc", RENDER)
# What every page's template sees of the rest of the site, fingerprinted once per build. A
# page's own values (its front-matter, its table of contents) are always read afresh.
_SHARED = (StructureItem, File, Navigation, Config, BasePlugin)
# Plugins whose page_context handlers change a page only in its content (see
# page_kept_between).
GARDENER = "gardener.site.mkdocs.plugin.GardenerPlugin"
PAGE_READERS = frozenset({"material.plugins.search.plugin.SearchPlugin",
                          "material.plugins.tags.plugin.TagsPlugin"})


def content_only(handler):
    """Marks a page_context handler of gardener's own that changes a page only in its content,
    so it may run between gardener's two (see page_kept_between)."""
    handler.gardener_content_only = True
    return handler


@dataclass(frozen=True)
class Rendered:
    """What `Page.render` leaves on a page."""
    content: str
    toc: Any
    title: str | None
    anchors: set[str] | None
    links: dict[str, dict[str, str]] | None  # target's src_uri -> {anchor: link as written}
    records: tuple[logging.LogRecord, ...]  # what it logged, said again when reused


@dataclass(frozen=True)
class Searched:
    """What Material's search made of a page: its entries, and its content after (None: the
    content it was given)."""
    entries: list
    content: str | None


class Generations:
    """Results of the last finished build, and of this one so far."""

    def __init__(self) -> None:
        self.before: dict[bytes, Any] = {}
        self.now: dict[bytes, Any] = {}

    def start(self) -> None:
        # a build that failed half-way leaves its results in `now`: keep both
        self.before, self.now = {**self.before, **self.now}, {}

    def get(self, key: bytes) -> Any:
        found = self.now.get(key)
        if found is None and key in self.before:
            found = self.now[key] = self.before[key]
        return found

    def put(self, key: bytes, value: Any) -> None:
        self.now[key] = value

    def finish(self) -> None:
        self.before, self.now = self.now, {}


class ServedPages:
    """The reuse of one serving process, driven by the plugin's events."""

    def __init__(self) -> None:
        self.renders, self.searches, self.outputs = Generations(), Generations(), Generations()
        self.counts: dict[str, int] = {}
        self._capture = _Capture()
        self._build: _Build | None = None
        self._compiled = _Compiled()
        self._collector = IdleCollector()
        self.front_matter = FrontMatter()
        self.folder = ServedFolder()
        self._template_output: tuple[str, str] | None = None  # the page last templated
        self.theme = ThemeListing(theme_stamp)

    def start(self, config: MkDocsConfig) -> None:
        for kept in (self.renders, self.searches, self.outputs):
            kept.start()
        self.counts = dict.fromkeys(("render", "search", "template", "reused_render",
                                     "reused_search", "reused_template"), 0)
        self._collector.pause()
        self._build = _Build(config)
        self._capture.attach()
        self.front_matter.start()

    def finish(self) -> None:
        self.folder.finish()
        self._capture.detach()
        self.front_matter.finish()
        self.counts.update(front_matter=self.front_matter.parsed,
                           reused_front_matter=self.front_matter.reused,
                           written=self.folder.written, kept_files=self.folder.kept,
                           removed_files=self.folder.removed,
                           kept_unencoded=self.folder.unencoded,
                           theme_listed=self.theme.listed, theme_reused=self.theme.reused)
        self.theme.listed = self.theme.reused = 0  # counted from on_config, before start
        for kept in (self.renders, self.searches, self.outputs):
            kept.finish()
        self._build = None
        self._collector.resume()

    def abandon(self) -> None:
        """A build failed: what it made is kept (see Generations.start), nothing else."""
        self.folder.finish(sweep=False)
        self._capture.detach()
        self.front_matter.finish(succeeded=False)
        self._build = None
        self._collector.resume()

    # -- Python-Markdown

    def before_render(self, page: Page, markdown: str, config: MkDocsConfig,
                      files: Files) -> None:
        """Called last in on_page_markdown with the final Markdown (MkDocs sets page.markdown
        to it only after the event)."""
        build = self._build
        if build is None:
            return
        key = build.render_key(page, markdown, config, files)
        if key is None:
            return
        found = self.renders.get(key)
        if found is not None:
            self.counts["reused_render"] += 1
            # MkDocs has no event that skips Python-Markdown, and only making its Markdown
            # instance costs ~2 ms a page: this page, in this build only, renders from memory.
            page.render = partial(_restore, page, found)  # type: ignore[method-assign]
            return
        self.counts["render"] += 1
        build.rendering[page.file.src_uri] = key
        self._capture.records = []

    def after_render(self, page: Page) -> None:
        """Called first in on_page_content: page.content is what Python-Markdown made."""
        key = self._build.rendering.pop(page.file.src_uri, None) if self._build else None
        records, self._capture.records = self._capture.records, None
        if key is None:
            return
        links = page.links_to_anchors
        self.renders.put(key, Rendered(
            page.content or "", page.toc, page._title_from_render, page.present_anchor_ids,
            None if links is None else {f.src_uri: dict(v) for f, v in links.items()},
            tuple(records or ())))

    # -- the served folder

    def page_output(self, page: Page, output: str) -> str:
        """Called by the last post_page handler: what MkDocs is to write for the page."""
        made, self._template_output = self._template_output, None
        if self._build is None or not self._build.own_post_page:
            return output
        # only gardener's handlers (pure functions of the HTML) ran since the template
        source = made[1] if made is not None and made[0] == page.file.src_uri else None
        return self.folder.page_written(page.file.abs_dest_path, output, source)

    def keep_folder(self, site_dir: str) -> None:
        """Called before MkDocs empties the served folder: keep it, write only what changes."""
        self.folder.start(site_dir)

    def close(self) -> None:
        """The server stops."""
        self._collector.close()
        self.folder.finish(sweep=False)

    # -- templates and search

    def route_templates(self, env: jinja2.Environment, files: Files) -> None:
        """Called in on_env: every page renders through a template that asks this object."""
        build = self._build
        if build is None:
            return
        env.bytecode_cache = self._compiled
        env.loader = jinja2.ChoiceLoader([
            jinja2.DictLoader({TEMPLATE: "{{ " + RENDER + "() }}"}),
            *([env.loader] if env.loader is not None else [])])
        build.env = env
        for file in files.documentation_pages():
            if file.page is not None:
                build.templates[file.src_uri] = file.page.meta.get("template")
                file.page.meta["template"] = TEMPLATE

    def before_context(self, context: dict, page: Page) -> None:
        """Called early in on_page_context, before the search plugin reads the page."""
        build = self._build
        if build is None or page.file.src_uri not in build.templates:
            return
        restore_template(page, build.templates[page.file.src_uri])
        build.page_key(page)
        if not build.search.active:
            return
        key = build.search_key(page)
        found: Searched | None = None if key is None else self.searches.get(key)
        build.searching[page.file.src_uri] = (key, found, page.content)
        if found is None:
            build.search.watch(page)
            return
        build.search.skip(page)
        if build.page_kept:
            # Material's search still runs a pattern over a page it skips (0.1-0.2 s a rebuild);
            # nothing else before after_context reads the content, which is put back there.
            page.content = ""

    def after_context(self, context: dict, page: Page) -> None:
        """Called last in on_page_context: the context is what the template will see."""
        build = self._build
        if build is None or page.file.src_uri not in build.templates:
            return
        searched = build.searching.pop(page.file.src_uri, None)
        if searched is not None:
            key, found, content = searched
            if found is not None and build.page_kept:
                page.content = content if found.content is None else found.content
            entries = build.search.done(page, None if found is None else found.entries)
            self.counts["reused_search" if found is not None else "search"] += 1
            if found is None and key is not None:
                # the content as search and the plugins between left it: a function of the
                # page, which the key holds (kept only when it changed)
                after = None if page.content is content else page.content
                self.searches.put(key, Searched(list(entries), after))
        name = page.meta.get("template", "main.html")
        key = build.output_key(page, context, name)
        context[RENDER] = partial(self._output, build, key, name, context)

    def _output(self, build: _Build, key: bytes | None, name: str, context: dict) -> str:
        found = None if key is None else self.outputs.get(key)
        if found is None:
            self.counts["template"] += 1
            found = build.env.get_template(name).render(context)
            if key is not None:
                self.outputs.put(key, found)
        else:
            self.counts["reused_template"] += 1
        page = context.get("page")
        self._template_output = (page.file.src_uri, found) if isinstance(page, Page) else None
        if build.env.autoescape is False:
            # MkDocs' own setting: the page passes through Jinja as the same string object,
            # where Markup would copy it twice (~0.15 s of a rebuild at 1,000 pages)
            return found
        return Markup(found)


class _Build:
    """What one build fingerprints once and shares among its pages."""

    def __init__(self, config: MkDocsConfig) -> None:
        self.search = SearchEntries(config)
        self.env: jinja2.Environment = jinja2.Environment()
        self.templates: dict[str, str | None] = {}
        self.rendering: dict[str, bytes] = {}
        # src_uri -> the page's search key, its entries if known, its content before search
        self.searching: dict[str, tuple[bytes | None, Searched | None, str | None]] = {}
        self._files: Fingerprint | None = None
        self._site: Fingerprint | None = None
        self._shared: dict[int, int] = {}
        self._search_settings: bytes | None = None
        self._file_refs: dict[int, int] = {}
        self._unstable = False
        self.page_kept = page_kept_between(config)
        self.steady = steady_after_render(config)
        self.own_post_page = own_post_page(config)
        # src_uri -> the page's render key and its neighbours in the navigation
        self.rendered: dict[str, tuple[bytes, list[StructureItem]]] = {}
        # src_uri -> the page's fingerprint as its context was made, and its neighbours
        self.pages: dict[str, tuple[bytes, list[StructureItem]]] = {}

    def render_key(self, page: Page, markdown: str, config: MkDocsConfig,
                   files: Files) -> bytes | None:
        neighbours: list[StructureItem] = []
        try:
            if self._files is None:
                self._files = Fingerprint(OTHER_PAGES_TEXT | {"page"}, opaque=_stand_in)
                self._files.add((config, list(files)))
                self._file_refs = self._files.references((File, Config))
            # Python-Markdown reads the page, never its place among the other pages
            key = Fingerprint(OTHER_PAGES_TEXT, known=self._file_refs,
                              opaque=partial(_neighbour, neighbours)).add(
                self._files.digest()).add(page).add(markdown).digest()
        except Unstable as why:
            return self._no_reuse(why)
        self.rendered[page.file.src_uri] = (key, neighbours)
        return key

    def _files_digest(self) -> bytes:
        # the numbers of the files named in a key mean something only with the files' digest
        return self._files.digest() if self._files is not None else b""

    def page_key(self, page: Page) -> None:
        """Called as the page's context is made: the page in full but for its neighbours in
        the navigation, which are noted (its search reads the page alone; its template also
        reads the neighbours, fingerprinted with the navigation)."""
        rendered = self.rendered.pop(page.file.src_uri, None)
        try:
            if rendered is not None and self.steady:
                # the page as it was rendered, its render (a function of that), and what the
                # known handlers since may have changed
                digest = Fingerprint(OTHER_PAGES_TEXT, known=self._file_refs,
                                     opaque=_stand_in).add(self._files_digest()).add(
                    rendered[0]).add(page.content).add(page.markdown).add(page.meta).digest()
                self.pages[page.file.src_uri] = (digest, rendered[1])
                return
            neighbours: list[StructureItem] = []
            digest = Fingerprint(OTHER_PAGES_TEXT, known=self._file_refs,
                                 opaque=partial(_neighbour, neighbours)).add(
                self._files_digest()).add(page).digest()
        except Unstable as why:
            self._no_reuse(why)
            return
        self.pages[page.file.src_uri] = (digest, neighbours)

    def search_key(self, page: Page) -> bytes | None:
        kept = self.pages.get(page.file.src_uri)
        if kept is None:
            return None
        if self._search_settings is None:
            try:
                self._search_settings = Fingerprint().add(self.search.settings()).digest()
            except Unstable as why:
                return self._no_reuse(why)
        return Fingerprint().add(kept[0]).add(self._search_settings).digest()

    def output_key(self, page: Page, context: dict, name: str) -> bytes | None:
        """The template's inputs: the page itself in full, everything else through the
        navigation, the files and the config, fingerprinted once for all pages."""
        try:
            if self._site is None:
                roots = (context.get("nav"), context.get("pages"), context.get("config"))
                self._site = Fingerprint(OTHER_PAGES_TEXT, opaque=_stand_in).add(
                    (roots, theme_stamp(context.get("config"))))
                self._shared = self._site.references(_SHARED, *roots)
            inputs = {k: v for k, v in context.items() if k not in _NOT_INPUTS}
            kept = self.pages.pop(page.file.src_uri, None)
            known = self._shared
            if kept is not None and self.page_kept and id(page) in known and \
                    all(id(n) in known for n in kept[1]):
                # the page as its context was made, its neighbours by their place in the
                # navigation, and its content as the plugins between left it
                return Fingerprint(OTHER_PAGES_TEXT, known=known, opaque=_stand_in).add(
                    self._site.digest()).add(kept[0]).add([known[id(n)] for n in kept[1]]).add(
                    page.content).add(inputs).add(name).digest()
            return Fingerprint(OTHER_PAGES_TEXT, known=known, opaque=_stand_in).add(
                self._site.digest()).add(page).add(inputs).add(name).digest()
        except Unstable as why:
            return self._no_reuse(why)

    def _no_reuse(self, why: Unstable) -> bytes | None:
        if not self._unstable:
            log.debug(f"gardener: this rebuild reuses nothing: {why}")
            self._unstable = True
        return None


def page_kept_between(config: MkDocsConfig) -> bool:
    """Whether every handler of page_context between gardener's two (as the context is made,
    and once it is final) belongs to a plugin known to leave the page as it was, but for its
    content (kept in the key as it is then): Material's search (reads the page, drops
    `data-search-*` attributes from its content), tags (adds to the context) and gardener's
    handlers marked `content_only`. Each leaves a content that is a function of the page, so
    for a page whose search entries are reused, the content they left in the build before is
    put back instead of making them work on it again."""
    handlers = list(config.plugins.events.get("page_context", ()))
    names = _names(handlers)
    if "_reuse_before_context" not in names or "_reuse_after_context" not in names:
        return False
    between = handlers[names.index("_reuse_before_context") + 1:
                       names.index("_reuse_after_context")]
    return all(_owner(h) in PAGE_READERS or getattr(h, "gardener_content_only", False)
               for h in between)


def steady_after_render(config: MkDocsConfig) -> bool:
    """Whether a page changes between its render key (the last of page_markdown) and its
    context (gardener's first page_context handler) only by MkDocs' render and the handlers of
    gardener and of the plugins in PAGE_READERS, which change no more than its content,
    Markdown or front-matter (Material's tags fills its listing pages' content in on_env).
    Then a page's fingerprint as its context is made is its render key and those three."""
    events = config.plugins.events
    if _names(events.get("page_markdown", ()))[-1:] != ["_reuse_markdown"]:
        return False
    context = list(events.get("page_context", ()))
    names = _names(context)
    if "_reuse_before_context" not in names:
        return False
    between = [*events.get("page_content", ()), *events.get("env", ()),
               *context[:names.index("_reuse_before_context")]]
    return all(_owner(h) in PAGE_READERS or _owner(h) == GARDENER for h in between)


def own_post_page(config: MkDocsConfig) -> bool:
    """Whether gardener alone handles post_page, last the handler whose result MkDocs writes
    (its handlers before are pure functions of the page's HTML)."""
    handlers = list(config.plugins.events.get("post_page", ()))
    return _names(handlers)[-1:] == ["_hand_over_page"] and \
        all(_owner(h) == GARDENER for h in handlers)


def _names(handlers) -> list[str]:
    return [getattr(h, "__name__", "") for h in handlers]


def _owner(handler: object) -> str:
    kind = type(getattr(handler, "__self__", None))
    return f"{kind.__module__}.{kind.__qualname__}"


def restore_template(page: Page, original: str | None) -> None:
    """Give a page back the template its front-matter named (none: the theme's default)."""
    if original is None:
        page.meta.pop("template", None)
    else:
        page.meta["template"] = original


def _restore(page: Page, found: Rendered, config: MkDocsConfig, files: Files) -> None:
    del page.render  # the page is a page like any other again: MkDocs' own method
    page.content = found.content
    page.toc = found.toc
    page._title_from_render = found.title
    page.present_anchor_ids = found.anchors
    if found.links is not None:
        # the files of this build: the keys hold the same files, or the key would differ
        known = files.src_uris  # the keys are src_uris already: no path to normalise
        targets = {uri: known.get(uri) for uri in found.links}
        page.links_to_anchors = {target: dict(found.links[uri])
                                 for uri, target in targets.items() if target is not None}
    for record in found.records:
        logging.getLogger(record.name).handle(record)


def _stand_in(value: object) -> object | None:
    # A plugin object holds its last build (gardener's holds the whole garden); what pages
    # may depend on is its options.
    if isinstance(value, BasePlugin):
        return dict(value.config)
    return None


def _neighbour(found: list[StructureItem], value: object) -> object | None:
    """A page's neighbours in the navigation are noted, not walked."""
    if isinstance(value, StructureItem):
        found.append(value)
        return "a neighbour in the navigation"
    return _stand_in(value)


def theme_stamp(config) -> list[tuple[str, int, int]]:
    """Size and time of every template a page may include. An installed theme is the same
    while a server runs (reinstalling replaces its folder), so its folder stands for it; a
    theme's files inside the project are read one by one."""
    if config is None:
        return []
    installed = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    stamp = []
    for folder in config.theme.dirs:
        if any(Path(folder).is_relative_to(base) for base in installed):
            info = os.stat(folder)
            stamp.append((folder, info.st_mtime_ns, 0))
            continue
        for root, _dirs, names in os.walk(folder):
            for name in sorted(names):
                path = os.path.join(root, name)
                info = os.stat(path)
                stamp.append((path, info.st_mtime_ns, info.st_size))
    return stamp


class IdleCollector:
    """Python's cycle collector, kept out of served rebuilds. A warm rebuild makes little, but
    the serving process holds a large heap (every page's kept results, the garden), and a full
    collection walks it all: 0.2-0.3 s at 1,000 articles, which a rebuild waits for when a save
    lands while it runs. So what exists when a rebuild starts is frozen (collections pass over
    it), and stays frozen after it:

    - `delay` seconds after a rebuild, a young collection frees the cycles the rebuild left
      (MkDocs' pages and files point at each other), walking only what it made;
    - after `quiet` seconds without a rebuild, and after every `full_every`-th rebuild, the heap
      is thawed and collected in full, so cycles among older objects (results a rebuild
      replaced) are freed too.
    """

    def __init__(self, delay: float = 1.0, quiet: float = 10.0, full_every: int = 10) -> None:
        self.delay, self.quiet, self.full_every = delay, quiet, full_every
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()  # a collection never runs between pause and resume
        self._rebuilds = 0
        self.young = self.full = 0  # collections done, by kind

    def pause(self) -> None:
        with self._lock:
            self._cancel()
            gc.freeze()

    def resume(self) -> None:
        with self._lock:
            self._cancel()
            self._rebuilds += 1
            full = self._rebuilds % self.full_every == 0
            self._start(self.delay, self._collect_full if full else self._collect_young)

    def close(self) -> None:
        with self._lock:
            self._cancel()
            gc.unfreeze()

    def _collect_young(self, timer: threading.Timer) -> None:
        with self._lock:
            if timer is not self._timer:
                return  # a rebuild began meanwhile
            gc.collect()
            self.young += 1
            self._start(self.quiet, self._collect_full)

    def _collect_full(self, timer: threading.Timer) -> None:
        with self._lock:
            if timer is not self._timer:
                return
            self._timer = None
            gc.unfreeze()
            gc.collect()
            self.full += 1

    def _start(self, delay: float, collect: Callable[[threading.Timer], None]) -> None:
        timer = threading.Timer(delay, lambda: collect(timer))
        timer.daemon = True
        timer.name = "gardener-idle-collection"
        self._timer = timer
        timer.start()

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates, from one build's environment to the next. Jinja keys each by its
    name and file and checks the source's checksum before using it."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


class _Capture(logging.Handler):
    """Keeps what Python-Markdown logs for a page, to say it again when the page is reused."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] | None = None

    def attach(self) -> None:
        logger = logging.getLogger("mkdocs")
        if self not in logger.handlers:
            logger.addHandler(self)

    def detach(self) -> None:
        logging.getLogger("mkdocs").removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        if self.records is not None:
            self.records.append(record)
