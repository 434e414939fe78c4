"""A small real garden for the connection features: `gardener new`, then the importer run on
eight gold-miner articles, dated with the day each was first published (from the corpus)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from gardener.site.scaffold import new_garden
from gardener.sources.importing import import_sources

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "connections"
SOURCES = FIXTURES / "gold-miner"


def published() -> dict[str, str]:
    """Source file name -> ISO day it was first published."""
    with open(FIXTURES / "gold-miner.dates.tsv", encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {Path(row["path"]).name: row["first_commit"][:10] for row in rows}


def make_garden(root: Path) -> Path:
    new_garden(root, "连接测试花园")
    result = import_sources(sorted(SOURCES.rglob("*.md")), root / "docs" / "articles")
    assert not result.failures, result.failures
    days = published()
    for article in result.articles:
        text = article.path.read_text(encoding="utf-8")
        origin = next(name for name in days if f"origin: {name}" in text
                      or f"origin: '{name}'" in text)
        article.path.write_text(text.replace("---\n", f"---\ndate: {days[origin]}\n", 1), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def garden_template(tmp_path_factory) -> Path:
    return make_garden(tmp_path_factory.mktemp("connections-template"))


@pytest.fixture()
def garden(garden_template, tmp_path) -> Path:
    """A fresh copy of the imported garden to edit freely."""
    root = tmp_path / "garden"
    shutil.copytree(garden_template, root)
    return root


def article_file(root: Path, slug: str) -> Path:
    return root / "docs" / "articles" / f"{slug}.md"


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
