"""In the garden, an article without `updated` was last updated by its last commit: one git log
for the whole docs folder, and none when nothing was committed since the last build."""

from __future__ import annotations

import subprocess

import yaml
from corpus_import import SEEDS
from test_git_dates import git

from gardener.garden.cache import AnalysisCache
from gardener.garden.loading import load_garden
from gardener.site.scaffold import new_garden
from gardener.sources import history
from gardener.sources.importing import import_sources
from gardener.text.dates import PartialDate


def test_updated_comes_from_the_last_commit(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    result = import_sources(sorted(SEEDS.glob("*.txt")), docs / "articles")
    paths = sorted(a.path for a in result.articles)
    kept = paths[0]
    kept.write_text(kept.read_text(encoding="utf-8").replace("---\n", "---\nupdated: 2020-01-01\n", 1),
                    encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "docs")
    git(tmp_path, "commit", "-q", "-m", "Plant", when="2024-05-01T10:00:00+08:00")
    edited = paths[1]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n读者的批注。\n", encoding="utf-8")
    git(tmp_path, "commit", "-q", "-am", "Note", when="2024-06-02T23:30:00+08:00")

    logs = []
    real_run = subprocess.run

    def counting(args, *rest, **kwargs):
        logs.extend(a for a in args if a == "log")
        return real_run(args, *rest, **kwargs)

    monkeypatch.setattr(history.subprocess, "run", counting)
    cache = AnalysisCache()
    garden = load_garden(docs, cache=cache)
    updated = {a.path: a.updated for a in garden.articles}
    rel = {p: p.relative_to(docs).as_posix() for p in paths}
    assert updated[rel[kept]] == PartialDate(2020, 1, 1)  # front-matter wins
    assert updated[rel[edited]] == PartialDate(2024, 6, 2)  # the author's own day, not UTC's
    assert {updated[rel[p]] for p in paths[2:]} == {PartialDate(2024, 5, 1)}
    assert logs == ["log"]
    load_garden(docs, cache=cache)
    assert logs == ["log"]  # same HEAD: the cached answer


def test_a_garden_outside_git_has_no_updated(tmp_path):
    import_sources(sorted(SEEDS.glob("*.txt")), tmp_path / "docs" / "articles")
    garden = load_garden(tmp_path / "docs")
    assert garden.articles and all(a.updated is None for a in garden.articles)


def test_new_garden_ci_fetches_the_whole_history(tmp_path):
    new_garden(tmp_path / "garden", "花园")
    workflow = yaml.safe_load((tmp_path / "garden" / ".github/workflows/garden.yml").read_text(encoding="utf-8"))
    checkout = next(step for step in workflow["jobs"]["build"]["steps"]
                    if step.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
