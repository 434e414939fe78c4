"""`gardener check` skips links that the site renders as code, whatever the fence looks like."""

from __future__ import annotations

from click.testing import CliRunner

from gardener.site.cli import main


def run_check(root):
    return CliRunner().invoke(main, ["check", "--config", str(root / "mkdocs.yml")])


def write_article(root, body: str) -> None:
    (root / "docs" / "articles" / "fences.md").write_text(
        "---\ntitle: 代码示例\ndate: 2023-01-01\n---\n\n" + body, encoding="utf-8")


def test_link_in_a_four_backtick_fence_around_a_three_backtick_line(repo_copy):
    # The ``` line is content of the outer fence (how to open a code block), and so is the link.
    write_article(repo_copy, "怎样写代码块：\n\n````markdown\n```\n[示例](nowhere.md)\n````\n\n正文。\n")
    result = run_check(repo_copy)
    assert "broken link" not in result.output, result.output
    assert result.exit_code == 0, result.output


def test_link_in_a_tilde_fence_and_in_a_quoted_fence(repo_copy):
    write_article(repo_copy, "~~~\n```\n[甲](gone.md)\n~~~\n\n> ```\n> [乙](gone-too.md)\n> ```\n")
    result = run_check(repo_copy)
    assert "broken link" not in result.output, result.output
    assert result.exit_code == 0, result.output


def test_link_in_indented_code_and_in_a_double_backtick_span(repo_copy):
    write_article(repo_copy, "段落。\n\n    [甲](gone.md)\n\n见 ``[乙](`gone.md`)`` 一例。\n")
    result = run_check(repo_copy)
    assert "broken link" not in result.output, result.output


def test_link_after_the_fence_is_still_checked_with_its_file_line(repo_copy):
    write_article(repo_copy, "````\n```\n````\n\n[坏](nowhere.md)\n")
    result = run_check(repo_copy)
    assert result.exit_code == 1
    # Four lines of front-matter and one blank line come before the body.
    assert "articles/fences.md:10: error: broken link: 'nowhere.md' does not exist" in result.output
