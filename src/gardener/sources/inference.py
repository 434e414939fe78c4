"""Deciding each front-matter field of an imported article, and remembering where it came from.

Precedence: the source's own front-matter, then facts the cleaners found (labelled lines before
sign-offs, in document order), then the source file's git history (first commit: `date`, a
later commit: `updated`), then what can be read off the body (first paragraph, language).

Only evidence of publication dates an article: a year mentioned in the text never does. A value
found on weak evidence is kept in `withheld` for the report and never written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from gardener.articles.schema import BY_NAME, Normalized
from gardener.sources.findings import Findings
from gardener.sources.history import FileHistory
from gardener.text.cjk import count_cjk
from gardener.text.markdown import PARAGRAPH, blocks, inline_text

SUMMARY_MAX = 120
SUMMARY_MIN = 30
_LATIN = re.compile(r"[A-Za-z]")
_SENTENCE_END = re.compile(r"[。！？!?](?=[^。！？!?]|$)|\.(?=\s|$)")


@dataclass
class Inferred:
    fields: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    # name -> (value, where): found on weak evidence, shown in the report, not written
    withheld: dict[str, tuple[Any, str]] = field(default_factory=dict)

    def set(self, name: str, value: Any, where: str) -> None:
        if value in (None, "", [], ()) or name in self.fields:
            return
        self.fields[name] = value
        self.provenance[name] = where

    def withhold(self, name: str, value: Any, where: str) -> None:
        if name not in self.fields and name not in self.withheld:
            self.withheld[name] = (value, where)


def infer(body: str, found: Findings, front: Normalized | None,
          history: FileHistory | None = None) -> Inferred:
    result = Inferred()
    if front is not None:
        for name, value in front.fields.items():
            result.set(name, value, "front-matter")
        result.extra.update(front.extra)
    for fact in found.facts:
        if fact.confidence != "high":
            result.withhold(fact.field, fact.value, fact.where)
        elif fact.field in BY_NAME:
            _set_fact(result, fact.field, fact.value, fact.where, front)
        else:
            result.extra.setdefault(fact.field, fact.value)
    if history is not None:
        _git_dates(result, history)
    result.withheld = {k: v for k, v in result.withheld.items() if k not in result.fields}
    result.set("summary", summarize(body), "first paragraph")
    result.set("lang", detect_lang(body), "script of the body")
    return result


def _git_dates(result: Inferred, history: FileHistory) -> None:
    first, last = history.first, history.last
    where = f"git: first commit {first.sha[:10]}"
    if history.bulk:
        result.withhold("date", first.date, f"{where}, which added {first.added} files at once")
    else:
        result.set("date", first.date, where)
    if last.sha != first.sha:
        result.set("updated", last.date, f"git: last commit {last.sha[:10]}")


def _set_fact(result: Inferred, name: str, value: Any, where: str, front: Normalized | None) -> None:
    if name == "title" and name in result.fields and result.fields[name] != value:
        if where.startswith(("heading", "first line")):
            result.extra.setdefault("subtitle", value)  # a body heading that differs is kept, not lost
        return
    result.set(name, value, where)


def summarize(body: str) -> str | None:
    """The first real paragraph (not quoted, not a list), cut at a sentence end near
    SUMMARY_MAX characters."""
    for block in blocks(body):
        if block.kind != PARAGRAPH or block.quoted:
            continue
        plain = " ".join(inline_text(block.text).split())
        if len(plain) >= SUMMARY_MIN:
            return _cut(plain)
    return None


def _cut(text: str) -> str:
    if len(text) <= SUMMARY_MAX:
        return text
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    inside = [e for e in ends if e <= SUMMARY_MAX]
    if inside and inside[-1] >= SUMMARY_MIN:
        return text[: inside[-1]].strip()
    later = [e for e in ends if e > SUMMARY_MAX]
    if later and later[0] <= SUMMARY_MAX * 2:
        return text[: later[0]].strip()
    return text[:SUMMARY_MAX].rstrip() + "…"


def detect_lang(body: str) -> str:
    sample = body[:20000]
    cjk, latin = count_cjk(sample), len(_LATIN.findall(sample))
    # One CJK character carries about as much as a short Latin word (~4 letters).
    return "zh" if cjk * 4 >= latin else "en"
