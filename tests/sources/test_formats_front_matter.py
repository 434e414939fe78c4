"""Front-matter dialects: Hugo TOML, Hexo/Jekyll YAML and Obsidian properties map onto the schema;
keys the schema does not know are kept."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest
import yaml

from gardener.articles import matter
from gardener.sources.formatting import format_text
from gardener.sources.importing import import_sources
from tests.conftest import outside_git
from tests.sources.formats_support import FIXTURES, read_article

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

HUGO = FIXTURES / "hugo-javascript-frontend-speed.md"
HEXO = FIXTURES / "hexo-two-way-binding.md"
OBSIDIAN = FIXTURES / "obsidian-a-first-look-at-gpt-4.md"


def declared(path):
    """The fixture's own front-matter, read by the reference parsers."""
    text = path.read_text(encoding="utf-8")
    if text.startswith("+++"):
        return tomllib.loads(text.split("+++")[1])
    return yaml.safe_load(text.split("---")[1])


def day(value) -> str:
    return (value.date() if isinstance(value, dt.datetime) else value).isoformat()


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    into = tmp_path_factory.mktemp("dialects") / "articles"
    copy = outside_git([FIXTURES], into.parent)[0]  # images beside the pages come along
    result = import_sources([copy / p.name for p in (HUGO, HEXO, OBSIDIAN)], into)
    assert result.failures == []
    return {a.origin: a for a in result.articles}


def test_hugo_toml_maps_onto_the_schema(imported):
    source = declared(HUGO)
    front, body = read_article(imported[HUGO.name].path)
    assert front["title"] == source["title"]
    assert str(front["date"]) == day(source["date"])  # the local day of an offset date-time
    assert str(front["updated"]) == day(source["lastmod"])
    assert front["authors"] == source["authors"] and front["tags"] == source["tags"]
    assert front["summary"] == source["description"] and front["draft"] is source["draft"]
    assert front["categories"] == source["categories"] and front["params"] == source["params"]
    assert "+++" not in body


def test_hexo_dates_with_a_time_and_categories(imported):
    source = declared(HEXO)
    front, _body = read_article(imported[HEXO.name].path)
    assert str(front["date"]) == day(source["date"]) and str(front["updated"]) == day(source["updated"])
    assert front["authors"] == [source["author"]] and front["tags"] == source["tags"]
    assert front["categories"] == source["categories"]  # kept beside tags, not merged away


def test_obsidian_properties(imported):
    source = declared(OBSIDIAN)
    article = imported[OBSIDIAN.name]
    front, _body = read_article(article.path)
    assert front["tags"] == source["tags"]
    assert str(front["date"]) == source["created"][:10]
    assert front["aliases"] == source["aliases"] and front["cssclasses"] == source["cssclasses"]
    assert front["title"]  # Obsidian keeps the title in the file name or the first heading


def test_toml_reads_alike_in_both_readers_with_key_lines():
    text = HUGO.read_text(encoding="utf-8")
    slow, fast = matter.load(text, str(HUGO)), matter.read(text, str(HUGO))
    assert dict(slow.front) == fast.front == declared(HUGO)
    assert slow.body == fast.body and slow.dialect == "toml"
    lines = text.split("\n")
    for key in ("title", "date", "tags"):
        assert re.match(rf"{key}\s*=", lines[slow.line_of(key) - 1])


def test_fmt_rewrites_toml_as_yaml_and_keeps_the_body():
    text = HUGO.read_text(encoding="utf-8")
    formatted = format_text(text, str(HUGO))
    assert formatted.changed and formatted.text.startswith("---\n")
    assert formatted.text.endswith(matter.load(text, str(HUGO)).body)
    assert format_text(formatted.text, str(HUGO)).text == formatted.text


def test_bad_toml_is_named_with_its_line(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    lines = HUGO.read_text(encoding="utf-8").split("\n")
    broken = next(i for i, line in enumerate(lines) if line.startswith("draft"))
    lines[broken] = "draft = maybe"  # not a TOML value
    (src / "broken.md").write_text("\n".join(lines), encoding="utf-8")
    (src / "good.md").write_text(HEXO.read_text(encoding="utf-8"), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "gardener.site.cli", "import", str(src), "--into",
                          str(tmp_path / "out")], capture_output=True, text=True)
    text = run.stdout + run.stderr
    assert run.returncode == 1 and "Traceback" not in text
    assert re.search(rf"broken\.md:{broken + 1}\b.*TOML", text.replace("\n", " ")), text
    assert len(list((tmp_path / "out").glob("*.md"))) == 1
