"""Timeline events: mining dated statements from the real garden, merging, curation, checks."""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymdownx.slugs import slugify

from gardener.articles.model import Article, Event
from gardener.garden.concepts.matcher import ConceptMatcher
from gardener.garden.loading import load_garden
from gardener.garden.timeline.curated import apply_curated, curated_diagnostics, load_curated
from gardener.garden.timeline.extract import (
    MAX_TEXT,
    event_diagnostics,
    extract_events,
    publication_events,
)
from gardener.garden.timeline.merge import MERGE_THRESHOLD, merge_events, text_similarity
from gardener.text.dates import PartialDate as P
from gardener.text.markdown import heading_ids
from tests.conftest import ROOT

GARDEN = load_garden(ROOT / "docs")
MATCHER = ConceptMatcher({c.slug: c.aliases for c in GARDEN.concepts})


def by_origin(prefix: str, suffix: str = "") -> Article:
    (found,) = [a for a in GARDEN.articles
                if (a.origin or "").startswith(prefix) and (a.origin or "").endswith(suffix)]
    return found


CHRONICLE = by_origin("003_")
ESSAY = by_origin("000_", "#5")  # 符尧's essay
REPOST = by_origin("002_")  # the same essay, reposted a year later
PAYWALL = by_origin("000_", "#3")  # news pieces without a date of their own
JOBS = by_origin("000_", "#4")


def note(body: str, date: P | None = None, slug: str = "note") -> Article:
    return Article(path=f"articles/{slug}.md", slug=slug, title="笔记", body=body, date=date)


def events_of(body: str, date: P | None = None) -> list[Event]:
    return extract_events(note(body, date), MATCHER)


def find(events: list[Event], needle: str) -> Event:
    hits = [e for e in events if needle in e.text]
    assert len(hits) == 1, (needle, [e.text for e in events])
    return hits[0]


# --------------------------------------------------------------------------
# The chronicle of article 003

CHRONICLE_EVENTS = [
    ("Transformer 论文", "2017-06", "month", "transformer"),
    ("GPT-1", "2018-06", "month", "gpt-1"),
    ("BERT", "2018-11", "month", "bert"),
    ("GPT-2", "2019-02", "month", "gpt-2"),
    ("Scaling Law", "2020-01", "month", "scaling-law"),
    ("GPT-3 API 发布", "2020-06", "month", "openai-api"),  # "GPT-3 API" is an OpenAI API alias
    ("Codex API", "2021-08", "month", "codex"),
    ("ChatGPT 发布", "2022-12-01", "day", "chatgpt"),
]


@pytest.mark.parametrize(("needle", "iso", "precision", "concept"), CHRONICLE_EVENTS,
                         ids=[c[0] for c in CHRONICLE_EVENTS])
def test_chronicle_events(needle, iso, precision, concept):
    assert concept in {c.slug for c in GARDEN.concepts}
    event = find([e for e in extract_events(CHRONICLE, MATCHER) if e.date.iso() == iso], needle)
    assert event.date.precision == precision
    assert concept in event.concepts
    assert event.resolved and event.kind == "event" and event.sources == (CHRONICLE.slug,)
    assert event.anchor == "chatgpt-编年史"
    assert event.confidence >= 0.9


def test_chronicle_two_months_make_a_span():
    event = find(extract_events(CHRONICLE, MATCHER), "PPO 算法")
    assert event.date == P(2017, 6) and event.end_date == P(2017, 7)
    assert {"ppo", "openai"} <= set(event.concepts)


def test_chronicle_year_lines_give_the_year():
    events = extract_events(CHRONICLE, MATCHER)
    covid = find(events, "Covid-19")
    assert covid.date == P(2020) and covid.qualifier == "early"
    # Undated items ("- **中国闭关**。") under a year line are not events.
    assert not [e for e in events if e.text.startswith("中国闭关")]
    # Every bare "N 月" item lands in the year of the line above it, never in 2023 (the article).
    assert find(events, "Codex API").date.year == 2021
    assert find(events, "微软宣布投资").date == P(2023, 1)


def test_chronicle_text_is_clean():
    event = find(extract_events(CHRONICLE, MATCHER), "ChatGPT 发布")
    assert event.text.startswith("12 月 1 日，ChatGPT 发布。")
    assert "*" not in event.text and not event.text.startswith("-")
    assert CHRONICLE.body.splitlines()[event.line - 1].startswith("- **12 月 1 日")


# --------------------------------------------------------------------------
# Year context on synthetic bodies


def test_before_line_gives_no_year():
    body = ("2020 之前\n\n- 6 月，某公司发布模型 X。\n- 某公司成立。\n\n"
            "2021 年\n\n- 3 月，模型 Y 发布。\n")
    events = events_of(body, P(2023, 5))
    first = find(events, "模型 X")
    assert not first.resolved and first.date.year is None  # never 2020, never 2023
    assert find(events, "模型 Y").date == P(2021, 3)
    assert len(events) == 2


def test_year_heading_ends_at_next_heading():
    body = "## 2019 年\n\n- 2 月，OpenAI 发布 GPT-2。\n\n## 其他\n\n- 3 月，某模型发布。\n"
    events = events_of(body, P(2023, 5, 1))
    assert find(events, "GPT-2").date == P(2019, 2)
    assert find(events, "某模型").date == P(2023, 3)


def test_this_year_means_the_articles_year_even_under_a_year_line():
    body = "2019 年\n\n- 今年 3 月，某公司发布了模型。\n"
    assert find(events_of(body, P(2023, 5)), "某公司").date == P(2023, 3)


# --------------------------------------------------------------------------
# The undated news pieces of seed 000


@pytest.mark.parametrize(("article", "needle", "resolved_to"), [
    (JOBS, "被解雇", P(2023, 4)),
    (note("3月2日，OpenAI 发布了新模型。"), "新模型", P(2023, 3, 2)),
])
def test_relative_dates_wait_for_a_year(article, needle, resolved_to):
    assert article.date is None
    event = find(extract_events(article, MATCHER), needle)
    assert not event.resolved and event.date.year is None
    dated = replace(article, date=P(2023, 2, 2))
    event = find(extract_events(dated, MATCHER), needle)
    assert event.resolved and event.date == resolved_to


def test_undated_news_never_gets_a_guessed_year():
    for article in (PAYWALL, JOBS):
        for event in extract_events(article, MATCHER):
            # Only years written out in full may appear.
            assert not event.resolved or str(event.date.year) in article.body


def test_later_date_needs_a_concept_or_verb():
    event = find(extract_events(JOBS, MATCHER), "面世")
    assert event.date == P(2022, 11) and event.resolved
    assert event.confidence < 0.6  # the date sits late in the sentence
    assert not events_of("那时我还在读书，2022 年 11 月才第一次听说这件事。")


# --------------------------------------------------------------------------
# What is not an event

NOT_DATES = ["GPT-3.5", "175B", "1024 张 A100", "20美元", "89%", "2-7B", "H100", "2.5 MB",
             "第 250 期"]


@pytest.mark.parametrize("text", NOT_DATES)
def test_numbers_are_not_dates(text):
    assert events_of(f"- {text}") == []
    assert events_of(f"{text}：OpenAI 发布了新模型。") == []
    assert events_of(f"OpenAI 发布了 {text} 的新版本。", P(2023, 1)) == []


@pytest.mark.parametrize("body", [
    "2022，OpenAI 发布 ChatGPT。",  # a bare year without 年
    "近 2000 年来，人类发布了无数作品。",  # a duration
    "By 红博士, 2023 年 2 月 8 日",  # a byline: nothing besides the date
    "> archived 9 Feb 2023 09:00:33 UTC",
    "```\n2022 年 12 月，ChatGPT 发布。\n```",
    "<!-- 2022 年 12 月，ChatGPT 发布。 -->",
    "    2022 年 12 月，ChatGPT 发布。",  # indented code
    "## 2022 年 12 月，ChatGPT 发布",  # headings are never event text
    "![2022 年 12 月，ChatGPT 发布](pic.png)",
    "[2022 年 12 月，ChatGPT 发布](https://example.com)",
    "| 2022 年 12 月 | ChatGPT 发布 |",
    '<span class="gd-missing-asset">2022 年 12 月，ChatGPT 发布</span>',
])
def test_not_events(body):
    assert events_of(body) == []


def test_positions_rank_confidence():
    lead = find(events_of("2022 年 12 月，OpenAI 发布 ChatGPT。"), "OpenAI")
    early = find(events_of("据报道，2022 年 12 月 OpenAI 发布 ChatGPT。"), "OpenAI")
    late = find(events_of("据多家媒体在周末的报道，OpenAI 于 2022 年 12 月发布 ChatGPT。"),
                "OpenAI")
    assert lead.confidence > early.confidence > late.confidence
    assert all(0 <= e.confidence <= 1 for e in (lead, early, late))


def test_text_is_readable():
    item = "- **12 月 1 日，[ChatGPT](https://chat.openai.com) 发布**<br>"
    event = find(events_of(item, P(2022)), "ChatGPT")
    assert event.text == "12 月 1 日，ChatGPT 发布"
    assert event.date == P(2022, 12, 1) and event.concepts == ("chatgpt",)
    long = "2022 年 12 月，ChatGPT 发布，" + "，".join(["用户数迅速增长"] * 40) + "。"
    cut = find(events_of(long), "ChatGPT").text
    assert len(cut) <= MAX_TEXT and cut.endswith("…") and cut.startswith("2022 年 12 月")
    tail = "，".join(["这是一段很长的背景介绍"] * 12) + "，OpenAI 于 2022 年 12 月发布 ChatGPT。"
    assert "2022 年 12 月" in find(events_of(tail), "ChatGPT").text  # the date is never cut off


def test_sentences_split_at_chinese_and_english_stops():
    events = events_of("OpenAI 很有名。2019 年 2 月，OpenAI 发布 GPT-2。"
                       "In 2020, OpenAI released GPT-3. Then things moved fast.")
    assert [e.date for e in events] == [P(2019, 2), P(2020)]
    assert events[1].text == "In 2020, OpenAI released GPT-3."


def test_question_mark_inside_a_title_does_not_split():
    body = "2022 年 12 月，OpenAI 发布了《ChatGPT 是什么？》一文，引起热议。"
    event = find(events_of(body), "热议")
    assert event.text.startswith("2022 年 12 月")


# --------------------------------------------------------------------------
# Anchors as the site makes them

MKDOCS_EXTENSIONS = ["abbr", "admonition", "attr_list", "footnotes", "md_in_html", "tables", "toc",
                     "pymdownx.details", "pymdownx.superfences", "pymdownx.highlight",
                     "pymdownx.inlinehilite"]


def site_heading_ids(body: str) -> list[str]:
    md = markdown.Markdown(extensions=MKDOCS_EXTENSIONS,
                           extension_configs={"toc": {"slugify": slugify(case="lower")}})
    md.convert(body)

    def walk(tokens):
        for token in tokens:
            yield token["id"]
            yield from walk(token["children"])

    return list(walk(md.toc_tokens))


TRICKY_HEADINGS = """# 背景

## **原理**与 `代码` [链接](x.md)

```
# 不是标题
```

## 背景

Setext 标题
-----------

## 背景 {#custom}

## custom

### 1.1 做中国的 ChatGPT？
"""


@pytest.mark.parametrize("article", GARDEN.articles, ids=lambda a: a.slug)
def test_heading_ids_match_python_markdown(article):
    assert heading_ids(article.body) == site_heading_ids(article.body)


def test_heading_ids_tricky_cases():
    assert heading_ids(TRICKY_HEADINGS) == site_heading_ids(TRICKY_HEADINGS)
    assert "背景_1" in heading_ids(TRICKY_HEADINGS)


def test_event_anchor_under_a_repeated_heading():
    body = "## 背景\n\n无事。\n\n## 背景\n\n2022 年 12 月，OpenAI 发布 ChatGPT。\n"
    assert find(events_of(body), "ChatGPT").anchor == "背景_1"


# --------------------------------------------------------------------------
# Merging retellings


def mined() -> list[Event]:
    return [e for a in GARDEN.articles for e in extract_events(a, MATCHER)]


def test_the_essay_and_its_repost_tell_one_chatgpt_event():
    merged = merge_events(mined(), GARDEN.articles)
    (event,) = [e for e in merged if "横空出世" in e.text]
    assert event.date == P(2022, 12)
    # Ordered by article date: the dated repost, then the undated original.
    assert event.sources == (REPOST.slug, ESSAY.slug)
    assert len(event.anchors) == 2 and "chatgpt" in event.concepts
    assert event.text == "2022 年 12 月，ChatGPT 横空出世。"  # the listed article's wording
    # The chronicle's "12 月 1 日，ChatGPT 发布" has another date: a separate event.
    assert [e.sources for e in merged if e.date == P(2022, 12, 1)] == [(CHRONICLE.slug,)]


def test_merging_only_joins_retellings():
    merged = merge_events(mined(), GARDEN.articles)
    pair = {ESSAY.slug, REPOST.slug}
    for event in merged:
        if len(event.sources) > 1:
            assert set(event.sources) == pair, event
    assert len(merged) < len(mined())


def test_merge_threshold_separates_the_garden():
    buckets: dict[str, list[Event]] = {}
    for event in mined():
        if event.resolved:
            buckets.setdefault(event.date.iso(), []).append(event)
    pair = {ESSAY.slug, REPOST.slug}
    for events in buckets.values():
        for a, b in combinations(events, 2):
            if {a.sources[0], b.sources[0]} <= pair:
                continue  # the essay restates itself; tested above
            assert text_similarity(a.text, b.text) < MERGE_THRESHOLD / 2, (a.text, b.text)


def test_merge_keeps_unresolved_and_publications_apart():
    a = Event(P(None, 2, 2), "2月2日讯，OpenAI 发布付费版。", ("a",), resolved=False)
    b = replace(a, sources=("b",))
    pub = Event(P(2023, 2), "某文章", ("c",), kind="publication")
    assert merge_events([a, b, pub, pub]) == [a, b, pub, pub]


def test_publication_events():
    events = publication_events(GARDEN.articles)
    slugs = {e.sources[0] for e in events}
    assert slugs == {a.slug for a in GARDEN.articles if a.listed and a.date}
    assert REPOST.slug not in slugs  # a duplicate is not a publication of its own
    event = next(e for e in events if e.sources == (CHRONICLE.slug,))
    assert event.kind == "publication" and event.text == CHRONICLE.title
    assert event.date == CHRONICLE.date


# --------------------------------------------------------------------------
# Checks


def test_unresolved_events_are_warnings_with_file_lines():
    events = extract_events(PAYWALL, MATCHER)
    found = event_diagnostics(events, GARDEN.articles, GARDEN.docs_dir)
    assert found and all(d.severity == "warning" and d.path == PAYWALL.path for d in found)
    assert len(found) == sum(not e.resolved for e in events)
    lines = (GARDEN.docs_dir / PAYWALL.path).read_text(encoding="utf-8").splitlines()
    first = found[0]
    unresolved = next(e for e in events if not e.resolved)
    clause = unresolved.text.split("，")[1][:12]
    assert clause in lines[first.line - 1]
    # Without the docs folder the line is the body's.
    body_line = event_diagnostics(events, GARDEN.articles)[0].line
    assert clause in PAYWALL.body.splitlines()[body_line - 1]


def test_resolved_events_give_no_diagnostics():
    assert event_diagnostics(extract_events(CHRONICLE, MATCHER), GARDEN.articles) == []


# --------------------------------------------------------------------------
# Curated entries

CURATED = """\
- date: 2022-11-30
  text: OpenAI 发布 ChatGPT（美国时间）。
  concepts: [chatgpt]
  sources: [{chronicle}]
- hide: {{date: 2020-01, contains: "Scaling Law"}}
- correct: {{date: 2022-12-01, contains: "ChatGPT 发布"}}
  date: 2022-11-30
  text: ChatGPT 发布（北京时间 12 月 1 日）。
- date: 2023-02-30
  text: 这一天不存在。
- hide: {{date: 2019, contains: "没有这件事"}}
- date: 2021
  txet: 拼错的键
"""


@pytest.fixture()
def curated(tmp_path):
    path = tmp_path / "timeline.yml"
    path.write_text(CURATED.format(chronicle=CHRONICLE.slug), encoding="utf-8")
    return load_curated(path, "timeline.yml")


def test_curated_file_is_read_with_line_numbers(curated):
    entries, problems = curated
    assert [e.action for e in entries] == ["add", "hide", "correct", "hide"]
    assert [(p.line, p.severity) for p in problems] == [(9, "error"), (13, "error")]
    bad_date, bad_key = problems
    assert bad_date.path == "timeline.yml" and "2023-02-30" in bad_date.message
    assert "txet" in bad_key.message


def test_curated_entries_apply(curated):
    entries, _ = curated
    events = apply_curated(extract_events(CHRONICLE, MATCHER), entries)
    assert not [e for e in events if "Scaling Law" in e.text]
    (added,) = [e for e in events if e.kind == "curated"]
    assert added.date == P(2022, 11, 30) and added.concepts == ("chatgpt",)
    assert added.sources == (CHRONICLE.slug,)
    (fixed,) = [e for e in events if "北京时间" in e.text]
    assert fixed.date == P(2022, 11, 30) and fixed.sources == (CHRONICLE.slug,)
    assert fixed.concepts == ("chatgpt",) and fixed.kind == "event"
    assert not [e for e in events if e.date == P(2022, 12, 1)]


def test_curated_selectors_that_match_nothing_are_reported(curated):
    entries, _ = curated
    (warning,) = curated_diagnostics(extract_events(CHRONICLE, MATCHER), entries)
    assert warning.line == 11 and warning.severity == "warning" and "没有这件事" in warning.message


def test_curated_files_never_raise(tmp_path):
    assert load_curated(tmp_path / "missing.yml") == ([], [])
    cases = {
        "- date: [\n": "not valid YAML",
        "title: 不是列表\n": "must be a list",
        "- 42\n": "must be a mapping",
        "- date: 2023-01-01\n": "missing text",
        "- hide: 2022\n": "needs a mapping",
        "- correct: {date: 2022-01}\n": "at least one of",
        "- hide: {date: 2022-13}\n": "month 13",
    }
    for text, message in cases.items():
        path = tmp_path / "bad.yml"
        path.write_text(text, encoding="utf-8")
        entries, problems = load_curated(path)
        assert entries == [] and len(problems) == 1 and message in problems[0].message, text


# --------------------------------------------------------------------------
# Any input


PIECES = [*"年月日初底之前今去明 0123456789２０-.*_#>`~|<![]()\n，。？",
          "OpenAI", "发布", "ChatGPT"]
MARKDOWNISH = st.lists(st.sampled_from(PIECES), max_size=200).map("".join)


@settings(max_examples=300, deadline=None)
@given(body=MARKDOWNISH, year=st.one_of(st.none(), st.integers(1990, 2030)))
def test_any_body_gives_sane_events(body, year):
    article = note(body, P(year) if year else None)
    lines = body.split("\n")
    for event in extract_events(article, MATCHER):
        assert 0 <= event.confidence <= 1
        assert event.resolved == (event.date.year is not None)
        assert 1 <= event.line <= len(lines)
        assert 0 < len(event.text) <= MAX_TEXT + 1 and "\n" not in event.text
    heading_ids(body)  # never raises either


def _all_pairs_cluster(bucket, threshold):
    """The definition merging follows, comparing every pair: each event joins the first group
    one of whose members it resembles."""
    groups = []
    for event in bucket:
        home = next((g for g in groups if any(text_similarity(event.text, o.text) >= threshold
                                              for o in g)), None)
        if home is None:
            groups.append([event])
        else:
            home.append(event)
    return groups


_SEED_SENTENCES = [e.text for e in mined()][:40] or ["2017 年 6 月，Google 发布 Transformer 论文。"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(
    st.sampled_from(_SEED_SENTENCES),
    st.text(alphabet="模型发布训练数据对齐规模ABCab 12", min_size=0, max_size=14),
), max_size=40), st.sampled_from([0.2, 0.4, 0.7]))
def test_filtered_clustering_equals_comparing_all_pairs(texts, threshold):
    from gardener.garden.timeline.merge import _cluster

    template = mined()[0]
    bucket = [replace(template, text=t, sources=(f"s{i}",)) for i, t in enumerate(texts)]
    assert _cluster(bucket, threshold) == _all_pairs_cluster(bucket, threshold)
