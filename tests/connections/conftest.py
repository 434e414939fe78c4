"""A small real garden for the connection features: `gardener new`, then the importer run on
nine gold-miner articles, dated with the day each was first published (from the corpus)."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from gardener.articles import matter
from gardener.site.scaffold import new_garden
from gardener.sources.importing import import_sources

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "connections"
SOURCES = FIXTURES / "gold-miner"
RELATED = FIXTURES / "related"
_DATE = re.compile(r"^date:.*\n", re.M)


def published() -> dict[str, str]:
    """Source file name -> ISO day it was first published."""
    with open(FIXTURES / "gold-miner.dates.tsv", encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {Path(row["path"]).name: row["first_commit"][:10] for row in rows}


def wider_garden(work: Path):
    """The nine gold-miner articles and the related-articles sources imported into a
    `gardener new` garden: its root, the loaded garden and the concepts' analysis."""
    from gardener.garden.concepts.index import analyse_concepts
    from gardener.garden.loading import load_garden

    shutil.copytree(SOURCES, work / "sources" / "gold-miner")
    shutil.copytree(RELATED, work / "sources" / "related")
    root = work / "garden"
    new_garden(root, "相关文章")
    result = import_sources(sorted((work / "sources").rglob("*.md")), root / "docs" / "articles")
    assert not result.failures, result.failures
    garden = load_garden(root / "docs")
    return root, garden, analyse_concepts(garden)


def make_garden(root: Path, sources: Path) -> Path:
    """`sources`: a copy of the fixtures outside this repository, whose history would otherwise
    date the articles by the day they were added here."""
    shutil.copytree(SOURCES, sources)
    new_garden(root, "连接测试花园")
    result = import_sources(sorted(sources.rglob("*.md")), root / "docs" / "articles")
    assert not result.failures, result.failures
    days = published()
    for article in result.articles:
        text = article.path.read_text(encoding="utf-8")
        origin = matter.load(text, str(article.path)).front["origin"]
        head, sep, body = text[4:].partition("\n---")
        dated = f"date: {days[origin]}\n" + _DATE.sub("", head + "\n")
        article.path.write_text("---\n" + dated.rstrip("\n") + sep + body, encoding="utf-8")
    return root


def origins(root: Path) -> dict[str, str]:
    """Source file stem -> slug of the article imported from it."""
    found = {}
    for path in (root / "docs" / "articles").glob("*.md"):
        front = matter.load(path.read_text(encoding="utf-8"), str(path)).front
        found[Path(front["origin"]).stem] = front["slug"]
    return found


@pytest.fixture(scope="session")
def garden_template(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("connections-template")
    return make_garden(work / "garden", work / "sources")


@pytest.fixture(scope="session")
def slugs(garden_template) -> dict[str, str]:
    return origins(garden_template)


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


@pytest.fixture(scope="session")
def n(slugs):
    """The slugs the tests use, named by what the articles are about."""
    return SimpleNamespace(
        graphql=slugs["loving-graphql-more-than-rest"],
        features=slugs["some-arbitrary-number-of-lesser-known-graphql-features"],
        months=slugs["6-months-of-using-graphql"],
        tc39=slugs["TC39-and-IP"],
        delegate=slugs["Becoming-a-TC39-delegate"],
        meetings=slugs["How-to-participate-in-meetings"],
        notes=slugs["How-to-take-notes"],
    )
