"""The glossary: every concept with its names, summary and how many articles mention it.

Order: one A-Z sequence for both languages. Chinese titles sort by their pinyin, as in a Chinese
dictionary, and English titles by their spelling, so "对齐（Alignment）" sits under D next to
"Deep Learning"; a reader looks in one place whichever language the name came to mind in.
"""

from __future__ import annotations

import re
from itertools import groupby
from typing import Mapping

from gardener.garden.concepts.index import ConceptIndex
from gardener.articles.model import Garden
from gardener.articles.model import Concept
from gardener.pages.common import md_text, rel_link

PATH = "glossary.md"


def sort_key(title: str, pinyin: Mapping[str, str]) -> tuple[str, str]:
    """pinyin: the spelling of each Chinese title (see gardener.text.pinyin)."""
    letters = re.sub(r"[^a-z0-9]", "", pinyin.get(title, title).lower())
    return letters, title


def initial(title: str, pinyin: Mapping[str, str]) -> str:
    first = sort_key(title, pinyin)[0][:1].upper()
    return first if first.isalpha() else "#"


def aliases_text(concept: Concept) -> str:
    others = [a for a in concept.aliases if a != concept.title]
    return "、".join(md_text(a) for a in others)


def emit_glossary(garden: Garden, index: ConceptIndex, pinyin: Mapping[str, str],
                  page_path: str = PATH) -> str:
    concepts = sorted(garden.concepts, key=lambda c: sort_key(c.title, pinyin))
    # Names and summaries are on each concept page too, which is what search should return.
    lines = ["---", "search:", "  exclude: true", "---", "", "# 术语表", "",
             f"本花园共有 {len(concepts)} 个概念，按拼音与英文字母混合排序（中文名按拼音，英文名按字母）。",
             "", '<div class="gd-glossary" markdown>', ""]
    for letter, group in groupby(concepts, key=lambda c: initial(c.title, pinyin)):
        lines += [f"## {letter}", ""]
        lines += [_entry(concept, index, page_path) for concept in group]
        lines.append("")
    lines.append("</div>")
    return "\n".join(lines) + "\n"


def _entry(concept: Concept, index: ConceptIndex, page_path: str) -> str:
    count = len(index.backlinks.get(concept.slug, ()))
    names = aliases_text(concept)
    parts = [f"- **[{md_text(concept.title)}]({rel_link(page_path, concept.path)})**"]
    if concept.summary:
        parts.append(f"：{md_text(concept.summary)}")
    detail = [f"别名：{names}"] if names else []
    detail.append(f"{count} 篇文章" if count else "尚无文章提到")
    parts.append(f"<br><small>{'；'.join(detail)}</small>")
    return "".join(parts)
