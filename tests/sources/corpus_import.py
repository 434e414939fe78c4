"""Helpers for the fidelity tests: the real corpus fixtures, imported from a copy outside any git
repository, and what a CommonMark parser finds in a text."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

from markdown_it import MarkdownIt

from gardener.articles import matter

CORPORA = Path(__file__).resolve().parent.parent / "fixtures" / "corpora"
SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
_MD = MarkdownIt("commonmark").enable("table")


def copy_corpora(into: Path) -> Path:
    """A copy of the corpus fixtures: the repository's own git history must not date them."""
    shutil.copytree(CORPORA, into / "corpora", ignore=shutil.ignore_patterns("README.md"))
    return into / "corpora"


def reference_dates(tsv: Path) -> dict[str, str]:
    lines = tsv.read_text(encoding="utf-8").splitlines()[1:]
    return dict(line.split("\t") for line in lines if line.strip())


def written(article) -> tuple[dict, str]:
    """(front-matter, body) of an imported article, read back from its file."""
    doc = matter.load(article.path.read_text(encoding="utf-8"), str(article.path))
    return dict(doc.front), doc.body


def by_source(result, root: Path) -> dict[str, list]:
    """Source path relative to root -> the articles made from it."""
    found: dict[str, list] = {}
    for article in result.articles:
        found.setdefault(Path(article.source).relative_to(root).as_posix(), []).append(article)
    return found


def constructs(text: str) -> dict[str, Counter]:
    """Link targets, image sources, fenced code and HTML comments, as CommonMark reads them."""
    found = {"links": Counter(), "images": Counter(), "code": Counter(), "comments": Counter()}
    for token in _MD.parse(text):
        if token.type == "fence":
            found["code"][token.content.strip()] += 1
        elif token.type == "html_block" and "<!--" in token.content:
            found["comments"][token.content.strip()] += 1
        for child in token.children or ():
            if child.type == "link_open":
                found["links"][child.attrs["href"]] += 1
            elif child.type == "image":
                found["images"][child.attrs["src"]] += 1
    return found
