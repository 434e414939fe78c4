"""The frozen domain model shared by every stage: articles, concepts, events and diagnostics.

Everything downstream of the sources stage works on these values only, so a page emitter or the
MkDocs plugin never needs to know how a file was decoded or cleaned.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, Mapping

from gardener.text.cjk import count_cjk
from gardener.text.dates import PartialDate

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Diagnostic:
    """A message about one place in one file; `str()` gives the familiar `path:line: level: text`."""

    path: str
    message: str
    severity: Severity = "error"
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


class GardenError(Exception):
    """Bad input that stops one file, never the whole run; carries its diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


# CJK ideographs read at roughly 300-500 a minute; Latin words at about 200-250.
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*")
CJK_PER_MINUTE = 400
WORDS_PER_MINUTE = 220


def reading_minutes(text: str) -> int:
    cjk = count_cjk(text)
    words = len(_LATIN_WORD.findall(text))
    return max(1, math.ceil(cjk / CJK_PER_MINUTE + words / WORDS_PER_MINUTE))


@dataclass(frozen=True)
class Article:
    """One normalized article: schema fields as typed attributes, unknown keys kept in `extra`."""

    path: str  # relative to the docs directory, with forward slashes
    slug: str
    title: str
    body: str
    date: PartialDate | None = None
    updated: PartialDate | None = None
    authors: tuple[str, ...] = ()
    source: str | None = None
    publisher: str | None = None
    tags: tuple[str, ...] = ()
    summary: str | None = None
    lang: str | None = None
    duplicate_of: str | None = None
    draft: bool = False
    missing_assets: tuple[str, ...] = ()
    origin: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    body_line: int = 1  # the file line the body starts on, for messages about body lines

    @cached_property  # articles are cached across rebuilds; count the words once
    def reading_minutes(self) -> int:
        return reading_minutes(self.body)

    @property
    def listed(self) -> bool:
        """Whether the article belongs in navigation, search and listings."""
        return not self.draft and not self.duplicate_of


@dataclass(frozen=True)
class Concept:
    """A concept note: a page of its own whose aliases are linked wherever articles mention them."""

    path: str
    slug: str
    title: str
    aliases: tuple[str, ...]
    summary: str | None = None
    related: tuple[str, ...] = ()
    body: str = ""
    link_policy: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    """A dated statement found in an article (or written by hand), placed on the timeline."""

    date: PartialDate
    text: str
    sources: tuple[str, ...]  # article slugs
    concepts: tuple[str, ...] = ()
    kind: Literal["event", "publication", "curated"] = "event"
    qualifier: str | None = None
    end_date: PartialDate | None = None
    anchor: str | None = None
    confidence: float = 1.0
    # False when a relative date ("6月3日") had no year to lean on; such events are reported by
    # `gardener check` and kept off the pages, never given a guessed year.
    resolved: bool = True
    # 1-based line of the statement within the article body (not the file: the caller adds the
    # front-matter offset), for diagnostics; None for publications and hand-written events.
    line: int | None = None
    # Heading anchor per source, parallel to `sources`, once retellings are merged; `anchor`
    # stays that of the telling whose text the event shows.
    anchors: tuple[str | None, ...] = ()
