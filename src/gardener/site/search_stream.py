"""The sharded search index made while the build makes its pages.

Material's search reads each page's HTML as the page is built and keeps the entries to the end.
Written after the last page, the sharded index made the build wait a second at 1,000 articles,
in a child forked from the build at its largest. Instead, a process forked at the start of the
build, while it is still small, takes each page's entries as soon as the page is built (from the
build and from the page worker, each on its own pipe), indexes them and writes the page's file,
so that after the last page only the shards and the manifest are left to write.

Pages come in the order the two processes finish them; their shares are added to the index in
the build's page order (`IndexWriter`), so the files are the ones `write_sharded_index` writes
from Material's entries. A page sent twice (the build takes over a page whose worker failed)
counts once: a page's entries are the same whichever process builds it. Whatever goes wrong
(the process dies, a page never comes), `finish` says so and the build writes the index from
Material's entries, which it still holds, as it would without this process.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import cast

from gardener.forks import can_fork
from gardener.site import search_shards
from gardener.site.search_shards import Indexed, IndexWriter, PageIndexer, pages_of

log = logging.getLogger("mkdocs.plugins.gardener")

# Bytes a pipe holds before a sender waits for the indexer (Linux raises a pipe's 64 KiB to
# this on request): a large page never holds up the build while the indexer is busy.
PIPE_BYTES = 1 << 20


class IndexStream:
    """The build's side of the indexing process: one per build."""

    def __init__(self, process, sends: tuple[Connection, Connection],
                 result: Connection) -> None:
        self.process = process
        self.main_send, self.worker_send = sends  # this process's pipe, the page worker's
        self.sending: Connection | None = self.main_send
        self.result = result
        self.slots: dict[str, int] = {}
        self.broken = False

    @classmethod
    def start(cls, site_dir: Path, settings: Mapping) -> IndexStream | None:
        """Fork the indexing process; None where no child can be forked."""
        if not can_fork():
            return None
        context = multiprocessing.get_context("fork")
        main_receive, main_send = context.Pipe(duplex=False)
        worker_receive, worker_send = context.Pipe(duplex=False)
        result_receive, result_send = context.Pipe(duplex=False)
        for end in (main_send, worker_send):
            _widen(end)
        try:
            process = context.Process(
                target=_index, name="gardener-index", daemon=True,
                args=(site_dir, dict(settings), (main_receive, worker_receive), result_send,
                      (main_send, worker_send, result_receive)))
            process.start()
        except OSError as exc:  # no process to spare
            log.debug(f"gardener: no indexing process ({exc})")
            for end in (main_send, worker_send, result_receive):
                end.close()
            return None
        finally:
            for end in (main_receive, worker_receive, result_send):
                end.close()
        return cls(process, (main_send, worker_send), result_receive)

    def number(self, doc_files: Sequence) -> None:
        """The build's pages, in the order it builds them: the index keeps that order."""
        self.slots = {file.src_uri: slot for slot, file in enumerate(doc_files)}

    def worker_forked(self) -> None:
        """In this process, once the page worker has its end of its pipe (or none was
        forked): only the worker sends on it."""
        self.worker_send.close()

    def in_worker(self) -> None:
        """In the page worker, before its first page."""
        self.main_send.close()
        self.sending = self.worker_send

    def page(self, uri: str, entries: list) -> None:
        """A page is built: its entries (none for a page search leaves out) to the index."""
        slot = self.slots.get(uri)
        if self.broken or self.sending is None or slot is None:
            self.broken = True
            return
        try:
            self.sending.send(("page", slot, entries))
        except (OSError, ValueError):  # the indexing process is gone: finish says so
            self.broken = True

    def finish(self, *, worker_sent: bool) -> dict | None:
        """Every page is built: wait for the index to be written. `worker_sent`: the page
        worker sent every page it took (else its pipe is not read again: the build took its
        pages back). Figures for the build log, or None when the index could not be made here
        (nothing of it is then relied on)."""
        kind, value = "failed", "a page could not be sent"  # or ("written", figures)
        try:
            if not self.broken:
                self.main_send.send(("done", len(self.slots), worker_sent))
                kind, value = self.result.recv()
        except (EOFError, OSError) as exc:
            kind, value = "failed", repr(exc)
        finally:
            self.close(wait=kind == "written")
        if kind != "written" or not isinstance(value, dict):
            log.debug(f"gardener: the index was not made while pages were built ({value})")
            return None
        return value

    def close(self, *, wait: bool = False) -> None:
        """Stop the indexing process (`wait`: it has answered and is ending by itself)."""
        for end in (self.main_send, self.worker_send, self.result):
            end.close()
        self.sending = None
        if self.process is not None:
            if not wait and self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.process = None


def _widen(end: Connection) -> None:
    with contextlib.suppress(AttributeError, OSError):  # not Linux: the default size
        import fcntl

        fcntl.fcntl(end.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _index(site_dir: Path, settings: dict, receives: tuple[Connection, Connection],
           result: Connection, others: tuple[Connection, ...]) -> None:
    """The indexing process."""
    for end in others:  # the senders' ends: a sender gone is then an ended pipe
        end.close()
    try:
        search_shards.np.ndarray  # noqa: B018 - imported now, not once the last page is built
        figures = _indexed(site_dir, settings, *receives)
        message: tuple = ("written", figures) if figures is not None else ("failed", "ended")
    except Exception as exc:  # noqa: BLE001 - the build writes the index itself
        message = ("failed", f"{type(exc).__name__}: {exc}")
    with contextlib.suppress(OSError):
        result.send(message)
    result.close()


def _indexed(site_dir: Path, settings: dict, main: Connection, worker: Connection) -> dict | None:
    """Take pages until the build is done; write the index. None when the build went away
    first or a page never came."""
    order = _InOrder(IndexWriter(site_dir, settings), PageIndexer(settings))
    listening = [main, worker]
    pages: int | None = None  # how many, once the build is done
    worker_sent = False
    while pages is None:
        if main not in listening:
            return None  # the build went away
        for pipe in cast(list[Connection], wait(listening)):
            try:
                message: tuple = pipe.recv()
            except (EOFError, OSError):
                listening.remove(pipe)
                continue
            if message[0] == "page":
                order.put(message[1], message[2])
            elif message[0] == "done":
                pages, worker_sent = message[1], message[2]
    # "done" is the build's last message, sent once the page worker had sent all it would:
    # what it sent is in its pipe already, so reading on never waits
    while worker_sent and order.next < pages and worker in listening and worker.poll():
        try:
            message = worker.recv()
        except (EOFError, OSError):
            break
        order.put(message[1], message[2])
    return order.writer.finish() if order.next >= pages else None


class _InOrder:
    """Pages indexed as they come, added to the index in the build's order."""

    def __init__(self, writer: IndexWriter, indexer: PageIndexer) -> None:
        self.writer, self.indexer = writer, indexer
        self.next = 0
        self.waiting: dict[int, list[Indexed]] = {}

    def put(self, slot: int, entries: list) -> None:
        if slot < self.next or slot in self.waiting:
            return  # sent twice: the same entries
        self.waiting[slot] = [self.indexer(sections) for sections in pages_of(entries)]
        while self.next in self.waiting:
            for indexed in self.waiting.pop(self.next):
                self.writer.add(indexed)
            self.next += 1
