"""The /timeline/ page and concept timelines, emitted from the real garden's events."""

from __future__ import annotations

import posixpath
import re
from html import escape as html_escape
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
from gardener.pages.common import rel_link, unpacked_html
from gardener.pages.timeline import PATH, date_label, timeline_css, timeline_js
from gardener.pages.view import GardenView
from gardener.site import packed_html
from gardener.text.dates import PartialDate as P
from gardener.text.dates import parse_date
from gardener.text.markdown import escape_inline, heading_ids
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


EMITTED = emit_timeline(EVENTS)
# The page as gardener hands it to a builder other than MkDocs: its events' HTML in place.
PAGE = unpacked_html(EMITTED)
LINK = re.compile(r"\]\(<?([^)>\s]+)>?\)")
HREF = re.compile(r'<a href="([^"]+)">')
EXTENSIONS = ["attr_list", "md_in_html", "tables", "toc", "footnotes", "admonition",
              packed_html.NAME]


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


def assert_hrefs_resolve(page: str, page_path: str) -> int:
    """Every link written as HTML points at the built page of a file of docs/ (directory
    URLs), and every anchor at one of its headings."""
    hrefs = HREF.findall(page)
    here = posixpath.dirname(page_path) if page_path.endswith("index.md") else page_path[:-3]
    for href in hrefs:
        url, _, anchor = unescape(href).partition("#")
        assert url.endswith("/") and "://" not in url, href
        docs_path = posixpath.normpath(posixpath.join(here, url)) + ".md"
        assert (ROOT / "docs" / docs_path).is_file(), href
        if anchor:
            article = next(a for a in GARDEN.articles if a.path == docs_path)
            assert anchor in heading_ids(article.body), href
    return len(hrefs)


def test_links_point_at_existing_files_and_headings():
    assert assert_hrefs_resolve(PAGE, PATH) > 50
    assert LINK.findall(PAGE) == []  # all written as HTML, resolved
    assert '<a href="../articles/zhongguo-ruhe-quexi-chatgpt-shengyan/#chatgpt-编年史">' in PAGE
    assert '<a href="../concepts/transformer/">Transformer</a>' in PAGE


def test_merged_event_links_both_tellings():
    start = index_of(PAGE, "2022 年 12 月，ChatGPT 横空出世。")
    block = PAGE[start:PAGE.index("</div>", start)]
    assert "articles/shui-neng-zuochu-zhongguo-ban-chatgpt-zenme-zuo/" in block
    assert "articles/chaoyue-chatgpt-da-moxing-de-zhineng-jixian/" in block


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
    assert len(events) == PAGE.count('<div class="gd-event ') > 30
    assert any("transformer" in c.split() for c in events)
    assert "markdown=" not in html  # md_in_html consumed every marker
    assert re.search(r'<h2 id="2017">2017', html) and '<a href="../concepts/chatgpt/">' in html
    # the events' HTML is the HTML Python-Markdown makes of the same events as Markdown
    assert _events_html(html) == _events_html(render(_as_markdown(EVENTS)))


def _events_html(html: str) -> list[str]:
    # escape_inline writes ( ) [ ] $ as character references (arithmatex reads them as math):
    # the same text to a reader as the characters the packed HTML holds
    html = re.sub(r"&#(36|40|41|91|93);", lambda found: chr(int(found.group(1))), html)
    return re.findall(r'<div class="gd-event .*?</div>', html, re.S)


class MarkdownLinks(timeline._Links):
    """The page's links as Markdown, which the builder resolves: what the page's HTML links
    must equal once rendered."""

    def _link(self, title: str, path: str, anchor: str | None) -> str:
        href = rel_link(self.page_path, path) + (f"#{anchor}" if anchor else "")
        escaped = href.translate(str.maketrans({" ": "%20", "<": "%3C", ">": "%3E", "\t": "%09"}))
        return f"[{escape_inline(title)}](<{escaped}>)"


def _as_markdown(events) -> str:
    """The events as md_in_html blocks, their links resolved as MkDocs resolves them."""
    links = MarkdownLinks(timeline.inputs(GardenView.of(GARDEN, events=events)), PATH)
    blocks = []
    for event in timeline.shown_events(events):
        concepts = " ".join(c for c in event.concepts if c in links.concepts)
        tags = " ".join(timeline._tag_token(t) for t in links.tags(event))
        refs = re.sub(r"\]\(<([^>]*)>\)", lambda found: "](<" + _built(found.group(1)) + ">)",
                      timeline._refs(event, links))
        blocks.append(
            f'<div class="gd-event gd-event--{event.kind}" data-concepts="{html_escape(concepts)}"'
            f' data-tags="{html_escape(tags)}" markdown>\n{timeline._time(event)} '
            f'{timeline._label(event)}<span class="gd-event__text">'
            f"{escape_inline(event.text)}</span>{refs}\n</div>\n")
    return "\n".join(blocks)


def _built(href: str, up: int = 1) -> str:
    """A Markdown link's target as MkDocs writes it (directory URLs) from a page `up` folders
    deep (the timeline page's folder: 1)."""
    path, _, anchor = href.partition("#")
    path = posixpath.normpath(posixpath.join("x/" * (up - 1), path)) if up > 1 else path
    return "../" * up + path[:-3] + "/" + ("#" + anchor if anchor else "")


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
    emitted = emit_concept_timeline(EVENTS, "chatgpt", "concepts/chatgpt.md")
    assert emitted.startswith("## 时间线 {data-search-exclude}\n")
    section = unpacked_html(emitted)
    items = re.findall(r"^<li>.*</li>$", section, re.M)
    assert len(items) >= 5 and section.count("<li>") == len(items)
    dates = re.findall(r'datetime="([0-9-]+)"', section)
    assert dates == sorted(dates, key=lambda d: parse_date(d).sort_key())
    assert "12 月 1 日，ChatGPT 发布。" in section
    assert assert_hrefs_resolve(section, "concepts/chatgpt.md") >= len(items)
    # the list Python-Markdown makes of the same events as Markdown list items
    links = MarkdownLinks(timeline.inputs(GardenView.of(GARDEN, events=EVENTS), "chatgpt"),
                          "concepts/chatgpt.md")
    lines = [f"- {timeline._time(e)} {timeline._label(e)}{escape_inline(e.text)}"
             + re.sub(r"\]\(<([^>]*)>\)", lambda found: "](<" + _built(found.group(1), 2) + ">)",
                      timeline._refs(e, links, concepts=False))
             for e in timeline.inputs(GardenView.of(GARDEN, events=EVENTS), "chatgpt").events]
    assert render(emitted).strip() == render("## 时间线 {data-search-exclude}\n\n" +
                                             "\n".join(lines)).strip()
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
