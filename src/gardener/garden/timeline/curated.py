"""Hand-written timeline entries: add an event, hide a mined one, or correct it.

The file is a YAML list; each entry has one of three shapes::

    - date: 2022-11-30                      # add (kind "curated")
      text: OpenAI 发布 ChatGPT（美国时间）。
      concepts: [chatgpt]                   # optional
      sources: [some-article-slug]          # optional
    - hide: {date: 2020-01, contains: "Scaling Law"}
    - correct: {date: 2022-12-01, contains: "ChatGPT 发布"}
      date: 2022-11-30                      # what to change: date, text, concepts, sources
      text: ChatGPT 发布（北京时间 12 月 1 日）。

A selector's ``date`` matches an event whose date starts with it ("2022" matches 2022-12-01),
and ``contains`` (optional) must occur in the event's text, ignoring case and spaces. Every
matching mined event is hidden or corrected. Nothing here raises on a bad file: each problem
becomes a diagnostic with the line of the entry or key at fault.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import YAMLError

from gardener.articles.matter import screen
from gardener.articles.model import Diagnostic, Event, EventKind, GardenError
from gardener.text.dates import YEAR_MAX, YEAR_MIN, InvalidDate, PartialDate, parse_date

__all__ = ["CuratedEntry", "Selector", "apply_curated", "curated_diagnostics", "load_curated"]

Action = Literal["add", "hide", "correct"]
_ADD_KEYS = {"date", "text", "concepts", "sources"}
_SELECTOR_KEYS = {"date", "contains"}


@dataclass(frozen=True)
class Selector:
    date: PartialDate
    contains: str | None = None

    def matches(self, event: Event) -> bool:
        if not event.resolved:
            return False
        iso, want = event.date.iso(), self.date.iso()
        if iso != want and not iso.startswith(want + "-"):
            return False
        return self.contains is None or _squash(self.contains) in _squash(event.text)


@dataclass(frozen=True)
class CuratedEntry:
    action: Action
    path: str
    line: int
    date: PartialDate | None = None
    text: str | None = None
    concepts: tuple[str, ...] | None = None  # None: leave a corrected event's own
    sources: tuple[str, ...] | None = None
    selector: Selector | None = None
    lines: tuple[tuple[str, int], ...] = ()  # (key, file line) of concepts and sources


def _squash(text: str) -> str:
    return "".join(text.split()).casefold()


class _Constructor(RoundTripConstructor):
    """Dates stay strings: "2023-02-30" must reach parse_date and become a diagnostic, not
    a ValueError from the YAML loader that loses every other entry."""


_Constructor.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node)
)


class _Problem(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def load_curated(path: str | Path,
                 name: str | None = None) -> tuple[list[CuratedEntry], list[Diagnostic]]:
    """Entries of a timeline file and the problems found; a missing file has no entries.

    ``name`` is the path diagnostics report (for example relative to the project).
    """
    path = Path(path)
    name = name or path.as_posix()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [], []
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Diagnostic(name, f"cannot read timeline file: {exc}")]
    yaml = YAML()
    yaml.Constructor = _Constructor
    try:
        screen(text, name, first_line=1, subject="timeline file", invalid="not valid YAML")
        data = yaml.load(text)
    except GardenError as exc:
        return [], [exc.diagnostic]
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [], [Diagnostic(name, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                               "error", mark.line + 1 if mark else None)]
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [Diagnostic(name, "the timeline file must be a list of entries", "error", 1)]
    return _entries(data, name)


def _entries(data: list, name: str) -> tuple[list[CuratedEntry], list[Diagnostic]]:
    entries, problems = [], []
    for index, raw in enumerate(data):
        line = _item_line(data, index)
        try:
            entries.append(_entry(raw, name, line))
        except _Problem as problem:
            problems.append(Diagnostic(name, str(problem), "error", problem.line))
    return entries, problems


def _item_line(data: Any, index: int) -> int:
    try:
        return data.lc.item(index)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return 1


def _key_line(mapping: Any, key: str, fallback: int) -> int:
    try:
        return mapping.lc.key(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return fallback


def _entry(raw: Any, name: str, line: int) -> CuratedEntry:
    if not isinstance(raw, Mapping):
        raise _Problem("a timeline entry must be a mapping (date:, text:, … or hide:/correct:)",
                       line)
    if "hide" in raw and "correct" in raw:
        raise _Problem("an entry cannot both hide and correct", line)
    if "hide" in raw:
        _no_unknown(raw, {"hide"}, line)
        return CuratedEntry("hide", name, line, selector=_selector(raw, "hide", line))
    if "correct" in raw:
        _no_unknown(raw, _ADD_KEYS | {"correct"}, line)
        if not _ADD_KEYS & set(raw):
            raise _Problem("a correction needs at least one of date, text, concepts, sources", line)
        return CuratedEntry("correct", name, line, selector=_selector(raw, "correct", line),
                            **_fields(raw, line, required=False))
    _no_unknown(raw, _ADD_KEYS, line)
    return CuratedEntry("add", name, line, **_fields(raw, line, required=True))


def _no_unknown(raw: Mapping, allowed: set[str], line: int) -> None:
    for key in raw:
        if key not in allowed:
            raise _Problem(f"unknown key '{key}' (expected {', '.join(sorted(allowed))})",
                           _key_line(raw, key, line))


def _selector(raw: Mapping, key: str, line: int) -> Selector:
    spec = raw[key]
    where = _key_line(raw, key, line)
    if not isinstance(spec, Mapping) or "date" not in spec:
        raise _Problem(f"{key}: needs a mapping with a date (and optionally contains)", where)
    _no_unknown(spec, _SELECTOR_KEYS, where)
    contains = spec.get("contains")
    if contains is not None and (not isinstance(contains, str) or not contains.strip()):
        raise _Problem(f"{key}: contains must be a non-empty text", where)
    return Selector(_date(spec["date"], _key_line(spec, "date", where)), contains)


def _fields(raw: Mapping, line: int, *, required: bool) -> dict:
    fields: dict = {}
    if "date" in raw or required:
        if "date" not in raw:
            raise _Problem("missing date", line)
        fields["date"] = _date(raw["date"], _key_line(raw, "date", line))
    if "text" in raw or required:
        fields["text"] = _text(raw, line)
    for key in ("concepts", "sources"):
        if key in raw:
            fields[key] = _names(raw[key], key, _key_line(raw, key, line))
            fields["lines"] = (*fields.get("lines", ()), (key, _key_line(raw, key, line)))
    return fields


def _text(raw: Mapping, line: int) -> str:
    if "text" not in raw or raw["text"] is None:
        raise _Problem("missing text", line if "text" not in raw else _key_line(raw, "text", line))
    text = raw["text"]
    where = _key_line(raw, "text", line)
    if not isinstance(text, str):
        kind = {bool: "true or false", int: "a number", float: "a number"}.get(
            type(text), "a list" if isinstance(text, Sequence) else
            "a mapping" if isinstance(text, Mapping) else type(text).__name__)
        raise _Problem(f"text: expected text, got {kind} (quote it)", where)
    if not text.strip():
        raise _Problem("text is empty", where)
    return " ".join(text.split())


def _date(value: Any, line: int) -> PartialDate:
    if isinstance(value, bool):
        raise _Problem(f"not a date with a year: {value!r}", line)
    if str(value).strip().isdecimal() and len(str(value).strip()) == 4:
        # A bare year is a fine date here, though parse_date refuses it in running text.
        year = int(str(value).strip())
        if YEAR_MIN <= year <= YEAR_MAX:
            return PartialDate(year)
    try:
        date = parse_date(value) if value is not None else None
    except InvalidDate as exc:
        raise _Problem(str(exc), line) from None
    if date is None or date.year is None:
        raise _Problem(f"not a date with a year: {value!r}", line)
    return date


def _names(value: Any, key: str, line: int) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _Problem(f"{key} must be a list of slugs", line)
    return tuple(dict.fromkeys(v.strip() for v in value))


# --------------------------------------------------------------------------
# Applying entries


def _corrected(event: Event, entry: CuratedEntry) -> Event:
    changes: dict = {"confidence": 1.0}
    if entry.date is not None:
        # A new date drops the mined span and qualifier: the curator said exactly when.
        changes.update(date=entry.date, end_date=None, qualifier=None)
    if entry.text is not None:
        changes["text"] = entry.text
    if entry.concepts is not None:
        changes["concepts"] = entry.concepts
    if entry.sources is not None:
        changes.update(sources=entry.sources, anchors=(), anchor=None)
    return replace(event, **changes)


def _added(entry: CuratedEntry) -> Event:
    if entry.date is None or entry.text is None:  # the reader requires both of an addition
        raise ValueError(f"{entry.path}:{entry.line}: an added event needs a date and a text")
    return Event(date=entry.date, text=entry.text, sources=entry.sources or (),
                 concepts=entry.concepts or (), kind=EventKind.CURATED)


def apply_curated(mined: Iterable[Event], entries: Iterable[CuratedEntry]) -> list[Event]:
    """Mined events with hides and corrections applied, then the added events.

    Selectors only see mined events, so an entry cannot hide or correct another entry's event.
    """
    events = list(mined)
    added = []
    for entry in entries:
        selector = entry.selector
        if selector is None:  # an addition; hides and corrections always select
            added.append(_added(entry))
        elif entry.action == "hide":
            events = [e for e in events if not selector.matches(e)]
        else:
            events = [_corrected(e, entry) if selector.matches(e) else e for e in events]
    return events + added


def curated_diagnostics(mined: Iterable[Event], entries: Iterable[CuratedEntry],
                        known: Mapping[str, set[str]] | None = None) -> list[Diagnostic]:
    """A warning for every hide or correction that matches no mined event: the text it was
    written for has changed, or the selector has a typo. With `known` ("concepts" and
    "sources" -> the garden's slugs), an error for every slug an entry names that is not one."""
    mined, entries = list(mined), list(entries)
    found = _unknown_slugs(entries, known) if known is not None else []
    for entry in entries:
        if entry.selector is None or any(entry.selector.matches(e) for e in mined):
            continue
        wanted = entry.selector.date.iso()
        if entry.selector.contains:
            wanted += f" containing '{entry.selector.contains}'"
        found.append(Diagnostic(entry.path, f"{entry.action}: no timeline event on {wanted}",
                                "warning", entry.line))
    return found


def _unknown_slugs(entries: list[CuratedEntry], known: Mapping[str, set[str]]) -> list[Diagnostic]:
    found = []
    what = {"concepts": "concept", "sources": "article"}
    for entry in entries:
        for key, line in entry.lines:
            for slug in getattr(entry, key) or ():
                if slug not in known.get(key, set()):
                    found.append(Diagnostic(entry.path, f"{key}: no {what[key]} has the slug "
                                            f"'{slug}'", "error", line))
    return found
