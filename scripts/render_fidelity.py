"""How faithfully the site renders GitHub-style Markdown: lists and display formulas.

Each file of a corpus is rendered twice: by markdown-it-py (a CommonMark parser, with its
dollar-math plugin: what GitHub, Typora or Obsidian show the author) and by Python-Markdown with
the `markdown_extensions` of an mkdocs.yml (what the site shows). Compared per file:

- lists: the depth of every list item, in document order; a file matches when the sequences are
  equal (same items, same nesting);
- run-on paragraphs: paragraphs of the site of several lines, one of which starts with a list
  marker (a list read as text);
- display formulas: `$$`/`\\[` blocks of the reference against display formulas of the site.

Usage: python scripts/render_fidelity.py CORPUS_DIR [--config mkdocs.yml] [--without NAME]
       [--show N]
`--without gardener.markdown` measures the same configuration without that extension.
"""

from __future__ import annotations

import argparse
import html.parser
import re
import sys
import time
from pathlib import Path

import markdown
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

_MARKER_LINE = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\S", re.M)


class _Structure(html.parser.HTMLParser):
    """List-item depths, run-on paragraphs and display formulas of rendered HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.items: list[int] = []
        self.run_on = 0
        self.display = 0
        self._paragraph: list[str] | None = None
        self._footnotes = 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self._footnotes or tag == "div" and "footnote" in classes:
            self._footnotes += tag == "div"  # footnotes are a list CommonMark does not have
        elif tag in ("ul", "ol"):
            self.depth += 1
        elif tag == "li":
            self.items.append(self.depth)
        elif tag == "p":
            self._paragraph = []
        elif tag == "div" and "arithmatex" in classes:
            self.display += 1
        elif tag in ("pre", "code"):
            self._paragraph = None  # code is not prose

    def handle_endtag(self, tag):
        if self._footnotes:
            self._footnotes -= tag == "div"
        elif tag in ("ul", "ol"):
            self.depth -= 1
        elif tag == "p" and self._paragraph is not None:
            text = "".join(self._paragraph).strip()
            if "\n" in text and _MARKER_LINE.search(text):  # one line ("**1. Setup**") is no list
                self.run_on += 1
            self._paragraph = None

    def handle_data(self, data):
        if self._paragraph is not None:
            self._paragraph.append(data)


def reference(text: str) -> tuple[list[int], int]:
    """(item depths, display formulas) as a CommonMark reader with math sees them."""
    parser = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin)
    depth, items, display = 0, [], 0
    for token in parser.parse(text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "list_item_open":
            items.append(depth)
        elif token.type == "math_block":
            display += 1
    return items, display


def site_renderer(config_file: Path, without: set[str]) -> markdown.Markdown:
    config = load_config(str(config_file))
    names = [n for n in config.markdown_extensions if n not in without]
    configs = {n: c for n, c in config.mdx_configs.items() if n in names}
    return markdown.Markdown(extensions=names, extension_configs=configs)


def measure(corpus: Path, renderer: markdown.Markdown, show: int) -> dict[str, int]:
    totals = dict(files=0, ref_items=0, site_items=0, matching=0, with_lists=0,
                  matching_with_lists=0, run_on=0, ref_display=0, site_display=0)
    shown = 0
    for path in sorted(corpus.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        ref_items, ref_display = reference(text)
        structure = _Structure()
        structure.feed(renderer.reset().convert(text))
        same = ref_items == structure.items
        totals["files"] += 1
        totals["ref_items"] += len(ref_items)
        totals["site_items"] += len(structure.items)
        totals["matching"] += same
        totals["with_lists"] += bool(ref_items)
        totals["matching_with_lists"] += same and bool(ref_items)
        totals["run_on"] += structure.run_on
        totals["ref_display"] += ref_display
        totals["site_display"] += structure.display
        if not same and shown < show:
            shown += 1
            print(f"differs: {path.relative_to(corpus)} ({len(ref_items)} items in the reference, "
                  f"{len(structure.items)} on the site)")
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml")
    parser.add_argument("--without", action="append", default=[])
    parser.add_argument("--show", type=int, default=0, help="name up to N differing files")
    args = parser.parse_args()
    start = time.perf_counter()
    totals = measure(args.corpus, site_renderer(args.config, set(args.without)), args.show)
    for key, value in totals.items():
        print(f"{key:20} {value}")
    print(f"{'seconds':20} {time.perf_counter() - start:.1f}")


if __name__ == "__main__":
    main()
