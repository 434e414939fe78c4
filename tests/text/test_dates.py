"""Tests for gardener.text.dates: the date grammar used by the importer and the timeline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gardener.text.dates import (
    YEAR_MAX,
    YEAR_MIN,
    DateMention,
    InvalidDate,
    PartialDate,
    find_dates,
    parse_date,
)

SEEDS = Path(__file__).parent.parent / "fixtures" / "seeds"

P = PartialDate


def only(text: str, anchor: PartialDate | None = None) -> DateMention:
    mentions = find_dates(text, anchor)
    assert len(mentions) == 1, mentions
    return mentions[0]


# --------------------------------------------------------------------------
# Forms find_dates recognises
#
# (text, anchor year, matched text, date, end_date, relative, resolved, qualifier)

ABSOLUTE = [
    ("2022 年 12 月", "2022 年 12 月", P(2022, 12)),
    ("2023年2月8日", "2023年2月8日", P(2023, 2, 8)),
    ("浏览量 514 2024年02月22日 掌心科技发布", "2024年02月22日", P(2024, 2, 22)),
    ("2022 年 12 月 1 日", "2022 年 12 月 1 日", P(2022, 12, 1)),
    ("2023年2月8号", "2023年2月8号", P(2023, 2, 8)),
    ("等到 2023 年 3 月 21 号的 GTC", "2023 年 3 月 21 号", P(2023, 3, 21)),
    ("二〇二三年三月", "二〇二三年三月", P(2023, 3)),
    ("二零二三年三月十五日", "二零二三年三月十五日", P(2023, 3, 15)),
    ("一九九九年十二月三十一日", "一九九九年十二月三十一日", P(1999, 12, 31)),
    ("2023年三月二十日", "2023年三月二十日", P(2023, 3, 20)),
    ("２０２３年２月８日", "２０２３年２月８日", P(2023, 2, 8)),
    ("2020 年", "2020 年", P(2020)),
    ("2020年", "2020年", P(2020)),
    ("在 2017 年，我刚刚入行", "2017 年", P(2017)),
    ("2020 年，初代 GPT 3 训练完成", "2020 年", P(2020)),
    ("在 2022 年一整年", "2022 年", P(2022)),
    ("2023 年 5 个月", "2023 年", P(2023)),
    ("2023-03-19", "2023-03-19", P(2023, 3, 19)),
    ("Date: 2023 - 03 - 19", "2023 - 03 - 19", P(2023, 3, 19)),
    ("2023/3/19", "2023/3/19", P(2023, 3, 19)),
    ("2023.3.19", "2023.3.19", P(2023, 3, 19)),
    ("2023-03", "2023-03", P(2023, 3)),
    ("2023/03", "2023/03", P(2023, 3)),
    ("created: 2023-02-10T21:27:35", "2023-02-10T21:27:35", P(2023, 2, 10)),
    ("（2024-02-23）", "2024-02-23", P(2024, 2, 23)),
    ("Feb 2023", "Feb 2023", P(2023, 2)),
    ("February 2023", "February 2023", P(2023, 2)),
    ("Sept. 2023", "Sept. 2023", P(2023, 9)),
    ("archived 9 Feb 2023 09:00:33 UTC", "9 Feb 2023", P(2023, 2, 9)),
    ("9th February, 2023", "9th February, 2023", P(2023, 2, 9)),
    ("Feb 9, 2023", "Feb 9, 2023", P(2023, 2, 9)),
    ("February 9th, 2023", "February 9th, 2023", P(2023, 2, 9)),
    ("It was released in 2019.", "in 2019", P(2019)),
    ("In 2019, GPT-2", "In 2019", P(2019)),
]


@pytest.mark.parametrize(("text", "matched", "date"), ABSOLUTE, ids=[c[0] for c in ABSOLUTE])
def test_absolute_forms(text: str, matched: str, date: PartialDate) -> None:
    for anchor in (None, P(2010)):  # an anchor never changes an absolute date
        m = only(text, anchor)
        assert (m.text, m.date, m.end_date) == (matched, date, None)
        assert (m.relative, m.resolved, m.qualifier) == (False, True, None)
        assert text[m.start : m.end] == matched


PRECISIONS = [("2020 年", "year"), ("2022 年 12 月", "month"), ("2023年2月8日", "day")]


@pytest.mark.parametrize(("text", "precision"), PRECISIONS)
def test_precision(text: str, precision: str) -> None:
    assert only(text).date.precision == precision


SPANS = [
    ("2017 年 6 月，7 月，OpenAI 发布", "2017 年 6 月，7 月", P(2017, 6), P(2017, 7)),
    ("2017 年 6 月至 8 月", "2017 年 6 月至 8 月", P(2017, 6), P(2017, 8)),
    ("2017年6-7月", "2017年6-7月", P(2017, 6), P(2017, 7)),
    ("2017年6、7月", "2017年6、7月", P(2017, 6), P(2017, 7)),
    ("2022 年 11 月至 2 月", "2022 年 11 月至 2 月", P(2022, 11), P(2023, 2)),
]


@pytest.mark.parametrize(("text", "matched", "date", "end_date"), SPANS)
def test_month_spans(text: str, matched: str, date: PartialDate, end_date: PartialDate) -> None:
    m = only(text)
    assert (m.text, m.date, m.end_date, m.relative) == (matched, date, end_date, False)


def test_a_month_followed_by_a_day_is_not_a_span() -> None:
    # The second part is its own day mention, not the end of a span.
    first, second = find_dates("2022 年 11 月，12 月 1 日", P(2022))
    assert (first.date, first.end_date) == (P(2022, 11), None)
    assert (second.date, second.relative) == (P(2022, 12, 1), True)


QUALIFIED = [
    ("2020 之前", "2020 之前", P(2020), "before"),
    ("2020以前", "2020以前", P(2020), "before"),
    ("2020 之后", "2020 之后", P(2020), "after"),
    ("2020 年之后", "2020 年之后", P(2020), "after"),
    ("2020 年以后", "2020 年以后", P(2020), "after"),
    ("只有 2021 年之前的知识", "2021 年之前", P(2021), "before"),
    ("2020 年初", "2020 年初", P(2020), "early"),
    ("2020 年底", "2020 年底", P(2020), "late"),
    ("2020 年末", "2020 年末", P(2020), "late"),
    ("2020 年中", "2020 年中", P(2020), "mid"),
    ("2020年年底", "2020年年底", P(2020), "late"),
    ("2020 年底之前", "2020 年底之前", P(2020), "before"),
    ("2022 年 12 月初", "2022 年 12 月初", P(2022, 12), "early"),
    ("2022 年 12 月底", "2022 年 12 月底", P(2022, 12), "late"),
    ("2022 年 12 月下旬", "2022 年 12 月下旬", P(2022, 12), "late"),
    ("2023年2月8日之后", "2023年2月8日之后", P(2023, 2, 8), "after"),
    ("in early 2023", "in early 2023", P(2023), "early"),
    ("by mid-2023", "mid-2023", P(2023), "mid"),
    ("Late 2022", "Late 2022", P(2022), "late"),
]


@pytest.mark.parametrize(("text", "matched", "date", "qualifier"), QUALIFIED)
def test_qualifiers(text: str, matched: str, date: PartialDate, qualifier: str) -> None:
    m = only(text)
    assert (m.text, m.date, m.qualifier, m.relative) == (matched, date, qualifier, False)


def test_year_followed_by_zhongguo_is_not_mid_year() -> None:
    m = only("2020 年中国的 GDP")
    assert (m.text, m.qualifier) == ("2020 年", None)


RELATIVE = [
    # text, anchor year, matched, date, qualifier
    ("今年3月", 2023, "今年3月", P(2023, 3), None),
    ("今年3月份，费恩收到", 2023, "今年3月份", P(2023, 3), None),
    ("去年12月", 2023, "去年12月", P(2022, 12), None),
    ("去年 8 月的时候", 2023, "去年 8 月", P(2022, 8), None),
    ("前年", 2023, "前年", P(2021), None),
    ("明年，他计划", 2023, "明年", P(2024), None),
    ("今年", 2023, "今年", P(2023), None),
    ("今年 3 月 21 号的 GTC", 2023, "今年 3 月 21 号", P(2023, 3, 21), None),
    ("今年初", 2023, "今年初", P(2023), "early"),
    ("去年底", 2023, "去年底", P(2022), "late"),
    ("去年年底", 2023, "去年年底", P(2022), "late"),
    ("年初，Covid-19 爆发", 2020, "年初", P(2020), "early"),
    ("年底", 2020, "年底", P(2020), "late"),
    ("年末", 2020, "年末", P(2020), "late"),
    ("2月2日", 2023, "2月2日", P(2023, 2, 2), None),
    ("6月3日消息", 2023, "6月3日", P(2023, 6, 3), None),
    ("12 月 1 日", 2022, "12 月 1 日", P(2022, 12, 1), None),
    ("《科创板日报》2月2日讯", 2023, "2月2日", P(2023, 2, 2), None),
    ("主题是在 3 月 15 日发布的", 2023, "3 月 15 日", P(2023, 3, 15), None),
    ("3 月 21 号", 2023, "3 月 21 号", P(2023, 3, 21), None),
    ("1 月", 2020, "1 月", P(2020, 1), None),
    ("- 5 月，GPT-3 论文发布。", 2020, "5 月", P(2020, 5), None),
    ("十二月", 2022, "十二月", P(2022, 12), None),
    ("三月十五日", 2023, "三月十五日", P(2023, 3, 15), None),
    ("12 月初，中国互联网", 2022, "12 月初", P(2022, 12), "early"),
    ("3 月之前", 2023, "3 月之前", P(2023, 3), "before"),
    ("2月29日", 2024, "2月29日", P(2024, 2, 29), None),
]


@pytest.mark.parametrize(
    ("text", "year", "matched", "date", "qualifier"), RELATIVE, ids=[c[0] for c in RELATIVE]
)
def test_relative_forms_resolve_against_the_anchor(
    text: str, year: int, matched: str, date: PartialDate, qualifier: str | None
) -> None:
    m = only(text, P(year, 6, 1))
    assert (m.text, m.date, m.qualifier) == (matched, date, qualifier)
    assert (m.relative, m.resolved) == (True, True)


@pytest.mark.parametrize(
    ("text", "year", "matched", "date", "qualifier"), RELATIVE, ids=[c[0] for c in RELATIVE]
)
@pytest.mark.parametrize("anchor", [None, P(None, 5)], ids=["no-anchor", "yearless-anchor"])
def test_relative_forms_without_an_anchor_year_stay_unresolved(
    text: str,
    year: int,
    matched: str,
    date: PartialDate,
    qualifier: str | None,
    anchor: PartialDate | None,
) -> None:
    m = only(text, anchor)
    assert (m.text, m.qualifier) == (matched, qualifier)
    assert m.date == P(None, date.month, date.day)
    assert (m.relative, m.resolved) == (True, False)


def test_relative_span_without_anchor() -> None:
    m = only("6 月，7 月")
    assert (m.date, m.end_date, m.resolved) == (P(None, 6), P(None, 7), False)


def test_bare_month_day_that_needs_a_leap_year() -> None:
    assert find_dates("2月29日", P(2023)) == []
    assert only("2月29日").date == P(None, 2, 29)


def test_longest_form_wins() -> None:
    m = only("2022 年 12 月 1 日，ChatGPT 发布", P(2000))
    assert (m.text, m.date.precision, m.relative) == ("2022 年 12 月 1 日", "day", False)


def test_several_mentions_come_left_to_right() -> None:
    text = "2003 年和 2004 年，Google 发表；去年 10 月份去美国"
    got = [(m.text, m.date) for m in find_dates(text, P(2023))]
    assert got == [("2003 年", P(2003)), ("2004 年", P(2004)), ("去年 10 月份", P(2022, 10))]


# --------------------------------------------------------------------------
# What is not a date

NOT_DATES = [
    "GPT-3.5",
    "GPT-4",
    "175B",
    "1024 张 A100",
    "20美元",
    "89%",
    "2-7B",
    "H100",
    "2.5 MB",
    "第 250 期",
    "13800138000",
    "202302101234",
    "2023",
    "在 2023 这个数字",
    "010-12345678",
    "2012-34567",
    "v1.2.3",
    "3.5.1",
    "1.6.1",
    "192.168.1.1",
    "2023年13月",
    "2月30日",
    "2023年2月30日",
    "2023-02-30",
    "2023-13-01",
    "2023/02/30",
    "2023年6-13月",
    "3000 年",
    "1024 年",
    "1899 年",
    "300B 个词",
    "34 天",
    "3 天",
    "5 - 10 万张卡",
    "2020 - 12 万",
    "2 个月",
    "6 个月",
    "两个月",
    "3 周",
    "5 小时",
    "10 分钟",
    "8 倍",
    "1.6T",
    "800G",
    "2B 或者 20B",
    "text-davinci-003",
    "![img](images/bg2023090101.webp)",
    "20ihbpBs2B",
    "abc2023年",
    "https://www.npr.org/2023/05/08/1174132413/people",
    "v2023.3.19",
    "3日",
    "15 号",
    "90年代",
    "1990 年代",
    "20世纪",
    "目前年轻人",
    "如今年轻人",
    "说明年度报告",
    "新年初一",
    "每年年底",
    "一年中",
    "fits in 2048 tokens",
    "trained on 2048 GPUs",
    "Marx 2023",
    "may 2023",
]


@pytest.mark.parametrize("text", NOT_DATES)
def test_not_dates(text: str) -> None:
    assert find_dates(text) == []
    assert find_dates(text, P(2023)) == []


@pytest.mark.parametrize("text", ["", "没有日期的一段中文。", "No dates here at all."])
def test_text_without_dates(text: str) -> None:
    assert find_dates(text) == []
    assert parse_date(text) is None


def test_impossible_date_hides_its_parts() -> None:
    # Skipped as a whole: neither "2023年" nor "13月" may survive on its own.
    assert find_dates("2023年13月，2024年1月") == [
        DateMention(9, 16, "2024年1月", P(2024, 1)),
    ]


# --------------------------------------------------------------------------
# parse_date: whole header and front-matter values

HEADER_VALUES = [
    ("2023-02-10T21:27:35 (UTC +08:00)", P(2023, 2, 10)),
    ("2023-02-10T21:27:35+08:00", P(2023, 2, 10)),
    ("2023-02-10T21:27:35.123Z", P(2023, 2, 10)),
    ("2023-02-10 21:27", P(2023, 2, 10)),
    ("2023-02-10 21:27:35 UTC", P(2023, 2, 10)),
    ("2023 - 03 - 19", P(2023, 3, 19)),
    ("  2023-03-19  ", P(2023, 3, 19)),
    ("2023-03", P(2023, 3)),
    ("2023.02.10", P(2023, 2, 10)),
    ("2023/02/10", P(2023, 2, 10)),
    ("20230210", P(2023, 2, 10)),
    ("9 Feb 2023", P(2023, 2, 9)),
    ("9 Feb 2023 09:00:33 UTC", P(2023, 2, 9)),
    ("February 9, 2023", P(2023, 2, 9)),
    ("Feb 2023", P(2023, 2)),
    ("写于 2023 年 2 月", P(2023, 2)),
    ("2023年2月8日", P(2023, 2, 8)),
    ("浏览量 514 2024年02月22日 掌心科技发布", P(2024, 2, 22)),
    ("By 红博士, 2023 年 2 月 8 日", P(2023, 2, 8)),
    ("二〇二三年三月", P(2023, 3)),
    ("2020 年", P(2020)),
    ("3 月 15 日", P(None, 3, 15)),
    (dt.date(2023, 2, 10), P(2023, 2, 10)),
    (dt.datetime(2023, 2, 10, 21, 27), P(2023, 2, 10)),
    (20230210, P(2023, 2, 10)),
]


@pytest.mark.parametrize(
    ("value", "expected"), HEADER_VALUES, ids=[str(v) for v, _ in HEADER_VALUES]
)
def test_parse_date(value: object, expected: PartialDate) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value", ["", "GPT-4", "20230230", "13800138000", "3000 年", "v1.2.3", "今年", "年初", "1899", "2101",
              "12023"]
)
def test_parse_date_none(value: str) -> None:
    assert parse_date(value) is None


@pytest.mark.parametrize("value", ["2023", 2023, " 2023 "])
def test_parse_date_bare_year_as_a_whole_value(value) -> None:
    # front-matter `date: 2023` (an int to YAML) or a "Date: 2023" header line
    assert parse_date(value) == PartialDate(2023)
    assert find_dates(f"共 {str(value).strip()} 个") == []  # still no date inside prose


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2023-02-30", "day 30"),
        ("2023-13-01", "month 13"),
        ("2023-02-29", "day 29"),
        ("2023-02-10T25:00", "time"),
        ("2023-02-10T21:61:00", "time"),
        ("2023/04/31", "day 31"),
        ("2023年13月", "month 13"),
        ("2023年2月30日", "day 30"),
        ("2月30日", "day 30"),
        ("写于 2023 年 2 月 30 日", "day 30"),
    ],
)
def test_parse_date_rejects_impossible_dates(value: str, reason: str) -> None:
    with pytest.raises(InvalidDate, match=reason) as info:
        parse_date(value)
    assert isinstance(info.value, ValueError)
    assert str(info.value).startswith("impossible")


def test_parse_date_leap_day() -> None:
    assert parse_date("2024-02-29") == P(2024, 2, 29)


def test_invalid_date_message_names_the_value() -> None:
    with pytest.raises(InvalidDate, match=r"2023-02-30.*day 30"):
        parse_date("2023-02-30")


# --------------------------------------------------------------------------
# PartialDate


@pytest.mark.parametrize(
    ("date", "iso", "precision"),
    [
        (P(2023), "2023", "year"),
        (P(2023, 2), "2023-02", "month"),
        (P(2023, 2, 8), "2023-02-08", "day"),
        (P(None, 2, 2), "????-02-02", "day"),
        (P(None, 2), "????-02", "month"),
        (P(None), "????", "year"),
    ],
)
def test_iso_and_precision(date: PartialDate, iso: str, precision: str) -> None:
    assert (date.iso(), date.precision) == (iso, precision)


@pytest.mark.parametrize(
    ("year", "month", "day"), [(2023, 13, None), (2023, 0, None), (2023, 2, 29), (2023, None, 1)]
)
def test_impossible_partial_dates_cannot_be_built(
    year: int, month: int | None, day: int | None
) -> None:
    with pytest.raises(InvalidDate):
        PartialDate(year, month, day)


def test_sort_key_puts_unknown_parts_first() -> None:
    dates = [P(2023, 2, 8), P(None, 3, 1), P(2023), P(2023, 2), P(2022, 12, 31), P(None)]
    assert sorted(dates, key=PartialDate.sort_key) == [
        P(None),
        P(None, 3, 1),
        P(2022, 12, 31),
        P(2023),
        P(2023, 2),
        P(2023, 2, 8),
    ]


def test_dates_of_one_precision_order_directly() -> None:
    assert P(2022, 12, 31) < P(2023, 1, 1) < P(2023, 1, 2)
    assert P(2022, 12) < P(2023, 1)


def test_bounds() -> None:
    assert (YEAR_MIN, YEAR_MAX) == (1900, 2100)
    assert only("1900 年").date == P(1900)
    assert only("2100 年").date == P(2100)


# --------------------------------------------------------------------------
# Real seed text


@pytest.fixture(scope="module")
def seed_003() -> str:
    return (SEEDS / "003_9c70041d7ce2fa41.txt").read_text(encoding="utf-8")


def mention_at(text: str, sentence: str, anchor: PartialDate | None = None) -> DateMention:
    start = text.index(sentence)
    return next(m for m in find_dates(text, anchor) if m.start == start)


def test_seed_transformer_sentence(seed_003: str) -> None:
    m = mention_at(seed_003, "2017 年 6 月，Google 发布 Transformer 论文")
    assert (m.date, m.date.precision, m.end_date, m.relative) == (P(2017, 6), "month", None, False)


def test_seed_two_month_sentence(seed_003: str) -> None:
    m = mention_at(seed_003, "2017 年 6 月，7 月，OpenAI")
    assert (m.date, m.end_date) == (P(2017, 6), P(2017, 7))


def test_seed_chatgpt_release_with_anchor(seed_003: str) -> None:
    m = mention_at(seed_003, "12 月 1 日，ChatGPT 发布", P(2022))
    assert (m.date, m.relative, m.resolved) == (P(2022, 12, 1), True, True)


def test_seed_header_values(seed_003: str) -> None:
    front = dict(line.split(": ", 1) for line in seed_003.split("---")[1].strip().splitlines())
    assert parse_date(front["created"]) == P(2023, 2, 10)
    assert mention_at(seed_003, "9 Feb 2023").date == P(2023, 2, 9)
    assert mention_at(seed_003, "2020 之前").qualifier == "before"


def test_seed_timeline_has_no_stray_dates(seed_003: str) -> None:
    # Model names, versions and identifiers in the text must not leak in.
    texts = [m.text for m in find_dates(seed_003, P(2023))]
    assert all("GPT" not in t and "003" not in t for t in texts)
    assert texts.count("12 月 1 日") == 1


# --------------------------------------------------------------------------
# Properties

# Pieces of date grammar, so that generated text often comes close to a date.
DATEISH = st.lists(
    st.sampled_from(
        list("0123456789０２年月日号今去前明初底末中旬之以后至到-/.:，, 　〇零一二三四五六七八九十")
        + ["Feb", "March", "Sept.", "in ", "early ", "mid-", "th", "T", "A", "x", "个"]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(
    text=st.one_of(st.text(max_size=80), DATEISH),
    anchor=st.one_of(st.none(), st.builds(P, st.integers(YEAR_MIN, YEAR_MAX)), st.just(P(None))),
)
def test_find_dates_never_raises_and_mentions_are_consistent(
    text: str, anchor: PartialDate | None
) -> None:
    mentions = find_dates(text, anchor)
    previous_end = 0
    for m in mentions:
        assert m.text == text[m.start : m.end]
        assert previous_end <= m.start < m.end
        previous_end = m.end
        assert m.resolved or m.date.year is None


@settings(max_examples=200, deadline=None)
@given(day=st.dates(dt.date(YEAR_MIN, 1, 1), dt.date(YEAR_MAX, 12, 31)))
def test_round_trip_of_valid_days(day: dt.date) -> None:
    text = f"{day.year}年{day.month}月{day.day}日"
    m = only(text)
    expected = P(day.year, day.month, day.day)
    assert (m.date, m.text, m.relative) == (expected, text, False)
    assert parse_date(m.date.iso()) == m.date
    assert parse_date(day.isoformat()) == expected


@settings(max_examples=200, deadline=None)
@given(
    year=st.integers(YEAR_MIN, YEAR_MAX),
    month=st.one_of(st.none(), st.integers(1, 12)),
)
def test_round_trip_of_coarse_dates(year: int, month: int | None) -> None:
    date = P(year, month)
    assert parse_date(date.iso()) == date
    text = f"{year} 年" if month is None else f"{year} 年 {month} 月"
    assert only(text).date == date
