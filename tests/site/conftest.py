"""A garden of real GitHub-style articles (tests/fixtures/render), built with the repo's own
mkdocs.yml by a real `mkdocs build --strict`, once per session."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import ROOT, build_site

RENDER = ROOT / "tests" / "fixtures" / "render"
ARTICLES = sorted(RENDER.glob("*.md"))
# A concept whose name occurs in one article both in prose and inside formulas
# (\text{softmax}): prose mentions are linked, formulas stay as written.
SOFTMAX = """---
title: Softmax
aliases:
  - softmax
summary: 把一组分数变成和为 1 的概率分布的函数。
---

Softmax 对每个分数取指数，再除以所有指数之和。
"""


def garden_config(root) -> str:
    """The repo's mkdocs.yml, linking every mention (so a formula could not hide behind the
    first-mention rule) and taking the articles' relative images, which are not copied, as
    information rather than a strict-mode failure."""
    yaml = YAML(typ="rt")
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "gardener" in entry:
            entry["gardener"]["link_policy"] = "all"
            entry["gardener"]["timeline"] = False
            entry["gardener"]["cache"] = False
    config["validation"] = {"links": {"not_found": "info"}}
    buffer = io.StringIO()
    yaml.dump(config, buffer)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def render_garden(tmp_path_factory):
    """(source folder, built site) of the render garden."""
    root = tmp_path_factory.mktemp("render-garden")
    (root / "mkdocs.yml").write_text(garden_config(root), encoding="utf-8")
    articles = root / "docs" / "articles"
    articles.mkdir(parents=True)
    for source in ARTICLES:
        # The articles have no front-matter of their own; the body is the file, byte for byte.
        front = f"---\ntitle: {source.stem}\n---\n\n"
        (articles / source.name).write_text(front + source.read_text(encoding="utf-8"),
                                            encoding="utf-8")
    (root / "docs" / "concepts").mkdir()
    (root / "docs" / "concepts" / "softmax.md").write_text(SOFTMAX, encoding="utf-8")
    run = build_site(root)
    assert run.returncode == 0, run.stderr
    assert "WARNING" not in run.stderr, run.stderr
    yield root, root / "site"
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture()
def server(repo_copy):
    """A garden served the way `mkdocs serve` serves it (tests/site/test_warm_rebuilds.Server)."""
    from gardener.text.segmenter import jieba
    from tests.site.test_warm_rebuilds import Server

    # A build teaches the process-wide jieba every alias; later tests slug titles with jieba,
    # so its dictionary is put back as it was.
    tokenizer = jieba().dt
    tokenizer.check_initialized()
    words, total = dict(tokenizer.FREQ), tokenizer.total
    running = Server(repo_copy)
    yield running
    running.stop()
    tokenizer.FREQ, tokenizer.total = words, total


@pytest.fixture(scope="module")
def material_entries(material_search_site) -> tuple[dict, list[dict]]:
    """(settings, entries) of Material's own index of the repo garden, as the plugin hands
    them to the sharded index's writer."""
    index = json.loads((material_search_site / "search" / "search_index.json")
                       .read_text(encoding="utf-8"))
    config = index["config"]
    settings = {k: config[k] for k in ("lang", "separator", "pipeline", "fields") if k in config}
    return settings, index["docs"]


def search_files(site: Path) -> dict[str, bytes]:
    """Every file of a site's search folder."""
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted((site / "search").rglob("*"))
            if p.is_file()}
