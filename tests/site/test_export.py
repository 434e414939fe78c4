"""`gardener export` and other builders: the same garden without the plugin, and ProperDocs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from gardener.site.cli import main

pytestmark = pytest.mark.slow


def run_builder(module: str, root, *args):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "-m", module, "build", "--strict", *args],
                          capture_output=True, text=True, cwd=root, env=env)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from tests.conftest import ROOT

    out = tmp_path_factory.mktemp("export")
    result = CliRunner().invoke(main, ["export", str(out), "--config", str(ROOT / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    return out


def test_exported_config_has_no_gardener_plugin(exported):
    text = (exported / "mkdocs.yml").read_text(encoding="utf-8")
    # (the Markdown extension gardener.site.markdown_ext stays: it is no plugin)
    assert "gardener:" not in text and not re.search(r"^\s*- gardener\s*$", text, re.M)
    assert "jieba_dict_user: gardener-words.txt" in text
    assert "缩放定律" in (exported / "gardener-words.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("builder", ["mkdocs", "properdocs"])
def test_plain_builders_build_the_export(exported, builder):
    site = exported / f"site-{builder}"
    run = run_builder(builder, exported, "-f", "mkdocs.yml", "-d", str(site))
    assert run.returncode == 0, run.stderr
    assert "WARNING" not in run.stderr.replace("set NO_MKDOCS_2_WARNING", ""), run.stderr
    for page in ("glossary", "timeline", "concepts/rlhf"):
        assert (site / page / "index.html").is_file()
    clip = next((exported / "docs" / "articles").glob("zhongguo-ruhe-quexi-chatgpt-shengyan.md"))
    html = (site / "articles" / clip.stem / "index.html").read_text(encoding="utf-8")
    assert 'class="gd-meta"' in html and "concepts/scaling-law/" in html
    assert 'id="本文涉及的概念"' in html


def test_export_keeps_duplicates_out_of_search(exported):
    site = exported / "site-mkdocs"
    if not site.exists():
        run_builder("mkdocs", exported, "-d", str(site))
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    assert "articles/chaoyue-chatgpt-da-moxing-de-zhineng-jixian/" not in locations
    assert "articles/shui-neng-zuochu-zhongguo-ban-chatgpt-zenme-zuo/" in locations


def test_repo_garden_builds_under_properdocs_with_the_plugin(repo_copy):
    run = run_builder("properdocs", repo_copy, "-f", "mkdocs.yml", "-d", str(repo_copy / "pd"))
    assert run.returncode == 0, run.stderr
    assert (repo_copy / "pd" / "glossary" / "index.html").is_file()
    assert (repo_copy / "pd" / "timeline" / "index.html").is_file()


def test_zensical_builds_the_export(exported):
    """Zensical reads mkdocs.yml but runs no MkDocs plugins: the export is what it can build."""
    import shutil

    zensical = shutil.which("zensical")
    if zensical is None:
        if os.environ.get("CI") == "true":
            pytest.fail("zensical is missing in CI: the test extras install it")
        pytest.skip("zensical is not installed (pip install -e '.[test]' installs it)")
    run = subprocess.run([zensical, "build"], capture_output=True, text=True, cwd=exported)
    assert run.returncode == 0, run.stdout + run.stderr
    site = exported / "site"
    for page in ("glossary", "timeline", "concepts/rlhf"):
        assert (site / page / "index.html").is_file()
    html = (site / "articles" / "zhongguo-ruhe-quexi-chatgpt-shengyan" / "index.html").read_text(
        encoding="utf-8")
    assert "concepts/scaling-law/" in html and 'class="gd-meta"' in html


def test_search_index_command_shards_an_exported_site(exported, tmp_path):
    """A site built without the plugin gets the sharded index from `gardener search-index`,
    with every entry Material's index had, and searching it in a browser finds the pages."""
    import shutil

    from gardener.site.search_shards import WORKER, read_entries
    from tests.browser.chromium import browser_page, require_browser, search, serve

    built = exported / "site-mkdocs"
    if not built.exists():
        run_builder("mkdocs", exported, "-d", str(built))
    site = tmp_path / "site"
    shutil.copytree(built, site)
    before = read_entries(site)
    result = CliRunner().invoke(main, ["search-index", str(site)])
    assert result.exit_code == 0, result.output
    assert "pages use the new index" in result.output
    after = read_entries(site)
    assert [e["location"] for e in after] == [e["location"] for e in before]
    for new, old in zip(after, before, strict=True):
        for field in ("title", "text"):  # only word marks next to a separator may go
            assert new[field].replace("\u200b", "") == old[field].replace("\u200b", "")
    assert (site / WORKER).is_file() and WORKER in (site / "index.html").read_text(encoding="utf-8")
    again = CliRunner().invoke(main, ["search-index", str(site)])
    assert again.exit_code == 1 and "already sharded" in again.output
    missing = CliRunner().invoke(main, ["search-index", str(tmp_path)])
    assert missing.exit_code == 1 and "no search index" in missing.output
    require_browser()
    with serve(site) as base, browser_page() as page:
        hrefs = [r["href"] for r in search(page, base, "缩放定律")]
    assert any("/concepts/scaling-law/" in h for h in hrefs), hrefs
