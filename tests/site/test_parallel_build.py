"""`mkdocs build` on two cores (site/mkdocs/parallel.py) makes the site a build on one core makes,
byte for byte, and says what it would say; a worker that fails leaves its pages to the build."""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

DRIVER = Path(__file__).with_name("page_worker_faults.py")
SPLIT = "pages built by a worker"
STREAMED = "sharded search index, made as pages were built"
NOT_STREAMED = "the index was not made while pages were built"


def sequential_config(root: Path) -> Path:
    """The garden's mkdocs.yml with `parallel_build: false`."""
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    changed = re.sub(r"^  - gardener:?\n", "  - gardener:\n      parallel_build: false\n", text,
                     count=1, flags=re.M)
    assert changed != text
    path = root / "mkdocs-sequential.yml"
    path.write_text(changed, encoding="utf-8")
    return path


def build(root: Path, config: Path, site: str, fault: str = "none",
          marks: Path | None = None) -> subprocess.CompletedProcess:
    """A real `mkdocs build --strict -v` through MkDocs' command line, with one fault put in."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if marks is not None:
        env["WORKER_MARKS"] = str(marks)
    return subprocess.run(
        [sys.executable, str(DRIVER), fault, "build", "--strict", "-v", "-f", str(config),
         "-d", str(root / site)], capture_output=True, text=True, env=env, cwd=root)


def site_files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file()}


def said(run: subprocess.CompletedProcess, root: Path) -> Counter:
    """What the build said at INFO and above (the debug lines name the config and the site
    folder, which differ between the two builds compared), as a multiset of lines."""
    lines, level = [], None
    for line in run.stderr.splitlines():
        head = re.match(r"(DEBUG|INFO|WARNING|ERROR)\s+-  ", line)
        if head:
            level = head.group(1)
        if level in (None, "DEBUG") or "Documentation built in" in line:
            continue
        lines.append(line.replace(str(root), "ROOT").replace("site-sequential", "SITE")
                     .replace("site-parallel", "SITE"))
    return Counter(lines)


def pages_built(run: subprocess.CompletedProcess) -> Counter:
    return Counter(re.findall(r"Building page (\S+)", run.stderr))


def assert_same_build(parallel, sequential, root: Path) -> None:
    assert parallel.returncode == sequential.returncode == 0, parallel.stderr[-3000:]
    assert SPLIT in parallel.stderr and SPLIT not in sequential.stderr
    assert said(parallel, root) == said(sequential, root)
    assert "Page skipped" not in parallel.stderr
    # each page is said to be built once, as in the sequential build
    assert pages_built(parallel) == pages_built(sequential)
    assert set(pages_built(parallel).values()) == {1}
    assert_same_site(root / "site-parallel", root / "site-sequential")


def assert_same_site(one: Path, other: Path) -> None:
    ours, theirs = site_files(one), site_files(other)
    assert ours.keys() == theirs.keys()
    assert [name for name in ours if ours[name] != theirs[name]] == []


def _bench():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_garden_is_the_same_built_on_two_cores(tmp_path):
    """A garden of 240 generated articles with tags, dates and the starter concepts."""
    bench = _bench()
    root, _row = bench.make_garden(240, tmp_path, bench.paragraphs([SEEDS]))
    sequential = build(root, sequential_config(root), "site-sequential")
    parallel = build(root, root / "mkdocs.yml", "site-parallel")
    assert_same_build(parallel, sequential, root)
    assert (root / "site-parallel" / "search" / "search_index.json").exists()
    taken = re.search(r"Markdown of (\d+) of (\d+) pages rendered by a worker.*gardener's "
                      r"Markdown of (\d+) made there", parallel.stderr)
    assert taken and taken.group(1) == taken.group(2) != "0"
    # gardener's own Markdown of the worker's articles and concept pages came from the worker
    assert int(taken.group(3)) >= 120
    # the sharded index was made while pages were built, from both processes' pages
    assert STREAMED in parallel.stderr and STREAMED in sequential.stderr
    # and it is the index written from Material's entries after the last page, helped by a
    # second process in that case
    after = build(root, root / "mkdocs.yml", "site-after", "no-index-stream")
    assert STREAMED not in after.stderr
    helped = re.search(r"'pages_helped': (\d+)", after.stderr)
    assert helped and int(helped.group(1)) > 0
    assert_same_site(root / "site-after", root / "site-parallel")


@pytest.mark.parametrize("shards", ["true", "false"])
def test_repo_garden_is_the_same_built_on_two_cores(repo_copy, shards):
    """With the sharded index and with Material's own (whose entries must be in page order)."""
    config = repo_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - gardener:\n", f"  - gardener:\n      search_shards: {shards}\n", 1), encoding="utf-8")
    sequential = build(repo_copy, sequential_config(repo_copy), "site-sequential")
    parallel = build(repo_copy, config, "site-parallel")
    assert_same_build(parallel, sequential, repo_copy)


def test_strict_counts_the_warnings_of_the_workers_pages(repo_copy, tmp_path):
    marks = tmp_path / "worker-pages"
    sequential = build(repo_copy, sequential_config(repo_copy), "site-sequential", "warn")
    parallel = build(repo_copy, repo_copy / "mkdocs.yml", "site-parallel", "warn", marks)
    warned = marks.read_text(encoding="utf-8").split()
    assert any(uri.startswith("articles/") for uri in warned)  # some warned in the worker
    assert parallel.returncode == sequential.returncode == 1
    # MkDocs prints its verdict on stdout
    aborted = re.search(r"Aborted with (\d+) warnings in strict mode", sequential.stdout)
    assert aborted and aborted.group(0) in parallel.stdout
    assert said(parallel, repo_copy) == said(sequential, repo_copy)


@pytest.mark.parametrize("fault", ["die", "raise"])
def test_a_failed_worker_leaves_its_pages_to_the_build(repo_copy, fault):
    sequential = build(repo_copy, sequential_config(repo_copy), "site-sequential")
    parallel = build(repo_copy, repo_copy / "mkdocs.yml", "site-parallel", fault)
    assert "the page worker failed" in parallel.stderr
    assert_same_build(parallel, sequential, repo_copy)


@pytest.mark.parametrize("fault", ["index-dies", "index-raises"])
def test_a_failed_indexing_process_leaves_the_index_to_the_build(repo_copy, fault):
    sequential = build(repo_copy, sequential_config(repo_copy), "site-sequential")
    parallel = build(repo_copy, repo_copy / "mkdocs.yml", "site-parallel", fault)
    assert NOT_STREAMED in parallel.stderr and STREAMED not in parallel.stderr
    assert "gardener: sharded search index {" in parallel.stderr  # written after the last page
    assert STREAMED in sequential.stderr
    assert_same_build(parallel, sequential, repo_copy)


def test_pages_a_failed_worker_sent_to_the_index_count_once(repo_copy):
    """The worker dies at its third page, having sent two to the indexing process: the build
    builds all its pages again and sends them too."""
    sequential = build(repo_copy, sequential_config(repo_copy), "site-sequential")
    parallel = build(repo_copy, repo_copy / "mkdocs.yml", "site-parallel", "die-third")
    assert "the page worker failed" in parallel.stderr
    assert STREAMED in parallel.stderr
    assert_same_build(parallel, sequential, repo_copy)


def test_the_pages_a_slow_worker_has_not_started_are_taken_back(repo_copy):
    sequential = build(repo_copy, sequential_config(repo_copy), "site-sequential")
    parallel = build(repo_copy, repo_copy / "mkdocs.yml", "site-parallel", "slow")
    back = re.search(r"(\d+) of its pages taken back", parallel.stderr)
    assert back and int(back.group(1)) > 0, parallel.stderr[-3000:]
    assert_same_build(parallel, sequential, repo_copy)


@pytest.mark.parametrize("fault", ["slow-reading", "slow-reading-render-dies"])
def test_the_markdown_worker_renders_the_builds_last_pages_when_it_is_ahead(repo_copy, fault):
    parallel, sequential = both_builds(repo_copy, fault)
    taken, of, differed, stolen, _garden = markdown_worker_counts(parallel)
    assert differed == 0
    if fault == "slow-reading":
        assert stolen > 10 and taken == of
    else:  # its pages from the second it took on are rendered here
        assert "the Markdown worker stopped" in parallel.stderr
        assert taken == of - stolen + 1
    assert_same_build(parallel, sequential, repo_copy)


@pytest.mark.parametrize("fault", ["render-dies", "markdown-differs", "source-differs"])
def test_the_markdown_workers_html_is_taken_only_for_the_same_markdown(repo_copy, fault):
    parallel, sequential = both_builds(repo_copy, fault)
    taken, of, differed, _stolen, garden = markdown_worker_counts(parallel)
    if fault == "render-dies":
        assert "the Markdown worker stopped" in parallel.stderr
        assert taken == 2  # it died at its third page
        assert garden == 2  # and gardener's Markdown of those two came with them
    else:
        assert taken == 0 and differed == of
        # the Markdown reached gardener changed (the tags plugin, wrapped, runs before it)
        assert garden == 0
    assert_same_build(parallel, sequential, repo_copy)


def both_builds(root: Path, fault: str) -> tuple[subprocess.CompletedProcess, ...]:
    """The garden built on two cores with the fault, and on one core without it."""
    sequential = build(root, sequential_config(root), "site-sequential")
    return build(root, root / "mkdocs.yml", "site-parallel", fault), sequential


def markdown_worker_counts(run: subprocess.CompletedProcess) -> list[int]:
    """What the build says of the Markdown worker's pages: taken, of, rendered again here,
    taken from the build's share, gardener's Markdown made there."""
    found = re.search(r"Markdown of (\d+) of (\d+) pages rendered by a worker \((\d+) rendered "
                      r"again here.*; (\d+) taken from this process's share.*gardener's Markdown "
                      r"of (\d+) made there", run.stderr)
    assert found, run.stderr[-3000:]
    return [int(number) for number in found.groups()]


def test_a_page_that_cannot_be_built_fails_the_build_as_before(repo_copy):
    article = next((repo_copy / "docs" / "articles").glob("*.md"))
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("---\n", "---\ntemplate: no-such-template.html\n", 1),
                       encoding="utf-8")
    sequential = build(repo_copy, sequential_config(repo_copy), "site-sequential")
    parallel = build(repo_copy, repo_copy / "mkdocs.yml", "site-parallel")
    assert SPLIT in parallel.stderr
    assert parallel.returncode == sequential.returncode == 1
    errors = [line for line in sequential.stderr.splitlines() if line.startswith("ERROR")]
    assert errors and all(line in parallel.stderr for line in errors)
    assert f"Error building page '{article.relative_to(repo_copy / 'docs')}'" in errors[0]


def test_a_plugin_gardener_does_not_know_keeps_the_build_on_one_core(repo_copy):
    (repo_copy / "hooks.py").write_text(
        "seen = []\n\n\ndef on_page_context(context, page, config, nav):\n"
        "    seen.append(page.file.src_uri)\n", encoding="utf-8")
    config = repo_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - hooks.py\n",
                      encoding="utf-8")
    run = build(repo_copy, config, "site-parallel")
    assert run.returncode == 0, run.stderr[-3000:]
    assert "pages built on one core: hook" in run.stderr and "handles page_context" in run.stderr
    assert SPLIT not in run.stderr


def test_a_served_garden_is_built_on_one_core(server, caplog):
    """`mkdocs serve` (here as it builds, in this process) never forks page workers."""
    caplog.set_level(logging.DEBUG, logger="mkdocs")
    server.build()
    said = caplog.text
    assert "gardener: served rebuild" in said  # the plugin spoke at debug level
    assert "rendered by a worker" not in said and SPLIT not in said
    assert "Markdown rendered on one core" not in said  # not refused: never considered


def test_a_warm_build_finds_what_the_markdown_worker_learnt(repo_copy):
    """The analysis cache keeps what the Markdown worker worked out for the pages it rendered
    (their mentions), so the next build misses nothing, whichever process then reads them."""
    cold = build(repo_copy, repo_copy / "mkdocs.yml", "site-parallel", "slow-reading")
    assert cold.returncode == 0, cold.stderr[-3000:]
    assert markdown_worker_counts(cold)[3] > 10  # it took pages the build reads this time
    warm = build(repo_copy, repo_copy / "mkdocs.yml", "site-parallel")
    hits = re.search(r"gardener: cache (\d+) hits, (\d+) misses", warm.stderr)
    assert hits and int(hits.group(1)) > 0 and int(hits.group(2)) == 0, warm.stderr[-2000:]
