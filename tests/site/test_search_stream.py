"""The sharded index made while pages are built (site/search_stream.py) is the index written
from Material's entries after the last page, file for file, whatever order the pages come in,
and says so when it cannot be made."""

from __future__ import annotations

import multiprocessing
import random
from types import SimpleNamespace

import pytest

from gardener.site.search_shards import (
    IndexWriter,
    PageIndexer,
    pages_of,
    write_sharded_index,
)
from gardener.site.search_stream import IndexStream, _InOrder
from tests.site.conftest import search_files


@pytest.fixture(scope="module")
def after_last_page(material_entries, tmp_path_factory) -> dict[str, bytes]:
    """Every file of the index written from the entries after the last page."""
    site = tmp_path_factory.mktemp("after")
    write_sharded_index(site, *material_entries)
    return search_files(site)


def slotted(docs: list[dict]) -> list[list[dict]]:
    """The entries by page, with pages search leaves out (no entries) between them, as the
    build's pages come."""
    pages: list[list[dict]] = []
    for number, sections in enumerate(pages_of(docs)):
        if number % 4 == 1:
            pages.append([])
        pages.append(sections)
    return pages


def test_pages_out_of_order_and_twice_make_the_same_index(material_entries, after_last_page, tmp_path):
    settings, docs = material_entries
    pages = slotted(docs)
    arrivals = list(enumerate(pages))
    random.Random(7).shuffle(arrivals)
    # pages come again (a worker's, built again by the build): while others still wait, and
    # once all are in
    arrivals[5:5] = arrivals[:3]
    arrivals += arrivals[-3:]
    order = _InOrder(IndexWriter(tmp_path, settings), PageIndexer(settings))
    for slot, entries in arrivals:
        order.put(slot, entries)
    assert order.next == len(pages) and not order.waiting
    order.writer.finish()
    assert search_files(tmp_path) == after_last_page


def files_of(count: int) -> list:
    return [SimpleNamespace(src_uri=f"page-{number}.md") for number in range(count)]


def test_pages_from_the_build_and_a_forked_worker_make_the_same_index(material_entries, after_last_page,
                                                                      tmp_path):
    settings, docs = material_entries
    pages = slotted(docs)
    stream = IndexStream.start(tmp_path, settings)
    assert stream is not None
    stream.number(files_of(len(pages)))
    # the worker sends every other page, from its own pipe, as the page worker does
    worker = multiprocessing.get_context("fork").Process(target=_send_odd, args=(stream, pages))
    worker.start()
    stream.worker_forked()
    for slot in range(0, len(pages), 2):
        stream.page(f"page-{slot}.md", pages[slot])
    worker.join()
    assert worker.exitcode == 0
    figures = stream.finish(worker_sent=True)
    assert figures is not None and figures["sections"] == len(docs)
    assert stream.process is None  # the process has ended
    assert search_files(tmp_path) == after_last_page


def _send_odd(stream: IndexStream, pages: list[list[dict]]) -> None:
    stream.in_worker()
    for slot in range(1, len(pages), 2):
        stream.page(f"page-{slot}.md", pages[slot])


def test_a_page_that_never_comes_is_said_not_waited_for(material_entries, tmp_path, caplog):
    settings, docs = material_entries
    pages = slotted(docs)
    stream = IndexStream.start(tmp_path, settings)
    assert stream is not None
    stream.number(files_of(len(pages)))
    stream.worker_forked()  # no worker: its pipe ends
    for slot, entries in enumerate(pages):
        if slot != 3:
            stream.page(f"page-{slot}.md", entries)
    caplog.set_level("DEBUG", logger="mkdocs.plugins.gardener")
    assert stream.finish(worker_sent=True) is None
    assert "the index was not made while pages were built" in caplog.text


def test_a_page_the_build_does_not_know_is_said(material_entries, tmp_path, caplog):
    settings, docs = material_entries
    stream = IndexStream.start(tmp_path, settings)
    assert stream is not None
    stream.number(files_of(2))
    stream.worker_forked()
    stream.page("elsewhere.md", docs[:1])
    caplog.set_level("DEBUG", logger="mkdocs.plugins.gardener")
    assert stream.finish(worker_sent=True) is None
    assert "a page could not be sent" in caplog.text
    assert stream.process is None
