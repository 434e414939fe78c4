"""The sharded search index: every word of Material's index is found in the shard a browser
would fetch for it, for exactly the sections that hold it, and pages point at the worker."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path, PurePosixPath

import pytest

from gardener.site import search_shards
from gardener.site.search_shards import (
    INDEX,
    Words,
    read_entries,
    rewrite_index,
    settings_problem,
    stop_words,
    write_sharded_index,
)
from tests.conftest import build_site


@pytest.fixture(scope="module")
def material(material_search_site) -> tuple[dict, list[dict]]:
    """(config, entries) of Material's own index of the repo garden."""
    index = json.loads((material_search_site / INDEX).read_text(encoding="utf-8"))
    return index["config"], index["docs"]


@pytest.fixture(scope="module")
def sharded(material_search_site, tmp_path_factory) -> Path:
    """The same site with its index rewritten into shards."""
    site = tmp_path_factory.mktemp("sharded") / "site"
    shutil.copytree(material_search_site / "search", site / "search")
    assert rewrite_index(site)["sections"] > 0
    return site


def manifest(site: Path) -> dict:
    return json.loads((site / INDEX).read_text(encoding="utf-8"))["config"]["gardener"]


def shard_of(table: list, term: str) -> int:
    """The browser's lookup: the last shard starting at or before the term, in UTF-16 order."""
    key = term.encode("utf-16-be")
    return max(i for i, (first, _size) in enumerate(table)
               if first.encode("utf-16-be") <= key or i == 0)


def postings(site: Path, table: list, term: str) -> set[tuple[int, int]]:
    shard = json.loads((site / "search" / "shards" / f"{shard_of(table, term)}.json")
                       .read_text(encoding="utf-8"))
    found, page, encoded = set(), 0, shard.get(term, [])
    for i in range(0, len(encoded), 3):
        page += encoded[i]
        found.add((page, encoded[i + 1]))
    return found


def test_every_word_is_in_the_shard_its_lookup_reaches(material, sharded):
    config, docs = material
    table = manifest(sharded)["shards"]
    separator = re.compile(config["separator"])
    stop = set(manifest(sharded)["stopwords"])
    holders: dict[str, set] = {}
    page, section, path = -1, 0, None
    for doc in docs:
        location = doc["location"].split("#")[0]
        page, section = (page + 1, 0) if location != path else (page, section + 1)
        path = location
        for field in ("title", "text"):
            for text in re.split(r"<[^>]*>", doc[field]):  # markup is not searched
                for word in separator.split(text):
                    if word and word.lower() not in stop:
                        holders.setdefault(word.lower(), set()).add((page, section))
    assert len(holders) > 1000
    for term, expected in holders.items():
        assert postings(sharded, table, term) == expected, term


def test_shards_hold_consecutive_ranges_in_javascript_order(sharded):
    table = manifest(sharded)["shards"]
    assert len(table) > 1
    keys = [first.encode("utf-16-be") for first, _ in table]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for i, (_first, size) in enumerate(table):
        path = sharded / "search" / "shards" / f"{i}.json"
        assert path.stat().st_size == size
        terms = [t.encode("utf-16-be") for t in json.loads(path.read_text(encoding="utf-8"))]
        assert terms[0] == keys[i] and terms == sorted(terms)
        if i + 1 < len(keys):
            assert terms[-1] < keys[i + 1]


def test_page_files_give_back_every_entry(material, sharded):
    _config, docs = material
    entries = read_entries(sharded)
    assert [(e["location"], e["title"], e["text"], e.get("tags")) for e in entries] == \
        [(d["location"], d["title"], d["text"], d.get("tags")) for d in docs]


def test_the_manifest_is_small(material_search_site, sharded):
    before = (material_search_site / INDEX).stat().st_size
    after = (sharded / INDEX).stat().st_size
    assert after < before / 20
    largest = max(p.stat().st_size for p in (sharded / "search" / "shards").iterdir())
    assert largest < 2 * search_shards.SHARD_BYTES


def test_a_common_word_keeps_its_best_sections(tmp_path, monkeypatch):
    monkeypatch.setattr(search_shards, "MAX_POSTINGS", 3)
    docs = [{"location": f"p{i}/", "title": f"t{i}", "text": "word " * (i + 1)} for i in range(6)]
    docs[1]["title"] = "word"  # a title weighs a thousand times the text
    config = {"separator": r"[\s\-]+", "fields": {"title": {"boost": 1000}, "text": {"boost": 1}}}
    write_sharded_index(tmp_path, config, docs)
    table = manifest(tmp_path)["shards"]
    assert postings(tmp_path, table, "word") == {(1, 0), (5, 0), (4, 0)}


def test_stop_words_come_from_materials_worker():
    words = stop_words()
    assert words and {"the", "and", "of"} <= words and "model" not in words
    cut = Words(r"[\s\-]+", words)
    assert list(cut("<p>The <code>GPT-4</code> model</p>")) == ["gpt", "4", "model"]


@pytest.mark.parametrize("change, kept", [
    ({"pipeline": ["stopWordFilter", "stemmer"]}, "stemmer"),
    ({"lang": ["de"]}, "languages"),
    ({"separator": "[\\s\\p{Z}(]+"}, "JavaScript"),
])
def test_settings_only_lunr_reproduces_keep_materials_index(change, kept):
    base = {"lang": ["en"], "separator": "[\\s\\-]+", "pipeline": ["stopWordFilter"]}
    assert settings_problem(base, ["material/search"]) is None
    assert kept in settings_problem({**base, **change}, ["material/search"])
    assert "offline" in settings_problem(base, ["material/search", "material/offline"])


def test_every_page_loads_the_shipped_worker(built_repo_site):
    pages = list(built_repo_site.rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        html = page.read_text(encoding="utf-8")
        found = re.search(r'<script id="__config" type="application/json">(.*?)</script>', html,
                          re.S)
        if not found:
            continue  # a redirect or a page without Material's scripts
        worker = json.loads(found.group(1))["search"]
        if worker.startswith("/"):  # the 404 page: from the site's root, wherever it is shown
            target = PurePosixPath(worker.lstrip("/"))
        else:
            target = PurePosixPath(page.relative_to(built_repo_site).parent.as_posix()) / worker
        resolved = (built_repo_site / target).resolve()
        assert resolved == (built_repo_site / search_shards.WORKER).resolve(), page
    assert manifest(built_repo_site)["pages"] == len({
        e["location"].split("#")[0] for e in read_entries(built_repo_site)})


def test_a_stemming_site_keeps_materials_index(repo_copy):
    config = (repo_copy / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("        - stopWordFilter\n", "        - stopWordFilter\n        - stemmer\n")
    assert "- stemmer" in config
    (repo_copy / "mkdocs.yml").write_text(config, encoding="utf-8")
    run = build_site(repo_copy)
    assert run.returncode == 0, run.stderr
    assert "keeps Material's single index: the search pipeline's stemmer" in run.stderr
    index = json.loads((repo_copy / "site" / INDEX).read_text(encoding="utf-8"))
    assert "gardener" not in index["config"] and len(index["docs"]) > 100
    home = (repo_copy / "site" / "index.html").read_text(encoding="utf-8")
    assert "search-worker" not in home and not (repo_copy / "site" / "search" / "shards").exists()


def test_a_changed_page_changes_the_version_browsers_fetch(tmp_path):
    """An edit that leaves every shard as it was (same words) still gives the files a new
    version, so no browser shows a cached page file of the earlier build."""
    config = {"separator": r"[\s\-]+", "fields": {"title": {"boost": 1000}, "text": {"boost": 1}}}
    docs = [{"location": "a/", "title": "A", "text": "<p>Scaling law</p>"}]
    write_sharded_index(tmp_path / "one", config, docs)
    docs[0]["text"] = "<p>SCALING LAW</p>"  # same words, same sizes
    write_sharded_index(tmp_path / "two", config, docs)
    one, two = manifest(tmp_path / "one"), manifest(tmp_path / "two")
    assert one["shards"] == two["shards"]
    assert one["build"] != two["build"]


def test_the_index_does_not_depend_on_how_many_postings_are_encoded_at_once(
        material, tmp_path, monkeypatch):
    config, docs = material
    write_sharded_index(tmp_path / "whole", config, docs)
    monkeypatch.setattr(search_shards, "BLOCK_POSTINGS", 5)
    monkeypatch.setattr(search_shards, "MAX_POSTINGS", 4)  # and common words cut within blocks
    write_sharded_index(tmp_path / "blocks", config, docs)
    monkeypatch.setattr(search_shards, "BLOCK_POSTINGS", 1 << 30)
    write_sharded_index(tmp_path / "cut", config, docs)
    assert manifest(tmp_path / "blocks")["shards"] == manifest(tmp_path / "cut")["shards"]
    assert read_entries(tmp_path / "blocks") == read_entries(tmp_path / "whole")
    table = manifest(tmp_path / "blocks")["shards"]
    assert manifest(tmp_path / "whole")["shards"] != table  # MAX_POSTINGS did cut
    for path in (tmp_path / "cut" / "search").rglob("*.json"):
        assert path.read_bytes() == (tmp_path / "blocks" / path.relative_to(tmp_path / "cut")).read_bytes()


def test_a_build_shards_the_entries_before_material_writes_them(tmp_path, monkeypatch, sharded):
    """Material's search plugin is left only its settings to write: the whole index as one
    file would be the build's largest allocation, replaced at once."""
    from material.plugins.search.plugin import SearchIndex
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from tests.conftest import ROOT

    written = []
    generate = SearchIndex.generate_search_index

    def recorded(self, prev):
        written.append(len(self.entries))
        return generate(self, prev)

    monkeypatch.setattr(SearchIndex, "generate_search_index", recorded)
    for name in ("mkdocs.yml", "timeline.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    build(load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    assert written == [0]
    site = tmp_path / "site"
    assert manifest(site)["shards"] == manifest(sharded)["shards"]
    assert read_entries(site) == read_entries(sharded)


def test_entries_are_let_go_of_as_the_index_takes_them(material, tmp_path):
    from gardener.site.mkdocs.plugin import _consumed

    config, docs = material
    entries = [dict(doc) for doc in docs]
    held = []

    def watched():
        for entry in _consumed(entries):
            held.append(sum(e is not None for e in entries))
            yield entry

    write_sharded_index(tmp_path, config, watched())
    assert held == list(range(len(docs) - 1, -1, -1))  # one fewer held after each
    assert read_entries(tmp_path) == read_entries_of(docs)


def read_entries_of(docs):
    return [{k: d[k] for k in ("location", "title", "text", "tags") if k in d} for d in docs]


def test_a_page_showing_a_config_script_of_its_own_still_loads_the_worker(repo_copy):
    own = '<script id="__config" type="application/json">{"search": "own/search.js"}</script>'
    article = sorted((repo_copy / "docs" / "articles").glob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + f"\n\n{own}\n", encoding="utf-8")
    run = build_site(repo_copy)
    assert run.returncode == 0, run.stderr
    html = (repo_copy / "site" / "articles" / article.stem / "index.html").read_text(
        encoding="utf-8")
    configs = re.findall(r'<script id="__config" type="application/json">(.*?)</script>', html,
                         re.S)
    assert len(configs) == 2 and own in html  # the page's own, as written
    assert json.loads(configs[-1])["search"].endswith(search_shards.WORKER)  # the theme's
