"""What the hostile tests share: good and hostile article texts, the in-process CLI runner, and
the ways they read what a run wrote or left alone.
"""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner
from hypothesis import strategies as st

from gardener.site.cli import main

GOOD = "# 大模型的对齐问题\n\n作者：张三\n\nDate: 2023-05-04\n\n对齐（Alignment）让模型的行为符合人类的意图。这是第一段，足够长，可以作为摘要使用。\n"
GOOD_SLUG = "da-moxing-de-duiqi-wenti"
BODY = "\n这是正文的第一段，足够长，讲的是大语言模型与 RLHF 的关系。\n"


def yaml_bomb(levels: int = 12) -> str:
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


def import_one(tmp_path, data: bytes, name: str = "post.md"):
    """(article text, result) of importing one source file holding data; the source unchanged."""
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / name).write_bytes(data)
    before = snapshot(src)
    result = invoke("import", str(src), "--into", str(out))
    assert snapshot(src) == before
    assert result.exit_code == 0, result.output
    (written,) = out.glob("*.md")
    return written.read_text(encoding="utf-8"), result


def pieces(*choices) -> st.SearchStrategy[str]:
    """Random text built from single characters and meaningful fragments."""
    return st.lists(st.sampled_from([c for group in choices for c in group]), max_size=80).map("".join)


# A garden's articles that check, fmt and export must each refuse by name, reading the rest.
HOSTILE_ARTICLES = {
    # file name: (content, "file:line" named, reason)
    "invalid-yaml.md": ("---\ntitle: [oops\n---\n" + BODY, "invalid-yaml.md:2", "invalid front-matter YAML"),
    "tabs.md": ("---\ntitle: 标题\n\ttags: [a]\n---\n" + BODY, "tabs.md:3", "invalid front-matter YAML"),
    "bomb.md": (yaml_bomb(), "bomb.md:2", "alias bomb"),
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
