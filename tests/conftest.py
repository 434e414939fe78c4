"""Shared fixtures: the real seed articles, imported once per session by the real importer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gardener.articles import matter
from gardener.sources.importing import import_sources

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


def outside_git(paths: list[Path], into: Path) -> list[Path]:
    """Copies of repository fixtures in a folder outside the checkout: inside it, the importer
    would rightly date them by the commits that added them to this repository."""
    into.mkdir(parents=True, exist_ok=True)
    copies = []
    for path in paths:
        copy = into / path.name
        if path.is_dir():
            shutil.copytree(path, copy)
        else:
            shutil.copy2(path, copy)
        copies.append(copy)
    return copies


@pytest.fixture(scope="session")
def seeds(tmp_path_factory) -> Path:
    """The seed sources, copied outside the repository (see outside_git)."""
    return outside_git([SEEDS], tmp_path_factory.mktemp("sources"))[0]


@pytest.fixture(scope="session")
def imported(tmp_path_factory, seeds):
    """(ImportResult, folder) for all five seeds imported into a fresh folder."""
    into = tmp_path_factory.mktemp("garden") / "articles"
    result = import_sources(sorted(seeds.glob("*.txt")), into)
    return result, into


@pytest.fixture(scope="session")
def by_title(imported):
    """title -> (front-matter mapping, body) read back from the written files."""
    result, _into = imported
    articles = {}
    for article in result.articles:
        doc = matter.load(article.path.read_text(encoding="utf-8"), str(article.path))
        articles[doc.front["title"]] = (doc.front, doc.body)
    return articles


@pytest.fixture()
def repo_copy(tmp_path) -> Path:
    """A copy of the repo's garden (mkdocs.yml and docs/) to build or break freely."""
    for name in ("mkdocs.yml", "timeline.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    return tmp_path


def fresh_python(code: str, *args: str, cwd: Path = ROOT) -> str:
    """code run by a fresh interpreter (`sys.argv[1:]` is args), as a build runs; what it
    printed, once it is known to have succeeded."""
    run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         cwd=cwd, timeout=900, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout


def build_site(root: Path, *extra: str) -> subprocess.CompletedProcess:
    """A real `mkdocs build --strict` of the garden at root into root/site."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"),
         "-d", str(root / "site"), *extra],
        capture_output=True, text=True, env=env, cwd=root,
    )


@pytest.fixture(scope="session")
def built_repo_site(tmp_path_factory) -> Path:
    """The repo's own garden, built once per session with --strict."""
    return _build_repo_garden(tmp_path_factory.mktemp("repo-site"))


@pytest.fixture(scope="session")
def material_search_site(tmp_path_factory) -> Path:
    """The repo's own garden with Material's single search index (`search_shards: false`)."""
    return _build_repo_garden(tmp_path_factory.mktemp("repo-site-material-search"),
                              "      search_shards: false\n")


def _build_repo_garden(root: Path, options: str = "") -> Path:
    for name in ("mkdocs.yml", "timeline.yml"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "docs", root / "docs")
    if options:
        config = (root / "mkdocs.yml").read_text(encoding="utf-8")
        config = config.replace("  - gardener:\n", "  - gardener:\n" + options, 1)
        assert options in config
        (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    run = build_site(root)
    assert run.returncode == 0, run.stderr
    assert "WARNING" not in run.stderr, run.stderr
    return root / "site"
