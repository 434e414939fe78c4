"""The GitHub layout extension moves lines and adds blank lines, never changes text: on real
articles (the render fixtures and the seed clippings) every line's text survives, and code,
tables and formulas come out of Python-Markdown as they do without it."""

from __future__ import annotations

import re

import lxml.html
import markdown
import pytest

from gardener.site.markdown_ext import GithubLayoutExtension
from tests.conftest import SEEDS
from tests.site.conftest import RENDER
from tests.site.reading import site_formulas

SOURCES = sorted(RENDER.glob("*.md")) + sorted(SEEDS.glob("*.txt"))
EXTENSIONS = ["pymdownx.superfences", "tables", "md_in_html", "admonition", "pymdownx.details",
              "footnotes", "pymdownx.arithmatex"]
CONFIGS = {"pymdownx.arithmatex": {"generic": True}}
_PREFIX = re.compile(r"^[>\s]*")
_CALLOUT = re.compile(r"^\[![\w-]+\]|^(?:!!!|\?\?\?\+?) ")


def laid_out(text: str) -> list[str]:
    md = markdown.Markdown(extensions=[GithubLayoutExtension()])
    return md.preprocessors["gardener_github_layout"].run(text.split("\n"))


def line_texts(lines: list[str]) -> list[str]:
    """Each non-blank line without its indentation and quote marks; callout lines (which
    become admonition lines) left out."""
    texts = [_PREFIX.sub("", line).rstrip() for line in lines]
    return [t for t in texts if t and not _CALLOUT.match(t)]


def rendered(text: str, layout: bool):
    extensions = EXTENSIONS + ([GithubLayoutExtension()] if layout else [])
    html = markdown.markdown(text, extensions=extensions, extension_configs=CONFIGS)
    return lxml.html.fromstring(f"<div>{html}</div>")


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_text_is_only_moved(source):
    text = source.read_text(encoding="utf-8")
    out = laid_out(text)
    assert line_texts(out) == line_texts(text.split("\n"))


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_code_tables_and_formulas_render_as_without_it(source):
    text = source.read_text(encoding="utf-8")
    before, after = rendered(text, layout=False), rendered(text, layout=True)
    for query in (".//pre", ".//table"):
        assert ([lxml.html.tostring(e) for e in after.xpath(query)]
                == [lxml.html.tostring(e) for e in before.xpath(query)]), query
    # A formula may change from inline to display ("$$x$$" on a line of its own), never its TeX.
    assert set(site_formulas(before)) <= set(site_formulas(after))
