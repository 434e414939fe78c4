"""Every new input format, imported into a `gardener new` garden: `gardener check` passes and a real
`mkdocs build --strict` succeeds, with no active content on the built article pages."""

from __future__ import annotations

import lxml.html
import pytest
from click.testing import CliRunner

from gardener.site.cli import main
from gardener.sources.importing import import_sources
from tests.conftest import build_site, outside_git
from tests.sources.formats_support import FIXTURES

pytestmark = pytest.mark.slow
SOURCES = sorted(p for p in FIXTURES.iterdir() if p.is_file() and p.name != "README.md")


def test_imported_formats_pass_check_and_a_strict_build(tmp_path, monkeypatch):
    garden = tmp_path / "garden"
    assert CliRunner().invoke(main, ["new", str(garden)]).exit_code == 0
    result = import_sources(outside_git(SOURCES, tmp_path / "sources"), garden / "docs" / "articles")
    assert result.failures == [] and len(result.articles) == len(SOURCES)
    kinds = {p.suffix for p in SOURCES}
    assert {".html", ".pdf", ".txt", ".md"} <= kinds
    monkeypatch.chdir(garden)
    check = CliRunner().invoke(main, ["check"])
    assert check.exit_code == 0, check.output
    built = build_site(garden)
    assert built.returncode == 0, built.stderr
    assert "WARNING" not in built.stderr.replace("NO_MKDOCS_2_WARNING", ""), built.stderr
    for article in result.articles:
        page = garden / "site" / "articles" / article.slug / "index.html"
        content = lxml.html.parse(str(page)).getroot().xpath("//article")[0]
        assert not content.xpath(".//script | .//iframe | .//object | .//embed"), article.origin
        assert not [a for el in content.iter() for a in el.attrib if a.lower().startswith("on")]
