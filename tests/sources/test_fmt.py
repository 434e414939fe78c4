"""`gardener fmt`: schema rewrite that keeps unknown keys, comments and body bytes; idempotent."""

from __future__ import annotations

import string

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gardener.articles import matter
from gardener.site.cli import main
from gardener.sources.formatting import format_text

CLIPPING = """---
# clipped with a browser extension
created: 2023-02-10T21:27:35 (UTC +08:00)   # clip time
tags: []
source: https://archive.is/6eeyj
author: 红博士说
title: 中国如何缺席ChatGPT盛宴
reading_list: true  # unknown key, kept
---

# 中国如何缺席ChatGPT盛宴\r
Body with a CRLF line and trailing spaces   
---
not front-matter
"""


def body_of(text: str) -> str:
    return matter.split(text)[1]


def test_clipping_is_mapped_onto_schema():
    result = format_text(CLIPPING, "clip.md")
    assert result.changed and not result.diagnostics
    front = matter.load(result.text, "clip.md").front
    assert list(front)[:4] == ["title", "date", "authors", "source"]
    assert str(front["date"]) == "2023-02-10"
    assert front["authors"] == ["红博士说"]
    assert "tags" not in front and "created" not in front and "author" not in front
    assert front["reading_list"] is True
    assert "# clipped with a browser extension" in result.text
    assert "# clip time" in result.text and "# unknown key, kept" in result.text
    assert body_of(result.text) == body_of(CLIPPING)


def test_fmt_is_idempotent():
    once = format_text(CLIPPING, "clip.md").text
    twice = format_text(once, "clip.md")
    assert not twice.changed and twice.text == once


def test_impossible_date_is_an_error_with_line_and_nothing_changes():
    text = "---\ntitle: x\ndate: 2023-02-30\n---\nbody\n"
    result = format_text(text, "bad.md")
    assert not result.changed
    (problem,) = result.diagnostics
    assert problem.severity == "error" and problem.line == 3
    assert str(problem).startswith("bad.md:3: error: date:")


def test_cli_check_mode_lists_and_writes_nothing(tmp_path):
    page = tmp_path / "a.md"
    page.write_text(CLIPPING, encoding="utf-8", newline="")
    clean = tmp_path / "b.md"
    clean.write_text(format_text(CLIPPING, "b.md").text, encoding="utf-8", newline="")
    runner = CliRunner()
    checked = runner.invoke(main, ["fmt", "--check", str(tmp_path)])
    assert checked.exit_code == 1
    assert f"would reformat {page}" in checked.output and str(clean) not in checked.output
    assert page.read_bytes() == CLIPPING.encode("utf-8")
    written = runner.invoke(main, ["fmt", str(tmp_path)])
    assert written.exit_code == 0
    assert runner.invoke(main, ["fmt", "--check", str(tmp_path)]).exit_code == 0
    assert body_of(page.read_bytes().decode("utf-8")) == body_of(CLIPPING)


def test_cli_reports_bad_yaml_with_file_and_line(tmp_path):
    (tmp_path / "bad.md").write_text("---\ntitle: [unclosed\ndate: 2023-01-01\n---\nx\n", encoding="utf-8")
    (tmp_path / "ok.md").write_text("---\ntitle: fine\nauthor: 某人\n---\nx\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'bad.md'}:" in result.output and "invalid front-matter YAML" in result.output
    assert "authors:" in (tmp_path / "ok.md").read_text(encoding="utf-8")  # the good file was fixed
    assert "Traceback" not in result.output


_key = st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=8).filter(
    lambda k: k not in {"title", "date", "author", "authors", "tags", "tag", "created", "source",
                        "url", "link", "name", "id", "by", "slug", "lang", "language", "site",
                        "draft", "origin", "summary", "updated", "modified", "permalink",
                        "headline", "keywords", "category", "categories", "creator", "creators",
                        "publisher", "locale", "original", "excerpt", "abstract", "description",
                        "duplicate", "duplicates", "duplicate_of", "unpublished", "lastmod",
                        "last_modified", "date_modified", "date_published", "published", "pubdate",
                        "publish_date", "canonical_url", "source_url", "publication", "site_name",
                        "missing_assets", "true", "false", "null"})
_value = st.one_of(st.integers(-10**6, 10**6), st.booleans(),
                   st.text(alphabet=string.ascii_letters + "中文 ", min_size=1, max_size=12).map(str.strip)
                   .filter(bool))
_body = st.text(alphabet=string.ascii_letters + "中文#-*`\n\r >[]()", max_size=200)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extra=st.dictionaries(_key, _value, max_size=5), body=_body,
       author=st.sampled_from(["author: 甲", "authors: [甲, 乙]", "by: 甲、乙", ""]),
       date=st.sampled_from(["created: 2023-02-10", "date: 2023年2月8日", "date: '2023-02'", ""]),
       comment=st.booleans())
def test_property_lossless_and_idempotent(extra, body, author, date, comment):
    lines = ["---", "title: 标题" + ("  # keep" if comment else "")]
    lines += [line for line in (author, date) if line]
    lines += [f"{k}: {v!r}" if isinstance(v, str) else f"{k}: {str(v).lower()}" for k, v in extra.items()]
    text = "\n".join(lines) + "\n---\n" + body
    once = format_text(text, "p.md")
    assert not [d for d in once.diagnostics if d.severity == "error"]
    assert body_of(once.text) == body
    front = matter.load(once.text, "p.md").front
    for key, value in extra.items():
        assert front[key] == value
    if comment:
        assert "# keep" in once.text
    assert format_text(once.text, "p.md").text == once.text


def test_repo_garden_is_normalized_and_concept_notes_are_left_alone(repo_copy):
    concept = repo_copy / "docs" / "concepts" / "rlhf.md"
    before = concept.read_bytes()
    runner = CliRunner()
    checked = runner.invoke(main, ["fmt", "--check", "--config", str(repo_copy / "mkdocs.yml"),
                                   str(repo_copy / "docs")])
    assert checked.exit_code == 0, checked.output
    assert "0 of 9 files" in checked.output
    assert concept.read_bytes() == before


def test_fmt_skips_concept_notes_reached_through_a_linked_folder(tmp_path):
    from tests.conftest import ROOT

    docs = tmp_path / "docs"
    (docs / "articles").mkdir(parents=True)
    (docs / "articles" / "a.md").write_text("---\ntitle: 甲\n---\n正文\n", encoding="utf-8")
    (docs / "concepts").symlink_to(ROOT / "src" / "gardener" / "starter" / "concepts")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - gardener\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt", "--check", "--config", str(tmp_path / "mkdocs.yml"),
                                       str(docs)])
    assert result.exit_code == 0, result.output
    assert "0 of 1 files" in result.output
