"""Hostile inputs through the real entry points: import, check, fmt, export and mkdocs build.

Every case asserts: no crash and no traceback, a message naming the file (and line where there is
one) and the reason, every other article still imported or built, an exit status CI can act on,
and not one byte of any input file changed.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from gardener.articles import matter
from gardener.articles.model import GardenError
from gardener.articles.schema import normalize
from gardener.site.cli import main
from gardener.site.search_shards import read_entries
from gardener.sources.cleaning import clean
from gardener.sources.findings import Findings
from gardener.text.cjk import CJK_CHAR
from gardener.text.dates import InvalidDate, find_dates, parse_date
from tests.conftest import build_site

GOOD = "# 大模型的对齐问题\n\n作者：张三\n\nDate: 2023-05-04\n\n对齐（Alignment）让模型的行为符合人类的意图。这是第一段，足够长，可以作为摘要使用。\n"
GOOD_SLUG = "da-moxing-de-duiqi-wenti"
BODY = "\n这是正文的第一段，足够长，讲的是大语言模型与 RLHF 的关系。\n"
TRADITIONAL = "# 繁體中文的標題\n\n這是一篇用繁體中文寫的文章，討論大型語言模型的發展與應用。\n"


def _bomb(levels: int = 12) -> str:
    """Billion laughs: each level repeats the previous one ten times (10**levels leaves)."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "---\ntitle: 炸弹\n" + "\n".join(lines) + "\n---\n" + BODY


def snapshot(*roots: Path) -> dict[Path, bytes]:
    """Bytes of every file below roots (links read through), to compare before and after."""
    found = {}
    for root in roots:
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        for path in files:
            found[path] = path.read_bytes()
    return found


def invoke(*args: str, cwd: Path | None = None):
    """The real CLI in-process; any exception other than the exit is a crash."""
    old = Path.cwd()
    if cwd:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"crashed: {result.exception!r}\n{result.output}") from result.exception
    assert "Traceback" not in result.output
    return result


def error_line(output: str, where: str) -> str:
    """The one diagnostic line that names `where` (file:line) as an error."""
    return next((line for line in output.splitlines() if where in line and "error" in line), "")


# ---------------------------------------------------------------------------------------------
# gardener import: one hostile file next to a good one
# ---------------------------------------------------------------------------------------------

FAILING = {
    # name: (file content, "file:line" the message must name, reason in the message)
    "invalid-yaml": ("---\ntitle: [oops\n---\n" + BODY, "bad.md:2", "invalid front-matter YAML"),
    "yaml-tabs": ("---\ntitle: 标题\n\ttags: [a]\n---\n" + BODY, "bad.md:3",
                  "invalid front-matter YAML"),
    "yaml-bomb": (_bomb(), "bad.md:2", "too many nodes (YAML alias bomb?)"),
    "front-matter-list": ("---\n- title\n- tags\n---\n" + BODY, "bad.md:2",
                          "front-matter must be a mapping of keys, not a list"),
    "title-list": ("---\ntitle: [a, b]\n---\n" + BODY, "bad.md:2", "title: expected text, got a list"),
    "tags-map": ("---\ntitle: 标题\ntags: {a: 1}\n---\n" + BODY, "bad.md:3",
                 "tags: expected a list, got a mapping"),
    "date-number": ("---\ntitle: 标题\ndate: 12345\n---\n" + BODY, "bad.md:3",
                    "date: '12345' is not a date"),
    "draft-maybe": ("---\ntitle: 标题\ndraft: maybe\n---\n" + BODY, "bad.md:3",
                    "draft: expected true or false, got 'maybe'"),
    "date-feb-30": ("---\ntitle: 标题\ndate: 2023-02-30\n---\n" + BODY, "bad.md:3",
                    "day 30 does not exist in 2023-02"),
    "date-month-13": ("---\ntitle: 标题\ndate: 2023年13月\n---\n" + BODY, "bad.md:3",
                      "month 13 is not between 1 and 12"),
    "slug-dotdot": ("---\ntitle: 标题\nslug: ../../evil\n---\n" + BODY, "bad.md:3",
                    "slug: '../../evil' is not a slug (lowercase a-z, 0-9 and single hyphens)"),
    "slug-absolute": ("---\ntitle: 标题\nslug: /tmp/evil\n---\n" + BODY, "bad.md:3",
                      "slug: '/tmp/evil' is not a slug (lowercase a-z, 0-9 and single hyphens)"),
    "binary": (bytes(range(256)) * 64, "bad.md", "binary data, not text"),
    "latin1": ("caf\xe9 na\xefve \xff\xfe\xfd".encode("latin-1"), "bad.md:1", "cannot decode"),
}


@pytest.mark.parametrize("case", sorted(FAILING))
def test_import_refuses_a_bad_file_and_imports_the_rest(tmp_path, case):
    content, where, reason = FAILING[case]
    src, out = tmp_path / "src", tmp_path / "docs" / "articles"
    src.mkdir()
    (src / "good.md").write_text(GOOD, encoding="utf-8")
    bad = src / "bad.md"
    bad.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    before = snapshot(src)
    result = invoke("import", str(src), "--into", str(out))
    assert result.exit_code == 1, result.output
    assert reason in error_line(result.output, where), (where, result.output)
    assert sorted(p.name for p in out.glob("*.md")) == [f"{GOOD_SLUG}.md"]
    assert snapshot(src) == before
    # nothing written anywhere else (../ or absolute slugs)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()
                  and not p.is_relative_to(src)) == [f"docs/articles/{GOOD_SLUG}.md"]
    assert not Path("/tmp/evil.md").exists()


def _import_one(tmp_path, data: bytes, name: str = "post.md"):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / name).write_bytes(data)
    before = snapshot(src)
    result = invoke("import", str(src), "--into", str(out))
    assert snapshot(src) == before
    assert result.exit_code == 0, result.output
    (written,) = out.glob("*.md")
    return written.read_text(encoding="utf-8"), result


def test_import_bom_is_dropped(tmp_path):
    text, _ = _import_one(tmp_path, b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert "\ufeff" not in text
    assert text.startswith("---\ntitle: 大模型的对齐问题\n")


def test_import_crlf_becomes_lf(tmp_path):
    text, _ = _import_one(tmp_path, GOOD.replace("\n", "\r\n").encode("utf-8"))
    assert "\r" not in text
    assert "title: 大模型的对齐问题" in text and "authors:\n  - 张三" in text


def test_import_gb18030(tmp_path):
    text, _ = _import_one(tmp_path, GOOD.encode("gb18030"), "gbk.txt")
    assert "title: 大模型的对齐问题" in text
    assert "对齐（Alignment）让模型的行为符合人类的意图。" in text


def test_import_big5_is_decoded_never_mojibake(tmp_path):
    # Decided: Big5 is read as Big5 (GB18030 would accept most of its bytes as rare characters).
    text, _ = _import_one(tmp_path, TRADITIONAL.encode("big5"), "big5.txt")
    assert "title: 繁體中文的標題" in text
    assert "這是一篇用繁體中文寫的文章，討論大型語言模型的發展與應用。" in text


def test_import_short_big5_is_not_taken_for_gb18030(tmp_path):
    text, _ = _import_one(tmp_path, "# 臺灣\n\n機器學習與深度學習\n".encode("big5"), "big5.txt")
    assert "臺灣" in text and "機器學習與深度學習" in text


def test_import_unclosed_code_fence_keeps_the_code(tmp_path):
    text, _ = _import_one(tmp_path, ("# 代码\n\n下面是一段没有结束的代码块，导入时必须原样保留。\n\n"
                                     "```python\nprint(1)\n# 不是标题\n\n\n\nx = 2\n").encode())
    assert "```python\nprint(1)\n# 不是标题\n" in text
    assert "x = 2" in text


def test_import_unclosed_html_comment_keeps_the_text(tmp_path):
    text, _ = _import_one(tmp_path, ("# 注释\n\n正文开始 <!-- 从不关闭的注释\n\n后面还有很多正文，"
                                     "不能丢失。\n").encode())
    assert "<!-- 从不关闭的注释" in text and "后面还有很多正文，不能丢失。" in text


def test_import_50_mb_article_finishes(tmp_path):
    paragraph = ("2017 年 6 月，Google 发布 Transformer 论文，大语言模型从此快速发展。"
                 "The scaling law says loss falls as a power law of compute {}.\n\n")
    count = 50 * 1024 * 1024 // len(paragraph.format(0).encode("utf-8")) + 1
    data = ("# 很大的文章\n\n" + "".join(paragraph.format(i) for i in range(count))).encode("utf-8")
    assert len(data) >= 50 * 1024 * 1024
    text, _ = _import_one(tmp_path, data, "huge.md")
    assert text.rstrip().endswith(f"compute {count - 1}.")


def test_import_100k_lines(tmp_path):
    lines = "".join(f"第 {i} 行：一些文字 line {i}\n" for i in range(100_000))
    text, _ = _import_one(tmp_path, ("# 十万行\n\n" + lines).encode("utf-8"), "lines.md")
    assert "第 0 行" in text and "第 99999 行：一些文字 line 99999" in text


def test_yaml_bomb_is_refused_quickly_by_every_reader(tmp_path):
    text = _bomb(15)
    for reader in (matter.load, matter.read):
        with pytest.raises(GardenError, match="alias bomb"):
            reader(text, "bomb.md")
    src = tmp_path / "bomb.md"
    src.write_text(text, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "gardener.site.cli", "import", str(src), "--into",
                          str(tmp_path / "out")], capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert "bomb.md:2: error: front-matter expands to too many nodes" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr


# ---------------------------------------------------------------------------------------------
# gardener check and gardener fmt on a garden with hostile articles
# ---------------------------------------------------------------------------------------------

HOSTILE_ARTICLES = {
    # file name: (content, "file:line" named, reason)
    "invalid-yaml.md": ("---\ntitle: [oops\n---\n" + BODY, "invalid-yaml.md:2", "invalid front-matter YAML"),
    "tabs.md": ("---\ntitle: 标题\n\ttags: [a]\n---\n" + BODY, "tabs.md:3", "invalid front-matter YAML"),
    "bomb.md": (_bomb(), "bomb.md:2", "alias bomb"),
    "list.md": ("---\n- a\n- b\n---\n" + BODY, "list.md:2", "not a list"),
    "title-list.md": ("---\ntitle: [a, b]\n---\n" + BODY, "title-list.md:2", "expected text, got a list"),
    "tags-map.md": ("---\ntitle: 标签\ntags: {a: 1}\n---\n" + BODY, "tags-map.md:3",
                    "expected a list, got a mapping"),
    "date-number.md": ("---\ntitle: 数字\ndate: 12345\n---\n" + BODY, "date-number.md:3", "is not a date"),
    "draft.md": ("---\ntitle: 草稿\ndraft: maybe\n---\n" + BODY, "draft.md:3", "expected true or false"),
    "feb30.md": ("---\ntitle: 日期\ndate: 2023-02-30\n---\n" + BODY, "feb30.md:3", "impossible date"),
    "slug.md": ("---\ntitle: 路径\nslug: ../../evil\n---\n" + BODY, "slug.md:3", "is not a slug"),
    "abs-slug.md": ("---\ntitle: 路径\nslug: /etc/passwd\n---\n" + BODY, "abs-slug.md:3", "is not a slug"),
}


@pytest.fixture()
def hostile_garden(repo_copy):
    articles = repo_copy / "docs" / "articles"
    for name, (content, _where, _reason) in HOSTILE_ARTICLES.items():
        (articles / name).write_text(content, encoding="utf-8")
    (articles / "gbk.md").write_bytes(("---\ntitle: 编码\n---\n" + BODY).encode("gb18030"))
    (articles / "binary.md").write_bytes(bytes(range(256)) * 16)
    return repo_copy


def test_check_names_every_hostile_article_and_loads_the_rest(hostile_garden):
    before = snapshot(hostile_garden / "docs")
    result = invoke("check", "--config", str(hostile_garden / "mkdocs.yml"))
    assert result.exit_code == 1
    for _content, where, reason in HOSTILE_ARTICLES.values():
        assert reason in error_line(result.output, f"articles/{where}"), (where, result.output)
    assert "not UTF-8" in error_line(result.output, "articles/gbk.md")
    assert "error" in error_line(result.output, "articles/binary.md")
    assert "9 articles," in result.output  # the repo's nine articles are all still there
    assert snapshot(hostile_garden / "docs") == before


def test_fmt_reports_hostile_articles_and_changes_none(hostile_garden):
    articles = hostile_garden / "docs" / "articles"
    before = snapshot(hostile_garden / "docs")
    result = invoke("fmt", "--config", str(hostile_garden / "mkdocs.yml"), cwd=hostile_garden)
    assert result.exit_code == 1
    for _name, (_content, where, reason) in HOSTILE_ARTICLES.items():
        assert reason in error_line(result.output, where), (where, result.output)
    assert "not UTF-8" in error_line(result.output, "gbk.md")
    assert snapshot(hostile_garden / "docs") == before
    assert not list(hostile_garden.parent.glob("evil*")) and not (articles.parent.parent / "evil.md").exists()


def test_fmt_check_bom_and_crlf_keeps_them(repo_copy):
    articles = repo_copy / "docs" / "articles"
    (articles / "bom.md").write_bytes(b"\xef\xbb\xbf---\r\ntitle: BOM\r\nauthor: A\r\n---\r\nbody\r\n")
    before = snapshot(articles / "bom.md")
    result = invoke("fmt", "--check", str(articles / "bom.md"), "--config", str(repo_copy / "mkdocs.yml"))
    assert result.exit_code == 1 and "would reformat" in result.output
    assert snapshot(articles / "bom.md") == before
    result = invoke("fmt", str(articles / "bom.md"), "--config", str(repo_copy / "mkdocs.yml"))
    assert result.exit_code == 0
    data = (articles / "bom.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf---\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert data.endswith(b"---\r\nbody\r\n") and b"authors:" in data


def test_export_with_hostile_articles_writes_only_inside_out(hostile_garden, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "out"
    before = snapshot(hostile_garden)
    result = invoke("export", str(out), "--config", str(hostile_garden / "mkdocs.yml"),
                    cwd=hostile_garden)
    assert result.exit_code == 1
    assert "is not a slug" in error_line(result.output, "articles/slug.md:3")
    assert "alias bomb" in error_line(result.output, "articles/bomb.md:2")
    assert snapshot(hostile_garden) == before
    assert (out / "docs" / "articles" / "yanlun.md").is_file()
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve())
    assert not list(out.parent.glob("evil*")) and not list(hostile_garden.rglob("evil*"))


# ---------------------------------------------------------------------------------------------
# Built sites: escaping, duplicate slugs, links, code, comments, concepts
# ---------------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def test_script_in_title_is_escaped_everywhere(repo_copy):
    article = repo_copy / "docs" / "articles" / "xss.md"
    article.write_text(
        f"---\ntitle: '{SCRIPT} \"引号\" 标题'\ndate: 2023-03-01\nsummary: '{SCRIPT} 摘要'\n"
        f"tags: ['{SCRIPT}']\nauthors: ['<img src=x onerror=alert(1)>']\n---\n\n"
        "2023 年 3 月 1 日，OpenAI 发布了 ChatGPT，RLHF 让模型对齐人类意图。这是正文。\n",
        encoding="utf-8")
    before = snapshot(repo_copy / "docs")
    run = build_site(repo_copy)
    assert run.returncode == 0, run.stderr
    assert snapshot(repo_copy / "docs") == before
    site = repo_copy / "site"
    pages = list(site.rglob("*.html"))
    raw = sorted(str(p.relative_to(site)) for p in pages
                 if "<script>alert(1)" in (text := p.read_text(encoding="utf-8"))
                 or "<img src=x" in text)
    assert raw == [], f"raw title HTML in {len(raw)} pages, e.g. {raw[:5]}"
    page = (site / "articles" / "xss" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for name in ("glossary", "timeline"):
        assert "<script>alert(1)" not in (site / name / "index.html").read_text(encoding="utf-8")
    entries = read_entries(site)
    for doc in entries:
        assert "<script>alert(1)" not in doc["title"] and "<script>alert(1)" not in doc["text"]
    assert any("alert(1)" in doc["title"] for doc in entries)


@pytest.fixture()
def odd_garden(repo_copy, tmp_path_factory):
    """Twin slugs, unclosed fence and comment, a linked file from outside, tricky concept notes."""
    docs = repo_copy / "docs"
    articles, concepts = docs / "articles", docs / "concepts"
    outside = tmp_path_factory.mktemp("outside") / "secret.md"
    outside.write_text("---\ntitle: 外部文章\nauthor: 某人\ndate: 2023-01-01\nslug: linked\n"
                       "origin: new.md\n---\n\n"
                       "外部的正文，足够长的一段文字，用来测试符号链接。\n", encoding="utf-8")
    (articles / "linked.md").symlink_to(outside)
    (articles / "twin-a.md").write_text("---\ntitle: 孪生一\nslug: twin\ndate: 2023-01-01\n---\n\n"
                                        "第一篇孪生文章的正文内容。\n", encoding="utf-8")
    (articles / "twin-b.md").write_text("---\ntitle: 孪生二\nslug: twin\ndate: 2023-01-02\n---\n\n"
                                        "第二篇孪生文章的正文内容。\n", encoding="utf-8")
    (articles / "fence.md").write_text("---\ntitle: 代码\ndate: 2023-01-03\n---\n\n正文\n\n"
                                       "```python\nprint(1)\nx = 2\n",
                                       encoding="utf-8")
    (articles / "comment.md").write_text("---\ntitle: 注释\ndate: 2023-01-04\n---\n\n正文 <!-- 从不关闭"
                                         "\n\n更多正文\n", encoding="utf-8")
    (articles / "regex.md").write_text(
        "---\ntitle: 正则\ndate: 2023-01-05\n---\n\n这里提到 C++ 和 a.b 以及 (x) 与 [y] 还有 * 号，"
        "但 acb 与 Cxx 不是。人工智能。\n", encoding="utf-8")
    (concepts / "meta-a.md").write_text(
        '---\ntitle: C++\naliases: ["a.b", "(x)", "[y]", "*", "人"]\nrelated: [meta-b]\n'
        "summary: 元字符\n---\n\n概念\n", encoding="utf-8")
    (concepts / "meta-b.md").write_text(
        '---\ntitle: Meta B\naliases: ["Meta-B"]\nrelated: [meta-a]\nsummary: 循环\n---\n\n概念\n',
        encoding="utf-8")
    return repo_copy, outside


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
    assert 'title="元字符">C++</a>' in regex
    assert "acb 与 Cxx 不是" in regex  # 'a.b' and 'C++' are not regexes
    fence = (site / "fence" / "index.html").read_text(encoding="utf-8")
    assert "print" in fence and "x = 2" in fence
    assert "更多正文" in (root / "docs" / "articles" / "comment.md").read_text(encoding="utf-8")
    assert "外部的正文" in (site / "linked" / "index.html").read_text(encoding="utf-8")
    assert (root / "site" / "concepts" / "meta-a" / "index.html").is_file()
    assert snapshot(root / "docs", outside) == before


def test_alias_collisions_are_errors(repo_copy):
    concepts = repo_copy / "docs" / "concepts"
    (concepts / "cpp.md").write_text('---\ntitle: C++\naliases: ["a.b"]\nsummary: x\n---\n',
                                     encoding="utf-8")
    (concepts / "cpp2.md").write_text('---\ntitle: c++\naliases: ["A.B", "(x)"]\nsummary: y\n---\n',
                                      encoding="utf-8")
    before = snapshot(repo_copy / "docs")
    result = invoke("check", "--config", str(repo_copy / "mkdocs.yml"))
    assert result.exit_code == 1
    assert "concepts/cpp2.md: error: alias 'c++' is also claimed by concepts/cpp.md" in result.output
    assert "concepts/cpp2.md: error: alias 'a.b' is also claimed by concepts/cpp.md" in result.output
    assert snapshot(repo_copy / "docs") == before


def test_related_cycle_does_not_loop(odd_garden):
    from gardener.garden.concepts.index import analyse_concepts
    from gardener.garden.loading import load_garden

    root, _outside = odd_garden
    garden = load_garden(root / "docs")
    index = analyse_concepts(garden)
    assert {"meta-a", "meta-b"} <= {c.slug for c in garden.concepts}
    assert index is not None


def test_symlink_is_read_but_never_written_through(odd_garden, tmp_path):
    # Decided: a linked article is read (MkDocs builds it too), but fmt and import never write
    # through a link, so the file outside docs/ never changes.
    root, outside = odd_garden
    before = snapshot(outside)
    result = invoke("fmt", "--config", str(root / "mkdocs.yml"), cwd=root)
    assert result.exit_code == 1
    assert "is reached through a symbolic link; not rewritten" in error_line(result.output, "linked.md")
    assert snapshot(outside) == before
    src = tmp_path / "src"
    src.mkdir()
    # Re-importing the source the linked article came from would overwrite it (--force).
    (src / "new.md").write_text("---\ntitle: 新的\n---\n" + BODY, encoding="utf-8")
    result = invoke("import", str(src), "--into", str(root / "docs" / "articles"), "--force")
    assert result.exit_code == 0
    assert "warning: kept (a symbolic link; not written)" in result.output
    assert "articles/linked.md" in result.output
    assert snapshot(outside) == before
    assert (root / "docs" / "articles" / "linked.md").is_symlink()


def test_curated_timeline_entry_with_bad_date(repo_copy):
    timeline = repo_copy / "timeline.yml"
    timeline.write_text(timeline.read_text(encoding="utf-8")
                        + "- date: 2023-02-30\n  text: 不存在的日子。\n", encoding="utf-8")
    line = timeline.read_text(encoding="utf-8").count("\n") - 1
    before = snapshot(repo_copy)
    result = invoke("check", "--config", str(repo_copy / "mkdocs.yml"))
    assert result.exit_code == 1
    assert "day 30 does not exist" in error_line(result.output, f"timeline.yml:{line}")
    run = build_site(repo_copy)
    assert run.returncode == 1
    assert f"timeline.yml:{line}: error: impossible date '2023-02-30'" in run.stderr
    assert "Traceback" not in run.stderr
    snapshot_after = snapshot(repo_copy)
    assert {p: b for p, b in snapshot_after.items() if p in before} == before


# ---------------------------------------------------------------------------------------------
# Fuzzing the parsers
# ---------------------------------------------------------------------------------------------

def _pieces(*choices) -> st.SearchStrategy[str]:
    """Random text built from single characters and meaningful fragments."""
    return st.lists(st.sampled_from([c for group in choices for c in group]), max_size=80).map("".join)


YAMLISH = _pieces("abc:-[]{}&*!|>'\"#\t\n ,.?%@`12大模型",
                  ["2023-02-30", "title: ", "\n- ", "&a ", "*a", "date: ", "tags: ", "!!python/name:x"])


@settings(max_examples=200, deadline=None)
@given(YAMLISH)
def test_fuzz_front_matter(text):
    source = f"---\n{text}\n---\nbody\n"
    for reader in (matter.read, matter.load):
        try:
            doc = reader(source, "fuzz.md")
        except GardenError:
            continue
        if doc.front is not None:
            normalize(doc.front, "fuzz.md", doc.line_of)


DATEISH = _pieces("0123456789年月日号-/.：: 前后去今明上下初底中旬春夏秋冬Q季度世纪代ab",
                  ["2023", "年底", "上半年", "20世纪", "90年代", "2023-02-30", "13月", "March"])


@settings(max_examples=200, deadline=None)
@given(DATEISH)
def test_fuzz_dates(text):
    find_dates(text)
    with contextlib.suppress(InvalidDate):
        parse_date(text)


CLEANABLE = _pieces("大模型的对齐问题人类反馈强化学习。，！？：", "abc ABC 123 *_#>-|`~<!",
                    ["\n", "\n\n", "\u3000", "```", "# ", "## ", "- ", "• ", "**", "作者：",
                     "Date: 2023-05-04", "写于", "1\n", "Q1: ", "1.1 ", "阅读原文", "扫码关注"])


@settings(max_examples=200, deadline=None)
@given(CLEANABLE)
def test_fuzz_cleaners_never_invent_cjk(text):
    found = Findings()
    cleaned = clean(text, found)
    # Facts taken out of the header (title, labels) leave the body; they never add characters.
    assert not Counter(CJK_CHAR.findall(cleaned)) - Counter(CJK_CHAR.findall(text))
