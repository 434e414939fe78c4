"""The sharded index written with a helper process (search_shards.start_helper) is the index
the writer makes alone, file for file, whatever becomes of the helper."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gardener.forks import apart
from gardener.site import search_shards
from gardener.site.search_shards import start_helper, write_sharded_index
from tests.site.conftest import search_files


@pytest.fixture(scope="module")
def alone(material_entries, tmp_path_factory) -> dict[str, bytes]:
    """Every file of the index the writer makes alone."""
    site = tmp_path_factory.mktemp("alone")
    figures = write_sharded_index(site, *material_entries)
    assert figures["pages_helped"] == 0
    return search_files(site)


def helped_write(site: Path, settings: dict, docs: list, helper_docs: list | None = None):
    """The plugin's way: the helper forked first, then the writer in a child of its own."""
    helper = start_helper(site, settings, docs if helper_docs is None else helper_docs)
    assert helper is not None
    try:
        return apart(write_sharded_index, site, settings, docs, helper)
    finally:
        helper.handed.close()


@pytest.fixture(autouse=True)
def few_entries_suffice(monkeypatch, material_entries):
    """The repo garden has fewer entries than a helper is worth in a build."""
    monkeypatch.setattr(search_shards, "HELPER_ENTRIES", len(material_entries[1]) // 2)


def test_helped_index_is_the_writers_alone(material_entries, alone, tmp_path):
    # a site that had an index before: nothing of it stays
    stale = tmp_path / "search" / "pages" / "99999.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("[]", encoding="utf-8")
    figures = helped_write(tmp_path, *material_entries)
    assert figures["pages_helped"] > len(alone) // 4  # the helper made a good part
    assert search_files(tmp_path) == alone


@pytest.mark.parametrize("fault", ["dies", "raises"])
def test_a_failing_helper_leaves_its_pages_to_the_writer(material_entries, alone, tmp_path,
                                                         monkeypatch, fault):
    def failing(*args):
        yield from ()
        if fault == "dies":
            os._exit(3)
        raise RuntimeError("fault in the helper")

    monkeypatch.setattr(search_shards, "_help", failing)
    figures = helped_write(tmp_path, *material_entries)
    assert figures["pages_helped"] == 0
    assert search_files(tmp_path) == alone


def test_a_share_made_of_other_entries_is_not_taken(material_entries, alone, tmp_path):
    """The helper read entries the writer does not: each page's share it made is of the
    wrong entries, and the writer makes those pages again."""
    settings, docs = material_entries
    other = [{**doc, "location": "elsewhere/" + doc["location"]} for doc in docs]
    figures = helped_write(tmp_path, settings, docs, other)
    assert figures["pages_helped"] == 0
    assert search_files(tmp_path) == alone


def test_the_helper_takes_the_later_pages_by_their_text(material_entries):
    settings, docs = material_entries
    helper_start, number = search_shards._share_start(docs, search_shards.HELPER_SHARE)
    assert 0 < helper_start < len(docs) and number > 0
    text = [len(doc["text"]) for doc in docs]
    path = docs[helper_start - 1]["location"].split("#")[0]
    before = helper_start - 1  # the first entry of the page before
    while before and docs[before - 1]["location"].split("#")[0] == path:
        before -= 1
    # the later pages hold at most the helper's share, with the page before more than it
    assert sum(text[helper_start:]) <= search_shards.HELPER_SHARE * sum(text) < \
        sum(text[before:])
    assert docs[helper_start]["location"].split("#")[0] != path  # a page's first entry


def test_few_entries_get_no_helper(material_entries, tmp_path, monkeypatch):
    monkeypatch.setattr(search_shards, "HELPER_ENTRIES", len(material_entries[1]) + 1)
    assert start_helper(tmp_path, *material_entries) is None
