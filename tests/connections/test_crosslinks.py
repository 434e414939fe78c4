"""Links between the sources of one import: after `gardener import`, a link from one gold-miner
article to another (by a relative file name, or by the address the other is published at)
leads to the imported article, and becomes a backlink with its Chinese sentence."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from gardener.garden.cache import AnalysisCache
from gardener.garden.concepts.index import analyse_concepts, sentence_around
from gardener.garden.connections import connect
from gardener.garden.loading import load_garden
from gardener.site.scaffold import new_garden
from gardener.sources.importing import import_sources
from tests.connections.conftest import FIXTURES, SOURCES

RELATED = FIXTURES / "related"
PERMALINK = "https://github.com/xitu/gold-miner/blob/master/article/"
# (the article that links, the article linked to), by source file
PAIRS = [("2021/built-in-explicit-animations-in-flutter", "2021/staggered-animation-in-flutter"),
         ("2021/jetpack-compose-styles-and-themes", "2021/recyclerview-in-jetpack-compose"),
         ("ECMA-TC39/How-to-participate-in-meetings", "ECMA-TC39/How-to-take-notes")]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    work = tmp_path_factory.mktemp("crosslinks")
    sources = work / "sources"
    shutil.copytree(SOURCES, sources, dirs_exist_ok=True)
    shutil.copytree(RELATED, sources, dirs_exist_ok=True)  # the corpus's own folders, merged
    before = {p: p.read_bytes() for p in sources.rglob("*.md")}
    root = work / "garden"
    new_garden(root, "链接")
    result = import_sources(sorted(sources.rglob("*.md")), root / "docs" / "articles")
    assert not result.failures, result.failures
    assert {p: p.read_bytes() for p in sources.rglob("*.md")} == before  # sources untouched
    slugs = {str(Path(a.source).relative_to(sources).with_suffix("")): a.slug for a in result.articles}
    return root, sources, result, slugs


def body(root: Path, slug: str) -> str:
    return (root / "docs" / "articles" / f"{slug}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("pair", PAIRS)
def test_links_between_imported_sources_lead_to_the_imported_article(imported, pair):
    root, sources, result, slugs = imported
    source, target = pair
    text = body(root, slugs[source])
    assert f"]({slugs[target]}.md)" in text
    draft = next(a for a in result.articles if a.slug == slugs[source])
    assert any("lead to their articles" in note for note in draft.notes)


def test_a_page_linking_to_its_own_address_and_to_pages_not_imported_keeps_them(imported):
    root, sources, _result, slugs = imported
    for name in ("2021/staggered-animation-in-flutter", "2021/recyclerview-in-jetpack-compose"):
        own = f"{PERMALINK}{name}.md"
        assert f"]({own})" in body(root, slugs[name])  # its own published address stays
    # An address ending in a file name alone is not taken for a sibling's.
    notes = "https://github.com/tc39/how-we-work/blob/master/how-to-take-notes.md"
    archived = [path for path in sources.rglob("*.md") if notes in path.read_text(encoding="utf-8")]
    for path in archived:
        name = str(path.relative_to(sources).with_suffix(""))
        assert notes in body(root, slugs[name])


def test_backlinks_quote_the_chinese_sentence_around_the_link(imported):
    root, sources, _result, slugs = imported
    garden = load_garden(root / "docs")
    connections = connect(garden, analyse_concepts(garden), AnalysisCache(), related=0)
    for source, target in PAIRS:
        cited = connections.citations(f"articles/{slugs[target]}.md")
        assert [c.source for c in cited] == [f"articles/{slugs[source]}.md"]
        before, words, after = cited[0].context
        # The sentence as the reader sees it in the source: its words up to the link, the
        # link's words, and the words after it up to the sentence's end.
        name = Path(target).name.casefold()
        line = next(line for line in (sources / f"{source}.md").read_text(encoding="utf-8").splitlines()
                    if name in line.casefold() and "本文永久链接" not in line)
        link = next(m for m in re.finditer(r"\[([^\]]+)\]\(([^)]+)\)", line) if name in m.group(2).casefold())
        assert words == link.group(1)
        assert line[:link.start()].rstrip().endswith(before.lstrip("…").strip())
        assert after and not after.startswith(("http", "/", "(", ")")) and "](" not in after


def test_a_sentence_is_not_cut_at_a_question_mark_inside_an_address():
    """A line of the TC39 notes guide: two links to videos, their addresses holding "?"."""
    line = next(line for line in (SOURCES / "ECMA-TC39" / "How-to-take-notes.md").read_text(
        encoding="utf-8").splitlines() if "[Martin Kippenberger]" in line)
    first = line.index("[Martin Kippenberger]")
    last = line.index(")", first) + 1
    before, words, after = sentence_around(line, first, last)
    assert words == "Martin Kippenberger"
    assert "Joseph Beuys (JB) 与" in before and "v=" not in before and "youtube" not in before


def test_the_snippet_has_room_for_words_however_long_the_address():
    """The room either side is what the reader sees: a long address takes none of it."""
    line = next(line for line in (RELATED / "2021" / "built-in-explicit-animations-in-flutter.md")
                .read_text(encoding="utf-8").splitlines() if "[上一篇文章]" in line)
    first = line.index("[上一篇文章]")
    last = line.index(")", first) + 1
    short = line[:first] + "[上一篇文章](a.md)" + line[last:]
    assert sentence_around(line, first, last) == sentence_around(short, first, first + len("[上一篇文章](a.md)"))
