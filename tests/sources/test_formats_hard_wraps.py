"""Text wrapped at a fixed width (pdftotext output, a hard-wrapped README): lines rejoined with no
space between Chinese characters and one between Latin words; code, headings and lists intact."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest

from gardener.sources.cleaning import (
    _structure_lines,
    display_width,
    join_hard_wraps,
    plain_structure,
    wrap_width,
)
from gardener.sources.findings import Findings
from tests.sources.formats_support import FIXTURES

PDFTOTEXT = FIXTURES / "hex-vs-rgb-vs-hsl.pdftotext.txt"
README = FIXTURES / "libxml2-README.md"
SEEDS = FIXTURES.parent / "seeds"
CJK = r"[\u3400-\u9fff]"


def width_of(text: str) -> int | None:
    lines = text.split("\n")
    return wrap_width(lines, _structure_lines(text, lines))


def lines_of(text: str) -> list[str]:
    return [line.replace("\f", "").rstrip() for line in text.split("\n")]


def test_pdftotext_chinese_is_rejoined_without_spaces():
    source = PDFTOTEXT.read_text(encoding="utf-8")
    assert width_of(source) is not None
    lines = lines_of(source)
    widths = sorted(display_width(line) for line in lines if line)
    page_width = widths[int(len(widths) * 0.95)]
    out = join_hard_wraps(plain_structure(source, Findings()), Findings())
    # A line that fills the page width and breaks between two characters goes on in the next.
    full = [(a, b) for a, b in pairwise(lines) if a and b and display_width(a) >= 0.9 * page_width
            and re.match(CJK, a[-1]) and re.match(CJK, b[0])]
    assert len(full) > 20
    for a, b in full:
        assert a.lstrip("• ") + b in out, (a, b)
    # A short line (a heading) stays on its own.
    short = [a for a, b in pairwise(lines) if a and 0 < display_width(a) < page_width / 3
             and re.match(CJK, a[-1]) and b and re.match(CJK, b[0])]
    assert short and all(f"\n{a.replace('• ', '- ')}\n" in out for a in short)
    assert len(re.findall(rf"{CJK} {CJK}", out)) <= len(re.findall(rf"{CJK} {CJK}", source))
    assert re.findall(CJK, out) == re.findall(CJK, source)  # nothing lost, nothing reordered


def test_pdftotext_list_items_stay_items():
    source = PDFTOTEXT.read_text(encoding="utf-8")
    out = join_hard_wraps(plain_structure(source, Findings()), Findings())
    assert len(re.findall(r"^- \S", out, re.MULTILINE)) == source.count("•")


def test_wrapped_markdown_joins_paragraphs_and_leaves_code_and_headings():
    source = README.read_text(encoding="utf-8")
    lines = source.split("\n")
    assert width_of(source) is not None and width_of(source) <= max(len(line) for line in lines)
    out = join_hard_wraps(source, Findings())
    out_lines = out.split("\n")
    code = [line for line in lines if line.startswith("    ") and line.strip()]
    headings = [line for line in lines if line.startswith("#")]
    assert code and headings
    for line in code + headings:
        assert line in out_lines, line
    # Two prose lines in a row were one paragraph: they now share a line, one space apart.
    structure = _structure_lines(source, lines)
    pairs = [(a, b) for (a, b, sa, sb) in ((a, b, sa, sb) for (a, sa), (b, sb) in pairwise(zip(lines, structure, strict=True)))
             if a.strip() and b.strip() and not (sa or sb)
             and not re.match(r"\s*([-*]|\d+\.)\s|<|\s", b) and not a.endswith("  ")]
    assert len(pairs) > 10
    for a, b in pairs:
        assert f"{a.rstrip()} {b.strip()}" in out, (a, b)
    items = [line for line in lines if re.match(r"[-*] ", line)]
    assert items and all(any(o.startswith(item) for o in out_lines) for item in items)


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_long_line_text_is_not_taken_for_fixed_width(seed):
    assert width_of(seed.read_text(encoding="utf-8")) is None
