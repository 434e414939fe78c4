"""Events: dated statements mined from article bodies (merge.py joins their retellings).

Reading a body
--------------
The body is read block by block as ``gardener.text.markdown.blocks`` sees it. Fenced and
indented code, HTML comments, raw HTML lines, tables, reference definitions and lines that hold
nothing but images or links are skipped. Headings are never event text: they name the anchor of what
follows and, when they hold only a year ("## 2022 年"), give that year to the units below.
A plain line holding only a year ("2020 年", "2021 年", as 003's chronicle writes them) does
the same until the next such line or heading; "2020 之前" gives no year at all, so a bare
"6 月" under it stays unresolved rather than guessed. A list item is one unit; a paragraph line
is split into sentences at 。！？!? and at ". ".

Which date a unit is about
--------------------------
Only the first date of a unit counts, once durations ("近 2000 年来") and bare years are dropped.
Where it starts in the cleaned unit decides, because a date that opens a sentence is almost
always what the sentence reports, while one further in is often background:

* at offset 0, "2017 年 6 月，Google 发布 Transformer 论文": an event;
* within ``EARLY_CHARS``, "《科创板日报》2月2日讯…": an event if the unit names a concept or
  uses an event verb (发布, 推出, released, …);
* later, "当…ChatGPT于2022年11月面世时": the same condition, with a lower confidence.

A unit must also say something besides its date (``MIN_REST`` letters), which drops bylines
such as "By 红博士, 2023 年 2 月 8 日".

Confidence is the product of a position factor, a precision factor, 0.8 for "before/after"
dates, 0.9 when a bare date was placed by the article's own date, and 0.5 when no year could be
found at all. Such unresolved events keep ``year=None`` and ``resolved=False``; they are for
``event_diagnostics``, never for a page.

``Event.line`` is 1-based within ``article.body``; ``event_diagnostics`` turns it into a file
line when it is given the docs folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from gardener.articles.model import Article, Diagnostic, Event
from gardener.garden.concepts.matcher import ConceptMatcher
from gardener.text.dates import DateMention, PartialDate, find_dates
from gardener.text.markdown import HEADING, ITEM, PARAGRAPH, blocks, heading_ids, inline_text, only_links

__all__ = [
    "EARLY_CHARS",
    "MAX_TEXT",
    "MIN_REST",
    "event_diagnostics",
    "extract_events",
    "publication_events",
    "readable",
]

EARLY_CHARS = 12
MIN_REST = 4
MAX_TEXT = 120

_POSITION = {"lead": 1.0, "early": 0.8, "late": 0.55}
_PRECISION = {"day": 1.0, "month": 0.95, "year": 0.85}
_VAGUE = 0.8
_PLACED_BY_ARTICLE = 0.9
_UNRESOLVED = 0.5

_SPACES = re.compile(r"\s+")
_CITATION = re.compile(r"\[[0-9]{1,3}\]")


def _plain(markdown: str) -> str:
    """Inline Markdown to the plain text a reader sees, on one line, without citation marks."""
    text = inline_text(markdown)
    if "[" in text:
        text = _CITATION.sub("", text)
    return _SPACES.sub(" ", text).strip()


# --------------------------------------------------------------------------
# Reading the body into units


class _NoYear:
    """The context under "2020 之前": bare dates there have no year to take."""


_NO_YEAR = _NoYear()
_Context = PartialDate | _NoYear | None  # None: the article's own date
_DATEISH = re.compile("[年月]|[0-9０-９]{4}")
_BARE_YEAR = re.compile("(?:19|20)[0-9]{2}")
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=\.)[ \t]+")
_SENTENCE_LEAD = "”’\"'」』）) \t"
# Chinese text often closes a full-width bracket with a half-width one: "（Computer Vision)".
_PAIRS = (("《", "》"), ("（(", "）)"), ("“", "”"))
_OPENER = re.compile("[《（(“]")


def _sentences(text: str) -> list[str]:
    """Sentences of a paragraph line; a "？" inside 《…》 or （…） does not end one."""
    pieces = _SENTENCE_END.split(text)
    if len(pieces) == 1:
        return [text]
    if not _OPENER.search(text):
        return [s for s in (p.lstrip(_SENTENCE_LEAD) for p in pieces) if s]
    sentences: list[str] = []
    pending: list[str] = []
    for piece in pieces:
        pending.append(piece)
        joined = "".join(pending)
        if not _unclosed(joined):
            sentences.append(joined)
            pending = []
    # A bracket that never closes is a typo, not a quotation: split there as usual.
    sentences += pending
    return [s for s in (s.lstrip(_SENTENCE_LEAD) for s in sentences) if s]


def _unclosed(text: str) -> bool:
    return any(sum(map(text.count, o)) > sum(map(text.count, c)) for o, c in _PAIRS)


@dataclass(frozen=True, slots=True)
class _Unit:
    text: str  # cleaned, one line
    line: int  # 1-based within the body
    heading: int  # index into the headings, -1 before the first one
    context: _Context


def _year_context(text: str) -> _Context | bool:
    """The year a line or heading made only of a year sets, or False for any other line."""
    text = text.rstrip(" ：:")
    if len(text) > 16:
        return False
    if _BARE_YEAR.fullmatch(text):
        return PartialDate(int(text))
    if not _DATEISH.search(text):
        return False
    mentions = find_dates(text)
    if len(mentions) != 1:
        return False
    m = mentions[0]
    if m.start or m.end != len(text) or m.relative or m.date.precision != "year":
        return False
    return _NO_YEAR if m.qualifier in ("before", "after") else m.date


class _Units:
    """The units of a body that hold a date-like character, and how many headings precede each."""

    def __init__(self, body: str) -> None:
        self.blocks = blocks(body)
        self.units: list[_Unit] = []
        self.headings = 0
        self.context: _Context = None

    def read(self) -> list[_Unit]:
        for block in self.blocks:
            if block.kind == HEADING:
                self._heading(block.text)
            elif block.kind == ITEM:
                if _DATEISH.search(block.text):
                    self._unit(_plain(block.text), block.line)
            elif block.kind == PARAGRAPH:
                for offset, line in enumerate(block.text.split("\n")):
                    if _DATEISH.search(line):
                        self._paragraph(line, block.line + offset)
        return self.units

    def _heading(self, raw: str) -> None:
        self.headings += 1
        year = _year_context(_plain(raw)) if _DATEISH.search(raw) else False
        # A heading without a year ends the section a year heading or year line began.
        self.context = None if year is False else year

    def _paragraph(self, line: str, number: int) -> None:
        if only_links(line):
            return
        text = _plain(line)
        year = _year_context(text)
        if year is not False:
            self.context = year
            return
        for sentence in _sentences(text):
            if _DATEISH.search(sentence):
                self._unit(sentence, number)

    def _unit(self, text: str, number: int) -> None:
        if text:
            self.units.append(_Unit(text, number, self.headings - 1, self.context))


# --------------------------------------------------------------------------
# From a unit to an event

_RELATIVE_YEARS = ("今年", "去年", "前年", "明年")
_DURATION_AFTER = re.compile(r"[ \t]*(?:来(?!自)|左右|之久)")
_DURATION_BEFORE = re.compile(r"(?:近|约|長達|长达|历时|歷時|过去|過去|最近)[ \t]*$")
_VERB = re.compile(
    "发布|發布|推出|发表|發表|开源|開源|上线|上線|宣布|面世|问世|問世|成立|创立|创办|爆发|"
    "出世|诞生|提出|公布|收购|上市|"
    r"\b(?:releas|launch|publish|announc|introduc|unveil|open-sourc)(?:e[ds]?|ing)\b|\bfounded\b",
    re.I,
)
_NON_WORD = re.compile(r"[\W_]+")


def _is_date(m: DateMention, text: str) -> bool:
    if m.text.strip().isdecimal():
        return False  # a bare year needs 年 or an English form around it
    # a year that measures a duration ("近 2000 年来") is not a date
    duration = _DURATION_AFTER.match(text, m.end) or _DURATION_BEFORE.search(text, 0, m.start)
    return not (m.date.precision == "year" and duration)


def _first_date(text: str, context: _Context,
                article_date: PartialDate | None) -> DateMention | None:
    anchor = article_date if context is None else (None if context is _NO_YEAR else context)
    for m in find_dates(text, anchor):
        if not _is_date(m, text):
            continue
        if context is not None and m.text.startswith(_RELATIVE_YEARS):
            # "今年" means the year the article was written, whatever section it sits in.
            m = replace(m, **_refound(m.text, article_date))
        return m
    return None


def _refound(text: str, article_date: PartialDate | None) -> dict:
    again = find_dates(text, article_date)[0]
    return {"date": again.date, "end_date": again.end_date, "resolved": again.resolved}


def _position(start: int) -> str:
    if start == 0:
        return "lead"
    return "early" if start <= EARLY_CHARS else "late"


def _confidence(m: DateMention, position: str, context: _Context) -> float:
    score = _POSITION[position] * _PRECISION[m.date.precision]
    if m.qualifier in ("before", "after"):
        score *= _VAGUE
    if not m.resolved or m.date.year is None:
        score *= _UNRESOLVED
    elif m.relative and (context is None or m.text.startswith(_RELATIVE_YEARS)):
        score *= _PLACED_BY_ARTICLE
    return round(score, 2)


_CLAUSE_ENDS = "，,;；：:、。！？!?"


def readable(text: str, limit: int = MAX_TEXT, keep: tuple[int, int] = (0, 0)) -> str:
    """A unit cut to one readable line: at a sentence end, else at a clause with "…".

    ``keep`` is a span (the date) that must survive: when the cut would lose it, the line
    starts at the clause that holds it instead.
    """
    text = _SPACES.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    short = _cut(text, limit)
    if len(short.rstrip("…")) >= keep[1]:
        return short
    start = max(text.rfind(c, 0, keep[0]) for c in _CLAUSE_ENDS) + 1
    return "…" + _cut(text[start:].lstrip(), limit - 1)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    window = text[:limit]
    end = max(window.rfind(c) for c in "。！？!?")
    if end >= limit // 3:
        return window[: end + 1]
    cut = max(window.rfind(c) for c in _CLAUSE_ENDS)
    if cut >= limit // 3:
        return window[:cut] + "…"
    return window[: limit - 1] + "…"


def _concepts(matcher: ConceptMatcher | None, text: str) -> tuple[str, ...]:
    if matcher is None:
        return ()
    return tuple(dict.fromkeys(m.concept for m in matcher.find(text)))


def _event(unit: _Unit, article: Article, matcher: ConceptMatcher | None,
           anchors: Sequence[str]) -> Event | None:
    text = unit.text
    m = _first_date(text, unit.context, article.date)
    if m is None:
        return None
    rest = text[: m.start] + text[m.end:]
    if len(_NON_WORD.sub("", rest)) < MIN_REST:
        return None
    position = _position(m.start)
    concepts = _concepts(matcher, text)
    if position != "lead" and not concepts and not _VERB.search(text):
        return None
    resolved = m.resolved and m.date.year is not None
    anchor = anchors[unit.heading] if unit.heading >= 0 else None
    return Event(
        date=m.date,
        text=readable(text, keep=(m.start, m.end)),
        sources=(article.slug,),
        concepts=concepts,
        qualifier=m.qualifier,
        end_date=m.end_date if resolved else None,
        anchor=anchor,
        confidence=_confidence(m, position, unit.context),
        resolved=resolved,
        line=unit.line,
        anchors=(anchor,),
    )


def extract_events(article: Article, matcher: ConceptMatcher | None = None) -> list[Event]:
    """The dated statements of one article, in reading order, resolved or not."""
    reader = _Units(article.body)
    units = reader.read()
    if not units:
        return []
    anchors = heading_ids(reader.blocks)
    events = (_event(unit, article, matcher, anchors) for unit in units)
    return [event for event in events if event is not None]


def publication_events(articles: Iterable[Article]) -> list[Event]:
    """One "publication" event per listed, dated article: the day it came out."""
    return [
        Event(date=a.date, text=a.title, sources=(a.slug,), kind="publication", anchors=(None,))
        for a in articles
        if a.listed and a.date is not None and a.date.year is not None
    ]


# --------------------------------------------------------------------------
# Checks


def event_diagnostics(events: Iterable[Event], articles: Iterable[Article],
                      docs_dir: Path | None = None) -> list[Diagnostic]:
    """A warning for every date that could not be given a year.

    Lines are file lines when ``docs_dir`` is given, body lines otherwise.
    """
    by_slug = {a.slug: a for a in articles}
    found = []
    for event in events:
        if event.resolved or not event.sources or event.sources[0] not in by_slug:
            continue
        article = by_slug[event.sources[0]]
        offset = article.body_line - 1 if docs_dir is not None else 0  # lines of front-matter
        line = event.line + offset if event.line else None
        found.append(Diagnostic(
            article.path,
            f"date without a year in \"{readable(event.text, 40)}\": add `date:` to the "
            "front-matter or a timeline entry",
            "warning",
            line,
        ))
    return found
