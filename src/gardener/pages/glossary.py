"""The glossary: every concept with its names, summary and how many articles mention it.

Order: one A-Z sequence for both languages. Chinese titles sort by their pinyin, as in a Chinese
dictionary, and English titles by their spelling, so "对齐（Alignment）" sits under D next to
"Deep Learning"; a reader looks in one place whichever language the name came to mind in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, NamedTuple

from gardener.pages.common import md_text, rel_link

if TYPE_CHECKING:
    from gardener.pages.view import GardenView

PATH = "glossary.md"


def sort_key(title: str, pinyin: Mapping[str, str]) -> tuple[str, str]:
    """pinyin: the spelling of each Chinese title (see gardener.text.pinyin)."""
    letters = re.sub(r"[^a-z0-9]", "", pinyin.get(title, title).lower())
    return letters, title


def initial(title: str, pinyin: Mapping[str, str]) -> str:
    first = sort_key(title, pinyin)[0][:1].upper()
    return first if first.isalpha() else "#"


class Entry(NamedTuple):
    letter: str  # the heading it is listed under
    title: str
    path: str
    summary: str | None
    others: tuple[str, ...]  # its other names
    articles: int  # how many listed articles mention it


@dataclass(frozen=True)
class GlossaryInputs:
    entries: tuple[Entry, ...]  # in reading order


def inputs(view: GardenView, pinyin: Mapping[str, str]) -> GlossaryInputs:
    """pinyin: the spelling of each Chinese concept title (see gardener.text.pinyin)."""
    index = view.index
    concepts = sorted(view.garden.concepts, key=lambda c: sort_key(c.title, pinyin))
    return GlossaryInputs(tuple(
        Entry(initial(c.title, pinyin), c.title, c.path, c.summary,
              tuple(a for a in c.aliases if a != c.title), len(index.backlinks.get(c.slug, ())))
        for c in concepts))


def emit(page: GlossaryInputs, page_path: str = PATH) -> str:
    count = len(page.entries)
    # Names and summaries are on each concept page too, which is what search should return.
    lines = ["---", "search:", "  exclude: true", "---", "", "# 术语表", "",
             f"本花园共有 {count} 个概念，按拼音与英文字母混合排序（中文名按拼音，英文名按字母）。",
             "", '<div class="gd-glossary" markdown>', ""]
    for letter, group in groupby(page.entries, key=lambda entry: entry.letter):
        lines += [f"## {letter}", ""]
        lines += [_line(entry, page_path) for entry in group]
        lines.append("")
    lines.append("</div>")
    return "\n".join(lines) + "\n"


def _line(entry: Entry, page_path: str) -> str:
    names = "、".join(md_text(a) for a in entry.others)
    parts = [f"- **[{md_text(entry.title)}]({rel_link(page_path, entry.path)})**"]
    if entry.summary:
        parts.append(f"：{md_text(entry.summary)}")
    detail = [f"别名：{names}"] if names else []
    detail.append(f"{entry.articles} 篇文章" if entry.articles else "尚无文章提到")
    parts.append(f"<br><small>{'；'.join(detail)}</small>")
    return "".join(parts)
