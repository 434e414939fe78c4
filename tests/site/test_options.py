"""One options type: the plugin, the command line and `gardener export` read the same values
from mkdocs.yml, and the core never reaches into the site adapters."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from mkdocs.config import load_config
from mkdocs.utils.yaml import yaml_load

from gardener.articles.model import GardenError, LinkPolicy
from gardener.options import DEFAULTS, plugin_fields, read_options
from gardener.site.cli import main
from gardener.site.export import export
from gardener.site.mkdocs.config import GardenerConfig, to_options
from tests.conftest import ROOT

SRC = ROOT / "src" / "gardener"
CORE = ("text", "sources", "articles", "garden", "pages", "options.py")


def configure(root: Path, **options: str) -> Path:
    """The repo's mkdocs.yml with more options under `plugins: - gardener:`."""
    config = root / "mkdocs.yml"
    entry = "      concepts_dir: concepts\n"
    text = config.read_text(encoding="utf-8")
    assert entry in text
    extra = "".join(f"      {key}: {value}\n" for key, value in options.items())
    config.write_text(text.replace(entry, entry + extra), encoding="utf-8")
    return config


def test_the_plugin_and_the_command_line_read_the_same_options(repo_copy):
    config_file = configure(repo_copy, link_policy="section", glossary="false",
                            articles_title="Articles", timeline_file="notes/timeline.yml")
    mkdocs_config = load_config(str(config_file))
    plugin = mkdocs_config.plugins["gardener"]
    from_plugin = to_options(plugin.config, mkdocs_config)
    from_cli = read_options(config_file)
    assert from_plugin == from_cli
    assert from_cli.link_policy is LinkPolicy.SECTION and not from_cli.glossary
    assert from_cli.timeline_path == repo_copy / "notes" / "timeline.yml"
    assert from_cli.docs_dir == repo_copy / "docs" and from_cli.site_name == "大模型知识花园"


def test_the_plugin_config_offers_exactly_the_options_and_their_defaults():
    config = GardenerConfig()
    config.load_dict({})
    errors, _warnings = config.validate()
    assert not errors
    fields = {name: default for name, default, _choices in plugin_fields()}
    assert set(config) == set(fields)
    assert {name: config[name] for name in fields} == fields
    assert fields["articles_dir"] == DEFAULTS.articles_dir == "articles"


def test_a_bad_option_is_named_by_the_build_and_by_export(repo_copy, tmp_path):
    config_file = configure(repo_copy, link_policy="never")  # a note may say never; a site not
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "s")],
                         cwd=repo_copy, capture_output=True, text=True, env=env)
    assert run.returncode != 0 and "link_policy" in run.stderr
    with pytest.raises(GardenError, match=r"plugins\.gardener\.link_policy: expected one of first"):
        export(config_file, tmp_path / "out")
    # the checker keeps going with the default; the build is what reports the option
    assert read_options(config_file).link_policy is LinkPolicy.FIRST


def test_check_reads_folders_from_the_plugin_entry(repo_copy):
    (repo_copy / "docs" / "articles").rename(repo_copy / "docs" / "posts")
    config_file = repo_copy / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(text.replace("articles_dir: articles", "articles_dir: posts"),
                           encoding="utf-8")
    run = CliRunner().invoke(main, ["check", "--config", str(config_file)])
    assert "posts/" in run.output and "articles/" not in run.output


def test_export_names_the_sections_with_the_configured_titles(repo_copy, tmp_path):
    config_file = configure(repo_copy, articles_title="Articles", concepts_title="Concepts",
                            concepts_in_nav="true")
    export(config_file, tmp_path / "out")
    config = yaml_load((tmp_path / "out" / "mkdocs.yml").read_text(encoding="utf-8"))
    sections = [next(iter(entry)) for entry in config["nav"] if isinstance(entry, dict)]
    assert "Articles" in sections and "Concepts" in sections
    assert "文章" not in sections and "概念" not in sections


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
    return found


def test_the_core_never_imports_the_site_adapters():
    files = [SRC / "options.py"] + [p for name in CORE[:-1] for p in (SRC / name).rglob("*.py")]
    assert len(files) > 20
    reaching = {p.relative_to(SRC).as_posix(): m for p in files for m in _imports(p)
                if m == "gardener.site" or m.startswith(("gardener.site.", "mkdocs"))}
    assert not reaching
