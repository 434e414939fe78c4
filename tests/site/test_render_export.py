"""The rendering configuration travels: `gardener export` keeps it (and ships KaTeX) for builders
that run no gardener plugin, and `gardener new` starts a garden with the repo's own."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from gardener.site.cli import main
from gardener.site.math_assets import CSS, JAVASCRIPT, math_files
from tests.conftest import ROOT, build_site
from tests.site.conftest import RENDER
from tests.site.reading import article, reference_formulas, reference_items, site_formulas, site_items

pytestmark = pytest.mark.slow
FORMULAS = "gold-miner-latent-factor-model"
LISTS = "self-llm-support-model"


def extensions(config_file) -> str:
    """The markdown_extensions of a config, as YAML text (tags and options included)."""
    yaml = YAML(typ="rt")
    buffer = io.StringIO()
    yaml.dump(yaml.load(config_file.read_text(encoding="utf-8"))["markdown_extensions"], buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def exported(render_garden, tmp_path_factory):
    root, _site = render_garden
    out = tmp_path_factory.mktemp("render-export")
    result = CliRunner().invoke(main, ["export", str(out), "--config", str(root / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    return out


def test_export_keeps_the_markdown_configuration_and_ships_katex(render_garden, exported):
    root, _site = render_garden
    assert extensions(exported / "mkdocs.yml") == extensions(root / "mkdocs.yml")
    written = YAML(typ="rt").load((exported / "mkdocs.yml").read_text(encoding="utf-8"))
    assert set(CSS) <= set(written["extra_css"])
    assert set(JAVASCRIPT) <= set(written["extra_javascript"])
    for path, data in math_files().items():
        assert (exported / "docs" / path).read_bytes() == data


def test_plain_mkdocs_renders_the_export_as_the_plugin_does(exported):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", "plain"],
                         capture_output=True, text=True, cwd=exported, env=env)
    assert run.returncode == 0, run.stderr
    site = exported / "plain"
    lists = (RENDER / f"{LISTS}.md").read_text(encoding="utf-8")
    assert site_items(article(site, LISTS)) == reference_items(lists)
    formulas = (RENDER / f"{FORMULAS}.md").read_text(encoding="utf-8")
    assert sorted(site_formulas(article(site, FORMULAS))) == sorted(reference_formulas(formulas))
    assert all((site / path).is_file() for path in CSS + JAVASCRIPT)


def test_zensical_renders_the_export(exported):
    zensical = shutil.which("zensical")
    if zensical is None:
        if os.environ.get("CI") == "true":
            pytest.fail("zensical is missing in CI: the test extras install it")
        pytest.skip("zensical is not installed (pip install -e '.[test]' installs it)")
    run = subprocess.run([zensical, "build"], capture_output=True, text=True, cwd=exported)
    assert run.returncode == 0, run.stdout + run.stderr
    site = exported / "site"
    lists = (RENDER / f"{LISTS}.md").read_text(encoding="utf-8")
    assert site_items(article(site, LISTS)) == reference_items(lists)
    formulas = (RENDER / f"{FORMULAS}.md").read_text(encoding="utf-8")
    assert sorted(site_formulas(article(site, FORMULAS))) == sorted(reference_formulas(formulas))


def test_new_garden_has_the_repo_markdown_configuration_and_renders_formulas(tmp_path):
    garden = tmp_path / "garden"
    assert CliRunner().invoke(main, ["new", str(garden), "--name", "花园"]).exit_code == 0
    assert extensions(garden / "mkdocs.yml") == extensions(ROOT / "mkdocs.yml")
    text = (RENDER / f"{FORMULAS}.md").read_text(encoding="utf-8")
    (garden / "docs" / "articles" / f"{FORMULAS}.md").write_text(
        f"---\ntitle: {FORMULAS}\n---\n\n{text}", encoding="utf-8")
    run = build_site(garden)
    assert run.returncode == 0, run.stderr
    shown = site_formulas(article(garden / "site", FORMULAS))
    assert sorted(shown) == sorted(reference_formulas(text))
    assert all((garden / "site" / path).is_file() for path in CSS + JAVASCRIPT)
