"""Hostile inputs that used to give silently wrong output: what import writes must pass check,
every reader must judge a file alike, and the built site must show what the files say.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gardener.articles.model import Severity
from gardener.garden.loading import load_garden
from gardener.site.search_shards import read_entries
from gardener.sources.cleaning import clean
from gardener.sources.findings import Findings
from gardener.sources.importing import import_sources
from gardener.text.cjk import CJK_CHAR
from tests.conftest import build_site
from tests.hostile.hostile_support import BODY, GOOD, error_line, import_one, invoke, pieces, snapshot

ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")


def check_errors(docs: Path) -> tuple[int, list]:
    """(articles read, error diagnostics) of `gardener check`'s reading of docs/articles."""
    garden = load_garden(docs)
    return len(garden.articles), [d for d in garden.diagnostics if d.severity == Severity.ERROR]


# ---------------------------------------------------------------------------------------------
# 18. What import writes passes check
# ---------------------------------------------------------------------------------------------

REFUSED = {
    "python-tag": ("title: !!python/object/apply:os.system ['echo hi']", 2,
                   "unsupported YAML tag '!!python/object/apply:os.system'"),
    "python-tag-nested": ("title: 标题\nx: {a: !!python/name:os.system ''}", 3,
                          "unsupported YAML tag '!!python/name:os.system'"),
    "list-key": ("title: 标题\n? [a, b]\n: 1", 3, "a key must be text, not a list or mapping"),
    "map-key": ("title: 标题\n?\n- ?", 4, "a key must be text, not a list or mapping"),
    "duplicate": ("title: 甲\ndate: 2023-01-01\ntitle: 乙", 4,
                  "duplicate key 'title' (first given on line 2)"),
    "recursive": ("title: 标题\na: &a [*a]", 3, "alias '*a' refers to a value that contains it"),
    "surrogate": ('title: 标题\norigin: "\\uDCFF"', 3, "invalid Unicode character escape"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_import_refuses_what_check_would_refuse(tmp_path, case):
    front, line, reason = REFUSED[case]
    src, docs = tmp_path / "src", tmp_path / "docs"
    src.mkdir()
    (src / "bad.md").write_text(f"---\n{front}\n---\n{BODY}", encoding="utf-8")
    (src / "good.md").write_text(GOOD, encoding="utf-8")
    result = invoke("import", str(src), "--into", str(docs / "articles"))
    assert result.exit_code == 1
    assert reason in error_line(result.output, f"bad.md:{line}"), result.output
    assert check_errors(docs) == (1, [])
    # check and fmt give the same verdict on the same file, at the same line
    (docs / "articles" / "bad.md").write_text(f"---\n{front}\n---\n{BODY}", encoding="utf-8")
    _read, [problem] = check_errors(docs)
    assert (problem.path, problem.line) == ("articles/bad.md", line) and reason in problem.message
    before = snapshot(docs)
    fmt = invoke("fmt", str(docs / "articles" / "bad.md"))
    assert fmt.exit_code == 1 and reason in error_line(fmt.output, f"bad.md:{line}")
    assert snapshot(docs) == before


def test_a_file_name_that_is_not_utf8_becomes_text(tmp_path):
    src, docs = tmp_path / "src", tmp_path / "docs"
    src.mkdir()
    (src / os.fsdecode(b"\xff\xfe-name.md")).write_text("没有标题的正文，足够长的一段文字。\n",
                                                        encoding="utf-8")
    result = import_sources([src], docs / "articles")
    assert result.ok and len(result.articles) == 1
    assert check_errors(docs) == (1, [])
    text = result.articles[0].path.read_text(encoding="utf-8")
    assert "origin: \ufffd\ufffd-name.md" in text


# Fragments an attacker would combine in front-matter: tags, anchors, complex keys, odd scalars.
HOSTILE_YAML = st.lists(st.sampled_from([
    "title: ", "date: ", "tags: ", "author: ", "slug: ", "summary: ", "draft: ", "origin: ",
    "title: 标题\n", "extra: ", "\nnote: ",
    "!!python/object/apply:os.system ['x']", "!!binary aGk=", "!custom x", "!!set {a}",
    "&a ", "*a", "? ", "[", "]", "{", "}", ",", "- ", "\n", "\n  ", ": ", "'", '"', "#",
    "2023-02-30", "2023-05-04", "yes", "~", "null", "1e400", "0x1F", "<<: *a", "大模型", "a, b",
    "\\u0000", "\t", "|", ">", "...", "---", "\u200b", "\\uDCFF",
]), max_size=40).map("".join)


def _import_and_check(source: bytes, name: str = "post.md") -> None:
    """The invariant: import writes only articles check accepts, or names the file and why."""
    with tempfile.TemporaryDirectory() as folder:
        src, docs = Path(folder) / "src", Path(folder) / "docs"
        src.mkdir()
        (src / name).write_bytes(source)
        result = import_sources([src], docs / "articles")
        for problem in result.failures + result.warnings:
            assert problem.path.endswith(name) and problem.message, problem
        if result.failures:
            assert not result.articles
        written = {a.path for a in result.articles}
        read, errors = check_errors(docs)
        assert errors == [], (source, errors)
        assert read == len(written)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE_YAML, st.sampled_from(["", "# 标题\n\n", BODY]))
# two nodes named by one anchor: kept so, the written front-matter was refused when read back
@example("&a ...title: &a 1e400", "")
def test_fuzz_import_output_always_passes_check(front, body):
    _import_and_check(f"---\n{front}\n---\n{body}".encode())


SOURCE_PIECES = st.lists(st.one_of(
    st.binary(max_size=40),
    st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"---\n", b"title: x\n", b"\r\n",
                     "大模型的对齐问题。".encode("gb18030"), "大模型的对齐问题。".encode(),
                     "# 標題\n".encode("big5"), "# 标题\n".encode("utf-16-le"), b"\x1b[31m",
                     b"<script>alert(1)</script>", b"\n\n", b"```\n", b"- " * 50,
                     b"<meta charset=\"utf-8\">", b"<p>\xe4\xb8\xad\x0b\n"]),
), max_size=30).map(b"".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SOURCE_PIECES, st.sampled_from(["post.md", "post.txt", "post.html"]))
def test_fuzz_any_bytes_import_or_a_diagnostic_naming_the_file(data, name):
    _import_and_check(data, name)



def test_a_noncharacter_from_a_stray_byte_order_mark_is_dropped_before_lxml_reads_the_page():
    """Bytes that decode (as UTF-16) to U+FFFE crashed the HTML reader: lxml refuses it."""
    _import_and_check(b"\x01\xff\xfe\xff\xfe\x00", "post.html")
    _import_and_check("<p>正文\ufffe与\uffff其余</p>".encode(), "post.html")


def test_a_form_feed_in_a_page_is_whitespace_not_a_crash():
    """HTML counts a form feed as whitespace; lxml refused the text holding one (a fuzzer find)."""
    _import_and_check(b"!\x0c", "post.html")
    _import_and_check("<article><h1>分页</h1><p>第一页的正文。\f第二页的正文，足够长的一段话。</p></article>"
                      .encode(), "post.html")


def test_control_characters_written_as_character_references_are_dropped_and_reported():
    page = "<article><h1>引用</h1><p>中&#1;\n文&#xFFFE;的正文&#12;还有一段足够长的话。</p></article>"
    _import_and_check(page.encode(), "post.html")
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "post.html").write_text(page, encoding="utf-8")
        result = import_sources([Path(folder)], Path(folder) / "out")
        text = result.articles[0].path.read_text(encoding="utf-8")
    assert any("dropped 2 control characters" in w.message for w in result.warnings)
    assert "中文的正文 还有一段" in text


def test_a_control_character_in_a_page_that_declares_its_charset_is_dropped_and_named():
    """A declared charset bypassed the control-character screen, and lxml refused the text."""
    page = ('<html><head><meta charset="utf-8"><title>控制</title></head><body><article>'
            '<h1>控制字符</h1><p>第一行中\x0b\n文第二行，这是一段足够长的正文。</p></article></body></html>')
    _import_and_check(page.encode("utf-8"), "post.html")
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "post.html").write_text(page, encoding="utf-8")
        result = import_sources([Path(folder)], Path(folder) / "out")
    assert [w.line for w in result.warnings if "control characters" in w.message] == [1]

# ---------------------------------------------------------------------------------------------
# 19, 25, 26: one reader, one rule
# ---------------------------------------------------------------------------------------------

def test_fmt_never_rewrites_an_unknown_recursive_value(fresh):
    article = fresh / "docs" / "articles" / "rec.md"
    article.write_text("---\ntitle: 递归\nauthor: 某人\na: &a [*a]\n---\n" + BODY, encoding="utf-8")
    before = snapshot(article)
    result = invoke("fmt", cwd=fresh)
    assert result.exit_code == 1
    assert "refers to a value that contains it" in error_line(result.output, "rec.md:4")
    assert snapshot(article) == before


def test_timeline_references_to_nothing_are_errors_with_their_line(fresh):
    (fresh / "timeline.yml").write_text(
        "- date: 2023-01-01\n  text: 一件事。\n  concepts: [rlhf, rlhff]\n  sources: [missing]\n",
        encoding="utf-8")
    result = invoke("check", cwd=fresh)
    assert result.exit_code == 1
    assert "concepts: no concept has the slug 'rlhff'" in error_line(result.output, "timeline.yml:3")
    assert "sources: no article has the slug 'missing'" in error_line(result.output, "timeline.yml:4")
    assert "'rlhf'" not in result.output


# ---------------------------------------------------------------------------------------------
# 20, 21, 22, 27: what the built site shows
# ---------------------------------------------------------------------------------------------

@pytest.fixture()
def odd_titles(fresh) -> Path:
    articles, concepts = fresh / "docs" / "articles", fresh / "docs" / "concepts"
    (articles / "headline-file.md").write_text(
        "---\nheadline: 用标题键写的题目\ndate: 2023-01-01\n---\n" + BODY, encoding="utf-8")
    (articles / "name-file.md").write_text(
        "---\nname: 用名字键写的题目\ndate: 2023-01-02\ntags: \"甲标签, 乙标签\"\n---\n" + BODY,
        encoding="utf-8")
    (articles / "bs.md").write_text(
        "---\ntitle: C:\\路径\\\ndate: 2023-01-03\n---\n\n这里讲反斜杠概念词，还有省略号……和 ... 三个点。\n",
        encoding="utf-8")
    (concepts / "bs-concept.md").write_text(
        "---\ntitle: D:\\概念\\\naliases: [反斜杠概念词]\nsummary: 以反斜杠结尾\n---\n\n正文\n",
        encoding="utf-8")
    (concepts / "dots.md").write_text(
        "---\ntitle: 省略号概念\naliases: [\"...\", \"……\"]\nsummary: 点\n---\n", encoding="utf-8")
    return fresh


def test_titles_tags_and_escapes_in_the_built_site(odd_titles):
    root = odd_titles
    check = invoke("check", cwd=root)
    assert "has no letter or ideograph" in check.output
    assert check.output.count("has no letter or ideograph") == 2
    run = build_site(root)
    assert run.returncode == 0, run.stderr[-3000:]
    site = root / "site"
    for slug, title in (("headline-file", "用标题键写的题目"), ("name-file", "用名字键写的题目")):
        page = (site / "articles" / slug / "index.html").read_text(encoding="utf-8")
        assert f"<title>{title} - " in page
        assert f">{title}</h1>" in page or f'>{title}<a class="headerlink"' in page
        home = (site / "index.html").read_text(encoding="utf-8")
        assert title in home
        assert slug.replace("-", " ").capitalize() not in page
    tagged = (site / "articles" / "name-file" / "index.html").read_text(encoding="utf-8")
    assert "甲标签" in tagged and "乙标签" in tagged
    pages = {p: p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    literal = [str(p.relative_to(site)) for p, text in pages.items() if "[C:\\" in text
               or "[D:\\" in text]
    assert literal == []
    assert ">C:\\路径\\</a>" in pages[site / "index.html"]
    assert ">D:\\概念\\</a>" in pages[site / "glossary" / "index.html"]
    assert ">C:\\路径\\</a>" in pages[site / "concepts" / "bs-concept" / "index.html"]
    article = pages[site / "articles" / "bs" / "index.html"]
    assert ">反斜杠概念词</a>" in article
    assert ">...</a>" not in article and ">……</a>" not in article


# ---------------------------------------------------------------------------------------------
# 23. NUL bytes deep in a file
# ---------------------------------------------------------------------------------------------

def test_nul_bytes_past_64_kb_reach_no_page(fresh, tmp_path):
    long_body = "这是一段很长的正文，用来把文件撑过六十四千字节。\n\n" * 2000
    assert len(long_body.encode()) > 65536
    article = fresh / "docs" / "articles" / "nul.md"
    text = "---\ntitle: 空字节\ndate: 2023-01-01\n---\n\n" + long_body + "尾部\x00有\x00空字节。\n"
    article.write_text(text, encoding="utf-8")
    line = text[: text.index("\x00")].count("\n") + 1
    check = invoke("check", cwd=fresh)
    assert check.exit_code == 1
    assert "control characters U+0000" in error_line(check.output, f"articles/nul.md:{line}")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(fresh / "mkdocs.yml")],
                         cwd=fresh, env=ENV, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    page = (fresh / "site" / "articles" / "nul" / "index.html").read_text(encoding="utf-8")
    assert "尾部有空字节" in page and "\x00" not in page
    search = (fresh / "site" / "search").rglob("*.json")
    index = "".join(path.read_text(encoding="utf-8") for path in search)
    assert "\\u0000" not in index and "\x00" not in index
    # the index keeps the words jieba found, split by zero-width spaces
    assert any("尾部有空字节" in doc["text"].replace("\u200b", "")
               for doc in read_entries(fresh / "site"))
    # and import drops them wherever they are
    src = tmp_path / "src"
    src.mkdir()
    (src / "nul.md").write_bytes(("# 空字节\n\n" + long_body + "尾部\x00空字节\n").encode())
    out = tmp_path / "out"
    result = invoke("import", str(src), "--into", str(out))
    assert result.exit_code == 0 and "dropped control characters (U+0000)" in result.output
    assert b"\x00" not in next(out.glob("*.md")).read_bytes()


def test_export_gives_any_builder_the_title_and_a_tag_list(odd_titles, tmp_path):
    out = tmp_path / "exported"
    result = invoke("export", str(out), cwd=odd_titles)
    assert result.exit_code == 0, result.output
    front = yaml.safe_load((out / "docs" / "articles" / "name-file.md").read_text(
        encoding="utf-8").split("---\n")[1])
    assert front["title"] == "用名字键写的题目" and "name" not in front
    assert front["tags"] == ["甲标签", "乙标签"]


# ---------------------------------------------------------------------------------------------
# Encodings, line ends and unclosed constructs: import keeps every word
# ---------------------------------------------------------------------------------------------

TRADITIONAL = "# 繁體中文的標題\n\n這是一篇用繁體中文寫的文章，討論大型語言模型的發展與應用。\n"


def test_import_bom_is_dropped(tmp_path):
    text, _ = import_one(tmp_path, b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert "\ufeff" not in text
    assert text.startswith("---\ntitle: 大模型的对齐问题\n")


def test_import_crlf_becomes_lf(tmp_path):
    text, _ = import_one(tmp_path, GOOD.replace("\n", "\r\n").encode("utf-8"))
    assert "\r" not in text
    assert "title: 大模型的对齐问题" in text and "authors:\n  - 张三" in text


def test_import_gb18030(tmp_path):
    text, _ = import_one(tmp_path, GOOD.encode("gb18030"), "gbk.txt")
    assert "title: 大模型的对齐问题" in text
    assert "对齐（Alignment）让模型的行为符合人类的意图。" in text


def test_import_big5_is_decoded_never_mojibake(tmp_path):
    # Decided: Big5 is read as Big5 (GB18030 would accept most of its bytes as rare characters).
    text, _ = import_one(tmp_path, TRADITIONAL.encode("big5"), "big5.txt")
    assert "title: 繁體中文的標題" in text
    assert "這是一篇用繁體中文寫的文章，討論大型語言模型的發展與應用。" in text


def test_import_short_big5_is_not_taken_for_gb18030(tmp_path):
    text, _ = import_one(tmp_path, "# 臺灣\n\n機器學習與深度學習\n".encode("big5"), "big5.txt")
    assert "臺灣" in text and "機器學習與深度學習" in text


def test_import_unclosed_code_fence_keeps_the_code(tmp_path):
    text, _ = import_one(tmp_path, ("# 代码\n\n下面是一段没有结束的代码块，导入时必须原样保留。\n\n"
                                     "```python\nprint(1)\n# 不是标题\n\n\n\nx = 2\n").encode())
    assert "```python\nprint(1)\n# 不是标题\n" in text
    assert "x = 2" in text


def test_import_unclosed_html_comment_keeps_the_text(tmp_path):
    text, _ = import_one(tmp_path, ("# 注释\n\n正文开始 <!-- 从不关闭的注释\n\n后面还有很多正文，"
                                     "不能丢失。\n").encode())
    assert "<!-- 从不关闭的注释" in text and "后面还有很多正文，不能丢失。" in text


# ---------------------------------------------------------------------------------------------
# Twin slugs, links, unclosed code and concept names that look like patterns
# ---------------------------------------------------------------------------------------------

def test_odd_garden_builds_and_check_reports_twins_and_risky_aliases(odd_garden):
    root, outside = odd_garden
    before = snapshot(root / "docs", outside)
    result = invoke("check", "--config", str(root / "mkdocs.yml"))
    assert result.exit_code == 1  # the twin slug is an error
    out = result.output
    assert "articles/twin-b.md:1: error: slug 'twin' is also used by articles/twin-a.md" in out
    assert "concepts/meta-a.md:3: warning: alias '*' has no letter or ideograph" in out
    assert "concepts/meta-a.md: warning: alias '人' is a single Chinese character" in out
    assert "fence.md" not in out and "comment.md" not in out  # nothing wrong with them
    assert "15 articles," in out  # 9 + linked + 2 twins + fence + comment + regex
    # Decided: duplicate slugs still build (pages live at their file paths); check fails CI.
    run = build_site(root)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    site = root / "site" / "articles"
    for name in ("twin-a", "twin-b", "fence", "comment", "regex", "linked", "yanlun"):
        assert (site / name / "index.html").is_file(), name
    regex = (site / "regex" / "index.html").read_text(encoding="utf-8")
    assert 'concepts/meta-a/">C++</a>' in regex
    assert "acb 与 Cxx 不是" in regex  # 'a.b' and 'C++' are not regexes
    fence = (site / "fence" / "index.html").read_text(encoding="utf-8")
    assert "print" in fence and "x = 2" in fence
    assert "更多正文" in (root / "docs" / "articles" / "comment.md").read_text(encoding="utf-8")
    assert "外部的正文" in (site / "linked" / "index.html").read_text(encoding="utf-8")
    assert (root / "site" / "concepts" / "meta-a" / "index.html").is_file()
    assert snapshot(root / "docs", outside) == before


# ---------------------------------------------------------------------------------------------
# Fuzzing the cleaners
# ---------------------------------------------------------------------------------------------

CLEANABLE = pieces("大模型的对齐问题人类反馈强化学习。，！？：", "abc ABC 123 *_#>-|`~<!",
                    ["\n", "\n\n", "\u3000", "```", "# ", "## ", "- ", "• ", "**", "作者：",
                     "Date: 2023-05-04", "写于", "1\n", "Q1: ", "1.1 ", "阅读原文", "扫码关注"])


@settings(max_examples=200, deadline=None)
@given(CLEANABLE)
def test_fuzz_cleaners_never_invent_cjk(text):
    found = Findings()
    cleaned = clean(text, found)
    # Facts taken out of the header (title, labels) leave the body; they never add characters.
    assert not Counter(CJK_CHAR.findall(cleaned)) - Counter(CJK_CHAR.findall(text))
