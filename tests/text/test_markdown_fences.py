"""The one fence rule: text/markdown.py agrees with pymdownx.superfences, for every stage."""

from __future__ import annotations

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gardener.garden.concepts.suggest import prose
from gardener.sources.cleaning import clean
from gardener.sources.findings import Findings
from gardener.text.markdown import CODE, PARAGRAPH, blocks, fenced_lines, links, protected_spans


def superfences_lines(text: str) -> list[bool]:
    """Which lines pymdownx.superfences itself stores as fenced code, observed from its own
    preprocessor: Python-Markdown's whitespace normalisation, then the fence search."""
    md = markdown.Markdown(extensions=["pymdownx.superfences", "pymdownx.highlight"])
    fences = md.preprocessors["fenced_code_block"]
    stored: list[tuple[int, int]] = []
    keep = fences._store

    def store(source, code, start, end):
        stored.append((start, end))
        return keep(source, code, start, end)

    fences._store = store
    lines = md.preprocessors["normalize_whitespace"].run(text.split("\n"))
    fences.run(lines)
    mask = [False] * len(text.split("\n"))
    for start, end in stored:
        mask[start:end] = [True] * (end - start)
    return mask


# A language Pygments does not know makes it load every lexer plugin, and one of those (IPython's)
# raises the recursion limit, which Hypothesis warns about if it happens during an example.
superfences_lines("```no-such-language\nx = 1\n```")


@pytest.mark.parametrize(
    ("text", "fenced"),
    [
        # A ``` line is content of a ```` fence, and a longer run does not close it either.
        ("````\n```\n[x](y.md)\n`````\n````\nafter", [True] * 5 + [False]),
        ("~~~\n```\ncode\n~~~\nafter", [True] * 4 + [False]),
        ("> ```\n> code\n> ```\n\nafter", [True] * 3 + [False] * 2),
        ("- item\n\n    ```\n    code\n    ```\n\nafter", [False] * 2 + [True] * 3 + [False] * 2),
        # Header superfences does not understand: no fence at all.
        ("``` foo(bar)\ncode\n```x```\n", [False] * 4),
        # Content indented less than the opener: superfences gives the fence up.
        ("  ```\ncode\n  ```\n\nafter", [False] * 5),
    ],
)
def test_fence_rule_matches_superfences(text, fenced):
    assert fenced_lines(text.split("\n")) == fenced
    assert superfences_lines(text) == fenced


def test_unclosed_fence_runs_to_the_end():
    # superfences leaves an unclosed fence as text; every stage here treats it as code, as
    # the cleaners, the timeline and suggest always did.
    text = "正文\n\n```\ncode\n\n2023 年 1 月，某事发生。"
    assert fenced_lines(text.split("\n")) == [False, False, True, True, True, True]
    assert not any(superfences_lines(text))
    assert not [b for b in blocks(text) if b.kind == PARAGRAPH and "2023" in b.text]


FENCE_LINES = ["```", "````", "~~~", "```python", '```py title="a b"', "```py foo", "``` x(y)",
               "```{.py #id}", '```py hl_lines="1 3"', "```py linenums", '```py linenums="2"']
LINE_PIECES = st.one_of(
    st.sampled_from(FENCE_LINES),
    st.sampled_from(["> ", ">", "  ", "    ", "\t", "- ", "1. "]),
    st.sampled_from(["文字", "code", "# 标题", "", "`", "[a](b.md)", " "]),
)
documents = st.lists(st.lists(LINE_PIECES, min_size=1, max_size=3).map("".join),
                     min_size=1, max_size=10).map("\n".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_property_fenced_lines_agree_with_superfences(text):
    ours, theirs = fenced_lines(text.split("\n")), superfences_lines(text)
    if ours != theirs:
        # The only allowed difference: an unclosed fence, which runs to the end here.
        first = next(i for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a != b)
        assert all(ours[first:]) and not any(theirs[first:]), (ours, theirs)


# --------------------------------------------------------------------------
# Each stage that had a fence reader of its own now follows the rule


FOUR_AROUND_THREE = "怎样写代码块：\n\n````markdown\n```\nRLHF 与 Secret Code Term 2023 年 5 月\n````\n\n正文。\n"


def test_cleaning_leaves_the_inside_of_a_four_backtick_fence_alone():
    source = ("# 例子\n\n正文说明了这个例子是怎样一步一步写成的并且到这里还没有说完\n而这里继续写\n\n"
              "````\n```\nthis line is long enough to be joined if it were\nprose and not code\n````\n")
    cleaned = clean(source, Findings())
    assert "正文说明了这个例子是怎样一步一步写成的并且到这里还没有说完而这里继续写" in cleaned  # prose is joined
    assert "joined if it were\nprose and not code" in cleaned  # code is not


def test_cleaning_leaves_a_quoted_fence_alone():
    source = "# 例子\n\n> ```\n> this line is long enough to be joined if it were\n> prose and not code\n> ```\n"
    assert "> this line is long enough to be joined if it were\n> prose" in clean(source, Findings())


def test_suggest_mines_no_code_from_a_four_backtick_fence():
    assert "Secret" not in prose(FOUR_AROUND_THREE)


def test_timeline_reads_no_paragraph_in_a_four_backtick_fence():
    found = blocks(FOUR_AROUND_THREE)
    assert [b.kind for b in found] == [PARAGRAPH, CODE, PARAGRAPH]
    assert found[1].line == 3 and "2023" in found[1].text


def test_linker_protects_the_whole_four_backtick_fence():
    start = FOUR_AROUND_THREE.index("RLHF")
    assert any(s <= start < e for s, e in protected_spans(FOUR_AROUND_THREE))


def test_links_inside_any_code_are_not_links():
    text = ("````\n```\n[a](x.md)\n````\n\n~~~\n[b](x.md)\n~~~\n\n> ```\n> [c](x.md)\n> ```\n\n"
            "段落。\n\n    [d](x.md)\n\n`[e](x.md)` <!-- [f](x.md) -->\n\n[g](y.md) ![h](z.png)\n")
    found = links(text)
    assert [(link.target, link.image) for link in found] == [("y.md", False), ("z.png", True)]
    assert text[found[0].start:].startswith("[g]")


def test_tilde_fence_in_a_list_and_indented_code_are_code_blocks():
    text = "- 步骤\n\n    ~~~bash\n    # 安装\n    ~~~\n\n段落。\n\n    # 缩进代码\n"
    kinds = [(b.kind, b.line) for b in blocks(text)]
    assert kinds == [("item", 1), (CODE, 3), (PARAGRAPH, 7), (CODE, 9)]
