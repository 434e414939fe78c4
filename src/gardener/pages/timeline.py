"""The /timeline/ page and the "时间线" section of concept pages.

``inputs`` picks what a page shows from the events and the garden; ``emit`` and
``emit_section`` write it. The page's years and months are Markdown headings inside md_in_html
blocks (so they are in the page's table of contents); each month's events are HTML, written
here with their links resolved (`relative_url`), one `packed_html` block per month:
Python-Markdown then passes a thousand events over as a few hundred comments instead of parsing
each one's tags (the page took 0.8 s to render at 1,225 events). Each event is a
``<div class="gd-event">`` whose data attributes carry its concepts and tags, written as
Python-Markdown would write it. The filter bar is plain HTML that starts hidden;
``timeline_js()`` (assets/timeline.js, shipped by the plugin as an extra_javascript file, no
inline script and nothing fetched) reveals it and filters or reverses the events.
``timeline_css()`` styles both with Material's own colour variables, so light and dark schemes
follow. Unresolved events (no year) are never shown.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from gardener.articles.model import Event, EventKind, FrozenMap
from gardener.garden.timeline.extract import confident
from gardener.pages.common import ArticleRef, ConceptRef, asset, packed_html
from gardener.pages.urls import relative_url
from gardener.text.dates import PartialDate
from gardener.text.markdown import one_line

if TYPE_CHECKING:
    from gardener.pages.view import GardenView

__all__ = [
    "PATH",
    "date_label",
    "emit",
    "emit_section",
    "inputs",
    "shown_events",
    "timeline_css",
    "timeline_js",
]

PATH = "timeline.md"
TITLE = "时间线"

_QUALIFIER_ORDER = {"before": 0, "early": 1, None: 2, "mid": 3, "late": 4, "after": 5}
_KIND_ORDER = {EventKind.CURATED: 0, EventKind.EVENT: 1, EventKind.PUBLICATION: 2}
_EDGE_WORDS = {"early": "初", "mid": "中", "late": "底"}
_SIDE_WORDS = {"before": " 之前", "after": " 之后"}

_HREF_ESCAPES = str.maketrans({" ": "%20", "<": "%3C", ">": "%3E", "\t": "%09"})

def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def shown_events(events: Iterable[Event]) -> list[Event]:
    """The events a page shows, oldest first: those placed in a known year, and confident
    enough (the rest are listed by `gardener check`)."""
    placed = (e for e in events if e.resolved and e.date.year is not None and confident(e))
    return sorted(placed, key=_order)


def _order(event: Event) -> tuple:
    # Ties keep the caller's order, which for mined events is reading order.
    return (event.date.sort_key(), _QUALIFIER_ORDER.get(event.qualifier, 2),
            _KIND_ORDER.get(event.kind, 1))


def date_label(event: Event) -> str:
    """"2017-06", "2022-12-01", "2020 年初", "2021 之前", "2017-06 至 2017-07"."""
    label = _point_label(event.date, event.qualifier)
    if event.end_date is not None and event.end_date != event.date:
        label += f" 至 {event.end_date.iso()}"
    return label


def _point_label(date: PartialDate, qualifier: str | None) -> str:
    if qualifier in _SIDE_WORDS:
        return date.iso() + _SIDE_WORDS[qualifier]
    edge = _EDGE_WORDS.get(qualifier, "") if qualifier is not None else ""
    if date.precision == "year":
        return f"{date.year} 年{edge}"
    if edge and date.precision == "month":
        # "2022-12 初" reads badly; the words say it as people do.
        return f"{date.year} 年 {date.month} 月{edge}"
    return date.iso()


@dataclass(frozen=True)
class TimelineInputs:
    events: tuple[Event, ...]  # the shown events, in page order
    articles: tuple[ArticleRef, ...]  # the articles they cite that a build includes
    concepts: tuple[ConceptRef, ...]  # the concepts they name
    tags: FrozenMap  # article slug -> its tags, for the filter (the whole page only)
    directory_urls: bool = True  # how the site names pages, for the links written as HTML


def inputs(view: GardenView, concept: str | None = None) -> TimelineInputs:
    """The timeline page's inputs; with a concept slug, those of that concept's section."""
    whole = concept is None
    shown = view.shown if concept is None else view.events_by_concept.get(concept, ())
    cited = sorted({slug for event in shown for slug in event.sources} & view.readable.keys())
    named = sorted({slug for event in shown for slug in event.concepts} & view.concepts.keys()
                   if whole else ())
    return TimelineInputs(
        tuple(shown),
        tuple(view.article_refs[view.readable[slug].path] for slug in cited),
        tuple(view.concept_refs[slug] for slug in named),
        FrozenMap({slug: view.readable[slug].tags for slug in cited} if whole else {}),
        view.options.use_directory_urls)


class _Links:
    """Links to concepts and source articles from one page, as the HTML Python-Markdown writes
    of Markdown links to them once the builder has resolved them."""

    def __init__(self, page: TimelineInputs, page_path: str) -> None:
        self.page_path = page_path
        self.directory_urls = page.directory_urls
        self.concepts = {c.slug: c for c in page.concepts}
        self.articles = {a.slug: a for a in page.articles}
        self.article_tags = page.tags

    def concept(self, slug: str) -> str | None:
        concept = self.concepts.get(slug)
        return self._link(concept.title, concept.path, None) if concept else None

    def source(self, slug: str, anchor: str | None) -> str | None:
        article = self.articles.get(slug)
        return self._link(article.title, article.path, anchor) if article else None

    def _link(self, title: str, path: str, anchor: str | None) -> str:
        fragment = f"#{anchor}" if anchor else ""
        href = relative_url(self.page_path, path, self.directory_urls) + \
            fragment.translate(_HREF_ESCAPES)
        return f'<a href="{_html_attr(href)}">{_html_text(title)}</a>'

    def sources(self, event: Event) -> list[str]:
        anchors = event.anchors
        if len(anchors) != len(event.sources):
            # Without per-source anchors, `anchor` belongs to the first source only.
            anchors = (event.anchor,) + (None,) * (len(event.sources) - 1)
        links = (self.source(slug, anchor) for slug, anchor in zip(event.sources, anchors, strict=False))
        return [link for link in links if link]

    def tags(self, event: Event) -> list[str]:
        found = (t for slug in event.sources for t in self.article_tags.get(slug, ()))
        return list(dict.fromkeys(found))


def _tag_token(tag: str) -> str:
    # Tokens are space-separated in data-tags, so a tag's own spaces become dashes.
    return "-".join(tag.split())


def _time(event: Event) -> str:
    return (f'<time class="gd-event__date" datetime="{_attr(event.date.iso())}">'
            f"{html.escape(date_label(event))}</time>")


def _label(event: Event) -> str:
    return '<span class="gd-event__label">发表</span> ' if event.kind == EventKind.PUBLICATION else ""


def _refs(event: Event, links: _Links, *, concepts: bool = True) -> str:
    parts = []
    if concepts:
        found = [link for link in map(links.concept, event.concepts) if link]
        if found:
            parts.append("概念：" + "、".join(found))
    sources = links.sources(event)
    if sources:
        parts.append("来源：" + "、".join(sources))
    return f' <span class="gd-event__refs">{" · ".join(parts)}</span>' if parts else ""


def _html_text(text: str) -> str:
    return html.escape(one_line(text), quote=False)


def _html_attr(value: str) -> str:
    """An attribute's value as Python-Markdown writes it (quotes but not apostrophes)."""
    return html.escape(value, quote=False).replace('"', "&quot;")


def _event_html(event: Event, links: _Links) -> str:
    concepts = " ".join(c for c in event.concepts if c in links.concepts)
    tags = " ".join(_tag_token(t) for t in links.tags(event))
    return (f'<div class="gd-event gd-event--{event.kind}" data-concepts="{_html_attr(concepts)}"'
            f' data-tags="{_html_attr(tags)}">\n'
            f'<p>{_time(event)} {_label(event)}<span class="gd-event__text">'
            f"{_html_text(event.text)}</span>{_refs(event, links)}</p>\n</div>\n")


def _month_heading(event: Event) -> str:
    date = event.date
    return f"{date.year} 年（全年）" if date.month is None else f"{date.year} 年 {date.month} 月"


def _year_section(year: int, events: list[Event], links: _Links) -> list[str]:
    lines = [f'<div class="gd-year" data-year="{year}" markdown>', "", f"## {year}", ""]
    for heading, group in groupby(events, key=_month_heading):
        lines += ['<div class="gd-month" markdown>', "", f"### {heading}", ""]
        lines += [packed_html("".join(_event_html(event, links) for event in group)), "",
                  "</div>", ""]
    return lines + ["</div>", ""]


def _options(label: str, kind: str, counts: Counter, titles: dict[str, str]) -> list[str]:
    if not counts:
        return []
    ordered = sorted(counts, key=lambda key: (-counts[key], titles.get(key, key)))
    options = [f'<option value="{_attr(kind)}:{_attr(key)}">'
               f"{html.escape(titles.get(key, key))}（{counts[key]}）</option>" for key in ordered]
    return [f'<optgroup label="{_attr(label)}">', *options, "</optgroup>"]


def _filter_bar(events: Sequence[Event], links: _Links) -> list[str]:
    concepts = Counter(c for e in events for c in dict.fromkeys(e.concepts) if c in links.concepts)
    tags: Counter = Counter()
    tag_titles: dict[str, str] = {}
    for event in events:
        for tag in links.tags(event):
            tags[_tag_token(tag)] += 1
            tag_titles.setdefault(_tag_token(tag), tag)
    concept_titles = {slug: links.concepts[slug].title for slug in concepts}
    return [
        '<div class="gd-timeline-filter" hidden>',
        '<label for="gd-timeline-select">只看</label>',
        '<select id="gd-timeline-select">',
        '<option value="">全部事件</option>',
        *_options("概念", "concept", concepts, concept_titles),
        *_options("标签", "tag", tags, tag_titles),
        "</select>",
        '<button type="button" class="gd-timeline-order" aria-pressed="false">最新的在前</button>',
        "</div>",
        "",
    ]


def emit(page: TimelineInputs, page_path: str = PATH) -> str:
    """The whole timeline page: years, then months, oldest first."""
    shown = page.events
    links = _Links(page, page_path)
    # Every event repeats a sentence that search already finds in its article.
    lines = ["---", "search:", "  exclude: true", "---", "", f"# {TITLE}", ""]
    if not shown:
        return "\n".join(lines + ["花园里还没有带日期的事件。", ""])
    years = sorted({e.date.year for e in shown if e.date.year is not None})  # all have one
    lines += [
        f"从文章中摘出的 {len(shown)} 条带日期的事件，{years[0]}–{years[-1]} 年，按年、月排列，"
        "最早的在前；每条都链接到讲述它的文章段落。标着“发表”的是文章本身的发表日期，"
        "只知年份或月份的事件排在该年、该月的开头。",
        "",
        *_filter_bar(shown, links),
        '<div class="gd-timeline" markdown>',
        "",
    ]
    for year, group in groupby(shown, key=lambda e: e.date.year):
        lines += _year_section(year, list(group), links)
    lines += ["</div>", ""]
    return "\n".join(lines)


def emit_section(section: TimelineInputs, page_path: str) -> str:
    """The "## 时间线" section of a concept page (inputs made with its slug), or "" when no
    shown event mentions the concept."""
    if not section.events:
        return ""
    links = _Links(section, page_path)
    # the list Python-Markdown makes of one "- " line per event, packed (see emit)
    items = "".join(f"<li>{_time(event)} {_label(event)}{_html_text(event.text)}"
                    f"{_refs(event, links, concepts=False)}</li>\n" for event in section.events)
    heading = f"## {TITLE} {{data-search-exclude}}"  # the articles' own sentences
    return f"{heading}\n\n{packed_html(f'<ul>{chr(10)}{items}</ul>', searched=False)}\n"


def timeline_js() -> str:
    """Filter and order switch for the timeline page; works with Material's instant loading."""
    return asset("timeline.js")


def timeline_css() -> str:
    return asset("timeline.css")

