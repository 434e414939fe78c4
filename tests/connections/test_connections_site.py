"""Real builds of the imported gold-miner garden with links added by hand: wikilinks, backlinks,
related articles, the graph's and the previews' data, feeds, `gardener check` and export."""

from __future__ import annotations

import json
import re

import feedparser
import pytest
import yaml
from click.testing import CliRunner

from gardener.site.cli import main
from tests.conftest import build_site
from tests.connections.conftest import append, article_file, published

pytestmark = pytest.mark.slow

SITE_URL = "https://garden.example.org/lianjie/"


def link_garden(root, n) -> None:
    """Links a writer would add: wikilinks by title, slug and alias, a heading, a Markdown link."""
    append(article_file(root, n.graphql),
           f"\n\n更多细节见 [[{n.features}|GraphQL 的小众特性]]，以及[半年的经验]({n.months}.md)。\n")
    append(article_file(root, n.tc39), "\n\n标准的制定需要[[词元]]吗？不，但读读 [[成为 TC39 代表]]。\n")
    append(article_file(root, n.months), f"\n\n回到 [[{n.graphql}#那么 GraphQL 到底是什么？]]。\n")


def page(site, slug: str) -> str:
    return (site / "articles" / slug / "index.html").read_text(encoding="utf-8")


def section(html: str, heading: str) -> str:
    """The HTML from a heading up to the next h2."""
    start = html.index(f">{heading}")
    end = html.find("<h2", start)
    return html[start:end if end > 0 else len(html)]


@pytest.fixture(scope="module")
def linked_site(tmp_path_factory, garden_template, n):
    import shutil

    root = tmp_path_factory.mktemp("linked") / "garden"
    shutil.copytree(garden_template, root)
    link_garden(root, n)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"\nsite_url: {SITE_URL}\n", encoding="utf-8")
    run = build_site(root)
    assert run.returncode == 0, run.stderr
    return root, root / "site", run


def test_wikilinks_become_links_and_backlinks_carry_the_sentence(linked_site, n):
    _root, site, _run = linked_site
    source = page(site, n.graphql)
    assert f'href="../{n.features}/">GraphQL 的小众特性</a>' in source
    assert f'href="../{n.months}/">半年的经验</a>' in source
    assert "[[" not in source
    target = section(page(site, n.features), "链接到本文")
    assert f'href="../{n.graphql}/"' in target and "更多细节见" in target
    assert "GraphQL 的小众特性" in target  # the link's own words, in bold within the quote
    months = page(site, n.months)
    assert f'href="../{n.graphql}/#' in months  # the heading of the other article
    assert f'href="../{n.graphql}/"' in section(months, "链接到本文")  # a Markdown link counts too
    concept = (site / "concepts" / "token" / "index.html").read_text(encoding="utf-8")
    assert f'href="../../articles/{n.tc39}/"' in section(concept, "引用本页")


def test_related_lists_the_same_subject_never_self(linked_site, n):
    _root, site, _run = linked_site
    for slug in (n.graphql, n.features, n.months):
        related = section(page(site, slug), "相关文章")
        found = set(re.findall(r'href="\.\./([^/"]+)/"', related))
        assert slug not in found
        assert {n.graphql, n.features, n.months} - {slug} <= found, (slug, found)


def test_graph_and_previews_are_one_data_file_each(linked_site, n):
    _root, site, _run = linked_site
    data = json.loads((site / "assets" / "gardener" / "graph.json").read_text(encoding="utf-8"))
    ids = [n["id"] for n in data["nodes"]]
    a, b = ids.index(f"articles/{n.graphql}/"), ids.index(f"articles/{n.features}/")
    assert [min(a, b), max(a, b)] in data["links"]
    previews = json.loads((site / "assets" / "gardener" / "previews.json").read_text(encoding="utf-8"))
    assert previews[f"articles/{n.graphql}/"]["d"] == "2020-09-13"
    assert (site / "graph" / "index.html").is_file()
    for slug in (n.graphql, n.tc39):
        html = page(site, slug)
        assert f'data-gd-node="articles/{slug}/"' in html
        assert "graph.json" not in html and "GraphQL 的小众特性" not in html.split("<body")[0]


def test_feeds_with_true_dates_and_a_link_in_every_head(linked_site, n):
    _root, site, _run = linked_site
    rss = feedparser.parse((site / "feed.xml").read_bytes())
    assert not rss.bozo and len(rss.entries) == len(published())
    first = rss.entries[0]
    assert first.link.startswith(SITE_URL + "articles/") and first.published.startswith("Thu, 16 Mar 2023")
    feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    assert [i["date_published"][:10] for i in feed["items"]][:2] == ["2023-03-16", "2023-03-14"]
    for html_file in [site / "index.html", site / "articles" / n.graphql / "index.html", site / "graph" / "index.html"]:
        head = html_file.read_text(encoding="utf-8").split("</head>")[0]
        assert 'rel="alternate" type="application/rss+xml"' in head
        assert re.search(r'<link rel="alternate" type="application/feed\+json"[^>]*href="[./]*feed\.json"', head)


def test_without_site_url_no_feeds_and_one_message(garden):
    run = build_site(garden)
    assert run.returncode == 0, run.stderr
    assert not (garden / "site" / "feed.xml").exists()
    messages = [line for line in run.stderr.splitlines() if "gardener: no feeds" in line]
    assert len(messages) == 1 and "site_url" in messages[0]
    head = (garden / "site" / "index.html").read_text(encoding="utf-8").split("</head>")[0]
    assert "application/rss+xml" not in head


def test_unresolved_wikilinks_fail_strict_builds_and_check_with_file_and_line(garden, n):
    path = article_file(garden, n.tc39)
    lines = path.read_text(encoding="utf-8").count("\n")
    append(path, "\n见 [[没有这篇文章]]。\n")
    run = build_site(garden)
    assert run.returncode != 0
    assert f"articles/{n.tc39}.md:{lines + 2}: error: unresolved wikilink [[没有这篇文章]]" in run.stderr
    result = CliRunner().invoke(main, ["check", "--config", str(garden / "mkdocs.yml")])
    assert result.exit_code == 1
    assert f"articles/{n.tc39}.md:{lines + 2}: error: unresolved wikilink" in result.output
    relaxed = build_site(garden, "--no-strict")
    assert relaxed.returncode == 0, relaxed.stderr
    html = page(garden / "site", n.tc39)
    assert re.search(r'<span class="gd-wikilink--missing" title="[^"]*">没有这篇文章</span>', html)


def test_export_writes_ordinary_links_that_plain_mkdocs_builds(garden, tmp_path, n):
    """What a builder without gardener's plugin shows from an export: links, backlinks, related
    articles, the graph page with its data, previews' data and the feeds, linked from every head."""
    link_garden(garden, n)
    config = garden / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"\nsite_url: {SITE_URL}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", str(out), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "no feeds" not in result.output
    text = (out / "docs" / "articles" / f"{n.graphql}.md").read_text(encoding="utf-8")
    assert "[[" not in text and f"[GraphQL 的小众特性](<{n.features}.md>)" in text
    exported = yaml.load((out / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.Loader)
    assert "gardener" not in [p if isinstance(p, str) else next(iter(p)) for p in exported["plugins"]]
    run = build_site(out)
    assert run.returncode == 0, run.stderr
    site = out / "site"
    target = page(site, n.features)
    assert f'href="../{n.graphql}/"' in section(target, "链接到本文")
    related = set(re.findall(r'href="\.\./([^/"]+)/"', section(page(site, n.months), "相关文章")))
    assert {n.graphql, n.features} <= related
    graph = json.loads((site / "assets" / "gardener" / "graph.json").read_text(encoding="utf-8"))
    assert f"articles/{n.features}/" in {node["id"] for node in graph["nodes"]} and graph["links"]
    assert "graph.js" in (site / "graph" / "index.html").read_text(encoding="utf-8")
    previews = json.loads((site / "assets" / "gardener" / "previews.json").read_text(encoding="utf-8"))
    assert f"articles/{n.features}/" in previews
    feed = feedparser.parse((site / "feed.xml").read_text(encoding="utf-8"))
    assert not feed.bozo and feed.entries and feed.entries[0].link.startswith(SITE_URL)
    head = target.split("</head>")[0]
    assert 'rel="alternate" type="application/rss+xml"' in head


def test_export_without_site_url_says_why_there_are_no_feeds(garden, tmp_path):
    result = CliRunner().invoke(main, ["export", str(tmp_path / "out"), "--config",
                                       str(garden / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    assert "no feeds" in result.output and "site_url" in result.output
    assert not (tmp_path / "out" / "docs" / "feed.xml").exists()


def test_a_new_garden_has_every_connection_on(tmp_path):
    """`gardener new` writes no connection options: the defaults are every feature on, feeds
    as soon as the writer sets the site_url the file shows them."""
    from gardener.options import plugin_entry, plugin_options, site_fields

    garden = tmp_path / "garden"
    assert CliRunner().invoke(main, ["new", str(garden)]).exit_code == 0
    config_file = garden / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    config = yaml.load(text, Loader=yaml.Loader)  # the file holds a python tag (toc's slugify)
    options, problems = plugin_options(plugin_entry(config), **site_fields(config, config_file))
    assert not problems
    assert options.wikilinks and options.backlinks and options.graph and options.previews
    assert options.related > 0 and options.feeds > 0
    assert not options.site_url and re.search(r"^# site_url: ", text, re.M)


def test_a_link_added_while_serving_reaches_the_other_page(garden, n, tmp_path):
    """As `mkdocs serve` rebuilds (one plugin object, its cache kept): adding a wikilink to one
    article puts a backlink on the other and the new neighbour in the graph, as a fresh build
    does, and the articles nobody edited are read from the cache."""
    from gardener.text.segmenter import forget
    from tests.site.test_warm_rebuilds import Server, fresh_build

    server = Server(garden)
    try:
        server.build()
        append(article_file(garden, n.delegate), f"\n\n会议的记录方法见[[{n.notes}|如何做会议记录]]。\n")
        served = server.build()
        assert server.plugin.cache.hits > 0
    finally:
        server.stop()
        forget()  # later tests segment with jieba's own dictionary
    target = page(served, n.notes)
    assert f'href="../{n.delegate}/"' in section(target, "链接到本文")
    assert "会议的记录方法见" in section(target, "链接到本文")
    fresh = fresh_build(garden, tmp_path / "fresh")
    assert page(fresh, n.notes) == target
    graph = json.loads((served / "assets" / "gardener" / "graph.json").read_text(encoding="utf-8"))
    ids = [node["id"] for node in graph["nodes"]]
    pair = sorted((ids.index(f"articles/{n.delegate}/"), ids.index(f"articles/{n.notes}/")))
    assert pair in graph["links"]


def test_the_repo_garden_shows_its_connections(built_repo_site):
    """The repository's own garden: every listed article and concept in the graph's data and
    previews, a neighbourhood graph on each article page, related articles, no feeds (its
    mkdocs.yml has no site_url)."""
    from gardener.garden.loading import load_garden
    from tests.conftest import ROOT

    garden = load_garden(ROOT / "docs")
    site = built_repo_site
    data = json.loads((site / "assets" / "gardener" / "graph.json").read_text(encoding="utf-8"))
    previews = json.loads((site / "assets" / "gardener" / "previews.json").read_text(encoding="utf-8"))
    expected = {f"articles/{a.slug}/" for a in garden.listed} | {
        f"concepts/{c.slug}/" for c in garden.concepts}
    assert {node["id"] for node in data["nodes"]} == expected == set(previews)
    for article in garden.listed:
        html = page(site, article.slug)
        assert f'data-gd-node="articles/{article.slug}/"' in html
        related = set(re.findall(r'href="\.\./([^/"]+)/"', section(html, "相关文章")))
        assert related and article.slug not in related
        assert not related & {a.slug for a in garden.articles if not a.listed}
    assert (site / "graph" / "index.html").is_file() and not (site / "feed.xml").exists()
