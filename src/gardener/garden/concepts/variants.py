"""Alias variants: other names the articles use for concepts the garden already has.

Two kinds of evidence, both read from prose only:

* a name glossed by a known alias in brackets, or glossing one: "少量样本学习（few-shot learning）",
  "sparse Transformer（稀释 Transformer）"; the other side of the bracket is a variant;
* a known Latin alias written with other spaces or hyphens: "few shot" for "few-shot",
  "Chat GPT" for "ChatGPT".

`gardener suggest` lists them after its new-concept stubs, so a note can gain the names readers
actually meet.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from gardener.garden.concepts.matcher import matcher_for, normalise
from gardener.garden.concepts.suggest import prose
from gardener.garden.loading import Garden
from gardener.text.cjk import IDEOGRAPHS, has_cjk

__all__ = ["Variant", "alias_variants"]

# A bracketed gloss right after a name: "名称（gloss）" or "name (gloss)".
_GLOSS = re.compile(r"[（(]\s*([^（）()\n，,。;；:：]{2,40}?)\s*[）)]")
_LATIN_TAIL = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[ \t-][A-Za-z0-9]+){0,3}[ \t]*$")
_CJK_TAIL = re.compile(f"[{IDEOGRAPHS}]{{2,10}}" + r"(?:[ \t]?[A-Za-z][A-Za-z0-9-]*)?[ \t]*$")
# Characters that end the name before a gloss: particles and verbs of a Chinese sentence.
_PARTICLES = "的了和与及对其把被给这那该此每是为在即称叫个种"
_LATIN_RUN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:[ \t-]?[A-Za-z0-9]+){0,3}(?![A-Za-z0-9])")
_SQUEEZE = re.compile(r"[\s\-]+")
_REMARK = re.compile("[0-9。！？!?" + _PARTICLES + "]|例如|比如|没有|用于|包括|也就是")


@dataclass(frozen=True)
class Variant:
    concept: str  # slug of the concept it names
    name: str  # as written in the articles
    occurrences: int
    articles: tuple[str, ...]  # slugs, most occurrences first
    why: str  # "glossed" or "spelling"


def alias_variants(garden: Garden) -> list[Variant]:
    """Variants of existing aliases found in listed articles, most frequent first. Ambiguous
    aliases are no evidence: "中心（对齐）" glosses a layout, not alignment."""
    senses = matcher_for(garden.concepts).senses
    ambiguous: frozenset[str] = senses.ambiguous if senses is not None else frozenset()
    known = {normalise(a): c.slug for c in garden.concepts for a in c.aliases}
    owner = {alias: slug for alias, slug in known.items() if alias not in ambiguous}
    squeezed = {_SQUEEZE.sub("", a): slug for a, slug in owner.items() if not has_cjk(a)}
    seen: dict[tuple[str, str, str], Counter] = defaultdict(Counter)
    for article in garden.listed:
        text = prose(article.body)
        for concept, name, why in [*_glossed(text, owner, known), *_respelled(text, known, squeezed)]:
            seen[(concept, name, why)][article.slug] += 1
    found = [Variant(concept, name, sum(by.values()), tuple(s for s, _ in by.most_common()), why)
             for (concept, name, why), by in seen.items()]
    return sorted(found, key=lambda v: (-v.occurrences, v.concept, v.name))


def _glossed(text: str, owner: dict[str, str], known: dict[str, str]):
    """A translation in brackets: one side Chinese, the other Latin, one of them a known alias
    and the other new (and not merely a longer phrase ending in a known alias)."""
    for gloss in _GLOSS.finditer(text):
        inner = gloss.group(1).strip()
        name = _name_before(text, gloss.start())
        if not name or has_cjk(name) == has_cjk(inner):
            continue
        inner_owner, name_owner = owner.get(normalise(inner)), owner.get(normalise(name))
        if inner_owner and _new_name(name, known):
            yield inner_owner, name, "glossed"
        elif name_owner and _new_name(inner, known):
            yield name_owner, inner, "glossed"


def _new_name(name: str, known: dict[str, str]) -> bool:
    """A term no alias covers yet: not known, not a known alias with a word in front
    ("模型微调"), and shaped like a name rather than a remark ("例如 64 和 128")."""
    norm = normalise(name)
    if norm in known or any(norm[i:] in known for i in range(1, len(norm) - 1)):
        return False
    return len(name) <= 30 and not _REMARK.search(name)


def _ends_with_alias(name: str, owner: dict[str, str]) -> bool:
    norm = normalise(name)
    return any(norm[i:] in owner for i in range(1, len(norm) - 1))


def _name_before(text: str, end: int) -> str | None:
    """The name a bracket glosses: the Latin words or the Chinese run right before it, cut after
    the last particle ("是少量样本学习器" gives "少量样本学习器")."""
    before = text[max(0, end - 40):end]
    latin = _LATIN_TAIL.search(before)
    if latin and not has_cjk(before[-1:]):
        return latin.group().strip()
    chinese = _CJK_TAIL.search(before)
    if chinese is None:
        return None
    name = chinese.group().strip()
    cut = max(name.rfind(p) for p in _PARTICLES)
    name = name[cut + 1:]
    return name if len(name) >= 2 else None


def _respelled(text: str, owner: dict[str, str], squeezed: dict[str, str]):
    for run in _LATIN_RUN.finditer(text):
        written = run.group()
        norm = normalise(written)
        concept = squeezed.get(_SQUEEZE.sub("", norm))
        if concept and norm not in owner:
            yield concept, written, "spelling"
