"""Feeds of the imported garden: RSS parsed by feedparser, JSON Feed by its specification's
required fields, both with the articles' own dates, newest first."""

from __future__ import annotations

import json
from datetime import datetime

import feedparser

from gardener.garden.loading import load_garden
from gardener.pages.feeds import FeedSite, json_feed, newest, rss_feed
from gardener.pages.urls import page_url
from tests.connections.conftest import published

SITE = FeedSite("https://garden.example.org/sub/", "连接测试花园", "测试用的花园")


def test_rss_has_true_dates_titles_links_and_authors(garden_template):
    garden = load_garden(garden_template / "docs")
    articles = newest(garden.articles, 5)
    feed = feedparser.parse(rss_feed(SITE, articles, page_url))
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20" and feed.feed.title == SITE.title
    days = published()
    expected = sorted(days.values(), reverse=True)[:5]
    assert [f"{e.published_parsed.tm_year:04d}-{e.published_parsed.tm_mon:02d}-"
            f"{e.published_parsed.tm_mday:02d}" for e in feed.entries] == expected
    by_title = {a.title: a for a in articles}
    for entry in feed.entries:
        article = by_title[entry.title]
        assert entry.link == f"https://garden.example.org/sub/articles/{article.slug}/"
        assert entry.summary == article.summary
        assert [a["name"] for a in entry.get("authors", [])] == list(article.authors)


def test_json_feed_follows_version_1_1(garden_template):
    garden = load_garden(garden_template / "docs")
    articles = newest(garden.articles, 20)
    feed = json.loads(json_feed(SITE, articles, page_url))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "https://garden.example.org/sub/feed.json"
    assert len(feed["items"]) == len(garden.articles) == len(published())
    dates = [datetime.fromisoformat(item["date_published"]) for item in feed["items"]]
    assert dates == sorted(dates, reverse=True)
    for item, article in zip(feed["items"], articles, strict=True):
        assert item["id"] == item["url"] and item["url"].endswith(f"/articles/{article.slug}/")
        assert item["date_published"][:10] == article.date.iso()
        assert ("content_text" in item) or ("content_html" in item)  # one is required


def test_undated_and_unlisted_articles_stay_out(garden, n):
    path = garden / "docs" / "articles" / f"{n.tc39}.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\ndate: ")
    path.write_text("---\n" + text.split("\n", 2)[2], encoding="utf-8")  # its date line removed
    listed = [a.slug for a in newest(load_garden(garden / "docs").articles)]
    assert n.tc39 not in listed and len(listed) == len(published()) - 1
