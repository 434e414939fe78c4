"""Wikilinks on the repo's own garden: found only in prose, resolved by slug, title or alias in
Chinese and English, written as links Python-Markdown renders, reported with file and line."""

from __future__ import annotations

import dataclasses

import markdown
import pytest
from pymdownx.slugs import slugify

from gardener.garden.loading import load_garden
from gardener.garden.wikilinks import WikiIndex, find_wikilinks, heading_anchor, wikilink_diagnostics
from gardener.pages.wikilinks import MISSING_CLASS, write_wikilinks
from tests.conftest import ROOT

GARDEN = load_garden(ROOT / "docs")
ESSAY = next(a for a in GARDEN.articles if a.slug == "shui-neng-zuochu-zhongguo-ban-chatgpt-zenme-zuo")
SCALING = next(c for c in GARDEN.concepts if c.slug == "scaling-law")
HERE = "articles/note.md"


def index(*extra_articles, assets=()):
    return WikiIndex(GARDEN.articles + tuple(extra_articles), GARDEN.concepts, assets)


def render(text: str) -> str:
    """Python-Markdown with the heading ids of the site (toc with pymdownx's slugify)."""
    return markdown.markdown(text, extensions=["attr_list", "toc"],
                             extension_configs={"toc": {"slugify": slugify(case="lower")}})


@pytest.mark.parametrize("text", [
    "`[[缩放定律]]`",
    "```\n[[缩放定律]]\n```",
    "    [[缩放定律]]",
    "$[[x]]$ 与 $$[[y]]$$",
    "https://example.org/wiki/[[缩放定律]]",
    "（[[https://huggingface.co/datasets/pandalla/Machine_Mindset_MBTI_dataset`]]）",  # self-llm
    "[[见 `代码` 一节]]",
    "[见 [[缩放定律]]](https://example.org)",
    '<div>\n[[缩放定律]]\n</div>',
    "\\[[缩放定律]]",
])
def test_never_found_in_code_math_links_or_html(text):
    assert find_wikilinks(text) == ()


def test_found_in_prose_and_headings_with_their_parts_and_lines():
    text = "# 关于 [[GPT-4]]\n\n正文提到[[缩放定律#结论|规律]]和![[图.png]]。\n"
    links = find_wikilinks(text)
    assert [(link.target, link.heading, link.label, link.embed, link.line) for link in links] == [
        ("GPT-4", None, None, False, 1), ("缩放定律", "结论", "规律", False, 3),
        ("图.png", None, None, True, 3)]
    assert [text[link.start:link.end] for link in links] == ["[[GPT-4]]", "[[缩放定律#结论|规律]]", "![[图.png]]"]


@pytest.mark.parametrize("name", ["缩放定律", "Scaling Law", "scaling-law", "SCALING LAW", "ｓｃａｌｉｎｇ ｌａｗ",
                                  SCALING.title, "concepts/scaling-law"])
def test_concept_resolves_by_any_name(name):
    link = find_wikilinks(f"见[[{name}]]。")[0]
    resolved = index().resolve(link, HERE)
    assert resolved.problem is None and resolved.page.path == SCALING.path


def test_article_resolves_by_title_slug_and_its_own_aliases():
    aliased = dataclasses.replace(ESSAY, path="articles/aliased.md", slug="aliased", title="另一篇",
                                  extra={"aliases": ["智能极限", "Limits of Intelligence"]})
    idx = index(aliased)
    for name, path in [(ESSAY.title, ESSAY.path), (ESSAY.slug, ESSAY.path), ("智能极限", aliased.path),
                       ("limits of intelligence", aliased.path)]:
        resolved = idx.resolve(find_wikilinks(f"[[{name}]]")[0], HERE)
        assert resolved.page.path == path, name


def test_heading_by_its_words_or_its_id():
    anchor = heading_anchor(ESSAY.body, "二、极限思维")
    assert anchor and anchor in render(ESSAY.body)
    assert heading_anchor(ESSAY.body, anchor) == anchor
    assert heading_anchor(ESSAY.body, "没有这一节") is None
    resolved = index().resolve(find_wikilinks(f"[[{ESSAY.title}#二、极限思维]]")[0], HERE)
    assert resolved.anchor == anchor and resolved.problem is None


def test_written_links_render_as_links_to_the_right_pages():
    text = (f"读[[{ESSAY.slug}#五、结语|结语]]，再看[[缩放定律]]和[[不存在的页面]]。\n\n"
            "![[cover.png|封面]]\n")
    idx = index(assets=["articles/img/cover.png"])
    targets = {link.key: idx.target(link, HERE) for link in find_wikilinks(text)}
    html = render(write_wikilinks(text, targets, HERE))
    assert f'href="{ESSAY.slug}.md#{heading_anchor(ESSAY.body, "五、结语")}">结语</a>' in html
    assert 'href="../concepts/scaling-law.md">缩放定律</a>' in html
    assert f'<span class="{MISSING_CLASS}"' in html and "不存在的页面</span>" in html
    assert '<img alt="封面" src="img/cover.png"' in html
    assert "[[" not in html


def test_unresolved_are_errors_with_file_lines():
    text = "第一行\n\n[[缩放定律]] 与 [[没有这个概念]]\n[[缩放定律#没有这一节]]\n"
    resolved = [index().resolve(link, HERE) for link in find_wikilinks(text)]
    problems = wikilink_diagnostics(HERE, resolved, first_line=7)
    assert [(p.severity, p.line) for p in problems] == [("error", 9), ("error", 10)]
    assert "[[没有这个概念]]" in problems[0].message and "没有这一节" in problems[1].message
    assert str(problems[0]).startswith(f"{HERE}:9: error:")


def test_a_shared_name_is_a_warning_that_names_the_choice():
    twin = dataclasses.replace(ESSAY, path="articles/twin.md", slug="twin")
    resolved = [index(twin).resolve(link, HERE) for link in find_wikilinks(f"[[{ESSAY.title}]]")]
    assert resolved[0].page.path == ESSAY.path
    (warning,) = wikilink_diagnostics(HERE, resolved, 1)
    assert warning.severity == "warning" and "articles/twin.md" in warning.message


def test_a_duplicate_never_competes_with_its_original():
    copy = dataclasses.replace(ESSAY, path="articles/copy.md", slug="copy", duplicate_of=ESSAY.slug)
    resolved = [index(copy).resolve(link, HERE) for link in find_wikilinks(f"[[{ESSAY.title}]]")]
    assert resolved[0].page.path == ESSAY.path and wikilink_diagnostics(HERE, resolved, 1) == []


def test_in_a_table_cell_with_an_escaped_pipe():
    text = "| 概念 | 说明 |\n| --- | --- |\n| [[scaling-law\\|缩放]] | 见 [[RLHF]] |\n"
    targets = {link.key: index().target(link, HERE) for link in find_wikilinks(text)}
    assert [key[1] for key in targets] == ["scaling-law", "RLHF"]
    html = markdown.markdown(write_wikilinks(text, targets, HERE), extensions=["tables"])
    assert '<td><a href="../concepts/scaling-law.md">缩放</a></td>' in html
    assert '<td>见 <a href="../concepts/rlhf.md">RLHF</a></td>' in html
