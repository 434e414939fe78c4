"""The metadata conventions of article headers and footers, line by line, and where they may be."""

from __future__ import annotations

import pytest

from gardener.sources.findings import Findings
from gardener.sources.headers import extract_labels, read_line
from gardener.text.dates import PartialDate

LINES = {
    "原创 张三 机器之心 2023-07-14 08:00 发表于北京": {
        "date": PartialDate(2023, 7, 14), "authors": ["张三"], "publisher": "机器之心"},
    "量子位 2023-07-14 08:00": {"date": PartialDate(2023, 7, 14), "publisher": "量子位"},
    "作者：李四 | 来源：新智元 | 发布时间：2023年5月4日 10:20": {
        "authors": ["李四"], "publisher": "新智元", "date": PartialDate(2023, 5, 4)},
    "来源：https://example.com/posts/42": {"source": "https://example.com/posts/42"},
    "By Jane Doe, March 3, 2021": {"authors": ["Jane Doe"], "date": PartialDate(2021, 3, 3)},
    "By [Jane Doe](https://example.com/jane) and [Li Lei](https://example.com/li)": {
        "authors": ["Jane Doe", "Li Lei"]},
    "*Originally published at [blog.example.com](https://blog.example.com/p/7) on May 2, 2022.*": {
        "source": "https://blog.example.com/p/7", "date": PartialDate(2022, 5, 2)},
    "> * 译者：[霜羽 Hoarfroster](https://github.com/PassionPenguin)": {"translators": ["霜羽 Hoarfroster"]},
    "> * 校对者：[Chorer](https://github.com/Chorer)、[Usualminds](https://github.com/Usualminds)": {
        "reviewers": ["Chorer", "Usualminds"]},
    "*写于 2023 年 2 月*": {"date": PartialDate(2023, 2)},
}
NOT_LABELS = [
    "这篇文章写于1970年，讲的是一本关于计算机的书，作者在序言里回忆了他的少年时代。",
    "By 2025, most teams will run a model of their own.",
    "By the way, this is not a byline.",
    "时间：过去的三个月里，我们一直在做这件事，而且还会继续做下去直到完成为止",
    "2010 年 9 月 23 日，Facebook 发生了迄今为止最严重的宕机事件之一。",
]


@pytest.mark.parametrize("line", sorted(LINES))
def test_labelled_lines_become_fields(line):
    found = Findings()
    assert read_line(line, found)
    facts = {fact.field: fact.value for fact in found.facts}
    assert facts == LINES[line]
    assert all(fact.confidence == "high" for fact in found.facts)


@pytest.mark.parametrize("line", NOT_LABELS)
def test_sentences_are_not_labels(line):
    found = Findings()
    assert not read_line(line, found) and found.facts == []


def test_a_date_alone_is_weak_evidence_and_stays_in_the_body():
    found = Findings()
    body = extract_labels("2023-07-14 08:00\n\n图为当天的发布会现场。\n", found)
    (fact,) = found.facts
    assert fact.confidence == "low" and fact.value == PartialDate(2023, 7, 14)
    assert body.startswith("2023-07-14 08:00")


def test_plain_header_labels_leave_the_body_and_sign_offs_stay():
    text = "作者：王五\n\n发布时间：2023-05-04\n\n" + "正文段落。\n\n" * 12 + "*写于 2023 年 5 月*\n"
    found = Findings()
    body = extract_labels(text, found)
    assert "作者：" not in body and "发布时间" not in body
    assert body.rstrip().endswith("*写于 2023 年 5 月*")
    assert [f.field for f in found.facts] == ["authors", "date", "date"]


def test_a_date_in_the_middle_of_the_text_is_not_read():
    text = "正文段落。\n\n" * 12 + "写于 1999 年 3 月\n\n" + "正文段落。\n\n" * 12
    found = Findings()
    extract_labels(text, found)
    assert found.facts == []
