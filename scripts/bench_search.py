#!/usr/bin/env python
"""Search in a real browser: what the first query costs, and how well queries find their pages,
for Material's single index and gardener's sharded one, side by side on the same build.

Each garden is built once by the plugin with `search_shards: false` (Material's index, as sites
had it before); the sharded variant is that same site with the plugin's own post-build steps
applied (`search_shards.shard_built_site`, what `gardener search-index` runs), so both
variants hold exactly the same pages and entries.

- cost: in headless Chromium, a cold browser opens the home page and types a query; the bytes of
  every search file fetched (index, shards, pages, worker) until the results show, their gzip
  size (what a host that compresses sends), the time from opening the page to the results, and
  the time of a second query typed after the first;
- quality: a query set over a garden imported from ../shared/corpora (gold-miner, self-llm) with
  the starter concepts; a query's expected pages are those whose title matches a pattern
  (Chinese, English and cross-lingual queries: the pattern is in the other language), scored
  hit@5 and MRR over the results shown.

Usage: python scripts/bench_search.py [--sizes 1000,10000] [--work DIR] [--corpora DIR]
       [--skip-quality] [--json FILE]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import re
import shutil
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402  (scripts/bench.py: garden generation and timed builds)

# (query, pattern a matching page's title satisfies, kind)
QUERIES = [
    ("微调", r"微调|fine-?tun", "zh"),
    ("部署", r"部署|deploy", "zh"),
    ("量化", r"量化|quantiz", "zh"),
    ("强化学习", r"强化学习|GRPO|RLHF|reinforcement", "zh"),
    ("性能优化", r"性能|performance", "zh"),
    ("前端", r"前端|frontend", "zh"),
    ("LoRA", r"lora", "en"),
    ("Qwen", r"qwen", "en"),
    ("GraphQL", r"graphql", "en"),
    ("React", r"react", "en"),
    ("JavaScript", r"javascript|\bjs\b", "en"),
    ("Python", r"python", "en"),
    ("fine-tuning", r"微调|fine-?tun", "cross"),
    ("deploy", r"部署|deploy", "cross"),
    ("大语言模型", r"\bLLM|大语言模型|大模型", "cross"),
    ("缩放定律", r"scaling.?law|缩放定律", "cross"),
    ("注意力机制", r"attention|注意力", "cross"),
    ("浏览器", r"浏览器|browser|chrome", "cross"),
]


def today_config(garden: Path) -> Path:
    """The garden's mkdocs.yml with Material's single index (the sharded index off)."""
    text = (garden / "mkdocs.yml").read_text(encoding="utf-8")
    text, found = re.subn(r"^(  - gardener:?)\n", "  - gardener:\n      search_shards: false\n",
                          text, count=1, flags=re.M)
    assert found, "no gardener plugin entry in mkdocs.yml"
    path = garden / "mkdocs-material-search.yml"
    path.write_text(text, encoding="utf-8")
    return path


def build_both(garden: Path) -> tuple[Path, Path, dict]:
    """(Material-index site, sharded site, figures); built once, reused when present."""
    material, sharded = garden / "site-material-search", garden / "site-sharded-search"
    figures: dict = {}
    if not (material / "search" / "search_index.json").exists():
        result = bench.timed_build(garden, today_config(garden), material)
        figures["build_s"] = result["seconds"]
    if not (sharded / "search" / "shards").exists():
        figures.update(shard_site(material, sharded))
    return material, sharded, figures


def shard_site(material: Path, sharded: Path) -> dict:
    """The plugin's post-build steps applied to a copy of a built site."""
    from gardener.site import search_shards

    if sharded.exists():
        shutil.rmtree(sharded)
    shutil.copytree(material, sharded)
    start = time.perf_counter()
    figures = search_shards.shard_built_site(sharded)
    figures["shard_s"] = time.perf_counter() - start
    return figures


def is_search_file(url: str) -> bool:
    return "/search/" in url or "/workers/search" in url or "search-worker" in url


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site and notes the path and size of every search file it sends."""

    sent: list[tuple[str, int]] = []

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        handle = super().send_head()
        if handle is not None and is_search_file(self.path):
            self.sent.append((self.path, os.fstat(handle.fileno()).st_size))
        return handle


@contextmanager
def counting_server(root: Path):
    handler = functools.partial(_CountingHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.handle_error = lambda request, address: None  # a browser closed mid-transfer
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def first_query(site: Path, query: str, second: str) -> dict:
    """Bytes and times of a first and a second query in a cold browser."""
    from playwright.sync_api import sync_playwright

    from tests.browser.chromium import ARGS, CHROMIUM

    _CountingHandler.sent = []
    with counting_server(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            start = time.perf_counter()
            page.goto(base, wait_until="domcontentloaded")
            _query(page, query)
            first_s = time.perf_counter() - start
            page.wait_for_load_state("networkidle")
            fetched = list(_CountingHandler.sent)
            second_s = _query(page, second)
        finally:
            browser.close()
    return {"first_query_s": first_s, "first_query_bytes": sum(size for _p, size in fetched),
            "first_query_gzip_bytes": sum(_gzip_size(site, path) for path, _size in fetched),
            "first_query_files": len(fetched), "second_query_s": second_s}


def _query(page, text: str) -> float:
    """Type a query as a reader does; seconds until Material shows its results."""
    box = page.locator(".md-search__input")
    box.click()
    start = time.perf_counter()
    box.fill(text)
    box.press("End")
    page.wait_for_function(
        "() => document.querySelectorAll('.md-search-result__item').length > 0"
        " || /没有|No matching/.test(document.querySelector('.md-search-result__meta')?.innerText)",
        timeout=600_000)
    return time.perf_counter() - start


def _gzip_size(site: Path, url_path: str) -> int:
    path = site / url_path.lstrip("/").split("?")[0]
    return len(gzip.compress(path.read_bytes(), 6)) if path.is_file() else 0


def ranked_results(site: Path, queries: list[str]) -> dict[str, list[str]]:
    """query -> result page addresses in the order shown, all typed into one opened page (its
    search loaded once, as a reader's would be)."""
    from tests.browser.chromium import browser_page, serve

    found = {}
    with serve(site) as base, browser_page() as page:
        page.goto(base, wait_until="domcontentloaded")
        box = page.locator(".md-search__input")
        box.click()
        _query(page, "模型")  # not scored: the first query also waits for the index to load
        for query in queries:
            box.fill("")
            box.press("End")
            page.wait_for_function(
                "() => !document.querySelector('.md-search-result__item')", timeout=600_000)
            _query(page, query)
            items = page.locator(".md-search-result__item > a.md-search-result__link")
            hrefs = [items.nth(i).get_attribute("href") for i in range(items.count())]
            found[query] = [h.split("#")[0].split("?")[0].removeprefix(base) for h in hrefs]
    return found


def titles(site: Path) -> dict[str, str]:
    """Page address -> title, from the Material index of the built site."""
    data = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return {d["location"]: d["title"].replace("\u200b", "") for d in data["docs"]
            if "#" not in d["location"]}


def score(found: dict[str, list[str]], pages: dict[str, str]) -> dict:
    rows = {}
    for query, pattern, kind in QUERIES:
        expected = {loc for loc, title in pages.items() if re.search(pattern, title, re.I)}
        shown = list(dict.fromkeys(found[query]))
        ranks = [i for i, loc in enumerate(shown, 1) if loc in expected]
        rows[query] = {"kind": kind, "expected": len(expected), "hit5": bool(ranks and ranks[0] <= 5),
                       "rr": 1 / ranks[0] if ranks else 0.0,
                       "found10": len([r for r in ranks if r <= 10])}
    return rows


def corpora_garden(work: Path, corpora: Path) -> Path:
    from gardener.site.scaffold import new_garden
    from gardener.sources.importing import import_sources

    garden = work / "garden-corpora"
    if (garden / "docs" / "articles").is_dir():
        return garden
    new_garden(garden, "语料花园")
    result = import_sources([corpora / "gold-miner", corpora / "self-llm"],
                            garden / "docs" / "articles")
    print(f"[corpora] imported {len(result.articles)} articles", flush=True)
    return garden


def quality(work: Path, corpora: Path) -> dict:
    garden = corpora_garden(work, corpora)
    material, sharded, _ = build_both(garden)
    pages = titles(material)
    queries = [q for q, _p, _k in QUERIES]
    out = {}
    for name, site in (("material", material), ("sharded", sharded)):
        out[name] = score(ranked_results(site, queries), pages)
    return out


def cost(work: Path, n: int, variants: tuple[str, ...] = ("material", "sharded")) -> dict:
    garden = work / f"garden-{n}"
    if not (garden / "docs" / "articles").is_dir() or \
            len(list((garden / "docs" / "articles").glob("*.md"))) < n:
        garden, _ = bench.make_garden(n, work, bench.paragraphs([bench.SEEDS]))
    material, sharded, figures = build_both(garden)
    row: dict = {"n": n, **figures, "load": os.getloadavg()[0]}
    # alternating, twice each: the two variants share the machine's load alike
    for attempt in range(2):
        for name, site in (("material", material), ("sharded", sharded)):
            if name not in variants:
                continue
            result = first_query(site, "模型", "scaling")
            print(f"[{n}] {name} #{attempt + 1}: {result}", flush=True)
            best = row.get(name)
            if best is None or result["first_query_s"] < best["first_query_s"]:
                row[name] = result
    row["material_index_bytes"] = (material / "search" / "search_index.json").stat().st_size
    # Material's first query costs its whole index whatever is typed; the sharded one's
    # depends on the words: a single letter, a stop word, the most common Chinese word, a
    # long pasted sentence
    sentence = _long_sentence(sharded)
    row["sharded_queries"] = {}
    for query in ("s", "the", "的", "模型 scaling law", sentence):
        result = first_query(sharded, query, "scaling")
        row["sharded_queries"][query[:12]] = result
        print(f"[{n}] sharded {query[:12]!r}: {result}", flush=True)
    return row


def _long_sentence(site: Path) -> str:
    """Sixty Chinese characters of a page's text, as a reader might paste them."""
    from gardener.site.search_shards import read_entries

    for entry in read_entries(site):
        chinese = "".join(ch for ch in entry["text"] if "\u4e00" <= ch <= "\u9fff")
        if len(chinese) >= 60:
            return chinese[:60]
    return "模型" * 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--work", type=Path, default=Path("/tmp/gardener-bench-search"))
    parser.add_argument("--corpora", type=Path, default=ROOT.parent.parent / "shared" / "corpora")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--variants", default="material,sharded",
                        help="which indexes to time the first query of (Material's takes minutes "
                             "at 10,000 articles)")
    parser.add_argument("--reshard", action="store_true",
                        help="make the sharded sites again from the Material builds")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    args.work.mkdir(parents=True, exist_ok=True)
    report: dict = {"cost": [], "quality": None}
    if not args.skip_quality:
        report["quality"] = quality(args.work, args.corpora)
        print_quality(report["quality"])
    for n in (int(s) for s in args.sizes.split(",") if s):
        if args.reshard:
            shutil.rmtree(args.work / f"garden-{n}" / "site-sharded-search", ignore_errors=True)
        report["cost"].append(cost(args.work, n, tuple(args.variants.split(","))))
        print_cost(report["cost"])
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


def print_cost(rows: list[dict]) -> None:
    print("\n| articles | sharded, first query | bytes (gzip) | files | open+first query s |")
    print("|---|---|---|---|---|")
    for row in rows:
        for query, r in row.get("sharded_queries", {}).items():
            print(f"| {row['n']:,} | {query} | {r['first_query_bytes'] / 1e6:.2f} MB "
                  f"({r['first_query_gzip_bytes'] / 1e6:.2f} MB) | {r['first_query_files']} "
                  f"| {r['first_query_s']:.2f} |")
    print("\n| articles | load | index | first query bytes (gzip) | files | open+first query s "
          "| second query s |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        for name in ("material", "sharded"):
            if name not in row:
                continue
            r = row[name]
            print(f"| {row['n']:,} | {row['load']:.1f} | {name} | {r['first_query_bytes'] / 1e6:.2f} MB "
                  f"({r['first_query_gzip_bytes'] / 1e6:.2f} MB) | {r['first_query_files']} "
                  f"| {r['first_query_s']:.2f} | {r['second_query_s']:.2f} |")


def print_quality(result: dict) -> None:
    print("\n| query | kind | expected pages | Material hit@5 / RR | sharded hit@5 / RR |")
    print("|---|---|---|---|---|")
    for query, _pattern, kind in QUERIES:
        m, s = result["material"][query], result["sharded"][query]
        print(f"| {query} | {kind} | {m['expected']} | {int(m['hit5'])} / {m['rr']:.2f} "
              f"| {int(s['hit5'])} / {s['rr']:.2f} |")
    for name in ("material", "sharded"):
        rows = result[name].values()
        print(f"{name}: hit@5 {sum(r['hit5'] for r in rows) / len(rows):.2f}, "
              f"MRR {sum(r['rr'] for r in rows) / len(rows):.3f}")


if __name__ == "__main__":
    main()
