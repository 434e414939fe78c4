"""What the format tests measure: a source's article region and Markdown rendered the way the
site renders it, counted with lxml."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import markdown

from gardener.articles import matter

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "formats"
EXTENSIONS = ["tables", "pymdownx.superfences", "attr_list", "md_in_html"]


def render(body: str):
    """The body as Python-Markdown renders it on the site, parsed."""
    return lxml.html.fragment_fromstring(markdown.markdown(body, extensions=EXTENSIONS),
                                         create_parent="div")


def counts(tree) -> dict[str, int]:
    return {
        "links": len(tree.xpath(".//a[@href]")),
        "images": len(tree.xpath(".//img")),
        "tables": len(tree.xpath(".//table")),
        "code blocks": len(tree.xpath(".//pre")),
    }


def source_region(path: Path, xpath: str):
    """The article part of a saved page, as its own markup marks it, minus heading permalinks."""
    root = lxml.html.parse(str(path)).getroot()
    region = root.xpath(xpath)[0]
    for link in region.xpath(".//*[self::h1 or self::h2 or self::h3 or self::h4]//a[starts-with(@href, '#')]"):
        link.drop_tag()
    return root, region


def code_texts(tree) -> list[str]:
    return ["\n".join(line.rstrip() for line in pre.text_content().strip("\n").split("\n"))
            for pre in tree.xpath(".//pre")]


def read_article(path: Path):
    doc = matter.load(path.read_text(encoding="utf-8"), str(path))
    return doc.front, doc.body
