"""`gardener suggest` on the repo's own garden: candidates are new, real and ready to save."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from gardener.articles.model import Article, Concept, Garden
from gardener.garden.concepts.suggest import Suggestion, prose, suggest
from gardener.garden.loading import load_garden
from gardener.site.cli import main
from tests.conftest import ROOT

DOCS = ROOT / "docs"
FLASH = {"flash attention", "flashattention", "flash-attention"}


@pytest.fixture(scope="module")
def garden() -> Garden:
    return load_garden(DOCS)


@pytest.fixture(scope="module")
def found(garden) -> list[Suggestion]:
    return suggest(garden, top=60)


def note_names(concepts: Path) -> set[str]:
    """Titles and aliases straight from the concept files, lower-cased."""
    names = set()
    for path in concepts.glob("*.md"):
        front = front_matter(path.read_text(encoding="utf-8"))
        names.add(str(front["title"]).casefold())
        names.update(str(a).casefold() for a in front.get("aliases") or [])
    return names


def front_matter(text: str) -> dict:
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert match, text[:200]
    return yaml.safe_load(match.group(1))


def test_suggestions_are_returned_best_first(found):
    assert len(found) == 60
    keys = [(-s.score, s.term) for s in found]
    assert keys == sorted(keys)
    assert len({s.term.casefold() for s in found}) == len(found)


def test_no_suggestion_repeats_an_existing_alias(found):
    known = note_names(DOCS / "concepts")
    for s in found:
        for name in (s.term, *s.variants):
            assert name.casefold() not in known, name


def test_stubs_are_concept_notes(found):
    for s in found:
        stub = s.stub()
        front = front_matter(stub)
        assert set(front) == {"title", "aliases", "summary", "related"}
        assert front["title"] == s.term
        assert front["aliases"] == [s.term, *s.variants]
        assert front["related"] == []
        assert stub.rstrip().endswith("-->")
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", s.slug), s.slug


def test_suggestions_point_at_articles_that_use_them(garden, found):
    bodies = {a.slug: a.body.casefold() for a in garden.articles}
    for s in found:
        assert s.articles and len(s.counts) == len(s.articles)
        assert sum(s.counts) == s.occurrences
        assert list(s.counts) == sorted(s.counts, reverse=True)
        for slug in s.articles:
            assert any(name.casefold() in bodies[slug] for name in (s.term, *s.variants)), \
                (s.term, slug)


def test_a_seed_term_is_found_once_its_note_is_gone(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    for path in (docs / "concepts").glob("*.md"):
        if path.name == "flash-attention.md" or FLASH & note_names_in(path):
            path.unlink()
    top = suggest(load_garden(docs), top=60)
    flash = next((s for s in top if s.term.casefold() in FLASH), None)
    assert flash is not None, [s.term for s in top]
    assert "zhongguo-ruhe-quexi-chatgpt-shengyan" in flash.articles

    # Saving the stub as a note is all it takes for the suggestion to go away.
    (docs / "concepts" / f"{flash.slug}.md").write_text(flash.stub(), encoding="utf-8")
    again = suggest(load_garden(docs), top=200)
    assert not any(s.term.casefold() in FLASH for s in again)


def note_names_in(path: Path) -> set[str]:
    front = front_matter(path.read_text(encoding="utf-8"))
    return {str(n).casefold() for n in [front["title"], *(front.get("aliases") or [])]}


def test_cli_prints_stubs():
    result = CliRunner().invoke(main, ["suggest", "--top", "5", "--docs", str(DOCS)])
    assert result.exit_code == 0, result.output
    headers = re.findall(r"^# (\d+)\. (.+) \(score [\d.]+\) -> (\S+\.md)", result.output, re.M)
    assert [int(rank) for rank, _, _ in headers] == [1, 2, 3, 4, 5]
    stubs = re.split(r"^# \d+\. .*\n", result.output, flags=re.M)[1:]
    assert len(stubs) == 5
    for (_, term, _), stub in zip(headers, stubs, strict=True):
        assert front_matter(stub)["title"] == term


# --------------------------------------------------------------------------
# Small hand-made gardens: what is mined and what is not
# --------------------------------------------------------------------------


def tiny_garden(*bodies: str, aliases: tuple[str, ...] = ()) -> Garden:
    articles = tuple(Article(path=f"articles/a{i}.md", slug=f"a{i}", title=f"a{i}", body=body)
                     for i, body in enumerate(bodies))
    concepts = (Concept(path="concepts/known.md", slug="known", title="Known",
                        aliases=aliases),) if aliases else ()
    return Garden(Path("docs"), articles, concepts, ())


def test_markup_is_not_mined():
    text = prose(
        "见 [Mixture of Experts](https://example.com/Hidden-Url-Term) 一文。\n\n"
        "```python\nSecret Code Term = 1\n```\n\n"
        "用 `Inline Code Term` 和 <!-- Comment Term --> <b>Bold</b> ![Image Alt](x.png)\n"
        "www.example.com/Url-Term\n"
    )
    assert "Mixture of Experts" in text
    for gone in ("Hidden", "Secret", "Inline", "Comment", "Image", "Url-Term", "<b>"):
        assert gone not in text


def test_known_aliases_and_case_variants():
    bodies = ["我们讨论 Mixture of Experts 和 Sparse Gating。",
              "mixture of experts 很流行；Sparse Gating 也是。", "MIXTURE OF EXPERTS 再次出现。"]
    found = {s.term: s for s in suggest(tiny_garden(*bodies, aliases=("Sparse Gating",)), 50)}
    moe = found["Mixture of Experts"]
    assert set(moe.variants) == {"mixture of experts", "MIXTURE OF EXPERTS"}
    assert moe.occurrences == 3 and len(moe.articles) == 3
    assert not any("sparse" in t.casefold() for t in found)
    assert "Mixture" not in found and "Experts" not in found  # only ever part of the phrase


def test_output_is_deterministic():
    bodies = ["Alpha Beta 与 Gamma Delta 都出现了。", "Gamma Delta 与 Alpha Beta 又出现了。"]
    garden = tiny_garden(*bodies)
    first = suggest(garden, 10)
    assert first == suggest(Garden(garden.docs_dir, garden.articles[::-1], (), ()), 10)
    assert [s.term for s in first] == ["Alpha Beta", "Gamma Delta"]  # equal scores: by term


@pytest.mark.parametrize("term", ["true", "yes", "1e5", "a: b", "#hash", "null"])
def test_stub_quotes_names_yaml_would_misread(term):
    stub = Suggestion(term, 1.0, ("a",), 1, counts=(1,)).stub()
    front = front_matter(stub)
    assert front["title"] == term and front["aliases"] == [term]
