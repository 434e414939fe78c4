"""The frozen domain model shared by every stage: articles, concepts, events, diagnostics and
the garden that holds them.

Everything downstream of the sources stage works on these values only, so a page emitter or the
MkDocs plugin never needs to know how a file was decoded or cleaned. Every value here is frozen
and hashable, so any of them can be part of a cache key.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from gardener.text.cjk import count_cjk
from gardener.text.dates import PartialDate


class TextEnum(str, Enum):
    """A closed set of names that still behave as their text: a member equals, hashes, prints
    and formats as its value, so files, messages and pages show "error", never "Severity.ERROR"."""

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    def __hash__(self) -> int:
        return str.__hash__(self)


class Severity(TextEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class LinkPolicy(TextEnum):
    """Which mentions of a concept become links: the first in the page, the first in each
    heading's section, or all of them. A concept note may also say "never" (found and counted,
    never linked); a whole site may not."""

    FIRST = "first"
    SECTION = "section"
    ALL = "all"
    NEVER = "never"


class EventKind(TextEnum):
    EVENT = "event"  # a dated statement found in an article's text
    PUBLICATION = "publication"  # an article's own publication date
    CURATED = "curated"  # written by hand in the timeline file


class FrozenMap(Mapping):
    """A read-only mapping that can be hashed: nested lists, sets and mappings are frozen too
    (as tuples, frozensets and FrozenMaps), so front-matter of any shape can be kept in a key."""

    __slots__ = ("_data", "_hash")

    def __init__(self, items: Mapping | None = None) -> None:
        self._data = {key: freeze(value) for key, value in dict(items or {}).items()}
        self._hash: int | None = None

    def __getitem__(self, key: Any) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):  # compared often as part of cache keys: stay in C
            return self._data == other._data
        return Mapping.__eq__(self, other)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self):
        return FrozenMap, (self._data,)


def freeze(value: Any) -> Any:
    """A hashable equivalent of a YAML value."""
    if isinstance(value, FrozenMap):
        return value
    if isinstance(value, Mapping):
        return FrozenMap(value)
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(freeze(v) for v in value)
    return value


def _freeze_field(obj: Any, name: str, convert) -> None:
    """Normalise one field of a frozen dataclass in __post_init__ (callers may pass plain
    strings or dicts; the stored value is always the frozen, typed one)."""
    value = getattr(obj, name)
    if value is not None:
        object.__setattr__(obj, name, convert(value))


# A severity may be written by its name; the type checker then catches a misspelt one.
SeverityName = Literal["error", "warning", "info"]


@dataclass(frozen=True, init=False)
class Diagnostic:
    """A message about one place in one file; `str()` gives the familiar `path:line: level: text`."""

    path: str
    message: str
    severity: Severity
    line: int | None

    def __init__(self, path: str, message: str, severity: Severity | SeverityName = Severity.ERROR,
                 line: int | None = None) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "severity", Severity(severity))
        object.__setattr__(self, "line", line)

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
    extra: Mapping[str, Any] = field(default_factory=FrozenMap)
    body_line: int = 1  # the file line the body starts on, for messages about body lines

    def __post_init__(self) -> None:
        _freeze_field(self, "extra", freeze)

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
    link_policy: LinkPolicy | None = None
    extra: Mapping[str, Any] = field(default_factory=FrozenMap)
    # Aliases that also have everyday senses, and words whose nearness shows the concept's sense.
    ambiguous: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    body_line: int = 1  # the file line the body starts on, for messages about body lines

    def __post_init__(self) -> None:
        _freeze_field(self, "link_policy", LinkPolicy)
        _freeze_field(self, "extra", freeze)


@dataclass(frozen=True)
class Event:
    """A dated statement found in an article (or written by hand), placed on the timeline."""

    date: PartialDate
    text: str
    sources: tuple[str, ...]  # article slugs
    concepts: tuple[str, ...] = ()
    kind: EventKind = EventKind.EVENT
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

    def __post_init__(self) -> None:
        _freeze_field(self, "kind", EventKind)


@dataclass(frozen=True)
class Garden:
    """Every article and concept note of one docs folder, and what could not be read."""

    docs_dir: Path
    articles: tuple[Article, ...]
    concepts: tuple[Concept, ...]
    diagnostics: tuple[Diagnostic, ...]
    # docs-relative path -> hash of the file's text: the key of everything derived from a file
    digests: Mapping[str, str] = field(default_factory=FrozenMap, compare=False)

    def __post_init__(self) -> None:
        _freeze_field(self, "digests", FrozenMap)

    def article(self, slug: str) -> Article | None:
        return self._by_slug.get(slug)

    @cached_property
    def _by_slug(self) -> dict[str, Article]:
        return {a.slug: a for a in self.articles}

    @cached_property
    def listed(self) -> tuple[Article, ...]:
        return tuple(a for a in self.articles if a.listed)
