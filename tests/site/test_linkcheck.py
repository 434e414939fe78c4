"""Every internal link and anchor of a built site resolves."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from gardener.site.cli import main
from gardener.site.linkcheck import check_site


def test_repo_site_has_no_broken_links_or_anchors(built_repo_site):
    assert check_site(built_repo_site) == []


def test_broken_links_and_anchors_are_found(built_repo_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built_repo_site, site)
    page = site / "glossary" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</article>", '<a href="../nowhere/">x</a><a href="#no-such-anchor">y</a>'
        '<a href="../concepts/rlhf/#also-missing">z</a><a href="https://example.org/">ok</a>'
        "</article>"), encoding="utf-8")
    found = {(b.page, b.href, b.reason) for b in check_site(site)}
    assert found == {
        ("glossary/index.html", "../nowhere/", "no such page or file"),
        ("glossary/index.html", "#no-such-anchor", "no anchor 'no-such-anchor' in glossary/index.html"),
        ("glossary/index.html", "../concepts/rlhf/#also-missing",
         "no anchor 'also-missing' in concepts/rlhf/index.html"),
    }
    result = CliRunner().invoke(main, ["linkcheck", str(site)])
    assert result.exit_code == 1 and "3 broken" in result.output
