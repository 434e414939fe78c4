"""Hostile gardens shared by the class files: made fresh by `gardener new`, or the repository's
own garden with hostile or odd files added."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.hostile_support import BODY, HOSTILE_ARTICLES, invoke


@pytest.fixture()
def fresh(tmp_path) -> Path:
    """A garden exactly as `gardener new` makes it."""
    assert invoke("new", str(tmp_path / "g")).exit_code == 0
    return tmp_path / "g"


@pytest.fixture()
def hostile_garden(repo_copy):
    articles = repo_copy / "docs" / "articles"
    for name, (content, _where, _reason) in HOSTILE_ARTICLES.items():
        (articles / name).write_text(content, encoding="utf-8")
    (articles / "gbk.md").write_bytes(("---\ntitle: 编码\n---\n" + BODY).encode("gb18030"))
    (articles / "binary.md").write_bytes(bytes(range(256)) * 16)
    return repo_copy


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
