"""`gardener new`: a garden that builds at once, and after importing every seed shape."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from gardener.site.cli import main
from gardener.sources.importing import import_sources
from tests.conftest import build_site

pytestmark = pytest.mark.slow


def test_new_garden_builds_empty_and_after_import(tmp_path, seeds):
    garden = tmp_path / "garden"
    result = CliRunner().invoke(main, ["new", str(garden), "--name", "我的花园"])
    assert result.exit_code == 0, result.output
    for name in ("mkdocs.yml", "README.md", "timeline.yml", ".gitignore", "requirements.txt",
                 ".github/workflows/garden.yml", "docs/index.md", "docs/concepts/rlhf.md"):
        assert (garden / name).is_file(), name
    workflow = yaml.safe_load((garden / ".github/workflows/garden.yml").read_text(encoding="utf-8"))
    steps = [s.get("run", "") for s in workflow["jobs"]["build"]["steps"]]
    assert {"gardener fmt --check docs", "gardener check", "mkdocs build --strict"} <= set(steps)
    empty = build_site(garden)
    assert empty.returncode == 0 and "WARNING" not in empty.stderr.replace("NO_MKDOCS_2_WARNING", ""), empty.stderr
    assert "我的花园" in (garden / "site" / "index.html").read_text(encoding="utf-8")
    assert import_sources([seeds], garden / "docs" / "articles").ok
    full = build_site(garden)
    assert full.returncode == 0, full.stderr
    home = (garden / "site" / "index.html").read_text(encoding="utf-8")
    assert "<strong>8</strong> 篇" in home  # nine articles, one of them a duplicate


def test_new_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["new", str(tmp_path)])
    assert result.exit_code != 0 and "not empty" in result.output
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "x"
