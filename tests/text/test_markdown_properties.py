"""Invariants of the one Markdown scanner, on generated documents."""

from __future__ import annotations

from bisect import bisect_right

import markdown
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pymdownx.slugs import slugify

from gardener.text.markdown import CODE, blocks, fenced_lines, heading_ids, links, plain_text, protected_spans

LINES = st.sampled_from([
    "```", "````", "~~~", "```python", "# 标题", "## 背景", "标题", "===", "---", "- 列表项", "1. 第一",
    "> 引用", "> ## 引用标题", "    缩进", "\t缩进", "!!! note \"提示\"", "| 甲 | 乙 |", "<div>", "</div>",
    "<!-- 注释", "-->", "[a](b.md)", "![图](c.png)", "`代码`", "正文，2023 年 5 月。", "RLHF 与 GPT-4", "",
])
documents = st.lists(st.one_of(LINES, st.text(alphabet="通过模型 ab#>-*`[](),.1", max_size=12)),
                     max_size=25).map("\n".join)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(documents)
def test_protected_spans_are_sorted_disjoint_and_inside_the_text(text):
    spans = protected_spans(text)
    assert all(0 <= start < end <= len(text) for start, end in spans)
    assert all(end < following for (_, end), (following, _) in zip(spans, spans[1:], strict=False))


@SETTINGS
@given(documents)
def test_fenced_text_is_only_ever_code(text):
    fenced = fenced_lines(text.split("\n"))
    covered = [False] * len(fenced)
    for block in blocks(text):
        lines = range(block.line - 1, block.line + block.text.count("\n"))
        if block.kind == CODE:
            for index in lines:
                covered[index] = True
        else:
            assert not any(fenced[index] for index in lines), block
    assert all(covered[i] for i, inside in enumerate(fenced) if inside)


@SETTINGS
@example("---\n```\n---\n[a](b.md)")  # fences inside front matter open nothing
@given(documents)
def test_links_never_start_in_code(text):
    fenced = fenced_lines(text.split("\n"))
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    for link in links(text):
        assert not fenced[bisect_right(starts, link.start) - 1]
        assert text[link.start] in "[!"


WORDS = st.text(alphabet="通过实现模型训练数据对齐 abcXYZ019，。？！、：；“”（）", min_size=1, max_size=12)
prose_lines = st.lists(WORDS.map(str.strip).filter(lambda w: w and not w[0].isdigit()), min_size=1, max_size=6)


@SETTINGS
@given(st.lists(prose_lines.map(" ".join), min_size=1, max_size=8).map("\n".join))
def test_plain_text_of_text_without_markup_is_the_text(text):
    assert plain_text(text).split() == text.split()


HEADINGS = st.sampled_from(["# 背景", "## 背景", "## 原理", "### 原理与 `代码`", "## **重点**", "# 1.1 节",
                            "## GPT-4 与 RLHF", "## [链接](x.md)", "## 背景 {#custom}", "## custom"])
heading_docs = st.lists(st.one_of(HEADINGS, st.sampled_from(["正文。", "```\n# 代码\n```", "> 引用", ""])),
                        max_size=12).map("\n\n".join)
EXTENSIONS = ["attr_list", "tables", "toc", "pymdownx.superfences", "pymdownx.highlight"]


@SETTINGS
@given(heading_docs)
def test_heading_ids_are_the_ids_python_markdown_gives(text):
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs={"toc": {"slugify": slugify(case="lower")}})
    md.convert(text)
    flat, todo = [], list(md.toc_tokens)
    while todo:
        token = todo.pop(0)
        flat.append(token)
        todo[:0] = token["children"]
    assert heading_ids(text) == [token["id"] for token in flat]
