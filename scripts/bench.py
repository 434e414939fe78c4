#!/usr/bin/env python
"""Benchmark gardener on generated gardens of N articles.

For each size N it makes a garden (a scaffold from `gardener new`, then `gardener import` of N
generated raw sources in the shapes the importer handles: clippings with front-matter, scraped
pages, hard-wrapped PDF dumps), then measures, side by side in one run:

- import: seconds and MB/s of raw text (reported, not part of the analysis figures);
- analysis alone: loading, concept mentions and timeline for the whole garden, cold cache;
- `mkdocs build` with the gardener plugin vs the same docs with the plugin removed (plain
  Material with jieba search): the whole process timed from start to exit, its CPU and peak
  RSS (the build process's, and the largest of any process it started), best of --repeat
  runs, alternating, then one more round whose memory (PSS with workers) is sampled, which
  takes CPU and so is never timed. The
  plain build is run twice over: with MkDocs' own navigation (every article in one folder
  section, which every article page then carries: quadratic, so skipped above
  --plain-folder-max articles) and with the plugin's navigation written out as an explicit
  `nav:` (years, months in large years), the like-for-like comparison at every size;
- search index size with and without gardener (the whole search/ folder: with the sharded index,
  the manifest, shards and page files; `--search` adds what a reader's first query fetches,
  scripts/bench_search.py);
- with --sequential, the plugin build again on one core (`parallel_build: false`), so the
  split of the pages over two cores is seen against both;
- incremental: a warm in-process rebuild after a one-article edit, as `mkdocs serve` does it,
  with the seconds spent in gardener's hooks (the garden's share of the rebuild);
- save-to-served: a real `mkdocs serve` of the garden and one of its plain twin (a copy with the
  plugin removed and the same navigation), side by side; an article is saved with a new
  sentence, alternately in each, and the page is fetched over HTTP until the sentence shows
  (median of --serve-edits saves; gardens up to --serve-max articles).

Usage: python scripts/bench.py [--sizes 100,1000,10000] [--repeat 2] [--extra DIR] [--work DIR]
                              [--plain-folder-max 1000] [--incremental-max 1000] [--connections]
                              [--search] [--serve-max 1000] [--serve-edits 5] [--serve-only]
                              [--sequential]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
FOOTER = "热门推荐|示例站点 热门推荐\n\n1\n\n另一篇无关的文章\n\n2024-02-23\n\n推荐内容的摘要。\n"


def paragraphs(folders: list[Path]) -> list[str]:
    """Paragraphs of real prose from the seeds (and any extra folder of Markdown)."""
    from gardener.sources.decoding import decode

    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix not in {".md", ".txt"} or not path.is_file():
                continue
            text, _ = decode(path.read_bytes(), str(path))
            for block in re.split(r"\n\s*\n", text):
                block = block.strip()
                if len(block) >= 60 and not block.startswith(("---", "#", "!", "<", "|", "```")):
                    found.append(block)
    return found


def raw_article(i: int, rng: random.Random, prose: list[str]) -> tuple[str, str]:
    """(file name, text) of one generated source in one of three shapes."""
    year = rng.randint(2015, 2025)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    title = f"生成文章 {i}：{rng.choice(prose)[:14].strip()}"
    body = "\n\n".join(rng.sample(prose, rng.randint(6, 16)))
    body = f"{year} 年 {month} 月，示例机构发布了第 {i} 号报告。\n\n## 正文\n\n{body}"
    shape = i % 3
    if shape == 0:
        front = (f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n"
                 f"created: {year}-{month:02d}-{day:02d}T09:30:00\n"
                 f"author: 作者{i % 97}\ntags: [生成, 第{i % 7}组]\n---\n\n")
        return f"a{i:05d}.md", front + body + "\n"
    if shape == 1:
        head = (f"动态 > {title}\n\n{title}\n\n浏览量 {rng.randint(10, 9999)} "
                f"{year}年{month:02d}月{day:02d}日 示例科技发布\n\n")
        tail = f"\n\n本文来自:https://example.org/n/{i}.html 转载请注明\n" + FOOTER
        return f"a{i:05d}.txt", head + body + tail
    # page breaks mid-sentence, between two Chinese characters as a PDF dump has them
    wrapped = re.sub(r"([^\n]{37}[\u4e00-\u9fff])(?=[\u4e00-\u9fff])", r"\1\n\n", body, count=3)
    return f"a{i:05d}.txt", f"{title}\n\nTo: 读者\n\nDate: {year} - {month:02d} - {day:02d}\n\n{wrapped}\n"


def make_garden(n: int, work: Path, prose: list[str]) -> tuple[Path, dict]:
    from gardener.site.scaffold import new_garden
    from gardener.sources.importing import import_sources

    garden = work / f"garden-{n}"
    if garden.exists():
        shutil.rmtree(garden)
    new_garden(garden, f"基准花园 {n}")
    raw = work / f"raw-{n}"
    if raw.exists():
        shutil.rmtree(raw)
    raw.mkdir(parents=True)
    rng = random.Random(n)
    size = 0
    for i in range(n):
        name, text = raw_article(i, rng, prose)
        (raw / name).write_text(text, encoding="utf-8")
        size += len(text.encode("utf-8"))
    start = time.perf_counter()
    result = import_sources([raw], garden / "docs" / "articles")
    seconds = time.perf_counter() - start
    assert result.ok, result.failures[:3]
    return garden, {"raw_mb": size / 1e6, "import_s": seconds, "articles": len(result.articles)}


def analysis(garden: Path) -> dict:
    from gardener.garden.cache import AnalysisCache
    from gardener.options import Options
    from gardener.pages.site import GardenSite

    docs = garden / "docs"
    size = sum(p.stat().st_size for p in (docs / "articles").glob("*.md"))
    start = time.perf_counter()
    site = GardenSite(docs, Options(timeline_file=str(garden / "timeline.yml")), AnalysisCache())
    seconds = time.perf_counter() - start
    return {"analysis_s": seconds, "analysis_mb_s": size / 1e6 / seconds,
            "events": len(site.timeline.events), "articles_mb": size / 1e6}


def plain_config(garden: Path) -> Path:
    text = (garden / "mkdocs.yml").read_text(encoding="utf-8")
    plain = garden / "mkdocs-plain.yml"
    plain.write_text(re.sub(r"^  - gardener\n", "", text, flags=re.M), encoding="utf-8")
    return plain


def plain_nav_config(garden: Path) -> Path:
    """The plain build with the navigation the plugin would make, written out as `nav:`."""
    from gardener.garden.loading import load_garden
    from gardener.options import read_options
    from gardener.pages.nav_tree import nav_tree
    from gardener.site.export import nav_entry

    options = read_options(garden / "mkdocs.yml")
    loaded = load_garden(garden / "docs", options.articles_dir, options.concepts_dir)
    listed = [a for a in loaded.articles if a.listed]
    nav = ["index.md", {"文章": [nav_entry(*group)
                               for group in nav_tree(listed, options.articles_dir)]}]
    if options.concepts_in_nav:  # as the plugin does: concept pages are built, not listed
        nav.append({"概念": [{c.title: c.path} for c in loaded.concepts]})
    text = plain_config(garden).read_text(encoding="utf-8")
    plain = garden / "mkdocs-plain-nav.yml"
    # JSON is YAML: no quoting rules to get wrong for titles with colons or quotes
    plain.write_text(f"{text}\nnav: {json.dumps(nav, ensure_ascii=False)}\n", encoding="utf-8")
    return plain


def child_build(config: str, site: str) -> None:
    """Run one build in this process as `mkdocs build` runs it (the plugins' startup and
    shutdown around the build) and print the seconds of the build alone and its peak RSS as
    JSON (the caller times the whole process)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    start = time.perf_counter()
    loaded = load_config(config, site_dir=site)
    loaded.plugins.on_startup(command="build", dirty=False)
    try:
        build(loaded)
    finally:
        loaded.plugins.on_shutdown()
    seconds = time.perf_counter() - start
    # the largest RSS of this process and every process it started (each is reaped by now;
    # measured here, not by the caller, whose own peak a process it forks starts from)
    largest = max(peak_rss_mb(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    print(json.dumps({"build_s": seconds, "cpu_s": cpu_seconds(), "rss_mb": peak_rss_mb(),
                      "max_rss_mb": largest}))


def cpu_seconds() -> float:
    """User and system time of this process and of the children it has waited for. On a shared
    machine wall time grows with everyone else's load; CPU time much less."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def tree_pss_mb(pid: int) -> float:
    """Proportional set size of a process and its descendants: pages a forked worker shares with
    its parent count once, not twice."""
    return sum(_pss_mb(p) for p in _tree(pid))


def _tree(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found += _tree(int(child))
    return found


def _pss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:  # the process ended between listing and reading
        pass
    return 0.0


def peak_rss_mb() -> float:
    """This process's peak resident memory. Not getrusage: Linux carries ru_maxrss over exec,
    so a child would report its parent's peak; VmHWM belongs to the new address space."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_build(garden: Path, config: Path, site: Path, *, sample: bool = False) -> dict:
    """One build in a fresh process, timed from here from start to exit (what `mkdocs build`
    costs whoever waits for it): wall seconds, CPU seconds of the process and every process it
    waited for, the largest RSS of any of them, and the build process's own peak RSS. With
    `sample`, the memory of the process and its workers is sampled from here every 50 ms
    (their PSS): reading it takes CPU a build on two cores would use, so a sampled build is
    never the one timed."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, __file__, "--child-build", str(config), str(site)],
                                 cwd=garden, stdout=out, stderr=err, text=True, env=env)
        peak = 0.0
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG if sample else 0)
            if pid:
                break
            peak = max(peak, tree_pss_mb(child.pid))
            time.sleep(0.05)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"build of {config} failed:\n{err.read()[-3000:]}")
        said = json.loads(out.read().strip().splitlines()[-1])
        return {**said, "seconds": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
                "tree_mb": peak}


def without_search(config: Path) -> Path:
    """The same config without Material's search plugin: what search costs each build."""
    text = config.read_text(encoding="utf-8")
    bare = re.sub(r"^  - search:\n(?:      .*\n|        .*\n)*", "", text, flags=re.M)
    if bare == text:
        raise SystemExit(f"no search plugin found in {config}")
    out = config.with_name(config.stem + "-nosearch.yml")
    out.write_text(bare, encoding="utf-8")
    return out


def sequential_config(garden: Path) -> Path:
    """The garden's mkdocs.yml with the plugin building every page in the build's process."""
    config = garden / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    changed = re.sub(r"^  - gardener:?\n", "  - gardener:\n      parallel_build: false\n", text,
                     count=1, flags=re.M)
    if changed == text:
        raise SystemExit(f"no gardener plugin found in {config}")
    out = garden / "mkdocs-sequential.yml"
    out.write_text(changed, encoding="utf-8")
    return out


def builds(garden: Path, repeat: int, folder_nav: bool, no_search: bool = False,
           sequential: bool = False) -> dict:
    configs = {"plugin": garden / "mkdocs.yml", "plain_nav": plain_nav_config(garden)}
    if sequential:
        configs["plugin_sequential"] = sequential_config(garden)
    if no_search:
        configs["plugin_nosearch"] = without_search(configs["plugin"])
        configs["plain_nav_nosearch"] = without_search(configs["plain_nav"])
    if folder_nav:
        configs["plain"] = plain_config(garden)
    best: dict[str, dict] = {}
    pss: dict[str, float] = {}
    for run in range(repeat + 1):
        for name, config in configs.items():
            cache = garden / ".cache"
            if cache.exists():
                shutil.rmtree(cache)  # every build starts cold: no help from a previous run
            # the last round samples memory and is not timed
            sampled = run == repeat
            result = timed_build(garden, config, garden / f"site-{name}", sample=sampled)
            if sampled:
                pss[name] = result["tree_mb"]
                print(f"    {name}: peak PSS with workers {result['tree_mb']:.0f} MB (sampled)",
                      flush=True)
                continue
            print(f"    {name}: {result['seconds']:.1f} s, CPU {result['cpu_s']:.1f} s, peak RSS "
                  f"{result['rss_mb']:.0f} MB, largest RSS of any of its processes "
                  f"{result['max_rss_mb']:.0f} MB (load {os.getloadavg()[0]:.1f})", flush=True)
            if name not in best or result["cpu_s"] < best[name]["cpu_s"]:
                best[name] = result
    for name, result in best.items():
        result["tree_mb"] = pss.get(name, 0.0)
    from gardener.site.linkcheck import check_site

    row = {"broken_links": len(check_site(garden / "site-plugin"))}
    for name, result in best.items():
        # the whole search folder: Material's one index, or the sharded index's manifest,
        # shards and page files (what a reader fetches is measured by bench_search.py)
        search = [p for p in (garden / f"site-{name}" / "search").rglob("*") if p.is_file()]
        row.update({f"build_{name}_s": result["seconds"], f"rss_{name}_mb": result["rss_mb"],
                    f"maxrss_{name}_mb": result["max_rss_mb"],
                    f"tree_{name}_mb": result["tree_mb"], f"cpu_{name}_s": result["cpu_s"],
                    f"index_{name}_mb": sum(p.stat().st_size for p in search) / 1e6})
    return row


def incremental(garden: Path) -> dict:
    """Two in-process builds, as `mkdocs serve` runs them: cold, then after one edit."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from gardener.site.mkdocs import plugin

    cache = garden / ".cache"
    if cache.exists():
        shutil.rmtree(cache)
    site = garden / "site-serve"
    # As `mkdocs serve` does: startup once, then builds that keep the plugin object.
    config = load_config(str(garden / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=False)
    start = time.perf_counter()
    build(config)
    cold = time.perf_counter() - start
    cold_share = sum(plugin.LAST_BUILD.values())
    article = sorted((garden / "docs" / "articles").glob("*.md"))[7]
    article.write_text(article.read_text(encoding="utf-8") + "\n编辑后新增的一句话。\n",
                       encoding="utf-8")
    start = time.perf_counter()
    build(config)
    warm = time.perf_counter() - start
    return {"rebuild_cold_s": cold, "garden_cold_s": cold_share, "rebuild_warm_s": warm,
            "garden_warm_s": sum(plugin.LAST_BUILD.values()),
            "garden_warm_parts": {k: round(v, 4) for k, v in plugin.LAST_BUILD.items()}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        # the server holds a request while it rebuilds, so a long timeout is no delay
        with urllib.request.urlopen(url, timeout=600) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


class Served:
    """One `mkdocs serve` process of a garden (or its plain twin), and one article in it."""

    def __init__(self, garden: Path, config: Path, article: Path, name: str) -> None:
        self.name, self.article = name, article
        self.port = free_port()
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        self.log = open(garden / f"serve-{name}.log", "w", encoding="utf-8")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-f", str(config),
             "-a", f"127.0.0.1:{self.port}"],
            cwd=garden, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        slug = article.stem  # gardener import names files after their slugs
        self.url = f"http://127.0.0.1:{self.port}/articles/{slug}/"

    def ready(self, timeout: float = 1800) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"mkdocs serve ({self.name}) stopped: see {self.log.name}")
            if fetch(self.url) is not None:
                return
            time.sleep(0.5)
        raise SystemExit(f"mkdocs serve ({self.name}) did not start in {timeout} s")

    def save_to_served(self, mark: str, timeout: float = 1800) -> float:
        """Seconds from saving the article with mark in it to the served page showing it."""
        text = self.article.read_text(encoding="utf-8")
        start = time.perf_counter()
        self.article.write_text(f"{text}\n{mark}\n", encoding="utf-8")
        while time.perf_counter() - start < timeout:
            page = fetch(self.url)
            if page is not None and mark in page:
                return time.perf_counter() - start
            time.sleep(0.02)
        raise SystemExit(f"{mark} never showed in {self.url}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def serve_latency(garden: Path, edits: int) -> dict:
    """Save-to-served seconds in real `mkdocs serve` processes: gardener and the plain twin
    (its own copy of the docs, so a save wakes one server only), edits alternating."""
    twin = garden.parent / f"{garden.name}-plain"
    if twin.exists():
        shutil.rmtree(twin)
    shutil.copytree(garden / "docs", twin / "docs")
    shutil.copy(plain_nav_config(garden), twin / "mkdocs.yml")
    article = sorted((garden / "docs" / "articles").glob("*.md"))[7]
    servers = [Served(garden, garden / "mkdocs.yml", article, "gardener"),
               Served(twin, twin / "mkdocs.yml", twin / "docs" / "articles" / article.name,
                      "plain")]
    times: dict[str, list[float]] = {s.name: [] for s in servers}
    try:
        for server in servers:
            server.ready()
        for i in range(edits):
            for server in servers:
                time.sleep(1.0)  # let the watcher settle after the last rebuild
                seconds = server.save_to_served(f"savemark{i}x{random.randrange(10**9)}")
                times[server.name].append(seconds)
                print(f"    serve {server.name} edit {i + 1}: {seconds:.2f} s "
                      f"(load {os.getloadavg()[0]:.1f})", flush=True)
    finally:
        for server in servers:
            server.stop()
    row = {f"serve_{name}_s": statistics.median(values) for name, values in times.items()}
    row.update({f"serve_{name}_all": [round(v, 2) for v in values]
                for name, values in times.items()})
    row["serve_load"] = os.getloadavg()[0]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--extra", type=Path, action="append", default=[],
                        help="another folder of Markdown to draw paragraphs from")
    parser.add_argument("--work", type=Path, default=Path("/tmp/gardener-bench"))
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--plain-folder-max", type=int, default=1000,
                        help="largest garden to build plain with MkDocs' folder navigation")
    parser.add_argument("--incremental-max", type=int, default=1000,
                        help="largest garden to time the serve-style one-edit rebuild in")
    parser.add_argument("--connections", action="store_true",
                        help="also build each garden with wikilinks added, connections on and off "
                             "(scripts/bench_connections.py)")
    parser.add_argument("--no-search", action="store_true",
                        help="also build both without Material's search plugin, to see its share")
    parser.add_argument("--serve-max", type=int, default=1000,
                        help="largest garden to time save-to-served in a real `mkdocs serve` in")
    parser.add_argument("--serve-edits", type=int, default=5)
    parser.add_argument("--serve-only", action="store_true",
                        help="only the save-to-served measurement (no analysis or builds)")
    parser.add_argument("--search", action="store_true",
                        help="also measure the first query in Chromium, Material's index against "
                             "the sharded one (scripts/bench_search.py)")
    parser.add_argument("--sequential", action="store_true",
                        help="also build with the plugin on one core (parallel_build: false)")
    parser.add_argument("--child-build", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:
        child_build(*args.child_build)
        return
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    import logging

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    prose = paragraphs([SEEDS, *args.extra])
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores; "
          f"{len(prose)} source paragraphs", flush=True)
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        garden, row = make_garden(n, args.work, prose)
        row["n"] = n
        print(f"[{n}] imported {row['articles']} articles ({row['raw_mb']:.1f} MB) in "
              f"{row['import_s']:.1f} s", flush=True)
        if args.serve_only:
            row.update(serve_latency(garden, args.serve_edits))
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
            continue
        row.update(analysis(garden))
        print(f"[{n}] analysis {row['analysis_s']:.2f} s", flush=True)
        row.update(builds(garden, args.repeat, folder_nav=n <= args.plain_folder_max,
                          no_search=args.no_search, sequential=args.sequential))
        if n <= args.incremental_max:
            row.update(incremental(garden))
        if n <= args.serve_max:
            row.update(serve_latency(garden, args.serve_edits))
        if args.connections:
            import bench_connections

            row["connections"] = bench_connections.measure(garden, args.repeat)
            bench_connections.print_table(n, row["connections"])
        if args.search:
            import bench_search

            row["search"] = bench_search.cost(args.work, n)
            bench_search.print_cost([row["search"]])
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    if args.serve_only:
        print_serve_table(rows)
    else:
        print_table(rows)
    if args.no_search and not args.serve_only:
        print("\n| articles | CPU plugin s | plain s | ratio | without search: plugin s | plain s "
              "| ratio | search's share of the gap s |")
        print("|" + "---|" * 8)
        for r in rows:
            gap = r["cpu_plugin_s"] - r["cpu_plain_nav_s"]
            bare = r["cpu_plugin_nosearch_s"] - r["cpu_plain_nav_nosearch_s"]
            print(f"| {r['n']:,} | {r['cpu_plugin_s']:.1f} | {r['cpu_plain_nav_s']:.1f} "
                  f"| {r['cpu_plugin_s'] / r['cpu_plain_nav_s']:.2f} "
                  f"| {r['cpu_plugin_nosearch_s']:.1f} | {r['cpu_plain_nav_nosearch_s']:.1f} "
                  f"| {r['cpu_plugin_nosearch_s'] / r['cpu_plain_nav_nosearch_s']:.2f} "
                  f"| {gap - bare:.1f} of {gap:.1f} |")
    if args.sequential and not args.serve_only:
        print_parallel_table(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


def print_table(rows: list[dict]) -> None:
    def num(row, key, fmt):
        return format(row[key], fmt) if key in row else "–"

    def ratio(row, a, b):
        return f"{row[a] / row[b]:.2f}" if a in row and b in row else "–"

    print("\n| articles | MB | analysis s | MB/s | s per 1,000 | build plugin s | plain same nav s "
          "| ratio | CPU plugin s | CPU plain same nav s | ratio | plain folder nav s | ratio "
          "| RSS plugin MB | RSS plain same nav MB | ratio "
          "| PSS with workers, plugin MB | plain MB | ratio "
          "| index plugin MB | index plain MB | ratio | garden share of warm rebuild s |")
    print("|" + "---|" * 23)
    for r in rows:
        print(f"| {r['n']:,} | {r['articles_mb']:.1f} | {r['analysis_s']:.2f} | {r['analysis_mb_s']:.1f} "
              f"| {r['analysis_s'] * 1000 / r['n']:.2f} | {r['build_plugin_s']:.1f} "
              f"| {r['build_plain_nav_s']:.1f} | {ratio(r, 'build_plugin_s', 'build_plain_nav_s')} "
              f"| {num(r, 'cpu_plugin_s', '.1f')} | {num(r, 'cpu_plain_nav_s', '.1f')} "
              f"| {ratio(r, 'cpu_plugin_s', 'cpu_plain_nav_s')} "
              f"| {num(r, 'build_plain_s', '.1f')} | {ratio(r, 'build_plugin_s', 'build_plain_s')} "
              f"| {r['rss_plugin_mb']:.0f} | {r['rss_plain_nav_mb']:.0f} "
              f"| {ratio(r, 'rss_plugin_mb', 'rss_plain_nav_mb')} | {num(r, 'tree_plugin_mb', '.0f')} "
              f"| {num(r, 'tree_plain_nav_mb', '.0f')} | {ratio(r, 'tree_plugin_mb', 'tree_plain_nav_mb')} "
              f"| {r['index_plugin_mb']:.2f} "
              f"| {r['index_plain_nav_mb']:.2f} | {ratio(r, 'index_plugin_mb', 'index_plain_nav_mb')} "
              f"| {num(r, 'garden_warm_s', '.3f')} |")


def print_parallel_table(rows: list[dict]) -> None:
    """The plugin on two cores and on one, each against plain Material with the same nav."""
    print("\n| articles | build | wall s | CPU s | peak RSS MB | largest RSS of any process MB "
          "| PSS with workers MB | wall / plain | CPU / plain | RSS / plain | largest / plain "
          "| PSS / plain |")
    print("|" + "---|" * 12)
    keys = (("build", "s"), ("cpu", "s"), ("rss", "mb"), ("maxrss", "mb"), ("tree", "mb"))
    for r in rows:
        plain = [r.get(f"{k}_plain_nav_{u}", 0.0) for k, u in keys]
        for name, label in (("plain_nav", "plain Material"), ("plugin_sequential", "one core"),
                            ("plugin", "two cores")):
            if f"build_{name}_s" not in r:
                continue
            mine = [r.get(f"{k}_{name}_{u}", 0.0) for k, u in keys]
            ratios = " | ".join(f"{a / b:.2f}" if b else "–"
                                for a, b in zip(mine, plain, strict=True))
            print(f"| {r['n']:,} | {label} | {mine[0]:.1f} | {mine[1]:.1f} | {mine[2]:.0f} "
                  f"| {mine[3]:.0f} | {mine[4]:.0f} | {ratios} |")


def print_serve_table(rows: list[dict]) -> None:
    print("\n| articles | save-to-served gardener s (median) | plain same nav s (median) | ratio "
          "| load average |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['n']:,} | {r['serve_gardener_s']:.2f} | {r['serve_plain_s']:.2f} "
              f"| {r['serve_gardener_s'] / r['serve_plain_s']:.2f} | {r['serve_load']:.1f} |")


if __name__ == "__main__":
    main()
