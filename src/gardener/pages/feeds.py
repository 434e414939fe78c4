"""Feeds of the newest articles: RSS 2.0 (written by feedgen) and JSON Feed 1.1.

Feed readers need absolute links, so feeds exist only when the site has a `site_url`. Dates are
the articles' own (`date`, `updated`); a date known only to the month or year is given as its
first day, and undated articles are left out rather than dated by the build.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from gardener.articles.model import Article
from gardener.text.dates import PartialDate

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

RSS = "feed.xml"
JSON = "feed.json"
RSS_TYPE = "application/rss+xml"
JSON_TYPE = "application/feed+json"
LENGTH = 20
NO_SITE_URL = ("no feeds: they need absolute links, and mkdocs.yml has no site_url "
               "(set it to the address the site is published at)")


@dataclass(frozen=True)
class FeedSite:
    """What a feed says about the site itself."""

    site_url: str
    title: str
    description: str = ""
    language: str = "zh"


def newest(articles: Iterable[Article], length: int = LENGTH) -> list[Article]:
    """The newest listed, dated articles, newest first."""
    dated = [(when, a.slug, a) for a in articles if a.listed and (when := moment(a.date))]
    return [a for _, _, a in sorted(dated, key=lambda d: (d[0], d[1]), reverse=True)[:length]]


def moment(date: PartialDate | None) -> datetime | None:
    """A date as the instant feeds need: its first day at midnight UTC; None without a year."""
    if date is None or date.year is None:
        return None
    return datetime(date.year, date.month or 1, date.day or 1, tzinfo=timezone.utc)


def _last_change(articles: Sequence[Article]) -> datetime | None:
    changes = [when for a in articles for when in (moment(a.updated), moment(a.date)) if when]
    return max(changes, default=None)


def _absolute(site: FeedSite, url: str) -> str:
    return site.site_url.rstrip("/") + "/" + url


def rss_feed(site: FeedSite, articles: Sequence[Article], url_of: Callable[[str], str]) -> str:
    # imported here: feedgen brings lxml and dateutil, which a site without feeds never needs
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.load_extension("dc")  # RSS <author> must be an e-mail address; dc:creator takes names
    feed.title(site.title)
    feed.link(href=_absolute(site, ""), rel="alternate")
    feed.description(site.description or site.title)
    feed.language(site.language)
    feed.generator("gardener")
    last = _last_change(articles)
    if last:
        # The latest change to an article, not the build time: the same garden always gives
        # the same feed.
        feed.lastBuildDate(last)
    for article in articles:
        _rss_item(feed, site, article, url_of)
    return feed.rss_str(pretty=True).decode("utf-8")


def _rss_item(feed: FeedGenerator, site: FeedSite, article: Article, url_of) -> None:
    link = _absolute(site, url_of(article.path))
    entry = feed.add_entry(order="append")
    entry.title(article.title)
    entry.link(href=link)
    entry.guid(link, permalink=True)
    published = moment(article.date)
    if published:
        entry.pubDate(published)
    if article.summary:
        entry.description(article.summary)
    for author in article.authors:
        entry.dc.dc_creator(author)
    for tag in article.tags:
        entry.category(term=tag)


def json_feed(site: FeedSite, articles: Sequence[Article], url_of: Callable[[str], str]) -> str:
    items = []
    for article in articles:
        link = _absolute(site, url_of(article.path))
        item: dict[str, object] = {"id": link, "url": link, "title": article.title}
        for field, date in (("date_published", article.date), ("date_modified", article.updated)):
            when = moment(date)
            if when:
                item[field] = when.isoformat()
        if article.summary:
            item["summary"] = item["content_text"] = article.summary
        else:
            item["content_text"] = article.title
        if article.authors:
            item["authors"] = [{"name": name} for name in article.authors]
        if article.tags:
            item["tags"] = list(article.tags)
        items.append(item)
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": site.title,
            "home_page_url": _absolute(site, ""), "feed_url": _absolute(site, JSON),
            "language": site.language, "items": items}
    if site.description:
        feed["description"] = site.description
    return json.dumps(feed, ensure_ascii=False, indent=1)


def head_links(site_title: str) -> list[dict[str, str]]:
    """The `<link rel="alternate">` entries every page's head carries (site-relative hrefs)."""
    return [{"type": RSS_TYPE, "href": RSS, "title": f"{site_title} (RSS)"},
            {"type": JSON_TYPE, "href": JSON, "title": f"{site_title} (JSON Feed)"}]
