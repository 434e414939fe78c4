"""The post-build rewrite of Material's search index: smaller, and the same words to search."""

import json
import re
import shutil

import pytest

from gardener.site.mkdocs.search_index import ZWSP, compact_search_index
from tests.conftest import ROOT, build_site

SEPARATOR = "[\\s\\u200b\\u3000\\-、。，．？！；]+"


def words(text: str, separator: str) -> list[str]:
    """The words the browser's search splits a text into (lunr's tokenizer with Material's
    separator), the same regular expression read by Python."""
    return [w for w in re.split(separator, text) if w]


@pytest.fixture(scope="module")
def material_index(tmp_path_factory, request):
    """The repo garden's index exactly as Material writes it (the plugin's rewrite switched off)."""
    root = tmp_path_factory.mktemp("uncompacted")
    shutil.copy(ROOT / "timeline.yml", root / "timeline.yml")
    shutil.copytree(ROOT / "docs", root / "docs")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  - gardener:\n", "  - gardener:\n      compact_search_index: false\n"
                                                "      search_shards: false\n")
    assert "compact_search_index: false" in config
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    run = build_site(root)
    assert run.returncode == 0, run.stderr
    return (root / "site" / "search" / "search_index.json").read_bytes()


def write_index(tmp_path, raw: bytes):
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_bytes(raw)
    return tmp_path / "search" / "search_index.json"


def test_compaction_keeps_every_word_and_location(material_index, tmp_path):
    path = write_index(tmp_path, material_index)
    before, after = compact_search_index(tmp_path)
    original, compacted = json.loads(material_index), json.loads(path.read_bytes())
    separator = original["config"]["separator"]
    assert compacted["config"] == original["config"]
    assert len(compacted["docs"]) == len(original["docs"])
    for old, new in zip(original["docs"], compacted["docs"], strict=True):
        assert new["location"] == old["location"]
        for field in ("title", "text"):
            assert words(new[field], separator) == words(old[field], separator), old["location"]
            # only boundary marks go; every visible character stays, in order
            assert new[field].replace(ZWSP, "") == old[field].replace(ZWSP, "")
    marks_before = sum(d["text"].count(ZWSP) for d in original["docs"])
    marks_after = sum(d["text"].count(ZWSP) for d in compacted["docs"])
    assert 0 < marks_after < marks_before  # redundant marks dropped, needed ones kept
    assert after == path.stat().st_size < before == len(material_index)
    assert after < 0.6 * before


def test_the_plugin_writes_the_compacted_index(material_index, material_search_site, tmp_path):
    write_index(tmp_path, material_index)
    compact_search_index(tmp_path)
    built = (material_search_site / "search" / "search_index.json").read_bytes()
    assert built == (tmp_path / "search" / "search_index.json").read_bytes()


@pytest.mark.parametrize("text, expected", [
    (f"生成{ZWSP}文章{ZWSP} 14：{ZWSP}在", f"生成{ZWSP}文章 14：{ZWSP}在"),
    (f"模型{ZWSP}，{ZWSP}数据", "模型，数据"),
    (f"{ZWSP}。{ZWSP}{ZWSP}", f"。{ZWSP}"),  # the mark between two marks separates nothing new
    (f"GPT{ZWSP}-{ZWSP}4", "GPT-4"),
    (f"对{ZWSP}齐", f"对{ZWSP}齐"),  # the only boundary between two words stays
])
def test_marks_next_to_a_separator_go(tmp_path, text, expected):
    raw = json.dumps({"config": {"separator": SEPARATOR}, "docs": [
        {"location": "", "title": text, "text": text}]}).encode()
    path = write_index(tmp_path, raw)
    compact_search_index(tmp_path)
    doc = json.loads(path.read_bytes())["docs"][0]
    assert doc["text"] == doc["title"] == expected
    assert words(expected, SEPARATOR) == words(text, SEPARATOR)


@pytest.mark.parametrize("separator", [
    "[\\s\\-]+",          # does not split on U+200B: every mark is a word boundary of its own
    "[\\s\\p{Z}]+",       # JavaScript-only syntax Python cannot read: nothing is second-guessed
])
def test_marks_stay_when_the_separator_is_not_understood(tmp_path, separator):
    text = f"模型{ZWSP}，{ZWSP}数据"
    raw = json.dumps({"config": {"separator": separator}, "docs": [
        {"location": "", "title": "t", "text": text}]}).encode()
    path = write_index(tmp_path, raw)
    compact_search_index(tmp_path)
    assert json.loads(path.read_bytes())["docs"][0]["text"] == text


def test_missing_index_is_not_an_error(tmp_path):
    assert compact_search_index(tmp_path) is None
