"""`gardener check` on the repo's garden and on gardens broken on purpose."""

from __future__ import annotations

from click.testing import CliRunner

from gardener.site.cli import main


def run_check(root):
    return CliRunner().invoke(main, ["check", "--config", str(root / "mkdocs.yml")])


def test_repo_garden_passes(repo_copy):
    result = run_check(repo_copy)
    assert result.exit_code == 0, result.output
    assert " 0 errors" in result.output


def test_errors_name_file_and_line(repo_copy):
    articles = repo_copy / "docs" / "articles"
    (articles / "broken.md").write_text(
        "---\ntitle: 坏链接\nslug: broken\n---\n\n第一行\n\n见[这里](nowhere.md)与![图](pics/none.png)\n",
        encoding="utf-8")
    (articles / "bad-date.md").write_text("---\ntitle: 坏日期\ndate: 2023年13月\n---\n正文\n",
                                          encoding="utf-8")
    (articles / "twin.md").write_text("---\ntitle: 重名\nslug: broken\n---\n正文\n", encoding="utf-8")
    (articles / "orphan.md").write_text("---\ntitle: 孤儿\nduplicate_of: no-such-article\n---\n正文\n",
                                        encoding="utf-8")
    result = run_check(repo_copy)
    assert result.exit_code == 1
    out = result.output
    assert "articles/broken.md:8: error: broken link: 'nowhere.md' does not exist" in out
    assert "articles/broken.md:8: error: broken image: 'pics/none.png' does not exist" in out
    assert "articles/bad-date.md:3: error: date:" in out
    assert "slug 'broken' is also used by" in out
    assert "articles/orphan.md: error: duplicate_of names no article: 'no-such-article'" in out
    assert "Traceback" not in out


def test_links_inside_code_are_not_checked(repo_copy):
    (repo_copy / "docs" / "articles" / "code.md").write_text(
        "---\ntitle: 代码\ndate: 2023-01-01\n---\n\n```\n[x](nowhere.md)\n```\n\n`[y](gone.md)`\n",
        encoding="utf-8")
    assert run_check(repo_copy).exit_code == 0
