#!/usr/bin/env python
"""A garden built with gardener and its plain Material twin, alternately, several times: the
ratio of each pair, so a machine whose speed drifts between minutes slows both builds of a pair
alike.

Each build is a fresh `mkdocs build` process from a cold cache. Prints, per build, the wall
seconds, the CPU seconds of the build and every process it waited for (workers included), and
the largest resident memory of any of those processes; then the medians and ratios.

Usage (the garden as scripts/bench.py makes it, with its mkdocs-plain-nav.yml):
    python scripts/bench_pairs.py GARDEN [--pairs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def build(garden: Path, config: str) -> tuple[float, float, float]:
    """(wall s, CPU s, max RSS MB) of one cold `mkdocs build`."""
    shutil.rmtree(garden / ".cache", ignore_errors=True)
    site = garden / "site-pairs"
    shutil.rmtree(site, ignore_errors=True)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q", "-f", config,
                              "-d", str(site)], cwd=garden, env=env)
    # the child's usage includes every process it waited for (the build's workers)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"mkdocs build -f {config} failed ({child.returncode})")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("garden", type=Path)
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args()
    rows = []
    print("| pair | gardener wall s | plain wall s | ratio | gardener CPU s | plain CPU s | "
          "gardener max RSS MB | plain max RSS MB | load |")
    print("|---|---|---|---|---|---|---|---|---|")
    for pair in range(1, args.pairs + 1):
        ours = build(args.garden, "mkdocs.yml")
        plain = build(args.garden, "mkdocs-plain-nav.yml")
        rows.append((ours, plain))
        print(f"| {pair} | {ours[0]:.2f} | {plain[0]:.2f} | {ours[0] / plain[0]:.2f} | "
              f"{ours[1]:.1f} | {plain[1]:.1f} | {ours[2]:.0f} | {plain[2]:.0f} | "
              f"{os.getloadavg()[0]:.1f} |", flush=True)
    med = statistics.median
    print(f"| median | {med(o[0] for o, _ in rows):.2f} | {med(p[0] for _, p in rows):.2f} | "
          f"{med(o[0] / p[0] for o, p in rows):.2f} | {med(o[1] for o, _ in rows):.1f} | "
          f"{med(p[1] for _, p in rows):.1f} | {med(o[2] for o, _ in rows):.0f} | "
          f"{med(p[2] for _, p in rows):.0f} | |")


if __name__ == "__main__":
    main()
