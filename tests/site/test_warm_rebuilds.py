"""Rebuilds while serving give the same site as a fresh build, edit after edit.

`mkdocs serve` keeps one plugin object (and its cache) for the life of the server and builds
again after each change. These tests do the same in-process: one MkDocs config loaded per build,
as serve loads it, the same plugin object throughout. After every edit the warm site is compared,
HTML file by HTML file, with a fresh `mkdocs build` of the same files in a new process.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from gardener.articles import matter

pytestmark = pytest.mark.slow

CHRONICLE = "docs/articles/zhongguo-ruhe-quexi-chatgpt-shengyan.md"
DATED = "docs/articles/openai-bimen-taolunhui-v3-gpt-4-jiyao.md"
ESSAY = "docs/articles/yanlun.md"
ORIGINAL = "docs/articles/shui-neng-zuochu-zhongguo-ban-chatgpt-zenme-zuo.md"


class Server:
    """Builds a garden the way `mkdocs serve` does: a config loaded per build, one plugin."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.plugin = None
        config = self._config()
        config.plugins.on_startup(command="serve", dirty=False)

    def _config(self):
        return load_config(str(self.root / "mkdocs.yml"), site_dir=str(self.root / "served"))

    def build(self) -> Path:
        config = self._config()
        plugin = config.plugins["gardener"]
        assert self.plugin in (None, plugin), "serve keeps one plugin object across rebuilds"
        self.plugin = plugin
        build(config)
        return self.root / "served"

    def stop(self) -> None:
        config = self._config()
        config.plugins.on_shutdown()
        # The plugin object outlives this test (MkDocs keeps it per process): leave it building.
        config.plugins.on_startup(command="build", dirty=False)


def fresh_build(root: Path, into: Path, extra: tuple[str, ...] = ()) -> Path:
    """A cold `mkdocs build` of root's current files in a new process, without root's cache
    (extra: more of root's files the config names)."""
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    for name in ("mkdocs.yml", "timeline.yml", *extra):
        if (root / name).is_dir():
            shutil.copytree(root / name, into / name)
        else:
            shutil.copy(root / name, into / name)
    shutil.copytree(root / "docs", into / "docs")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(into / "site")],
                         capture_output=True, text=True, env=env, cwd=into)
    assert run.returncode == 0, run.stderr
    return into / "site"


def html_files(site: Path) -> dict[str, bytes]:
    """The site's pages. Hidden folders are not the site: MkDocs never writes one."""
    pages = (p.relative_to(site) for p in sorted(site.rglob("*.html")))
    return {p.as_posix(): (site / p).read_bytes() for p in pages
            if not any(part.startswith(".") for part in p.parts)}


def assert_same_site(warm: Path, fresh: Path, step: str) -> None:
    served, built = html_files(warm), html_files(fresh)
    assert sorted(served) == sorted(built), step
    stale = [page for page in built if served[page] != built[page]]
    assert not stale, f"after {step}: pages differ from a fresh build: {stale}"


def edit_front(path: Path, **changes) -> None:
    doc = matter.load(path.read_text(encoding="utf-8"), str(path))
    for key, value in changes.items():
        doc.front[key] = value
    path.write_text(matter.render(doc.front, doc.body, doc.newline), encoding="utf-8")


def edit_aliases(path: Path, drop: str) -> None:
    doc = matter.load(path.read_text(encoding="utf-8"), str(path))
    aliases = [a for a in doc.front["aliases"] if a != drop]
    assert len(aliases) < len(doc.front["aliases"])
    doc.front["aliases"] = aliases
    path.write_text(matter.render(doc.front, doc.body, doc.newline), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


EDITS = [
    ("article tags", lambda root: edit_front(root / CHRONICLE, tags=["编年史", "大模型产业"])),
    ("article title", lambda root: edit_front(root / CHRONICLE, title="中国如何缺席 ChatGPT 盛宴（修订版）")),
    ("article date", lambda root: edit_front(root / DATED, date="2023-04-02")),
    ("article body", lambda root: append(
        root / ESSAY, "\n2023 年 5 月 18 日，一项关于缩放定律的新研究发布。\n")),
    ("concept aliases", lambda root: edit_aliases(root / "docs/concepts/compute.md", "算力")),
    ("concept summary", lambda root: edit_front(
        root / "docs/concepts/scaling-law.md", summary="模型越大、数据越多、算得越久，损失下降得越可预测。")),
    ("timeline.yml", lambda root: append(
        root / "timeline.yml", "- date: 2023-07-18\n  text: Meta 发布 Llama 2。\n  concepts: [llama]\n")),
    ("article rename", lambda root: (root / ESSAY).rename(root / "docs/articles/yanlun-xin.md")),
    ("article deletion", lambda root: (root / ORIGINAL).unlink()),
]


def test_serving_rebuilds_match_fresh_builds_after_every_edit(server, tmp_path, caplog):
    caplog.set_level(logging.ERROR)
    root = server.root
    assert_same_site(server.build(), fresh_build(root, tmp_path / "fresh"), "the first build")
    for step, edit in EDITS:
        edit(root)
        warm = server.build()
        assert server.plugin.cache.hits > 0, "a rebuild reuses what did not change"
        assert_same_site(warm, fresh_build(root, tmp_path / "fresh"), step)


def test_a_tag_edit_reaches_the_timeline_while_serving(server):
    page = server.build() / "timeline" / "index.html"
    assert 'value="tag:' not in page.read_text(encoding="utf-8")  # no article has tags yet
    edit_front(server.root / CHRONICLE, tags=["编年史"])
    server.build()
    assert 'value="tag:编年史"' in page.read_text(encoding="utf-8")


def live_matchers() -> int:
    from gardener.garden.concepts.matcher import ConceptMatcher

    gc.collect()
    return sum(isinstance(o, ConceptMatcher) for o in gc.get_objects())


def test_alias_edits_replace_what_serving_holds(server):
    """Each alias edit makes a new matcher; what the server holds must not grow with them."""
    note = server.root / "docs/concepts/compute.md"
    original = note.read_text(encoding="utf-8")
    server.build()
    held = []
    for alias in ("算力资源", "计算能力", "算力规模", "计算量"):
        doc = matter.load(original, str(note))
        doc.front["aliases"].append(alias)
        note.write_text(matter.render(doc.front, doc.body, doc.newline), encoding="utf-8")
        server.build()
        cache = server.plugin.cache
        held.append((live_matchers(), len(cache.entries), len(cache.volatile)))
    assert held[1] == held[2] == held[3], held
