"""Importing real corpus files: nothing lost, nothing invented, one article per file, the title
and the translation credits where they belong."""

from __future__ import annotations

import re
from html import unescape

import markdown
import pytest
from corpus_import import SEEDS, by_source, constructs, copy_corpora, written
from mkdocs.config import load_config

from gardener.sources.importing import import_sources
from tests.conftest import ROOT

EMPTY = "gold-miner/2023/on-the-unpredictable-nature-of-llm-output-and-type-safety-in-langchain-ts.md"
CONTROL = "gold-miner/2020/react-native-vs-flutter-vs-ionic.md"
DISCORD = "gold-miner/2021/why-discord-is-switching-from-go-to-rust.md"
GO = "gold-miner/2021/20-go-packages-you-can-use-in-your-next-project.md"
GIT = "gold-miner/2021/2021-03-15-highlights-from-git-2-31.md"
DART = "gold-miner/2021/Announcing-Dart-2-12.md"
EXPLAINER = "gold-miner/ECMA-TC39/How-to-write-a-good-explainer.md"
STAMPEDE = "gold-miner/2021/how-a-cache-stampede-caused-one-of-facebooks-biggest-outages.md"
RASPBERRY = "gold-miner/2021/raspberry-pi’s-ninth-birthday-9-things-you-might-not-know.md"
CHAPTER = "self-llm/10-Qwen3-8B GRPO微调及通过swanlab可视化.md"
COMMENTED = "self-llm/01-Qwen2-7B-Instruct FastApi 部署调用.md"
HTTP_REQUEST = "gold-miner/2021/understanding-cross-site-request-forgery-csrf-or-xsrf.md"
HACKMD = "self-llm/07-Qwen3-Think-解密-Blog.md"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """(import result, copied corpora root, source -> articles)."""
    root = copy_corpora(tmp_path_factory.mktemp("sources"))
    result = import_sources([root / "gold-miner", root / "self-llm"],
                            tmp_path_factory.mktemp("garden") / "docs" / "articles")
    return result, root, by_source(result, root)


def only(corpus, source: str) -> tuple[dict, str]:
    (article,) = corpus[2][source]
    return written(article)


def test_nothing_rejected_and_every_file_is_one_article(corpus):
    result, root, made = corpus
    assert result.failures == []
    sources = {p.relative_to(root).as_posix() for p in root.rglob("*.md")}
    assert set(made) == sources - {EMPTY}
    assert {source: len(articles) for source, articles in made.items() if len(articles) != 1} == {}


def test_level_one_sections_stay_in_their_article(corpus):
    # a chapter, a release post and an explainer whose template has its own "作者：" line
    for source, section in ((CHAPTER, "# GRPO\n"), (DART, "# **Sound null safety**"), (EXPLAINER, "# 装配器（Frobnicator）")):
        _front, body = only(corpus, source)
        assert section in body, source


def test_every_link_image_code_block_and_comment_is_kept(corpus):
    _result, root, made = corpus
    for source, articles in made.items():
        before = constructs((root / source).read_text(encoding="utf-8").replace("\b", ""))
        after = constructs("".join(written(a)[1] for a in articles))
        missing = [m for a in articles for m in written(a)[0].get("missing_assets", [])]
        assert before["links"] == after["links"], source
        assert before["code"] == after["code"], source
        assert before["comments"] == after["comments"], source
        # a local image that is not there is kept as a visible placeholder naming the file
        absent = before["images"] - after["images"]
        assert set(absent) <= set(missing), source
        body = "".join(written(a)[1] for a in articles)
        for src in absent:
            assert f'title="{src}"' in body, (source, src)


def rendered_code(body: str, converter: markdown.Markdown) -> list[str]:
    """The text of every code block of a page, as the site renders it."""
    html = converter.reset().convert(body)
    blocks = re.findall(r"<code[^>]*>(.*?)</code>", html, re.S)
    return [_code_text(unescape(re.sub(r"<[^>]+>", "", block))) for block in blocks]


def _code_text(code: str) -> str:
    """Code as compared: Python-Markdown writes tabs as spaces and blank lines empty."""
    return "\n".join(line.rstrip() for line in code.expandtabs(4).splitlines()).strip()


def test_every_code_block_renders_as_code_on_the_site(corpus):
    """CommonMark's code fences (as GitHub or Typora show them) are code on the page, whatever
    info string opens them: one superfences does not take ("```jinja=", "```http request") is
    made readable at import, so the fences after it pair as their author saw them."""
    _result, root, made = corpus
    config = load_config(str(ROOT / "mkdocs.yml"))
    converter = markdown.Markdown(extensions=config.markdown_extensions,
                                  extension_configs=config.mdx_configs)
    checked = 0
    for source, articles in made.items():
        fences = constructs((root / source).read_text(encoding="utf-8"))["code"]
        shown = rendered_code("".join(written(a)[1] for a in articles), converter)
        missing = [code[:60] for code in fences if _code_text(code) not in shown]
        assert missing == [], source
        checked += sum(fences.values())
    assert checked > 50
    _front, body = only(corpus, HTTP_REQUEST)
    assert "```http request" not in body and body.count("```http\n") == 4
    _front, body = only(corpus, HACKMD)  # in <details>: its code is code, not HTML to clean
    assert '<details><summary>Jinja 格式 Qwen3 对话模板完整版</summary>\n\n```jinja linenums="1"\n' \
        in body
    assert "{{- '<|im_start|>assistant\\n' }}" in body and "<tools></tools> XML tags" in body
    assert "made 4 code fences open as the site's renderer reads them (info strings " \
        "'http request')" in corpus[2][HTTP_REQUEST][0].notes


def test_project_links_are_not_unwrapped(corpus):
    _front, body = only(corpus, GO)
    for link in ("[Kubernetes](https://github.com/kubernetes/kubernetes)",
                 "[Consul](https://github.com/hashicorp/consul)", "[此处](https://github.com/deckarep/golang-set)"):
        assert link in body
    assert len(re.findall(r"\]\(https://github\.com/", body)) >= 35


def test_an_image_in_a_comment_stays_in_the_comment(corpus):
    _front, body = only(corpus, COMMENTED)
    assert "<!-- ![开启终端](images/01-3.png) -->" in body


def test_title_is_the_first_h1_after_the_metadata_block(corpus):
    titles = {source: only(corpus, source)[0]["title"] for source in (DISCORD, GO, GIT, DART)}
    assert titles == {
        DISCORD: "Why Discord is switching from Go to Rust",
        GO: "可以在下一个项目中使用的 20 个 Go 三方库",
        GIT: "Git 2.31 中的闪光点",
        DART: "Announcing Dart 2.12",
    }
    front, body = only(corpus, GIT)
    assert "# Git 2.31 中的闪光点" not in body  # the page shows the title once
    assert body.index("> * 原文地址") < body.index("![](https://github.blog/")


def test_translation_block_is_mapped_and_stays_visible(corpus):
    front, body = only(corpus, GO)
    assert front["source"] == ("https://medium.com/vacatronics/"
                               "20-go-packages-you-can-use-in-your-next-project-7515426559c0")
    assert front["authors"] == ["Fernando Souza"]
    assert front["translators"] == ["tmpbook"]
    assert front["reviewers"] == ["PassionPenguin", "kamly"]
    assert front["publisher"] == "掘金翻译计划"
    assert "> * 译者：[tmpbook](https://github.com/tmpbook)" in body
    # empty credit lines say nothing: no empty fields
    dart, _body = only(corpus, DART)
    assert dart["authors"] == ["Michael Thomsen"] and "translators" not in dart and "reviewers" not in dart
    # a link text broken over two lines still gives the source; an underscore is part of a name
    discord, _body = only(corpus, DISCORD)
    assert discord["source"].startswith("https://blog.discord.com/why-discord-is-switching")
    assert discord["authors"] == ["jesse_11222"]


def test_dates_in_the_text_are_not_the_article_date(corpus):
    for source, prose in ((STAMPEDE, "2010 年 9 月 23 日，Facebook"), (RASPBERRY, "2012 年 2 月 29 日")):
        front, body = only(corpus, source)
        assert "date" not in front, source
        assert prose in body


def test_stray_control_bytes_are_dropped_with_a_warning(corpus):
    result, root, _made = corpus
    raw = (root / CONTROL).read_bytes()
    lines = sorted({raw[:i].count(b"\n") + 1 for i, byte in enumerate(raw) if byte == 8})
    warned = [w for w in result.warnings if w.path == str(root / CONTROL)]
    assert [w.line for w in warned] == lines and lines
    assert all("dropped control characters (U+0008)" in w.message for w in warned)
    _front, body = only(corpus, CONTROL)
    assert "\b" not in body and "Flipkart" in body


def test_an_empty_file_is_a_warning(corpus):
    result, root, _made = corpus
    (warning,) = [w for w in result.warnings if w.path == str(root / EMPTY)]
    assert warning.severity == "warning" and "empty file" in warning.message


def test_seed_keyword_links_are_unwrapped(tmp_path):
    result = import_sources(sorted(SEEDS.glob("*.txt")), tmp_path / "articles")
    bodies = {a.inferred.fields["title"]: (written(a)[1], a.notes) for a in result.articles}
    body, notes = bodies["ChatGPT正式踏上商业变现之路：付费版价格敲定 每月20美元"]
    assert "jrj.com.cn" not in body and "每月收费20美元（按照2月2日汇率计算" in body
    assert any("keyword links" in n and "jrj.com.cn" in n for n in notes)
    body, notes = bodies["工作被ChatGPT取代，他们改去遛狗和修空调"]
    assert "163.com" not in body and "当人工智能聊天机器人ChatGPT" in body
    body, _notes = bodies["ChatGPT 与 AIGC 简问乱答"]
    assert "(https://openai.com/blog/chatgpt/)" in body  # a link an author wrote stays


def test_hackmd_line_numbers_and_fences_inside_code_are_read_as_commonmark_reads_them():
    """HackMD's "```python=101" opens a fence numbered from 101; a fence line inside a longer
    fence is code and stays as written; the code itself is never touched."""
    from gardener.sources.cleaning import readable_fences
    from gardener.sources.findings import Findings

    text = ("说明\n\n```jinja=\n{%- if tools %}<tools>\n```\n\n- 列表\n\n    ```python=101\n"
            "    x = 1\n    ```\n\n````markdown\n```python=\n````\n")
    found = Findings()
    made = readable_fences(text, found)
    assert made.split("\n") == [
        "说明", "", '```jinja linenums="1"', "{%- if tools %}<tools>", "```", "", "- 列表", "",
        '    ```python linenums="101"', "    x = 1", "    ```", "", "````markdown", "```python=",
        "````", ""]
    assert found.notes == ["made 2 code fences open as the site's renderer reads them "
                           "(info strings 'jinja=', 'python=101')"]
    assert readable_fences(made, Findings()) == made  # read as the renderer reads it already
