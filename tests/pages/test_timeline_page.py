"""The /timeline/ page and concept timelines, emitted from the real garden's events."""

from __future__ import annotations

import posixpath
import re
from html import unescape

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymdownx.slugs import slugify

from gardener.articles.model import Event
from gardener.garden.concepts.matcher import ConceptMatcher
from gardener.garden.loading import load_garden
from gardener.garden.timeline.extract import extract_events, publication_events
from gardener.garden.timeline.merge import merge_events
from gardener.pages import timeline
from gardener.pages.timeline import PATH, date_label, timeline_css, timeline_js
from gardener.pages.view import GardenView
from gardener.text.dates import PartialDate as P
from gardener.text.dates import parse_date
from gardener.text.markdown import heading_ids
from tests.conftest import ROOT, build_site

GARDEN = load_garden(ROOT / "docs")
MATCHER = ConceptMatcher({c.slug: c.aliases for c in GARDEN.concepts})
EVENTS = merge_events(
    [e for a in GARDEN.articles for e in extract_events(a, MATCHER)]
    + publication_events(GARDEN.articles),
    GARDEN.articles,
)


def emit_timeline(events) -> str:
    return timeline.emit(timeline.inputs(GardenView.of(GARDEN, events=events)))


def emit_concept_timeline(events, slug: str, path: str) -> str:
    return timeline.emit_section(timeline.inputs(GardenView.of(GARDEN, events=events), slug), path)


PAGE = emit_timeline(EVENTS)
LINK = re.compile(r"\]\(<?([^)>\s]+)>?\)")
EXTENSIONS = ["attr_list", "md_in_html", "tables", "toc", "footnotes", "admonition"]


def render(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS,
                             extension_configs={"toc": {"slugify": slugify(case="lower")}})


def index_of(page: str, needle: str) -> int:
    assert page.count(needle) == 1, needle
    return page.index(needle)


def assert_links_resolve(page: str, page_path: str) -> int:
    """Every relative link points at a file of docs/, and every anchor at one of its headings."""
    links = LINK.findall(page)
    for target in links:
        path, _, anchor = target.partition("#")
        assert path.endswith(".md") and "://" not in path, target
        docs_path = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), path))
        file = ROOT / "docs" / docs_path
        assert file.is_file(), target
        if anchor:
            article = next(a for a in GARDEN.articles if a.path == docs_path)
            assert anchor in heading_ids(article.body), target
    return len(links)


def test_years_ascend_and_months_follow():
    years = [int(y) for y in re.findall(r"^## (\d{4})$", PAGE, re.M)]
    assert years == sorted(set(years)) and len(years) > 5
    assert years[0] >= 2000 and 2022 in years
    months = re.findall(r"^### 2020 年 (\d+) 月$", PAGE, re.M)
    assert [int(m) for m in months] == sorted(int(m) for m in months)
    # Year-only events open their year.
    assert PAGE.index("### 2020 年（全年）") < PAGE.index("### 2020 年 1 月")


def test_events_in_time_order():
    transformer = index_of(PAGE, "2017 年 6 月，Google 发布 Transformer 论文。")
    chatgpt = index_of(PAGE, "12 月 1 日，ChatGPT 发布。")
    assert transformer < chatgpt
    assert index_of(PAGE, "2022 年 12 月，ChatGPT 横空出世。") < chatgpt  # month before its days


def test_precision_labels():
    for label in ('datetime="2017-06">2017-06</time>', 'datetime="2022-12-01">2022-12-01</time>',
                  'datetime="2020">2020 年初</time>', ">2017-06 至 2017-07</time>",
                  ">2022 年 12 月初</time>"):
        assert label in PAGE, label


def test_date_labels():
    event = Event(P(2021), "x", ())
    assert date_label(event) == "2021 年"
    assert date_label(Event(P(2021), "x", (), qualifier="before")) == "2021 之前"
    assert date_label(Event(P(2020), "x", (), qualifier="late")) == "2020 年底"
    assert date_label(Event(P(2022, 12, 1), "x", ())) == "2022-12-01"


def test_links_point_at_existing_files_and_headings():
    assert assert_links_resolve(PAGE, PATH) > 50
    assert "](<articles/zhongguo-ruhe-quexi-chatgpt-shengyan.md#chatgpt-编年史>)" in PAGE
    assert "[Transformer](<concepts/transformer.md>)" in PAGE


def test_merged_event_links_both_tellings():
    start = index_of(PAGE, "2022 年 12 月，ChatGPT 横空出世。")
    block = PAGE[start:PAGE.index("</div>", start)]
    assert "shui-neng-zuochu-zhongguo-ban-chatgpt-zenme-zuo.md" in block
    assert "chaoyue-chatgpt-da-moxing-de-zhineng-jixian.md" in block


def test_unresolved_events_are_not_shown():
    assert "2月2日讯" not in PAGE and "6月3日消息" not in PAGE


def test_publications_are_marked():
    html = render(PAGE)
    chronicle = next(a for a in GARDEN.articles if (a.origin or "").startswith("003_"))
    block = re.search(r'<div class="gd-event gd-event--publication"[^>]*>(.*?)</div>', html, re.S)
    assert block and '<span class="gd-event__label">发表</span>' in block.group(1)
    assert PAGE.count("gd-event--publication") == sum(1 for a in GARDEN.articles
                                                       if a.listed and a.date)
    assert chronicle.title in PAGE


def test_user_text_is_escaped():
    evil = Event(P(2021, 5), '<script>alert("x")</script> **粗** [链接](http://x) \\ {: #id}',
                 (), concepts=("chatgpt",), kind="curated")
    page = emit_timeline([*EVENTS, evil])
    assert "<script>" not in page
    html = render(page)
    assert "<script>" not in html and "<strong>粗" not in html
    assert '&lt;script&gt;alert("x")&lt;/script&gt; **粗** [链接](http://x) \\ {: #id}' in html


def test_renders_as_html_with_data_attributes():
    html = render(PAGE)
    events = re.findall(r'<div class="gd-event[^"]*" data-concepts="([^"]*)" data-tags="[^"]*">',
                        html)
    assert len(events) == PAGE.count('<div class="gd-event ')
    assert any("transformer" in c.split() for c in events)
    assert "markdown=" not in html  # md_in_html consumed every marker
    assert re.search(r'<h2 id="2017">2017', html) and "<a href=\"concepts/chatgpt.md\">" in html


def test_filter_bar():
    bar = PAGE[PAGE.index('<div class="gd-timeline-filter" hidden>'):]
    bar = bar[:bar.index("</div>")]
    assert '<option value="concept:chatgpt">ChatGPT（' in bar
    assert '<option value="">全部事件</option>' in bar
    assert 'class="gd-timeline-order"' in bar
    options = re.findall(r'value="concept:([^"]+)"', bar)
    assert all(f'data-concepts="{slug}' in PAGE or f" {slug}" in PAGE for slug in options)


def test_script_and_styles_stand_alone():
    js, css = timeline_js(), timeline_css()
    assert "http" not in js and "import" not in js and ".gd-event" in js
    assert "document$" in js and "gd-timeline-order" in js
    assert "var(--md-default-fg-color--light)" in css and "var(--md-accent-fg-color)" in css
    assert "@media" in css and "[hidden]" in css


def test_empty_garden_page():
    page = emit_timeline([])
    assert "\n# 时间线\n" in page and "gd-timeline" not in page
    assert page.startswith("---\nsearch:\n  exclude: true\n---")


def test_concept_timeline():
    section = emit_concept_timeline(EVENTS, "chatgpt", "concepts/chatgpt.md")
    assert section.startswith("## 时间线 {data-search-exclude}\n")
    items = [line for line in section.splitlines() if line.startswith("- ")]
    assert len(items) >= 5
    dates = re.findall(r'datetime="([0-9-]+)"', section)
    assert dates == sorted(dates, key=lambda d: parse_date(d).sort_key())
    assert "12 月 1 日，ChatGPT 发布。" in section
    assert assert_links_resolve(section, "concepts/chatgpt.md") >= len(items)
    path = "concepts/vector-database.md"
    assert emit_concept_timeline(EVENTS, "vector-database", path) == ""


@pytest.mark.slow
def test_strict_build_with_timeline(repo_copy):
    """The page and concept sections in a real `mkdocs build --strict`, anchors checked too."""
    docs = repo_copy / "docs"
    (docs / PATH).write_text(PAGE, encoding="utf-8")
    for concept in GARDEN.concepts:
        section = emit_concept_timeline(EVENTS, concept.slug, concept.path)
        if section:
            path = docs / concept.path
            path.write_text(path.read_text(encoding="utf-8").rstrip() + "\n\n" + section,
                            encoding="utf-8")
    config = repo_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8")
                      + "\nvalidation:\n  anchors: warn\n",
                      encoding="utf-8")
    run = build_site(repo_copy)
    assert run.returncode == 0, run.stderr
    assert "WARNING" not in run.stderr, run.stderr
    html = (repo_copy / "site" / "timeline" / "index.html").read_text(encoding="utf-8")
    assert 'href="../articles/zhongguo-ruhe-quexi-chatgpt-shengyan/#chatgpt-编年史"' in html


@settings(max_examples=200, deadline=None)
@given(text=st.text(min_size=1, max_size=60).filter(lambda t: t.strip()))
def test_any_text_renders_as_itself(text):
    event = Event(P(2021, 5), text, (), kind="curated")
    html = render(emit_timeline([event]))
    shown = re.search(r'<span class="gd-event__text">(.*?)</span>', html, re.S).group(1)
    assert "<" not in shown
    visible = "".join(c for c in text if c.isspace() or ord(c) >= 32 and c != "\x7f")
    assert unescape(shown) == " ".join(visible.split())
