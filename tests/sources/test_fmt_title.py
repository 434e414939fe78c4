"""`gardener fmt` gives a note without a title the one a reader would: its first level-one
heading, else its file name as MkDocs names a page."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from gardener.articles import matter
from gardener.site.cli import main
from tests.site.conftest import RENDER
from tests.site.reading import commonmark

FRONT = "---\n# written by hand\ndate: 2020-06-01\ntags: [推荐系统]\n---\n"


def note(folder: Path, fixture: str, front: str = FRONT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / fixture
    path.write_text(front + (RENDER / fixture).read_text(encoding="utf-8"), encoding="utf-8")
    return path


def first_h1(text: str) -> str:
    """The first level-one heading as a CommonMark reader shows it."""
    tokens = commonmark(text)
    opening = next(i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h1")
    return "".join(c.content for c in tokens[opening + 1].children
                   if c.type in ("text", "code_inline"))


def mkdocs_title(folder: Path, name: str) -> str:
    """The title MkDocs gives the page when its front-matter names none."""
    config = MkDocsConfig()
    config.load_dict({"site_name": "garden", "docs_dir": str(folder),
                      "site_dir": str(folder.parent / "site")})
    config.validate()
    file = File(name, str(folder), config.site_dir, use_directory_urls=True)
    page = Page(None, file, config)
    page.read_source(config)
    page.render(config, Files([file]))
    return page.title


def test_title_from_the_first_heading_after_a_translation_block(tmp_path):
    fixture = "gold-miner-latent-factor-model.md"
    path = note(tmp_path / "docs" / "articles", fixture)
    run = CliRunner().invoke(main, ["fmt", str(path)])
    assert run.exit_code == 0, run.output
    doc = matter.load(path.read_text(encoding="utf-8"), str(path))
    source = (RENDER / fixture).read_text(encoding="utf-8")
    assert doc.front["title"] == first_h1(source)
    assert list(doc.front) == ["title", "date", "tags"]
    assert doc.body == source
    assert "# written by hand" in path.read_text(encoding="utf-8")


def test_title_from_the_file_name_when_the_only_heading_is_in_code(tmp_path):
    fixture = "03-模型下载.md"
    path = note(tmp_path / "docs" / "articles", fixture)
    assert CliRunner().invoke(main, ["fmt", str(path)]).exit_code == 0
    title = matter.load(path.read_text(encoding="utf-8"), str(path)).front["title"]
    plain = tmp_path / "plain" / "docs"
    note(plain, fixture, front="")
    assert title == mkdocs_title(plain, fixture)
    assert "下载模型" not in title  # a comment line in a code fence is no heading


def test_an_empty_title_is_filled_in_place_and_fmt_stays_idempotent(tmp_path):
    fixture = "self-llm-support-model.md"
    path = note(tmp_path / "docs" / "articles", fixture, front="---\ndate: 2024-05-01\ntitle:\n---\n")
    runner = CliRunner()
    assert runner.invoke(main, ["fmt", str(path)]).exit_code == 0
    once = path.read_text(encoding="utf-8")
    front = matter.load(once, str(path)).front
    assert front["title"] == first_h1((RENDER / fixture).read_text(encoding="utf-8"))
    assert runner.invoke(main, ["fmt", "--check", str(path)]).exit_code == 0
    assert path.read_text(encoding="utf-8") == once


def test_a_title_that_is_not_text_is_still_an_error(tmp_path):
    fixture = "self-llm-support-model.md"
    front = "---\ntitle: [一, 二]\n---\n"
    path = note(tmp_path / "docs" / "articles", fixture, front=front)
    run = CliRunner().invoke(main, ["fmt", str(path)])
    assert run.exit_code == 1
    assert path.read_text(encoding="utf-8").startswith(front)
