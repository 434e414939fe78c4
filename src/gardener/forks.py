"""Work done in a forked child process, which starts with everything this process has loaded
and gives back to the system, when it exits, whatever it imported or allocated on the way."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import threading
from collections.abc import Callable, Generator, Iterable
from functools import partial
from typing import TypeVar

log = logging.getLogger("mkdocs.plugins.gardener")
Result = TypeVar("Result")


def apart(function: Callable[..., Result], *args,
          unforked: Callable[..., Result] | None = None) -> Result:
    """function(*args) in a forked child, which sees this process's objects without copying
    them: what it imports and allocates on the way to its result (a library, intermediate
    arrays) is given back to the system when it exits. Where fork is not available, or in a
    process with other threads, `unforked(*args)` (function itself by default); when the child
    fails, function here."""
    return begun(function, *args, unforked=unforked)()


def begun(function: Callable[..., Result], *args,
          unforked: Callable[..., Result] | None = None) -> Callable[[], Result]:
    """As `apart`, but the child starts now and this process goes on: the function returned
    waits for the result. (Where no child can be forked, the work is done when asked for.)"""
    if not can_fork():
        return partial(unforked or function, *args)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    try:
        child = context.Process(target=_answer, args=(send, function, args), daemon=True)
        child.start()
    except OSError as exc:  # no process to spare
        log.debug(f"gardener: no child process ({exc}); working in this process")
        receive.close()
        return partial(function, *args)
    finally:
        send.close()
    return partial(_collect, receive, child, function, args)


def _collect(receive, child, function: Callable[..., Result], args: tuple) -> Result:
    try:
        done, value = receive.recv()
    except (EOFError, OSError):  # the child died (out of memory, killed)
        done, value = False, "no answer"
    finally:
        receive.close()
        child.join()
    if not done:
        log.debug(f"gardener: child process failed ({value}); working in this process")
        return function(*args)
    return value


def _answer(send, function: Callable, args: tuple) -> None:
    try:
        send.send((True, function(*args)))
    except BaseException as exc:  # reported to the parent, which does the work itself
        send.send((False, repr(exc)))
    finally:
        send.close()


def can_fork() -> bool:
    """Fork only a process with one thread: a lock another thread holds (a server's, while
    `mkdocs serve` rebuilds) would stay held forever in the child. Rebuilds while serving read
    a few edited articles, so they lose nothing."""
    return ("fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
            and not multiprocessing.current_process().daemon)  # a daemon may have no children


class LazyNumpy:
    """numpy, imported when first used: work that only a child does (ranking related articles,
    writing the sharded search index) keeps it, ~14 MB, out of the build's own process. The
    first use puts numpy itself in the module's `np`, so later uses pay nothing."""

    def __init__(self, module_globals: dict) -> None:
        self._globals = module_globals

    def __getattr__(self, name: str):
        import numpy

        self._globals["np"] = numpy
        return getattr(numpy, name)


class Handed:
    """What a forked child makes while this process goes on, for this process or for one it
    forks afterwards to take (whichever takes it first): work shared between two children."""

    def __init__(self, receive=None, child=None) -> None:
        self.receive, self.child = receive, child

    def items(self) -> Generator:
        """The child's items, one by one as it sends them; they stop early when it failed (the
        taker does the rest), and none come where no child was forked."""
        receive, self.receive = self.receive, None
        if receive is None:
            return
        try:
            while True:
                more, item = receive.recv()
                if not more:
                    return
                yield item
        except (EOFError, OSError):  # the child died
            return
        finally:
            receive.close()

    def close(self) -> None:
        """In this process, once its items are taken or no longer wanted."""
        if self.receive is not None:
            self.receive.close()  # a child still sending then stops at once
            self.receive = None
        if self.child is not None:
            self.child.join()
            self.child = None


def handed(function: Callable[..., Iterable], *args) -> Handed:
    """The items of function(*args), made by a forked child that starts now and sends them
    once all are made (so it never waits for a taker busy with its own share)."""
    if not can_fork():
        return Handed()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    try:
        child = context.Process(target=_hand, args=(receive, send, function, args), daemon=True)
        child.start()
    except OSError as exc:
        log.debug(f"gardener: no child process ({exc})")
        receive.close()
        return Handed()
    finally:
        send.close()  # the child holds the only sending end: its exit ends the pipe
    return Handed(receive, child)


def _hand(receive, send, function: Callable, args: tuple) -> None:
    receive.close()  # else items nobody takes would keep this child waiting to send them
    with contextlib.suppress(OSError):  # the taker went away
        try:
            for item in list(function(*args)):
                send.send((True, item))
            send.send((False, None))
        except Exception as exc:  # noqa: BLE001 - the taker does the rest
            send.send((False, repr(exc)))
        finally:
            send.close()
