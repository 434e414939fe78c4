"""The analysis cache on disk: signed, read back whole, and written without holding the whole
pickle in memory."""

from __future__ import annotations

import tracemalloc

from gardener.garden import cache as cache_module
from gardener.garden.cache import MAGIC, AnalysisCache


def filled(path, entries: int = 2000, text: str = "第{}篇文章的正文。") -> AnalysisCache:
    cache = AnalysisCache(path)
    for i in range(entries):
        cache.get(("text", i), lambda i=i: text.format(i) * 200)
    return cache


def test_a_saved_cache_reads_back_whole(tmp_path):
    path = tmp_path / "analysis.pickle"
    cache = filled(path)
    cache.save()
    again = AnalysisCache(path)
    assert again.entries == cache.entries and len(again.entries) == 2000


def test_a_tampered_cache_is_not_read(tmp_path):
    path = tmp_path / "analysis.pickle"
    filled(path).save()
    data = bytearray(path.read_bytes())
    data[-10] ^= 1
    path.write_bytes(bytes(data))
    assert AnalysisCache(path).entries == {}


def test_the_file_is_written_as_it_is_pickled(tmp_path):
    path = tmp_path / "analysis.pickle"
    # ASCII text: pickling other text leaves a UTF-8 copy inside each string, whatever the
    # writer does (the next test)
    cache = filled(path, text="Article {} says this. ")
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        assert cache_module._save(path, cache.entries) is None  # in this process
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    size = path.stat().st_size
    assert path.read_bytes().startswith(MAGIC) and size > 4_000_000
    assert peak < size / 4, (peak, size)
    assert AnalysisCache(path).entries == cache.entries


def test_saving_leaves_the_build_process_as_it_was(tmp_path):
    """A forked child pickles the entries: the Chinese strings of this process get no UTF-8
    copies (pickling gives every string it writes one, for the life of the string)."""
    path = tmp_path / "analysis.pickle"
    cache = filled(path)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        cache.save()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    size = path.stat().st_size
    assert size > 4_000_000 and grown < size / 10, (grown, size)
    assert AnalysisCache(path).entries == cache.entries


def test_a_save_begun_early_is_the_save_made_at_the_end(tmp_path):
    path = tmp_path / "analysis.pickle"
    cache = filled(path)
    wait = cache.save_begun()
    wait()
    assert AnalysisCache(path).entries == cache.entries
    written = path.stat().st_mtime_ns
    cache.save()  # nothing changed since: not written again
    assert path.stat().st_mtime_ns == written


def test_what_is_learnt_after_a_save_begun_is_saved_too(tmp_path):
    path = tmp_path / "analysis.pickle"
    cache = filled(path)
    wait = cache.save_begun()
    cache.put(("learnt", 1), "a page's mentions, sent by a worker")
    wait()
    assert ("learnt", 1) not in AnalysisCache(path).entries  # the save begun before it
    cache.save()
    again = AnalysisCache(path)
    assert again.entries == cache.entries and ("learnt", 1) in again.entries
