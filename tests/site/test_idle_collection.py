"""Served rebuilds leave Python's cycle collector to the time after the reload: what existed
before a rebuild is frozen while it runs and stays frozen, the cycles the rebuild leaves are
freed by a young collection soon after, and older cycles by a full one once the server is quiet
or every few rebuilds."""

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


def wait_for(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_a_rebuilds_cycles_are_freed_soon_and_older_ones_once_the_server_is_quiet():
    collector = IdleCollector(delay=0.05, quiet=0.6)
    gc.collect()
    old = cycle()  # garbage before the rebuild began: frozen with everything else
    collector.pause()
    try:
        assert gc.get_freeze_count() > 0
        made = cycle()  # garbage the rebuild leaves
        gc.collect()  # what a rebuild's allocations would set off: frozen objects are passed over
        assert old() is not None
    finally:
        collector.resume()
    assert wait_for(lambda: collector.young == 1)
    assert made() is None  # the young collection freed it, with no collection asked for here
    assert old() is not None and gc.get_freeze_count() > 0  # and walked nothing older
    assert wait_for(lambda: collector.full == 1)
    assert old() is None and gc.get_freeze_count() == 0
    collector.close()


def test_every_few_rebuilds_the_collection_is_full():
    collector = IdleCollector(delay=0.05, quiet=60, full_every=3)
    try:
        for rebuild in range(1, 4):
            old = cycle()
            collector.pause()
            collector.resume()
            if rebuild < 3:
                assert wait_for(lambda done=rebuild: collector.young == done)
                assert old() is not None and collector.full == 0
        assert wait_for(lambda: collector.full == 1)
        assert old() is None
    finally:
        collector.close()
    assert gc.get_freeze_count() == 0


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
        assert collector.young == collector.full == 0
    finally:
        collector.close()
    assert gc.get_freeze_count() == 0
