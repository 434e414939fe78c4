"""The served folder is kept between rebuilds: a rebuild writes the files that changed and
removes those a build would no longer make, so it always holds what a fresh build writes."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from tests.site.test_served_reuse import assert_same, site_files
from tests.site.test_warm_rebuilds import append, fresh_build

pytestmark = pytest.mark.slow


def times(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns
            for p in site.rglob("*") if p.is_file()}


def test_a_rebuild_without_edits_writes_no_page_or_asset(server):
    site = server.build()
    before = times(site)
    server.build()
    counts = server.plugin.served.counts
    assert counts["written"] == 0 and counts["removed_files"] == 0, counts
    # pages made from the very HTML their files were made from are not even encoded again
    assert counts["kept_unencoded"] == counts["reused_template"] > 100, counts
    after = times(site)
    assert after.keys() == before.keys()
    # written by their makers' own means (the gzipped sitemap, the tags plugin's data)
    rewritten = [path for path in after if after[path] != before[path]]
    assert not [path for path in rewritten if path.endswith((".html", ".js", ".css"))], rewritten
    assert counts["kept_files"] + len(rewritten) == len(before), (counts, rewritten)


def test_an_edit_writes_the_pages_it_changed_not_the_site(server, tmp_path, caplog):
    caplog.set_level(logging.ERROR)
    site = server.build()
    before = times(site)
    article = sorted((server.root / "docs" / "articles").glob("*.md"))[0]
    append(article, "\n一句只在这篇文章里的新话。\n")
    server.build()
    counts = server.plugin.served.counts
    changed = [path for path, mtime in times(site).items() if before.get(path) != mtime]
    assert 0 < counts["written"] < len(before) / 4, counts
    assert f"articles/{article.stem}/index.html" in changed
    assert_same(site, fresh_build(server.root, tmp_path / "fresh"), "one edit", tmp_path / "scratch")


def test_files_no_build_makes_are_removed_and_hidden_ones_kept(server, tmp_path, caplog):
    caplog.set_level(logging.ERROR)
    site = server.build()
    (site / "stray" / "deep").mkdir(parents=True)
    (site / "stray" / "deep" / "index.html").write_text("<p>旧</p>", encoding="utf-8")
    (site / "articles" / "stray.html").write_text("<p>旧</p>", encoding="utf-8")
    (site / ".hidden").write_text("MkDocs leaves hidden entries alone", encoding="utf-8")
    server.build()
    assert not (site / "stray").exists()
    assert not (site / "articles" / "stray.html").exists()
    assert (site / ".hidden").exists()
    assert_same(site, fresh_build(server.root, tmp_path / "fresh"), "stray files",
                tmp_path / "scratch")


def test_a_served_file_changed_by_hand_is_written_again(server, tmp_path, caplog):
    caplog.set_level(logging.ERROR)
    site = server.build()
    page = next(iter(sorted((site / "articles").rglob("index.html"))))
    page.write_text("", encoding="utf-8")
    asset = next(p for p in sorted((site / "assets").rglob("*.js")))
    replaced = asset.with_name(asset.name + ".new")
    replaced.write_bytes(asset.read_bytes())
    os.replace(replaced, asset)  # the same bytes in a new file: not the file this process wrote
    server.build()
    assert page.read_text(encoding="utf-8")
    assert server.plugin.served.counts["written"] >= 2
    assert_same(site, fresh_build(server.root, tmp_path / "fresh"), "files changed by hand",
                tmp_path / "scratch")


def test_a_page_and_a_file_trade_places(server, tmp_path, caplog):
    """A file of the last build where this build needs a folder, and the reverse."""
    caplog.set_level(logging.ERROR)
    docs = server.root / "docs"
    (docs / "guide").write_text("a file without a suffix, copied as it is\n", encoding="utf-8")
    site = server.build()
    assert (site / "guide").is_file()
    (docs / "guide").unlink()
    (docs / "guide.md").write_text("---\ntitle: 指南\n---\n\n指南的正文。\n", encoding="utf-8")
    server.build()
    assert (site / "guide" / "index.html").is_file()
    assert_same(site, fresh_build(server.root, tmp_path / "fresh"), "file to page",
                tmp_path / "scratch")
    (docs / "guide.md").unlink()
    (docs / "guide").write_text("the file again\n", encoding="utf-8")
    server.build()
    assert (site / "guide").read_text(encoding="utf-8") == "the file again\n"
    assert_same(site, fresh_build(server.root, tmp_path / "fresh"), "page to file",
                tmp_path / "scratch")
    assert "guide" in site_files(site)


def test_a_failed_build_leaves_the_served_files_and_mkdocs_functions_as_they_were(server):
    from mkdocs import utils
    from mkdocs.structure.files import File

    functions = (utils.write_file, utils.clean_directory, File.copy_file)
    site = server.build()
    before = site_files(site)
    (server.root / "mkdocs.yml").write_text(
        (server.root / "mkdocs.yml").read_text(encoding="utf-8") +
        "\nhooks:\n  - failing_hook.py\n", encoding="utf-8")
    (server.root / "failing_hook.py").write_text(
        "def on_env(env, config, files):\n    raise RuntimeError('a hook fails')\n",
        encoding="utf-8")
    with pytest.raises(RuntimeError):
        server.build()
    assert (utils.write_file, utils.clean_directory, File.copy_file) == functions
    assert site_files(site) == before
