"""Events, not dated sentences: what a timeline keeps, how it dates and words it.

The sentences are the failures found by reading the timeline of a real Chinese tech weekly (407
issues) and an LLM course.
"""

from __future__ import annotations

import pytest

from gardener.articles.model import Article, Event
from gardener.garden.checks import withheld_events
from gardener.garden.concepts.matcher import matcher_for
from gardener.garden.loading import load_garden
from gardener.garden.timeline.extract import PLAN, extract_events, not_event, withheld_sentences
from gardener.garden.timeline.merge import merge_events
from gardener.text.dates import PartialDate as P
from tests.conftest import ROOT

GARDEN = load_garden(ROOT / "docs")
MATCHER = matcher_for(GARDEN.concepts)


ISSUE_DATE = P(2021, 5, 10)  # the front-matter date of the article the sentences sit in


def note(body: str, date: P | None = ISSUE_DATE, slug: str = "weekly") -> Article:
    return Article(path=f"articles/{slug}.md", slug=slug, title="周刊", body=body, date=date)


def events_of(body: str, date: P | None = ISSUE_DATE) -> list[Event]:
    return extract_events(note(body, date), MATCHER)


@pytest.mark.parametrize("sentence", [
    "2100年，全球人口最多的五个国家是印度、中国、尼日利亚、美国和巴基斯坦。",  # statistic
    "2020 年，有 9648 人参加了投票，有 35% 的人选择了 Vue。",  # statistic
    "2018年的本周：第 1 期发布了。",  # the periodical about itself
    "2017年，我去星巴克买了一杯咖啡，发现店里开始用上了新系统。",  # anecdote
    "2038年的底特律，仿生人在街头游荡。",  # fiction
    "2028年，我们的生活将是什么样？",  # question
    "2025 年，50% 的新应用将会采用开源监控工具。",  # forecast
    "由于 vLLM 0.10.1 版本还未正式发布（2025.8.6），需要从源码安装。",  # negation, aside
    "它诞生于 2007 年，可以用来构建几乎所有种类的应用程序。",  # the subject is lost
    "该游戏于 2016 年推出。",  # the subject is lost
    "最初于 2021 年 1 月 4 日在作者的博客上发布。",  # the text about itself
    "自 2012 年推出以来，树莓派基金会已经发布了 20 种其他的型号。",  # background
    "图源：Michael Grobe，1994 年发布于堪萨斯大学。",  # caption
])
def test_dated_sentences_that_are_not_events_stay_off_the_timeline(sentence):
    assert events_of(sentence) == []
    assert not_event(sentence, sentence.find("20") if "20" in sentence else 0) is not None


@pytest.mark.parametrize(("sentence", "iso"), [
    ("1969 年 7 月 20 日，阿波罗 11 号登月。", "1969-07-20"),
    ("Svelte 是由 Rich Harris 于 2016 年开发的一个前端框架。", "2016"),
    ("蒂姆·伯纳斯·李于 1989 年创建了 HTTP。", "1989"),
    ("我们于 2020 年 2 月发布了 DeepSpeed。", "2020-02"),  # an organisation about its release
    ("In 2008, Stack Overflow was created by Jeff Atwood and Joel Spolsky.", "2008"),
])
def test_events_are_kept(sentence, iso):
    (event,) = events_of(sentence)
    assert event.date.iso() == iso


def test_an_announced_plan_is_dated_at_its_announcement():
    (event,) = events_of("挪威宣布，2025年将禁售燃油汽车。", P(2017, 3, 1))
    assert event.date == P(2017, 3, 1) and event.qualifier == PLAN
    assert "2025年将禁售" in event.text
    # Without a date of its own the announcement cannot be placed: nothing is guessed.
    assert events_of("挪威宣布，2025年将禁售燃油汽车。", None) == []


@pytest.mark.parametrize("sentence", [
    "1963 年 11 月 22 日，John F. Kennedy 在达拉斯遇刺。",
    "In 1928, Dr. Alexander Fleming discovered penicillin in London.",
    "In 1969, the U.S. Apollo program landed the first men on the Moon.",
])
def test_sentences_are_not_cut_at_initials_or_abbreviations(sentence):
    (event,) = events_of(sentence)
    assert event.text == sentence


def test_event_text_carries_no_markdown():
    body = "[《中国2021年统计公报》](https://example.com/a) 于 2022 年 2 月 28 日发布，\n回顾了一年。"
    (event,) = events_of(body)
    assert "](" not in event.text and "[" not in event.text
    assert event.text.startswith("《中国2021年统计公报》")


def test_the_same_event_merges_across_articles_when_dates_differ_in_precision():
    one = extract_events(note("1914 年，第一次世界大战爆发。", slug="a"), MATCHER)
    two = extract_events(note("1914 年 7 月，第一次世界大战爆发。", slug="b"), MATCHER)
    three = extract_events(note("1914 年 8 月，第一次世界大战爆发。", slug="c"), MATCHER)
    merged = merge_events(one + two)
    assert len(merged) == 1 and merged[0].date == P(1914, 7)
    assert set(merged[0].sources) == {"a", "b"}
    # Months that disagree are different happenings, however alike the words.
    assert len(merge_events(two + three)) == 2


def test_apollo_told_twice_is_one_event():
    first = extract_events(note("1969 年 7 月 20 日，阿波罗 11 号成功登月。", slug="a"), MATCHER)
    again = extract_events(note("1969 年，阿波罗 11 号成功登月。", slug="b"), MATCHER)
    (event,) = merge_events(first + again)
    assert event.date == P(1969, 7, 20) and set(event.sources) == {"a", "b"}


def test_relative_dates_need_the_articles_own_date():
    assert [e.resolved for e in events_of("去年 3 月，OpenAI 发布了新模型。", None)] == [False]
    (event,) = events_of("去年 3 月，OpenAI 发布了新模型。", P(2021, 5, 10))
    assert event.resolved and event.date == P(2020, 3)


def test_what_is_left_out_is_listed_with_its_reason():
    article = note("2017年，我去星巴克。\n\n2019 年 2 月，OpenAI 发布 GPT-2。\n\n2028年，生活会怎样？")
    withheld = withheld_sentences(article)
    assert [(line, reason) for line, reason, _ in withheld] == [(1, "no event predicate"),
                                                                 (5, "no event predicate")]
    garden = GARDEN.__class__(GARDEN.docs_dir, (article,), (), ())
    (diagnostic,) = withheld_events(garden)
    assert diagnostic.severity == "info" and "2 dated sentences" in diagnostic.message
