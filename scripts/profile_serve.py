#!/usr/bin/env python
"""Where a warm served rebuild spends its time: `mkdocs serve`'s rebuild after one saved article,
in this process.

Copies a garden (scripts/bench.py makes them), starts the plugin as `mkdocs serve` does (one
plugin object, `on_startup(command="serve")`, a config loaded per build), builds once, then
saves one article with a new sentence and builds again, --rebuilds times. Prints each warm
rebuild's wall and CPU seconds (this process's, threads included) and, for the last one, the
seconds per MkDocs event and what the reuse reused; with --pyinstrument, a profile of the last
rebuild (text, and HTML next to it).

Usage:
    python scripts/profile_serve.py GARDEN [--work DIR] [--rebuilds 5] [--pause 1]
                                    [--pyinstrument OUT.txt] [--phases]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import threading
import time
from collections import defaultdict
from pathlib import Path


def seconds_per_event() -> dict[str, list]:
    """Wrap PluginCollection.run_event: per event, total seconds and calls."""
    from mkdocs.plugins import PluginCollection

    stats: dict[str, list] = defaultdict(lambda: [0.0, 0])
    original = getattr(PluginCollection.run_event, "original", PluginCollection.run_event)

    def run_event(self, name, item=None, **kwargs):
        start = time.perf_counter()
        try:
            return original(self, name, item, **kwargs)
        finally:
            stats[name][0] += time.perf_counter() - start
            stats[name][1] += 1

    run_event.original = original
    PluginCollection.run_event = run_event
    return stats


class Phases:
    """When each part of a rebuild begins and ends, from the MkDocs events around it: what the
    rebuild spends before, in and between the plugins' events."""

    def __init__(self) -> None:
        from mkdocs.plugins import PluginCollection

        self.marks: dict[str, list[float]] = {}
        self.rows: list[dict[str, float]] = []
        original = getattr(PluginCollection.run_event, "original", PluginCollection.run_event)
        marks = self.marks

        def run_event(collection, name, item=None, **kwargs):
            start = time.perf_counter()
            found = marks.setdefault(name, [start, start, 0.0])
            try:
                return original(collection, name, item, **kwargs)
            finally:
                end = time.perf_counter()
                found[1] = end
                found[2] += end - start

        run_event.original = original
        PluginCollection.run_event = run_event

    def start(self) -> None:
        self.marks.clear()

    def finish(self, began: float, loaded: float, ended: float) -> None:
        m = self.marks
        self.rows.append({
            "load config": loaded - began,
            "to on_files": m["files"][0] - loaded,
            "on_files": m["files"][2],
            "navigation": m["nav"][1] - m["files"][1],
            "reading pages": m["env"][0] - m["nav"][1],
            "  page_markdown events": m["page_markdown"][2],
            "building pages": m["post_build"][0] - m["env"][1],
            "  page_context events": m["page_context"][2],
            "  post_page events": m["post_page"][2],
            "post_build": m["post_build"][2],
            "whole rebuild": ended - began})

    def report(self) -> None:
        print(f"{'phase':<26}{'median s':>10}{'min s':>8}")
        for name in self.rows[0]:
            values = [row[name] for row in self.rows]
            print(f"{name:<26}{statistics.median(values):>10.3f}{min(values):>8.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("garden", type=Path)
    parser.add_argument("--work", type=Path, default=Path("/tmp/gardener-profile-serve"))
    parser.add_argument("--rebuilds", type=int, default=5)
    parser.add_argument("--pause", type=float, default=1.0,
                        help="seconds between rebuilds (a writer's pause; bench.py waits 1 s)")
    parser.add_argument("--pyinstrument", type=Path, help="write a profile of the last rebuild")
    parser.add_argument("--phases", action="store_true",
                        help="time each part of every rebuild (median and fastest)")
    args = parser.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from gardener.site.mkdocs import plugin

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    if args.work.exists():
        shutil.rmtree(args.work)
    shutil.copytree(args.garden, args.work, ignore=shutil.ignore_patterns("site*", ".cache"))
    os.chdir(args.work)
    config_file = str(args.work / "mkdocs.yml")
    site = str(args.work / "served")
    # `mkdocs serve` rebuilds beside its server's threads (so gardener forks no helper process)
    threading.Thread(target=threading.Event().wait, daemon=True, name="server").start()
    load_config(config_file, site_dir=site).plugins.on_startup(command="serve", dirty=False)
    start, cpu = time.perf_counter(), time.process_time()
    build(load_config(config_file, site_dir=site))
    print(f"first build {time.perf_counter() - start:.2f} s wall, "
          f"{time.process_time() - cpu:.2f} s CPU", flush=True)
    article = sorted((args.work / "docs" / "articles").glob("*.md"))[7]
    walls, cpus = [], []
    phases = Phases() if args.phases else None
    for i in range(args.rebuilds):
        time.sleep(args.pause)
        last = i == args.rebuilds - 1
        # with --phases every rebuild's events are timed there instead
        stats = seconds_per_event() if last and phases is None else {}
        if phases is not None:
            phases.start()
        profiler = None
        if last and args.pyinstrument:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.002)
            profiler.start()
        article.write_text(article.read_text(encoding="utf-8") + f"\n编辑后新增的一句话 {i}。\n",
                           encoding="utf-8")
        start, cpu = time.perf_counter(), time.process_time()
        config = load_config(config_file, site_dir=site)  # serve loads the config per build
        loaded = time.perf_counter()
        build(config)
        walls.append(time.perf_counter() - start)
        if phases is not None:
            phases.finish(start, loaded, start + walls[-1])
        cpus.append(time.process_time() - cpu)
        if profiler is not None:
            profiler.stop()
            args.pyinstrument.write_text(profiler.output_text(unicode=True, show_all=False) +
                                         profiler.output_text(unicode=True, flat=True))
            args.pyinstrument.with_suffix(".html").write_text(profiler.output_html())
        print(f"warm rebuild {i + 1}: {walls[-1]:.2f} s wall, {cpus[-1]:.2f} s CPU", flush=True)
    print(f"median warm rebuild: {statistics.median(walls):.2f} s wall, "
          f"{statistics.median(cpus):.2f} s CPU (load {os.getloadavg()[0]:.1f})")
    if phases is not None:
        phases.report()
    if stats:
        print(f"{'event':<22}{'calls':>7}{'seconds':>10}")
    for name, (seconds, calls) in stats.items():
        print(f"{name:<22}{calls:>7}{seconds:>10.3f}")
    print("gardener's hooks:", {k: round(v, 3) for k, v in plugin.LAST_BUILD.items()})
    served = config.plugins["gardener"].served
    print("reuse:", served.counts if served is not None else None)


if __name__ == "__main__":
    main()
