"""Blocks, heading ids and plain text from the one scanner, checked against Python-Markdown."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from pymdownx.slugs import slugify

from gardener.articles import matter
from gardener.text.cjk import IDEOGRAPHS
from gardener.text.markdown import (
    ADMONITION,
    CODE,
    DEFINITION,
    HEADING,
    HTML,
    ITEM,
    PARAGRAPH,
    RULE,
    TABLE,
    blocks,
    heading_ids,
    inline_text,
    plain_text,
)

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "articles"
# The extensions of the repo's mkdocs.yml.
EXTENSIONS = ["abbr", "admonition", "attr_list", "footnotes", "md_in_html", "tables", "toc",
              "pymdownx.details", "pymdownx.superfences", "pymdownx.highlight", "pymdownx.inlinehilite"]


def site_ids(body: str) -> list[str]:
    md = markdown.Markdown(extensions=EXTENSIONS,
                           extension_configs={"toc": {"slugify": slugify(case="lower")}})
    md.convert(body)

    def walk(tokens):
        for token in tokens:
            yield token["id"]
            yield from walk(token["children"])

    return list(walk(md.toc_tokens))


SAMPLE = """# 标题

第一段第一行，
第一段第二行。

> ## 引用里的标题
>
> 引用的段落。

- 列表项 **一**
- 列表项二

    ```python
    # 不是标题
    ```

| 列 | 列 |
|----|----|
| 甲 | 乙 |

<div>原样的 HTML</div>

---

[ref]: https://example.com

!!! note "提示"
    提示的内容。

Setext 标题
===========
"""


def test_blocks_are_typed_and_numbered():
    found = [(b.kind, b.line, b.text, b.level, b.quoted) for b in blocks(SAMPLE)]
    assert found == [
        (HEADING, 1, "标题", 1, False),
        (PARAGRAPH, 3, "第一段第一行，\n第一段第二行。", 0, False),
        (HEADING, 6, "引用里的标题", 2, True),
        (PARAGRAPH, 8, "引用的段落。", 0, True),
        (ITEM, 10, "列表项 **一**", 0, False),
        (ITEM, 11, "列表项二", 0, False),
        (CODE, 13, "    ```python\n    # 不是标题\n    ```", 0, False),
        (TABLE, 17, "| 列 | 列 |\n|----|----|\n| 甲 | 乙 |", 0, False),
        (HTML, 21, "<div>原样的 HTML</div>", 0, False),
        (RULE, 23, "---", 0, False),
        (DEFINITION, 25, "[ref]: https://example.com", 0, False),
        (ADMONITION, 27, "提示", 0, False),
        (PARAGRAPH, 28, "提示的内容。", 0, False),
        (HEADING, 30, "Setext 标题", 1, False),
    ]


def test_comments_are_dropped_but_lines_keep_their_numbers():
    body = "<!-- 注释\n跨两行 -->\n正文<!-- 行内 -->继续。\n\n```\n<!-- 代码里的不是注释 -->\n```\n"
    found = [(b.kind, b.line, b.text) for b in blocks(body)]
    assert found == [(PARAGRAPH, 3, "正文继续。"), (CODE, 5, "```\n<!-- 代码里的不是注释 -->\n```")]


def test_one_paren_number_starts_no_list():
    # Python-Markdown only knows "1." lists; "1)" is text the page shows.
    assert [b.kind for b in blocks("1) 第一\n\n1. 第一\n")] == [PARAGRAPH, ITEM]
    assert markdown.markdown("1) 第一").startswith("<p>")


TRICKY_HEADINGS = """# 背景

## **原理**与 `代码` [链接](x.md) ![图](y.png)

```
# 不是标题
```

> ## 引用里的标题

## 背景

Setext 标题
-----------

## 背景 {#custom}

## custom

### 1.1 做中国的 ChatGPT？[1]

#### C# &amp; F#
"""


def test_heading_ids_match_the_site():
    assert heading_ids(TRICKY_HEADINGS) == site_ids(TRICKY_HEADINGS)
    assert heading_ids(TRICKY_HEADINGS)[:4] == ["背景", "原理与-代码-链接", "引用里的标题", "背景_1"]


@pytest.mark.parametrize("path", sorted(DOCS.glob("*.md")), ids=lambda p: p.stem[:24])
def test_heading_ids_of_the_repo_articles_match_the_site(path):
    body = matter.load(path.read_text(encoding="utf-8"), str(path)).body
    assert heading_ids(body) == site_ids(body)


def test_plain_text_of_a_body():
    body = ("# 标题\n\n见[文档](https://x.org/a_b)与 **重点**、_强调_ 和 snake_case。\n\n"
            "```\ncode\n```\n\n- 列表 ![图](a.png) <b>粗</b>&amp;`代码`\\*\n\n"
            "| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n[x]: https://x.org\n")
    assert plain_text(body).split("\n") == [
        "标题", "见文档与 重点、强调 和 snake_case。", "列表  粗&代码*", "甲 乙", "1 2"]


def test_plain_text_can_drop_code_and_mark_gaps():
    text = plain_text("用 `Code Term` 和 ![Alt](a.png) Flash Attention\n", keep_code=False, gap="\n")
    assert text == "用 \n 和 \n Flash Attention"
    # A comment is gone before blocks are read: the words around it meet, as on the page.
    assert plain_text("Flash <!-- 注释 -->Attention", gap="\n") == "Flash Attention"


def test_inline_text_keeps_a_list_number_and_drops_bullets_and_markers():
    assert inline_text("1. 第一\n- 第二\n> 引用\n## 标题") == "1. 第一\n第二\n引用\n标题"


def test_inline_text_leaves_code_as_written():
    assert inline_text("`a*b*_c_`与 *斜体*") == "a*b*_c_与 斜体"


def test_footnotes_and_entities_read_as_the_page_shows_them():
    assert inline_text("模型[^1]&nbsp;很大&#x4e2d;[引用](#x)") == "模型\u00a0很大中引用"


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_plain_text_of_real_articles_keeps_their_words(seed):
    # Every run of Chinese characters in the rendered page is in the plain text, in order.
    body = seed.read_text(encoding="utf-8")
    rendered = markdown.markdown(body, extensions=EXTENSIONS)
    text = plain_text(body)
    for run in _chinese_runs(_text_of(rendered))[:200]:
        assert run in text


def _text_of(html: str) -> str:
    html = re.sub(r"<(pre|code)\b[\s\S]*?</\1>", " ", html)
    return re.sub(r"<[^>]+>", " ", html)


def _chinese_runs(text: str) -> list[str]:
    return re.findall(f"[{IDEOGRAPHS}]{{4,}}", text)
