"""Messages a user can act on: what is wrong, in which file and line, said as it is."""

from __future__ import annotations

import pytest
import yaml

from gardener.sources.decoding import decode
from tests.conftest import build_site
from tests.hostile.hostile_support import BODY, error_line, invoke, snapshot

TEXT = "# 标题\n\n这是 UTF-16 的正文，没有字节顺序标记。\nEnglish words too.\n"


@pytest.mark.parametrize(("value", "said"), [("123", "got a number"), ("true", "got true or false"),
                                             ("[a]", "got a list"), ("{a: 1}", "got a mapping"),
                                             ("''", "text is empty")])
def test_timeline_text_of_another_type_says_so(fresh, value, said):
    (fresh / "timeline.yml").write_text(f"- date: 2023-01-01\n  text: {value}\n", encoding="utf-8")
    result = invoke("check", cwd=fresh)
    assert result.exit_code == 1
    assert said in error_line(result.output, "timeline.yml:2"), result.output
    assert "missing text" not in result.output


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read_as_utf16(tmp_path, encoding):
    data = TEXT.encode(encoding)
    assert decode(data, "x.txt") == (TEXT, encoding)
    src = tmp_path / "src"
    src.mkdir()
    (src / "u16.txt").write_bytes(data)
    result = invoke("import", str(src), "--into", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    text = next((tmp_path / "out").glob("*.md")).read_text(encoding="utf-8")
    assert "title: 标题" in text and "这是 UTF-16 的正文，没有字节顺序标记。" in text


def test_utf16_that_breaks_off_names_the_encoding(tmp_path):
    data = TEXT.encode("utf-16-le") + b"\x00\xd8"  # a lone high surrogate at the end
    src = tmp_path / "src"
    src.mkdir()
    (src / "cut.txt").write_bytes(data)
    result = invoke("import", str(src), "--into", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "cannot decode as utf-16-le (it has no BOM)" in error_line(result.output, "cut.txt")


def test_a_python_tag_is_called_a_tag_not_a_list(fresh):
    (fresh / "docs" / "articles" / "py.md").write_text(
        "---\ntitle: !!python/object/apply:os.system ['echo hi']\n---\n" + BODY, encoding="utf-8")
    result = invoke("check", cwd=fresh)
    line = error_line(result.output, "articles/py.md:2")
    assert "unsupported YAML tag '!!python/object/apply:os.system'" in line
    assert "list" not in line.split("(")[0]


@pytest.mark.parametrize("name", ["AI: 笔记", "Garden #2", "- 列表", "yes", "it's \"quoted\"", "[x]"])
def test_new_keeps_the_site_name_as_written(tmp_path, name):
    assert invoke("new", str(tmp_path / "g"), "--name", name).exit_code == 0
    config = (tmp_path / "g" / "mkdocs.yml").read_text(encoding="utf-8")
    assert yaml.safe_load(config.split("\n", 1)[0])["site_name"] == name
    result = invoke("check", cwd=tmp_path / "g")
    assert result.exit_code == 0, result.output


def test_new_with_a_colon_in_the_name_builds(tmp_path):
    assert invoke("new", str(tmp_path / "g"), "--name", "AI: 笔记 #2").exit_code == 0
    run = build_site(tmp_path / "g")
    assert run.returncode == 0, run.stderr[-2000:]
    page = (tmp_path / "g" / "site" / "index.html").read_text(encoding="utf-8")
    assert "<title>首页 - AI: 笔记 #2</title>" in page and ">AI: 笔记 #2<a class=\"headerlink\"" in page


def test_new_refuses_an_empty_name(tmp_path):
    result = invoke("new", str(tmp_path / "g"), "--name", " ")
    assert result.exit_code == 1 and "site name is empty" in result.output
    assert not (tmp_path / "g").exists()


@pytest.mark.parametrize("command", [["check"], ["suggest"], ["fmt"], ["check", "--docs", "/nonexistent"],
                                     ["suggest", "--docs", "/nonexistent"],
                                     ["check", "--config", "missing.yml"]])
def test_commands_outside_a_garden_exit_2(tmp_path, command):
    result = invoke(*command, cwd=tmp_path)
    assert result.exit_code == 2, result.output
    assert "0 errors" not in result.output
    assert "mkdocs.yml" in result.output or "/nonexistent" in result.output or "missing.yml" in result.output


def test_check_on_an_mkdocs_yml_that_is_not_yaml(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: [x\n", encoding="utf-8")
    result = invoke("check", cwd=tmp_path)
    assert result.exit_code == 2
    assert "mkdocs.yml:2: not valid YAML" in result.output


# ---------------------------------------------------------------------------------------------
# Errors that name the other file or the line of a curated entry
# ---------------------------------------------------------------------------------------------

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
