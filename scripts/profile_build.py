#!/usr/bin/env python
"""Where a `mkdocs build` spends its time and memory.

Runs one build in this process and prints, for every MkDocs event, the seconds spent in it (summed
over pages for per-page events), the CPU seconds of this process in it (worker processes not
counted: on a loaded machine the wall seconds grow, these much less) and the resident memory
after it, so a plugin build and a plain build can be compared event by event; then the CPU and
wall seconds of the spans between events (reading and rendering the pages, building them), where
MkDocs does most of its own work and where a build on two cores hands part of it to worker
processes. With --pyinstrument it also writes a pyinstrument profile (text, and HTML next to it)
of the whole build.

Usage:
    pip install -e ".[bench]"   # for --pyinstrument
    python scripts/profile_build.py GARDEN/mkdocs.yml [--site DIR] [--pyinstrument OUT.txt]
                                    [--snapshot EVENT]

Run it from the garden's folder (as `mkdocs build` would be).
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict
from pathlib import Path


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            values[line[:5]] = int(line.split()[1]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


# (CPU seconds of this process, wall seconds) when each event first starts and last ends
MARKS: dict[str, tuple[float, float]] = {}
# Spans of a build between events: most of MkDocs' own work happens between them.
SPANS = (("up to the navigation", "start", "nav ends"),
         ("pages read and rendered", "nav ends", "env starts"),
         ("pages built (search, templates, files)", "env ends", "post_build starts"),
         ("post_build", "post_build starts", "post_build ends"))


def print_spans() -> None:
    """CPU of this process (the critical path when workers take part of the work) and wall
    time of each span, and the CPU of the worker processes it waited for."""
    import resource

    print(f"\n{'span':<42}{'CPU s here':>12}{'wall s':>10}")
    for label, start, end in SPANS:
        if start in MARKS and end in MARKS:
            cpu, wall = (MARKS[end][i] - MARKS[start][i] for i in (0, 1))
            print(f"{label:<42}{cpu:>12.2f}{wall:>10.2f}")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{'CPU of worker processes':<42}{children.ru_utime + children.ru_stime:>12.2f}")


def instrument(snapshot_at: str | None = None) -> dict[str, list[float]]:
    """Wrap PluginCollection.run_event: per event, total seconds and the memory after it; with
    snapshot_at, print tracemalloc's largest live allocations when that event first runs."""
    from mkdocs.plugins import PluginCollection

    stats: dict[str, list[float]] = defaultdict(lambda: [0.0, 0, 0.0, 0.0, 0.0])
    original = PluginCollection.run_event

    def run_event(self, name, item=None, **kwargs):
        if name == snapshot_at and name not in stats:
            print_snapshot(name)
        MARKS.setdefault(f"{name} starts", (time.process_time(), time.perf_counter()))
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return original(self, name, item, **kwargs)
        finally:
            MARKS[f"{name} ends"] = (time.process_time(), time.perf_counter())
            entry = stats[name]
            entry[0] += time.perf_counter() - start
            entry[1] += 1
            entry[2], entry[3] = rss_mb()
            entry[4] += time.process_time() - cpu

    PluginCollection.run_event = run_event
    return stats


def print_snapshot(event: str, top: int = 25) -> None:
    import tracemalloc

    snapshot = tracemalloc.take_snapshot()
    total = sum(stat.size for stat in snapshot.statistics("filename"))
    print(f"live Python allocations when '{event}' starts: {total / 2**20:.0f} MB; largest by line:")
    for stat in snapshot.statistics("lineno")[:top]:
        print(f"  {stat.size / 2**20:8.1f} MB {stat.count:>9} blocks  {stat.traceback[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--site", type=Path, default=Path("/tmp/gardener-profile-site"))
    parser.add_argument("--pyinstrument", type=Path, help="write a pyinstrument profile here")
    parser.add_argument("--snapshot", metavar="EVENT",
                        help="trace allocations (slow) and list the largest when EVENT starts")
    args = parser.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    if args.snapshot:
        import tracemalloc

        tracemalloc.start()
    stats = instrument(args.snapshot)
    profiler = None
    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    start = time.perf_counter()
    MARKS["start"] = (time.process_time(), start)
    build(load_config(str(args.config), site_dir=str(args.site)))
    total = time.perf_counter() - start
    if profiler is not None:
        profiler.stop()
        args.pyinstrument.write_text(profiler.output_text(unicode=True, show_all=False))
        args.pyinstrument.with_suffix(".html").write_text(profiler.output_html())
    print(f"{'event':<22}{'calls':>7}{'seconds':>10}{'CPU s':>8}{'RSS after MB':>14}{'peak MB':>10}")
    for name, (seconds, calls, now, peak, cpu) in stats.items():
        print(f"{name:<22}{calls:>7}{seconds:>10.2f}{cpu:>8.2f}{now:>14.0f}{peak:>10.0f}")
    print_spans()
    print(f"build {total:.1f} s, peak RSS {rss_mb()[1]:.0f} MB")


if __name__ == "__main__":
    main()
