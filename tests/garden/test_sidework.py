"""Work on the second core: the same results, in order, as doing it here, whoever did each part."""

from __future__ import annotations

import dataclasses
import os
import threading
import time

import numpy as np

from gardener.garden import sidework
from gardener.garden.cache import AnalysisCache
from gardener.garden.loading import load_garden
from gardener.garden.sidework import SideWork
from gardener.garden.similarity import _terms_key, _vector, read_terms
from tests.conftest import ROOT

PARENT = os.getpid()


def square_and_pid(n: int) -> tuple[int, int]:
    if os.getpid() != PARENT:
        time.sleep(0.02)  # a worker slower than this process, so each does a part
    return n * n, os.getpid()


def dies_in_worker(n: int) -> int:
    if os.getpid() != PARENT and n == 1:
        os._exit(3)  # as a worker killed for memory would
    return n + 1


def test_results_in_order_from_both_processes():
    items = list(range(sidework.MIN_ITEMS * 3))
    work = SideWork(square_and_pid, items)
    work.futures[0].result()  # the worker has done at least its first batch
    found = work.results()
    assert [square for square, _ in found] == [n * n for n in items]
    pids = {pid for _, pid in found}
    assert PARENT in pids and len(pids) == 2


def test_a_worker_that_dies_is_replaced_by_this_process():
    items = list(range(sidework.MIN_ITEMS * 2))
    work = SideWork(dies_in_worker, items)
    assert work.futures[0].exception() is not None  # the worker is gone
    assert work.results() == [n + 1 for n in items]


def test_few_items_stay_in_this_process():
    work = SideWork(square_and_pid, [1, 2, 3])
    assert work.pool is None
    assert work.results() == [(1, PARENT), (4, PARENT), (9, PARENT)]


def test_terms_read_on_the_side_equal_terms_read_here():
    """The real articles of the repo's garden, each in several lengths so there are enough to
    hand to a worker."""
    garden = load_garden(ROOT / "docs")
    articles = [dataclasses.replace(a, path=f"articles/{k}-{a.slug}.md", body=a.body[: 400 * (k + 1)])
                for a in garden.articles for k in range(sidework.MIN_ITEMS // len(garden.articles) + 1)]
    assert len(articles) >= sidework.MIN_ITEMS
    cache = AnalysisCache()
    read_terms(articles, cache, {})()
    for article in articles:
        key = _terms_key(article, {})
        assert key in cache
        side, here = cache.get(key, lambda: None), _vector(article)
        assert np.array_equal(side.hashes, here.hashes) and np.array_equal(side.counts, here.counts)


def test_a_process_with_other_threads_is_not_forked():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        work = SideWork(square_and_pid, list(range(sidework.MIN_ITEMS * 2)))
        assert work.pool is None
        assert {pid for _, pid in work.results()} == {PARENT}
    finally:
        stop.set()
        other.join()


def imports_in_child(name: str) -> tuple[int, bool]:
    """Imports a module (in whichever process runs it) and says where it ran."""
    import importlib
    import sys

    importlib.import_module(name)
    return os.getpid(), name in sys.modules


def fails_in_child(n: int) -> int:
    if os.getpid() != PARENT:
        raise RuntimeError("only the parent can do this")
    return n + 1


def test_work_apart_is_done_in_a_child_that_keeps_what_it_imported(tmp_path, monkeypatch):
    import sys

    name = f"fresh_module_{PARENT}"  # a module nothing else imports
    (tmp_path / f"{name}.py").write_text("LOADED = True\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert name not in sys.modules
    pid, imported = sidework.apart(imports_in_child, name)
    assert pid != PARENT and imported
    assert name not in sys.modules


def test_work_apart_that_fails_is_done_here():
    assert sidework.apart(fails_in_child, 1) == 2


def test_a_garden_is_ranked_apart_as_it_would_be_here():
    """The real articles of the repo's garden in several lengths: the ranking made in a child
    equals the one made here, and scipy is never imported by this process."""
    import subprocess
    import sys

    script = """
import dataclasses, sys
from gardener.garden import similarity, sidework
from gardener.garden.loading import load_garden
from gardener.garden.concepts.index import analyse_concepts
garden = load_garden(sys.argv[1])
articles = [dataclasses.replace(a, path=f"articles/{k}-{a.slug}.md", slug=f"{k}-{a.slug}",
                                body=a.body[: 400 * (k + 1)])
            for a in garden.articles for k in range(sidework.MIN_ITEMS // len(garden.articles) + 1)]
counts = {p: {s: n for s, (n, _) in f.items()}
          for p, f in analyse_concepts(dataclasses.replace(garden, articles=tuple(articles))).per_article.items()}
apart = similarity.related_articles(articles, counts)
print("scipy" in sys.modules)
similarity.apart = lambda function, *args: function(*args)
print(similarity.related_articles(articles, counts) == apart, len(apart) == len(articles),
      sum(len(r) for r in apart.values()) > len(articles))
"""
    run = subprocess.run([sys.executable, "-c", script, str(ROOT / "docs")], capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["False", "True", "True", "True"]


def _apart_in_daemon(send) -> None:
    try:
        send.send(("done", sidework.apart(os.getpid), os.getpid()))
    except BaseException as exc:
        send.send(("failed", repr(exc), os.getpid()))


def test_a_daemon_process_does_the_work_itself():
    """A daemonic process (a pool's worker) may not start children: it works in itself."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_apart_in_daemon, args=(send,), daemon=True)
    child.start()
    outcome, pid, own = receive.recv()
    child.join()
    assert outcome == "done" and pid == own


def test_events_read_by_a_child_equal_events_read_here(monkeypatch):
    """The dated statements of the repo's garden, each article in several lengths so there are
    enough to hand to a child: the cache gets what this process would read, and this process
    read none of them."""
    from gardener.garden.concepts.index import concept_matcher
    from gardener.garden.timeline import build as timeline_build
    from gardener.garden.timeline.extract import extract_events

    garden = load_garden(ROOT / "docs")
    copies = timeline_build.MIN_ITEMS // len(garden.articles) + 1
    articles = tuple(dataclasses.replace(a, path=f"articles/{k}-{a.slug}.md", slug=f"{k}-{a.slug}",
                                         body=a.body[: 600 * (k + 1)])
                     for a in garden.articles for k in range(copies))
    garden = dataclasses.replace(garden, articles=articles, digests={})
    matcher, signature = concept_matcher(garden)
    here = [extract_events(a, matcher) for a in articles if not a.draft]
    assert sum(map(len, here)) > 10  # some articles do have dated statements
    calls = []
    monkeypatch.setattr(timeline_build, "extract_events",
                        lambda *args: calls.append(args) or extract_events(*args))
    cache = AnalysisCache()
    timeline_build.read_events(garden, matcher, signature, cache)()
    assert calls == []  # read in the child (which has its own copy of the spy)
    read = [cache.get(timeline_build._events_key(a, signature, None), lambda: None)
            for a in articles if not a.draft]
    assert read == here
