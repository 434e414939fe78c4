"""The model is frozen and hashable, and its closed sets of names are enums that still read as
their text in files, messages and pages."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from gardener.articles.model import (
    Diagnostic,
    EventKind,
    FrozenMap,
    Garden,
    LinkPolicy,
    Severity,
)
from gardener.garden.loading import load_garden
from gardener.garden.timeline.curated import apply_curated, load_curated
from gardener.sources.importing import ImportStatus, import_sources
from tests.conftest import ROOT

ARTICLE = """---
title: 一篇带扩展字段的文章
date: 2023-05-01
series:
  name: 大模型入门
  parts: [1, 2]
  seen: {first: true}
---
正文提到 ChatGPT。
"""

NOTE = """---
title: 示例概念
aliases: [示例]
link_policy: {policy}
---
说明。
"""


@pytest.fixture()
def garden_dir(tmp_path):
    docs = tmp_path / "docs"
    (docs / "articles").mkdir(parents=True)
    (docs / "concepts").mkdir()
    (docs / "articles" / "extra.md").write_text(ARTICLE, encoding="utf-8")
    return docs


def test_the_real_garden_is_hashable_and_equal_when_read_twice():
    first, second = load_garden(ROOT / "docs"), load_garden(ROOT / "docs")
    assert first is not second and first == second and hash(first) == hash(second)
    values = {*first.articles, *first.concepts, *first.diagnostics}
    assert len(values) == len(first.articles) + len(first.concepts) + len(set(first.diagnostics))
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.articles[0].title = "改过的标题"  # type: ignore[misc]


def test_extra_front_matter_is_a_frozen_mapping(garden_dir):
    (article,) = load_garden(garden_dir).articles
    series = article.extra["series"]
    assert series["name"] == "大模型入门" and series["parts"] == (1, 2)
    assert dict(series["seen"]) == {"first": True}
    assert isinstance(article.extra, FrozenMap) and hash(article) == hash(pickle.loads(pickle.dumps(article)))
    with pytest.raises(TypeError):
        article.extra["series"] = "改"  # type: ignore[index]
    assert FrozenMap({"a": [1, {"b": 2}]}) == {"a": (1, FrozenMap({"b": 2}))}


def test_a_concept_note_link_policy_is_an_enum_and_a_bad_one_is_reported_with_its_line(garden_dir):
    notes = garden_dir / "concepts"
    (notes / "good.md").write_text(NOTE.format(policy="never"), encoding="utf-8")
    (notes / "bad.md").write_text(NOTE.format(policy="sometimes"), encoding="utf-8")
    garden = load_garden(garden_dir)
    policies = {c.slug: c.link_policy for c in garden.concepts}
    assert policies == {"good": LinkPolicy.NEVER, "bad": None}  # the site's policy applies
    (problem,) = [d for d in garden.diagnostics if d.path == "concepts/bad.md"]
    assert str(problem).startswith("concepts/bad.md:4: error: link_policy 'sometimes'")


def test_severities_and_kinds_read_as_their_text(tmp_path):
    warning = Diagnostic("a.md", "一条提示", "warning", 3)
    assert warning.severity is Severity.WARNING and str(warning) == "a.md:3: warning: 一条提示"
    assert {"warning": 1}[warning.severity] == 1  # tallies keyed by text still find it
    timeline = tmp_path / "timeline.yml"
    timeline.write_text("- date: 2023-03-14\n  text: 手写的事件。\n", encoding="utf-8")
    entries, problems = load_curated(timeline, "timeline.yml")
    (event,) = apply_curated([], entries)
    assert not problems and event.kind is EventKind.CURATED and f"gd-event--{event.kind}" == "gd-event--curated"


def test_import_statuses_are_enums(tmp_path):
    source = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))[0]
    first = import_sources([source], tmp_path / "articles")
    again = import_sources([source], tmp_path / "articles")
    assert {a.status for a in first.articles} == {ImportStatus.NEW}
    assert {a.status for a in again.articles} == {ImportStatus.UNCHANGED}


def test_a_garden_built_by_hand_is_frozen_too():
    garden = Garden(ROOT, (), (), (), {"a.md": "0" * 32})
    assert isinstance(garden.digests, FrozenMap) and hash(garden) == hash(Garden(ROOT, (), (), ()))
