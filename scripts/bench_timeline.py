#!/usr/bin/env python
"""Throughput of timeline event extraction on one core.

The real article bodies of docs/articles are repeated and recombined until the corpus reaches
--mb megabytes (UTF-8), with every four-digit year shifted per copy so that the dates differ
from copy to copy. extract_events then runs over all of it with the garden's concept matcher.

Usage: python scripts/bench_timeline.py [--mb 20] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import platform
import pstats
import random
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

from gardener.articles.model import Article
from gardener.garden.concepts.matcher import ConceptMatcher
from gardener.garden.loading import load_garden
from gardener.garden.timeline.extract import extract_events

ROOT = Path(__file__).resolve().parent.parent
_YEAR = re.compile(r"(?<![0-9])(19[5-9][0-9]|20[0-2][0-9])(?![0-9])")


def _shift_years(text: str, by: int) -> str:
    return _YEAR.sub(lambda m: str(int(m.group()) + by), text)


def corpus(articles: list[Article], megabytes: float, seed: int = 7) -> list[Article]:
    """Copies of the real articles, each body a shuffle of two articles' paragraphs."""
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    made: list[Article] = []
    size = 0
    while size < target:
        first, second = rng.sample(articles, 2)
        shift = rng.randint(-8, 3)
        paragraphs = first.body.split("\n\n") + second.body.split("\n\n")[: rng.randint(0, 20)]
        body = _shift_years("\n\n".join(paragraphs), shift)
        date = first.date
        if date is not None and date.year is not None and rng.random() < 0.8:
            date = replace(date, year=date.year + shift)
        made.append(replace(first, slug=f"{first.slug}-{len(made)}", body=body, date=date))
        size += len(body.encode("utf-8"))
    return made


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def run(articles: list[Article], matcher: ConceptMatcher) -> int:
    return sum(len(extract_events(article, matcher)) for article in articles)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (default 20)")
    parser.add_argument("--profile", action="store_true", help="print the top functions by time")
    args = parser.parse_args()

    garden = load_garden(ROOT / "docs")
    matcher = ConceptMatcher({c.slug: c.aliases for c in garden.concepts})
    articles = corpus(list(garden.articles), args.mb)
    megabytes = sum(len(a.body.encode("utf-8")) for a in articles) / 1_000_000
    print(f"python {platform.python_version()} ({platform.python_implementation()}), "
          f"{platform.system()} {platform.machine()}, {_cpu()}")
    print(f"corpus: {len(articles)} articles, {megabytes:.1f} MB of UTF-8")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    events = run(articles, matcher)
    elapsed = time.perf_counter() - start
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)

    print(f"events: {events} in {elapsed:.2f} s")
    print(f"throughput: {megabytes / elapsed:.2f} MB/s, {events / elapsed:,.0f} events/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
