"""Dates from the git history of the sources: a real repository whose commits recreate the
first-commit dates of gold-miner.dates.tsv."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from corpus_import import CORPORA, SEEDS, by_source, reference_dates, written
from rich.console import Console

from gardener.site.report import import_table
from gardener.sources import history
from gardener.sources.importing import import_sources

EDIT_DAY = "2022-06-01T09:30:00+08:00"
RENAME_DAY = "2022-07-01T10:00:00+08:00"
EDITED = "2021/Announcing-Dart-2-12.md"
RENAMED = ("ECMA-TC39/How-to-write-a-good-explainer.md", "ECMA-TC39/good-explainer.md")
STAMPEDE = "2021/how-a-cache-stampede-caused-one-of-facebooks-biggest-outages.md"


def git(repo: Path, *args: str, when: str | None = None) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="Translator", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="Translator", GIT_COMMITTER_EMAIL="t@example.org")
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)


def corpus_repo(tmp_path: Path, dates: dict[str, str]) -> Path:
    """gold-miner's fixture files under article/, each committed on its reference date; the files
    without one stay uncommitted."""
    repo = tmp_path / "gold-miner"
    shutil.copytree(CORPORA / "gold-miner", repo / "article")
    git(repo, "init", "-q")
    for rel, when in sorted(dates.items(), key=lambda item: item[1]):
        git(repo, "add", f"article/{rel}")
        git(repo, "commit", "-q", "-m", f"Add {rel}", when=when)
    return repo


def day(iso: str) -> dt.date:
    return dt.datetime.fromisoformat(iso).date()


@pytest.fixture()
def dates() -> dict[str, str]:
    return reference_dates(CORPORA / "gold-miner.dates.tsv")


def test_first_commit_dates_and_last_commit_updates(tmp_path, dates):
    repo = corpus_repo(tmp_path, dates)
    article = repo / "article"
    with open(article / EDITED, "a", encoding="utf-8") as source:
        source.write("\n译者补记：修正了两处术语。\n")
    git(repo, "commit", "-q", "-am", "Fix terms", when=EDIT_DAY)
    git(repo, "mv", f"article/{RENAMED[0]}", f"article/{RENAMED[1]}")
    git(repo, "commit", "-q", "-m", "Rename", when=RENAME_DAY)

    result = import_sources([article], tmp_path / "docs" / "articles")
    fronts = {rel: written(a)[0] for rel, (a, *_rest) in by_source(result, article).items()}
    expected = {RENAMED[1] if rel == RENAMED[0] else rel: day(when) for rel, when in dates.items()}
    expected = {rel: value for rel, value in expected.items() if rel in fronts}  # not the empty file
    assert {rel: fronts[rel]["date"] for rel in expected} == expected
    assert fronts[EDITED]["updated"] == day(EDIT_DAY)
    assert fronts[RENAMED[1]]["updated"] == day(RENAME_DAY)  # the rename was its last change
    assert [rel for rel, front in fronts.items() if "updated" in front] == sorted([EDITED, RENAMED[1]])
    # a date in the first paragraph is not the article's date; the commit is
    assert fronts[STAMPEDE]["date"] == day(dates[STAMPEDE]) != dt.date(2010, 9, 23)
    # files nobody committed have no date at all
    assert {rel for rel, front in fronts.items() if "date" not in front} == set(fronts) - set(expected)
    assert set(fronts) - set(expected)
    provenance = {a.inferred.provenance["date"] for a in result.articles if "date" in a.inferred.fields}
    assert all(p.startswith("git: first commit ") for p in provenance)


def test_a_bulk_commit_date_is_reported_not_written(tmp_path, dates, monkeypatch):
    monkeypatch.setattr(history, "BULK_COMMIT_FILES", 3)
    repo = tmp_path / "gold-miner"
    shutil.copytree(CORPORA / "gold-miner", repo / "article")
    git(repo, "init", "-q")
    git(repo, "add", "article")
    git(repo, "commit", "-q", "-m", "Import the collection", when="2024-01-05T12:00:00+00:00")
    result = import_sources([repo / "article"], tmp_path / "docs" / "articles")
    assert result.articles
    for article in result.articles:
        assert "date" not in written(article)[0]
        value, where = article.inferred.withheld["date"]
        assert value.iso() == "2024-01-05" and "files at once" in where
    console = Console(record=True, width=200)
    import_table(console, result)
    assert "weak evidence: not written" in console.export_text()


def test_front_matter_date_wins_over_git(tmp_path):
    repo = tmp_path / "clippings"
    repo.mkdir()
    clipping = next(p for p in sorted(SEEDS.glob("*.txt")) if p.read_text(encoding="utf-8").startswith("---"))
    shutil.copy(clipping, repo / clipping.name)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Clip", when="2024-03-03T08:00:00+08:00")
    (article,) = import_sources([repo], tmp_path / "docs" / "articles").articles
    assert article.inferred.provenance["date"] == "front-matter"
    assert written(article)[0]["date"] == dt.date(2023, 2, 10)
