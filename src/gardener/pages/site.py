"""Everything gardener adds to a site, independent of any site builder.

`GardenSite` holds the analysed garden and answers three questions: which extra files exist
(home, glossary, timeline, styles, script), which pages stay out of navigation and search, and
what each page's Markdown becomes. The MkDocs plugin asks them during a build; `gardener export`
asks them once and writes the answers to disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from gardener.garden.cache import AnalysisCache, digest
from gardener.garden.concepts.index import ConceptIndex, analyse_concepts
from gardener.garden.loading import Garden, load_garden
from gardener.garden.timeline.build import Timeline, build_timeline
from gardener.garden.concepts.matcher import POLICIES, find_mentions
from gardener.pages.links import link_mentions
from gardener.articles.model import Article, Concept, Diagnostic
from gardener.text.cjk import has_cjk
from gardener.text.pinyin import spellings
from gardener.pages import glossary, home, timeline as timeline_page
from gardener.pages.article import concepts_footer, decorate
from gardener.pages.common import rel_link
from gardener.pages.concept import BACKLINKS_SHOWN, emit_concept_sections

CSS = "assets/gardener/gardener.css"
TIMELINE_CSS = "assets/gardener/timeline.css"
TIMELINE_JS = "assets/gardener/timeline.js"


@dataclass(frozen=True)
class SiteOptions:
    articles_dir: str = "articles"
    concepts_dir: str = "concepts"
    home: bool = True
    article_header: bool = True
    link_policy: str = "first"
    link_headings: bool = False
    glossary: bool = True
    timeline: bool = True
    timeline_file: Path | None = None
    timeline_name: str | None = None
    concepts_in_nav: bool = False
    site_name: str = "知识花园"


def _fingerprint(text: str) -> tuple[int, int]:
    """A cheap in-memory key for a page's text (these keys never reach the disk cache)."""
    return hash(text), len(text)


def extra_css(options: SiteOptions) -> list[str]:
    return [CSS, TIMELINE_CSS] if options.timeline else [CSS]


def extra_javascript(options: SiteOptions) -> list[str]:
    return [TIMELINE_JS] if options.timeline else []


class GardenSite:
    def __init__(self, docs_dir: Path, options: SiteOptions, cache: AnalysisCache | None = None):
        self.options = options
        self.cache = cache or AnalysisCache()
        self.garden: Garden = load_garden(docs_dir, options.articles_dir, options.concepts_dir,
                                          self.cache)
        self.concepts: ConceptIndex = analyse_concepts(
            self.garden, link_headings=options.link_headings, cache=self.cache)
        self.timeline = Timeline(())
        if options.timeline:
            self.timeline = build_timeline(self.garden, self.concepts.matcher,
                                           options.timeline_file, options.timeline_name,
                                           self.cache, self.concepts.signature)
        self._events_by_concept: dict[str, list] = {}
        for event in timeline_page.shown_events(self.timeline.events):
            for slug in event.concepts:
                self._events_by_concept.setdefault(slug, []).append(event)
        self._articles = {a.path: a for a in self.garden.articles}
        self._signature = digest(repr((
            options, [(c.slug, c.path, c.title, c.summary, c.aliases, c.link_policy)
                      for c in self.garden.concepts])))
        self._concepts = {c.path: c for c in self.garden.concepts}
        self._by_slug = {c.slug: c for c in self.garden.concepts}
        self._overrides = {c.slug: c.link_policy for c in self.garden.concepts
                           if c.link_policy in POLICIES}

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return self.garden.diagnostics + self.timeline.diagnostics

    def generated(self, existing: set[str]) -> dict[str, str]:
        """Docs-relative path -> content of every file gardener adds. Each page is rendered
        again only when what it shows has changed."""
        files = {CSS: resources.files("gardener").joinpath("assets/gardener.css")
                 .read_text(encoding="utf-8")}
        listed = tuple((a.path, a.title, a.date, a.authors, a.listed) for a in self.garden.articles)
        if self.options.home and home.PATH not in existing:
            key = ("home", self.options, listed, len(self.garden.concepts))
            files[home.PATH] = self.cache.get(key, lambda: home.emit_home(
                self.garden, self.options.site_name, **self._home_links()), persist=False)
        if self.options.glossary:
            counts = tuple(len(self.concepts.backlinks.get(c.slug, ())) for c in self.garden.concepts)
            key = ("glossary", self._signature, counts)
            files[glossary.PATH] = self.cache.get(key, lambda: glossary.emit_glossary(
                self.garden, self.concepts, self._pinyin()), persist=False)
        if self.options.timeline:
            key = ("timeline", self._signature, listed, hash(self.timeline.events))
            files[timeline_page.PATH] = self.cache.get(key, lambda: timeline_page.emit_timeline(
                self.timeline.events, self.garden), persist=False)
            files[TIMELINE_CSS] = timeline_page.timeline_css()
            files[TIMELINE_JS] = timeline_page.timeline_js()
        return files

    def _pinyin(self) -> dict[str, str]:
        titles = tuple(sorted({c.title for c in self.garden.concepts}))
        return self.cache.get(("pinyin", titles), lambda: spellings(titles))

    def _home_links(self) -> dict[str, bool]:
        return {"glossary": self.options.glossary, "timeline": self.options.timeline}

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
        article = self._articles.get(path)
        return article is not None and not article.listed

    def manages(self, path: str) -> bool:
        """Articles and concept notes: the pages whose front-matter gardener reads."""
        return path in self._articles or path in self._concepts

    def article(self, path: str) -> Article | None:
        return self._articles.get(path)

    def page_markdown(self, path: str, markdown: str) -> str:
        """A page's Markdown with everything gardener adds; other pages come back unchanged.

        Rendered pages are kept in memory under a key of everything they depend on, so a
        rebuild after one edit renders only the pages whose inputs changed."""
        article = self._articles.get(path)
        if article is not None:
            key = ("page", path, _fingerprint(markdown), self._signature,
                   self.garden.digests.get(path), self._duplicate_title(article))
            return self.cache.get(key, lambda: self._article_page(article, markdown),
                                  persist=False)
        concept = self._concepts.get(path)
        if concept is not None:
            key = ("page", path, _fingerprint(markdown), self._signature,
                   self._concept_inputs(concept))
            return self.cache.get(key, lambda: self._concept_page(concept, markdown),
                                  persist=False)
        return home.fill_marker(markdown, self.garden, path, **self._home_links())

    def _duplicate_title(self, article: Article) -> str | None:
        original = self.garden.article(article.duplicate_of) if article.duplicate_of else None
        return original.title if original else None

    def _concept_inputs(self, concept: Concept) -> int:
        links = self.concepts.backlinks.get(concept.slug, ())
        shown = tuple((b.article.path, b.article.title, b.article.date, b.count, b.snippet)
                      for b in links[:BACKLINKS_SHOWN])
        related = self.concepts.cooccurring.get(concept.slug, ())[:len(concept.related) + 8]
        events = tuple(self._events_by_concept.get(concept.slug, ()))
        return hash((shown, len(links), related, events))

    def _article_page(self, article: Article, markdown: str) -> str:
        linked = self.link(path=article.path, markdown=markdown, exclude=())
        if self.options.article_header:
            linked = decorate(article, self.garden, linked)
        return linked + concepts_footer(article, self.garden, self.concepts)

    def _concept_page(self, concept: Concept, markdown: str) -> str:
        linked = self.link(path=concept.path, markdown=markdown, exclude=(concept.slug,))
        parts = [linked, emit_concept_sections(concept, self.garden, self.concepts)]
        if self.options.timeline:
            parts.append(timeline_page.emit_concept_timeline(
                self._events_by_concept.get(concept.slug, ()), concept.slug, self.garden,
                concept.path))
        return "\n\n".join(p for p in parts if p)

    def link(self, *, path: str, markdown: str, exclude) -> str:
        """Concept links in one page's Markdown; the source file is never touched."""
        # Not cached: the rendered page is (in memory), and a mention list is large.
        mentions = find_mentions(markdown, self.concepts.matcher,
                                 headings=not self.options.link_headings)
        return link_mentions(
            markdown, mentions, policy=self.options.link_policy, exclude=exclude,
            overrides=self._overrides,
            href=lambda slug: rel_link(path, self._by_slug[slug].path),
            title=lambda slug: self._by_slug[slug].summary,
        )
