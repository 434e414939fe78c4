"""The fast front-matter reader used for building agrees with the round-trip one used by fmt."""

from __future__ import annotations

import pytest

from gardener.articles import matter
from gardener.articles.model import GardenError
from gardener.garden.loading import markdown_files
from tests.conftest import ROOT

FILES = markdown_files(ROOT / "docs")
EDGES = [
    "---\ntitle: no\ndraft: yes\nok: true\n---\nbody\n",
    "---\ntitle: x\ndate: 2023-02-30\n---\n",
    "---\ntitle: x\ncreated: 2023-02-10T21:27:35 (UTC +08:00)\nwhen: 2023-02-10\n---\n",
    "---\n# comment\ntitle: \"引号\"  # trailing\nlist: [a, b]\nnested: {a: 1}\n---\nb\n",
    "---\n---\nempty front-matter\n",
    "no front-matter at all\n",
]


def plain(value):
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


@pytest.mark.parametrize("text", [p.read_text(encoding="utf-8") for p in FILES] + EDGES)
def test_fast_and_round_trip_readers_agree(text):
    fast, slow = matter.read(text, "x.md"), matter.load(text, "x.md")
    assert fast.body == slow.body and fast.body_line == slow.body_line
    assert plain(fast.front) == plain(slow.front)
    for key in fast.front or {}:
        assert fast.line_of(key) == slow.line_of(key), key


@pytest.mark.parametrize("text, line", [
    ("---\ntitle: [oops\n---\n", 2),
    ("---\ntitle: a\n  bad: indent\n---\n", 3),
    ("---\n- a list\n---\n", 2),
])
def test_both_readers_report_the_same_error_line(text, line):
    for reader in (matter.read, matter.load):
        with pytest.raises(GardenError) as error:
            reader(text, "bad.md")
        assert error.value.diagnostic.line == line
