"""Material's search reads Chinese with gardener's reader during a build, and its index is the
one jieba itself makes; with a dictionary of its own it keeps jieba, taught the garden's words."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

from tests.conftest import fresh_python

# Builds the garden in a fresh process. "jieba" makes the search plugin read with jieba in
# Python, taught the garden's words, as it did before it was lent gardener's reader.
SCRIPT = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
from gardener.site.mkdocs import search_reader
if sys.argv[3] == "jieba":
    search_reader.lend = lambda config: None
    search_reader.reads_with_jieba = lambda config: True
build(load_config(sys.argv[1], site_dir=sys.argv[2]))
import jieba
import material.plugins.search.plugin as material_search
print("python jieba loaded:", jieba.dt.initialized)
print("search reads with jieba again:", material_search.jieba is jieba)
"""


def build(root: Path, site: Path, reader: str) -> str:
    return fresh_python(SCRIPT, str(root / "mkdocs.yml"), str(site), reader, cwd=root)


def indexed_text(site: Path) -> str:
    """Every string of the search index (one file, or the sharded index's files)."""
    return " ".join(json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
                    for path in sorted((site / "search").rglob("*.json")))


def test_the_index_is_the_one_jieba_makes(repo_copy):
    lent = build(repo_copy, repo_copy / "site-lent", "gardener")
    own = build(repo_copy, repo_copy / "site-jieba", "jieba")
    # the build never loaded jieba's table; afterwards Material's search has jieba back
    assert "python jieba loaded: False" in lent
    assert "search reads with jieba again: True" in lent
    assert "python jieba loaded: True" in own
    assert "\u200b缩放定律\u200b" in indexed_text(repo_copy / "site-lent")  # a garden word whole
    made = sorted(p.relative_to(repo_copy / "site-lent")
                  for p in (repo_copy / "site-lent").rglob("*") if p.is_file())
    assert len([p for p in made if p.parts[0] == "search"]) > 10
    assert made == sorted(p.relative_to(repo_copy / "site-jieba")
                          for p in (repo_copy / "site-jieba").rglob("*") if p.is_file())
    for path in made:  # the index and every page, byte for byte
        lent_bytes = (repo_copy / "site-lent" / path).read_bytes()
        assert lent_bytes == (repo_copy / "site-jieba" / path).read_bytes(), path


def test_a_search_with_its_own_dictionary_keeps_jieba(repo_copy):
    (repo_copy / "words.txt").write_text("窗口扩展术 100 n\n", encoding="utf-8")
    article = next(p for p in sorted((repo_copy / "docs" / "articles").glob("*.md"))
                   if "duplicate_of:" not in p.read_text(encoding="utf-8"))  # one search shows
    front, _, body = article.read_text(encoding="utf-8").partition("\n---\n")
    article.write_text(f"{front}\n---\n\n关于窗口扩展术和缩放定律。\n{body}", encoding="utf-8")
    yaml = YAML(typ="rt")
    config = yaml.load((repo_copy / "mkdocs.yml").read_text(encoding="utf-8"))
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "search" in entry:
            entry["search"]["jieba_dict_user"] = "words.txt"
    with (repo_copy / "mkdocs.yml").open("w", encoding="utf-8") as out:
        yaml.dump(config, out)
    output = build(repo_copy, repo_copy / "site", "gardener")
    assert "python jieba loaded: True" in output
    texts = indexed_text(repo_copy / "site")
    assert '"窗口扩展术"' in texts  # the user's dictionary word is one token
    assert '"缩放定律"' in texts  # and so is the garden's, taught to jieba itself


def test_numpy_stays_out_of_the_build_process(tmp_path):
    """numpy (~14 MB) is used only by the children that rank related articles and write the
    sharded index: a garden big enough for them (80 generated articles) builds without it."""
    from tests.conftest import SEEDS
    from tests.site.test_parallel_build import _bench

    bench = _bench()
    root, _row = bench.make_garden(80, tmp_path, bench.paragraphs([SEEDS]))
    script = ("import sys\n"
              "from mkdocs.commands.build import build\n"
              "from mkdocs.config import load_config\n"
              "build(load_config(sys.argv[1], site_dir=sys.argv[2]))\n"
              "print('numpy loaded:', 'numpy' in sys.modules)\n")
    run = subprocess.run([sys.executable, "-c", script, str(root / "mkdocs.yml"),
                          str(root / "site")], capture_output=True, text=True, cwd=root,
                         timeout=900, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert run.returncode == 0, run.stderr[-3000:]
    assert "numpy loaded: False" in run.stdout
    related = (root / "site" / "articles").rglob("index.html")
    assert any("gd-related" in page.read_text(encoding="utf-8") for page in related)
    assert len(list((root / "site" / "search" / "shards").glob("*.json"))) > 1
