"""Work done on the second core: one function mapped over many items in a worker process while
this process goes on with the rest of the analysis.

A build runs on one core; reading every article's words with jieba for related articles is the
largest single part of a cold analysis, and it depends on nothing else the analysis computes. So
it goes to a forked worker in small batches. When this process has finished its own part, it
takes back every batch the worker has not started and does it itself, so both cores stay busy
until the end and nothing waits on a slow worker. Forking shares what is already loaded, so
the worker starts in milliseconds; where fork is not available (or for a few items, where a
worker would cost more than it saves, or in a process with other threads) the work is done
here, in order, when asked for.

The worker's own memory (jieba's intermediate lists) is returned to the system when it exits,
so the build process does not keep it for the rest of the build.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Generic, TypeVar

from gardener.forks import apart, can_fork

__all__ = ["MIN_ITEMS", "SideWork", "apart"]
log = logging.getLogger("mkdocs.plugins.gardener")
Item = TypeVar("Item")
Result = TypeVar("Result")

# Fewer items than this are done in this process: forking and sending the results back would
# take longer than the work (an edit while serving reads one article).
MIN_ITEMS = 64
BATCH = 16


def _run_batch(function: Callable, batch: Sequence) -> list:
    return [function(item) for item in batch]


class SideWork(Generic[Item, Result]):
    """`function` over `items`, started now, collected by `results()` in the items' order.
    `function` must be a module-level function (it is sent to the worker by name)."""

    def __init__(self, function: Callable[[Item], Result], items: Sequence[Item],
                 before_fork: Callable[[], object] | None = None) -> None:
        """`before_fork`: loads what both processes need (a dictionary), once, so the worker
        shares it instead of loading its own copy."""
        self.function = function
        self.batches = [list(items[i:i + BATCH]) for i in range(0, len(items), BATCH)]
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list[Future] = []
        if len(items) >= MIN_ITEMS and can_fork():
            if before_fork is not None:
                before_fork()
            try:
                self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
                self.futures = [self.pool.submit(_run_batch, function, b) for b in self.batches]
            except OSError as exc:  # no process to spare: the work is done here instead
                log.debug(f"gardener: no worker process ({exc}); reading in this process")
                self._close()

    def results(self) -> list[Result]:
        if self.pool is None:
            return [r for batch in self.batches for r in _run_batch(self.function, batch)]
        # Batches the worker has not started come back here; the rest are awaited.
        mine = [future.cancel() for future in self.futures]
        found: list[Result] = []
        try:
            for batch, future, here in zip(self.batches, self.futures, mine, strict=True):
                found += _run_batch(self.function, batch) if here else future.result()
        except Exception as exc:  # a worker that died (out of memory, killed): redo its part
            log.debug(f"gardener: worker process failed ({exc!r}); reading in this process")
            self._close()
            return [r for batch in self.batches for r in _run_batch(self.function, batch)]
        self._close()
        return found

    def _close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = None
