#!/usr/bin/env python
"""One garden built by plain Material and by gardener from one or more source trees, alternately.

Every build runs in a fresh process with a cold cache (`bench.timed_build`): wall seconds, CPU
seconds of the build and the workers it waited for, peak RSS, and the peak PSS of the build with
its workers. Builds alternate (plain, then each source tree, round after round) so that the load
of a shared machine falls on all of them alike; the load average is printed with each build.
Ratios are taken against the plain build of the same round.

Usage (from the repository; the garden is one `bench.make_garden` made, with its
mkdocs-plain-nav.yml):

    python scripts/bench_build.py GARDEN --src before=/path/to/main/src --src after=src
                                  [--src serial=src@mkdocs-serial.yml] [--rounds 3] [--json OUT]

`NAME=DIR@CONFIG` builds with another config file of the garden (one with other plugin options).

The garden is copied first: its sources are never written.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402


def build_with(garden: Path, config: Path, site: Path, src: Path | None) -> dict:
    """One cold build, gardener imported from src (None: whatever is installed)."""
    cache = garden / ".cache"
    if cache.exists():
        shutil.rmtree(cache)
    saved = os.environ.get("PYTHONPATH")
    if src is not None:
        os.environ["PYTHONPATH"] = str(src.resolve())
    try:
        result = bench.timed_build(garden, config, site)
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved
    return {**result, "load": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("garden", type=Path)
    parser.add_argument("--src", action="append", default=[], metavar="NAME=DIR",
                        help="a source tree of gardener to build with, and a config file of the "
                           "garden other than mkdocs.yml after @ (repeatable)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    variants: dict[str, tuple[Path | None, str]] = {"plain": (None, "mkdocs-plain-nav.yml")}
    for spec in args.src:
        name, _, where = spec.partition("=")
        folder, _, config = where.partition("@")
        variants[name] = (Path(folder), config or "mkdocs.yml")
    work = Path(tempfile.mkdtemp(prefix="bench-build-"))
    garden = work / "garden"
    shutil.copytree(args.garden, garden, ignore=shutil.ignore_patterns("site*", ".cache"))
    results: dict[str, list[dict]] = {name: [] for name in variants}
    for round_ in range(1, args.rounds + 1):
        for name, (src, config) in variants.items():
            result = build_with(garden, garden / config, garden / f"site-{name}", src)
            results[name].append(result)
            print(f"round {round_} {name:>8}: {result['seconds']:6.1f} s wall, "
                  f"{result['cpu_s']:6.1f} s CPU, peak RSS {result['rss_mb']:5.0f} MB, "
                  f"PSS with workers {result['tree_mb']:5.0f} MB (load {result['load']:.1f})",
                  flush=True)
    print(f"\nmedians over {args.rounds} rounds; ratio to plain Material")
    plain = {key: statistics.median(r[key] for r in results["plain"])
             for key in ("seconds", "cpu_s", "rss_mb", "tree_mb")}
    for name, runs in results.items():
        row = {key: statistics.median(r[key] for r in runs) for key in plain}
        print(f"{name:>8}: wall {row['seconds']:.1f} s ({row['seconds'] / plain['seconds']:.2f}x), "
              f"CPU {row['cpu_s']:.1f} s ({row['cpu_s'] / plain['cpu_s']:.2f}x), "
              f"peak RSS {row['rss_mb']:.0f} MB ({row['rss_mb'] / plain['rss_mb']:.2f}x), "
              f"PSS with workers {row['tree_mb']:.0f} MB ({row['tree_mb'] / plain['tree_mb']:.2f}x)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
