"""Every page of a build rendered by one Python-Markdown converter, reset between pages, is the
page a converter of its own makes: nothing one page defines (an abbreviation, a footnote, a
heading's id) reaches the next."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import load_config

from gardener.site.mkdocs import one_markdown
from tests.conftest import fresh_python

# Builds the garden in a fresh process, counting the converters made. "own" gives every page a
# converter of its own, as MkDocs does.
SCRIPT = """
import sys
import markdown
from mkdocs.commands.build import build
from mkdocs.config import load_config
from gardener.site.mkdocs import one_markdown
made = []
original = markdown.Markdown.__init__
def counted(self, *args, **kwargs):
    made.append(1)
    original(self, *args, **kwargs)
markdown.Markdown.__init__ = counted
if sys.argv[3] == "own":
    one_markdown.lend = lambda config: None
config = load_config(sys.argv[1], site_dir=sys.argv[2])
build(config)
import mkdocs.structure.pages as pages
print("converters:", len(made))
print("module put back:", pages.markdown is markdown)
"""

# Pages that each leave something behind in a converter that is not reset: abbreviations,
# footnotes, headings whose ids a second page would otherwise number on from the first's.
LEAVES_STATE = """---
title: {title}
date: 2024-0{n}-01
---
{abbreviation}
The LLM answered[^note] with a table.

## 方法 {{ #method }}

## 方法

| a | b |
|---|---|
| 1 | 2 |

!!! note "说明"
    An admonition.

- [x] done
- [ ] open

$$E = mc^2$$

[^note]: A footnote of page {n}.
"""


def build(root: Path, site: Path, converters: str) -> str:
    return fresh_python(SCRIPT, str(root / "mkdocs.yml"), str(site), converters, cwd=root)


def test_one_converter_makes_the_pages_a_converter_each_makes(repo_copy):
    articles = repo_copy / "docs" / "articles"
    for n in range(1, 4):
        abbreviation = "*[LLM]: Large Language Model\n" if n == 1 else ""
        (articles / f"leaves-state-{n}.md").write_text(LEAVES_STATE.format(
            title=f"Leaves state {n}", n=n, abbreviation=abbreviation), encoding="utf-8")
    one = build(repo_copy, repo_copy / "site-one", "one")
    own = build(repo_copy, repo_copy / "site-own", "own")
    pages = len(list((repo_copy / "site-own").rglob("index.html")))
    made_one = int(one.split("converters: ")[1].split()[0])
    made_own = int(own.split("converters: ")[1].split()[0])
    # (the pages the Markdown worker renders are counted in its own process)
    assert pages > 50 and made_own > pages // 3
    assert made_one < 10  # one per process that renders pages, and gardener's own few
    assert "module put back: True" in one
    made = sorted(p.relative_to(repo_copy / "site-one")
                  for p in (repo_copy / "site-one").rglob("*") if p.is_file())
    assert made == sorted(p.relative_to(repo_copy / "site-own")
                          for p in (repo_copy / "site-own").rglob("*") if p.is_file())
    for path in made:  # every page and the search index, byte for byte
        assert (repo_copy / "site-one" / path).read_bytes() == \
            (repo_copy / "site-own" / path).read_bytes(), path
    second = (repo_copy / "site-one" / "articles" / "leaves-state-2" / "index.html").read_text(
        encoding="utf-8")
    assert "<abbr" not in second  # page 1's abbreviation stayed on page 1
    assert "A footnote of page 2." in second and "A footnote of page 1." not in second


def test_an_extension_not_known_to_reset_keeps_a_converter_per_page(repo_copy):
    config = load_config(str(repo_copy / "mkdocs.yml"))
    put_back = one_markdown.lend(config)
    assert put_back is not None
    put_back()
    config.markdown_extensions.append("material.extensions.preview")
    assert one_markdown.lend(config) is None
    assert one_markdown.resets_itself("toc") and one_markdown.resets_itself("pymdownx.details")
    assert not one_markdown.resets_itself("some_package.extension")
