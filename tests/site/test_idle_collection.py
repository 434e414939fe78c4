"""Served rebuilds leave Python's cycle collector to the time after the reload: what existed
before a rebuild is frozen while it runs, and the cycles it leaves are freed afterwards."""

from __future__ import annotations

import gc
import time
import weakref

from gardener.site.mkdocs.reuse import IdleCollector


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> weakref.ref:
    first, second = Node(), Node()
    first.other, second.other = second, first
    return weakref.ref(first)


def test_what_existed_is_frozen_during_a_rebuild_and_collected_after_it():
    collector = IdleCollector(delay=0.05)
    gc.collect()
    left = cycle()  # garbage only a cycle collection frees
    collector.pause()
    try:
        assert gc.get_freeze_count() > 0
        gc.collect()  # what a rebuild's allocations would set off: frozen objects are passed over
        assert left() is not None
    finally:
        collector.resume()
    assert gc.get_freeze_count() == 0
    deadline = time.monotonic() + 10
    while left() is not None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert left() is None  # the idle collection freed it, with no collection asked for here
    collector.close()


def test_a_new_rebuild_cancels_the_pending_collection():
    collector = IdleCollector(delay=30)
    collector.pause()
    collector.resume()
    pending = collector._timer
    assert pending is not None and pending.is_alive()
    collector.pause()
    try:
        pending.join(timeout=5)
        assert not pending.is_alive()  # cancelled, not waiting out its 30 s
    finally:
        collector.close()
    assert gc.get_freeze_count() == 0
