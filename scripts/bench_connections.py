#!/usr/bin/env python
"""What the connections between pages cost: wikilinks, backlinks, related articles, the graph,
previews and feeds, on a generated garden of N articles (the gardens of scripts/bench.py).

The garden gets two wikilinks per article to other articles (by slug), as a writer adds them.
Then, side by side, cold `mkdocs build`s of the same garden with every connection feature on
and with all of them off (best of --repeat), and for each: wall time, peak RSS, the size of an
average article page, of the whole site and of the data files the features add; plus the
time gardener's hooks take in a warm rebuild after a one-article edit, as `mkdocs serve` runs it.

Usage: python scripts/bench_connections.py [--articles 1000] [--repeat 2] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402  (the garden generator and the timed child builds)

SITE_URL = "https://example.org/bench/"
OFF = {"wikilinks": False, "backlinks": False, "related": 0, "graph": False, "previews": False,
       "feeds": 0}
DATA_FILES = ("assets/gardener/graph.json", "assets/gardener/previews.json", "feed.xml", "feed.json")


def add_wikilinks(garden: Path, per_article: int = 2, seed: int = 7) -> int:
    """Append `per_article` wikilinks to other articles (by slug) to every article."""
    articles = sorted((garden / "docs" / "articles").glob("*.md"))
    rng = random.Random(seed)
    added = 0
    for path in articles:
        others = rng.sample(articles, per_article + 1)
        targets = [p.stem for p in others if p != path][:per_article]
        links = "、".join(f"[[{slug}]]" for slug in targets)
        path.write_text(path.read_text(encoding="utf-8") + f"\n\n延伸阅读：{links}。\n", encoding="utf-8")
        added += len(targets)
    return added


def configs(garden: Path) -> dict[str, Path]:
    """The garden's mkdocs.yml with a site_url (feeds need it), with connections on and off."""
    text = (garden / "mkdocs.yml").read_text(encoding="utf-8") + f"\nsite_url: {SITE_URL}\n"
    on = garden / "mkdocs-connections.yml"
    on.write_text(text, encoding="utf-8")
    options = "".join(f"      {k}: {json.dumps(v)}\n" for k, v in OFF.items())
    off = garden / "mkdocs-no-connections.yml"
    off.write_text(re.sub(r"^  - gardener\n", "  - gardener:\n" + options, text, flags=re.M),
                   encoding="utf-8")
    return {"on": on, "off": off}


def page_weight(site: Path) -> dict:
    pages = [p.stat().st_size for p in (site / "articles").rglob("index.html")]
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    data = {name: (site / name).stat().st_size / 1e3 for name in DATA_FILES if (site / name).exists()}
    return {"article_page_kb": sum(pages) / len(pages) / 1e3, "site_mb": total / 1e6, "data_kb": data}


def warm_rebuild(garden: Path, config: Path, edits: int = 3) -> float:
    """Seconds in gardener's hooks when `mkdocs serve` rebuilds after a one-article edit: the
    median of `edits` edits to different articles (a busy machine makes single runs noisy)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from gardener.site.mkdocs import plugin

    shutil.rmtree(garden / ".cache", ignore_errors=True)
    site = garden / "site-serve"
    loaded = load_config(str(config), site_dir=str(site))
    loaded.plugins.on_startup(command="serve", dirty=False)
    build(loaded)
    seconds = []
    for article in sorted((garden / "docs" / "articles").glob("*.md"))[7:7 + edits]:
        article.write_text(article.read_text(encoding="utf-8") + "\n编辑后新增的一句话。\n",
                           encoding="utf-8")
        build(load_config(str(config), site_dir=str(site)))
        seconds.append(sum(plugin.LAST_BUILD.values()))
    return statistics.median(seconds)


def measure(garden: Path, repeat: int) -> dict:
    row: dict = {"wikilinks": add_wikilinks(garden)}
    best: dict[str, dict] = {}
    for _ in range(repeat):
        for name, config in configs(garden).items():
            shutil.rmtree(garden / ".cache", ignore_errors=True)
            result = bench.timed_build(garden, config, garden / f"site-{name}")
            print(f"    connections {name}: {result['seconds']:.1f} s, {result['rss_mb']:.0f} MB", flush=True)
            if name not in best or result["seconds"] < best[name]["seconds"]:
                best[name] = result
    for name, result in best.items():
        row[name] = {"build_s": result["seconds"], "rss_mb": result["rss_mb"],
                     **page_weight(garden / f"site-{name}")}
    row["warm_rebuild_gardener_s"] = {name: warm_rebuild(garden, config)
                                      for name, config in configs(garden).items()}
    row["load_average"] = os.getloadavg()[0]
    return row


def print_table(n: int, row: dict) -> None:
    on, off = row["on"], row["off"]
    print(f"\n{n:,} articles, {row['wikilinks']:,} wikilinks (load average {row['load_average']:.1f})")
    print("| connections | build s | peak RSS MB | article page KB | site MB | warm rebuild, gardener s |")
    print("|---|---|---|---|---|---|")
    for name, r in (("off", off), ("on", on)):
        print(f"| {name} | {r['build_s']:.1f} | {r['rss_mb']:.0f} | {r['article_page_kb']:.1f} "
              f"| {r['site_mb']:.1f} | {row['warm_rebuild_gardener_s'][name]:.3f} |")
    ratios = [on[k] / off[k] for k in ("build_s", "rss_mb", "article_page_kb", "site_mb")]
    print("| ratio | " + " | ".join(f"{r:.2f}" for r in ratios) + " | |")
    print("data files (KB): " + ", ".join(f"{k} {v:,.0f}" for k, v in on["data_kb"].items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/gardener-bench-connections"))
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    import logging

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    start = time.perf_counter()
    garden, made = bench.make_garden(args.articles, args.work, bench.paragraphs([bench.SEEDS]))
    print(f"[{args.articles}] imported {made['articles']} articles in {made['import_s']:.1f} s", flush=True)
    row = measure(garden, args.repeat)
    print_table(args.articles, row)
    print(f"({time.perf_counter() - start:.0f} s in all)")
    if args.json:
        args.json.write_text(json.dumps(row, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
