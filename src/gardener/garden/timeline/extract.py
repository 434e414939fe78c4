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

* at offset 0, "2017 年 6 月，Google 发布 Transformer 论文": the surest;
* within ``EARLY_CHARS``: a little less sure;
* later, "当…ChatGPT于2022年11月面世时": less sure again.

Which units are events
----------------------
A dated sentence is an event only when it has an event predicate (发布, 推出, 成立, 宣布, 去世,
released, founded, died …) and is none of the things ``not_event`` names: told in the first
or second person, a question, a forecast or a plan dated at its target, a statistic, a
negation ("还未正式发布"), a note to the reader, a date in brackets, a background clause
("自 2012 年推出以来") or a fragment whose subject is a pronoun. What is left out is listed by
``withheld_sentences`` for `gardener check`.

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
from typing import Literal

from gardener.articles.model import Article, Diagnostic, Event, EventKind
from gardener.garden.concepts.matcher import ConceptMatcher
from gardener.text.dates import DateMention, PartialDate, find_dates
from gardener.text.markdown import (
    HEADING,
    ITEM,
    PARAGRAPH,
    blocks,
    heading_ids,
    inline_text,
    only_links,
    without_link_remnants,
)

__all__ = [
    "EARLY_CHARS",
    "MAX_TEXT",
    "MIN_REST",
    "PLAN",
    "event_diagnostics",
    "extract_events",
    "not_event",
    "publication_events",
    "readable",
    "withheld_sentences",
]

EARLY_CHARS = 12
PLAN = "plan"  # the qualifier of an announced plan, dated at its announcement
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
    if "[" in text or "]" in text:
        # A link cut by a line break or a sentence split leaves its brackets behind.
        text = without_link_remnants(_CITATION.sub("", text))
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


# A full stop after an initial or a common abbreviation does not end an English sentence.
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:Dr|Mr|Mrs|Ms|Prof|Sr|Jr|St|Mt|vs|etc|Inc|Ltd|Co|Corp|No|Vol|Fig|Jan|Feb|Mar|Apr|"
    r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|e\.g|i\.e|U\.S|U\.K|U\.N))\.$")


def _rejoin(pieces: list[str]) -> list[str]:
    joined: list[str] = []
    for piece in pieces:
        if joined and _ABBREVIATION.search(joined[-1]):
            joined[-1] += " " + piece
        else:
            joined.append(piece)
    return joined


def _sentences(text: str) -> list[str]:
    """Sentences of a paragraph line; a "？" inside 《…》 or （…） does not end one, nor does the
    full stop of an initial or an abbreviation ("John F. Kennedy", "Dr. Smith", "U.S. Army")."""
    pieces = _rejoin(_SENTENCE_END.split(text))
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


def _year_context(text: str) -> _Context | Literal[False]:
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
# An event says something happened: a predicate of release, founding, announcement, death ...
_VERB = re.compile(
    "发布|發布|推出|发表|發表|开源|開源|上线|上線|宣布|面世|问世|問世|成立|创立|创办|創辦|创建|建立|爆发|爆發|"
    "出世|诞生|誕生|提出|公布|收购|收購|上市|去世|逝世|离世|病逝|遇刺|当选|就任|辞职|辞任|获得|获颁|赢得|"
    "击败|擊敗|登陆|登月|发射|發射|举办|举行|召开|签署|批准|发明|推送|首发|首映|上映|开业|开幕|亮相|"
    "倒闭|破产|合并|更名|改名|命名|解雇|裁员|关闭|停运|停止|投资|融资|完成|开始|始于|起始于|結束|结束|启动|"
    "加入|离开|发现|获批|通过|开发|研发|标准化|出台|起草|落实|引入|添加|新增|出现|废弃|弃用|开放|推广|"
    "入侵|攻击|发生|宕机|演讲|讲话|"
    r"\b(?:releas|launch|publish|announc|introduc|unveil|open-sourc|found|acquir|creat|invent|develop|"
    r"describ|propos|reviv|standardiz|add|deprecat|hack|attack|happen|occurr|land|"
    r"start|complet|clos|shut|merg|sign|elect|discover)(?:e[ds]?|ing|ed)\b"
    r"|\b(?:died|won|began|became|came|appeared|was born)\b",
    re.I,
)
# Releases an organisation tells of itself ("我们于 2 月发布了 DeepSpeed") are events, where a
# person's own story ("2017 年，我去星巴克") is not.
_RELEASE = re.compile(r"发布|推出|发表|开源|上线|引入|\b(?:released|launched|introduced|announced|shipped)\b",
                      re.I)
_PLURAL_SELF = re.compile(r"(?:我们|咱们|\b[Ww]e\b)[^，。,.;；]{0,16}?(?=" + _RELEASE.pattern + ")", re.I)

# Dated sentences that are not events: told in the first or second person or about the text
# itself (anecdotes, this article, this issue), questions, forecasts and plans dated at their
# target, statistics, negations ("还未发布"), notes to the reader, background clauses
# ("自 2012 年推出以来"), and sentences whose subject is a pronoun left behind by the sentence
# before (the subject is lost, so the event would say nothing on a timeline).
_NOT_EVENT = {
    "personal": re.compile(r"我|咱|你|您|笔者|本文|本期|本周|本篇|这篇|小编"
                           r"|\b(?:I|[Ww]e|[Oo]ur|[Mm]y|[Uu]s|[Yy]ou|[Yy]our)\b"),
    "question": re.compile(r"(?:[？?]|吗[。！]?)[”」』\"')）]*$"),
    "forecast": re.compile(
        r"将会|将要|将是|将成为|即将|将于|将在|[年月日]将|预计|有望|预测|计划|打算|或将|会在|可能|也许|期望|希望|"
        r"\b(?:will|expected|expects|hopes?|plans? to|going to|likely|forecast)\b", re.I),
    "statistic": re.compile(
        r"[0-9０-９][0-9,.]*\s*(?:%|％|个百分点|人次|名用户)|百分之|销量|营收|调查|排名"
        r"|\b(?:percent|survey|ranked)\b", re.I),
    "negated": re.compile(r"(?:未|没有|尚未|还没|并非)(?:正式|被)?(?:发布|推出|上线|公布|发表|开源|完成|上市)"
                          r"|\bnot yet\b|\bnever\b", re.I),
    "note": re.compile(r"^(?:注意|注：|⚠|提示|note\b|tip\b|那是)|最初于|首发于|原文|图源|图片来源|"
                       r"first published", re.I),
    "concession": re.compile(r"^(?:虽然|尽管|即使|although|though|even if)", re.I),
    "background": re.compile(r"自\s*[0-9０-９]{4}[^，,。]*(?:以来|起)|\bsince\b", re.I),
    "pronoun": re.compile(r"^(?:它们?|他们?|她们?|该|这[款个项家种部位本]|其|(?:this|it|they|he|she)\b)",
                          re.I),
}


_ASIDE = re.compile(r"[（(][^（()）]*$")


def not_event(text: str, date_start: int = 0) -> str | None:
    """Why a dated sentence is not worth a timeline, or None for an event."""
    if _VERB.search(text) is None:
        return "no event predicate"
    if _ASIDE.search(text, 0, date_start):
        return "aside"  # a date in brackets is background to something else
    for reason, pattern in _NOT_EVENT.items():
        if pattern.search(text) and not (reason == "personal" and _told_by_an_organisation(text)):
            return reason
    return None


def _told_by_an_organisation(text: str) -> bool:
    told = _PLURAL_SELF.search(text)
    return told is not None and not _NOT_EVENT["personal"].search(text[:told.start()] + text[told.end():])


_NON_WORD = re.compile(r"[\W_]+")


def _is_date(m: DateMention, text: str) -> bool:
    if m.text.strip().isdecimal():
        return False  # a bare year needs 年 or an English form around it
    # a year that measures a duration ("近 2000 年来") is not a date
    duration = _DURATION_AFTER.match(text, m.end) or _DURATION_BEFORE.search(text, 0, m.start)
    return not (m.date.precision == "year" and duration)


def _first_date(text: str, context: _Context,
                article_date: PartialDate | None) -> DateMention | None:
    anchor = article_date if context is None else (None if isinstance(context, _NoYear) else context)
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


def _dated(unit: _Unit, article: Article) -> DateMention | None:
    """The date a unit is about, when it says something besides that date."""
    m = _first_date(unit.text, unit.context, article.date)
    if m is None:
        return None
    rest = unit.text[: m.start] + unit.text[m.end:]
    return m if len(_NON_WORD.sub("", rest)) >= MIN_REST else None


_ANNOUNCED = re.compile(r"宣布|公布|表示|透露|announc|said|says", re.I)
_PLAN_CONFIDENCE = 0.7


def _plan(text: str, m: DateMention, article: Article) -> DateMention | None:
    """An announced plan ("挪威宣布，2025年将禁售燃油汽车") dated when it was announced: the
    article's own date, when it has one and the target lies ahead of it; else nothing."""
    published = article.date
    if published is None or published.year is None or not _ANNOUNCED.search(text):
        return None
    if m.date.year is None or m.date.year < published.year:
        return None
    return replace(m, date=published, end_date=None, qualifier=PLAN, resolved=True, relative=True)


def _event(unit: _Unit, article: Article, matcher: ConceptMatcher | None,
           anchors: Sequence[str]) -> Event | None:
    text = unit.text
    m = _dated(unit, article)
    if m is None:
        return None
    reason = not_event(text, m.start)
    target = m
    if reason == "forecast":
        m = _plan(text, m, article)
    elif reason is not None:
        return None
    if m is None:
        return None
    position = _position(target.start)
    concepts = _concepts(matcher, text)
    resolved = m.resolved and m.date.year is not None
    anchor = anchors[unit.heading] if unit.heading >= 0 else None
    return Event(
        date=m.date,
        text=readable(text, keep=(target.start, target.end)),
        sources=(article.slug,),
        concepts=concepts,
        qualifier=m.qualifier,
        end_date=m.end_date if resolved else None,
        anchor=anchor,
        confidence=_PLAN_CONFIDENCE if m.qualifier == PLAN else _confidence(m, position, unit.context),
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


def withheld_sentences(article: Article) -> list[tuple[int, str, str]]:
    """(body line, reason, text) of the dated sentences that are not events, for `gardener
    check`: what the timeline leaves out, so a reader can see why."""
    found = []
    for unit in _Units(article.body).read():
        m = _dated(unit, article)
        if m is None:
            continue
        reason = not_event(unit.text, m.start)
        if reason == "forecast" and _plan(unit.text, m, article) is not None:
            continue  # shown as a plan
        if reason is not None:
            found.append((unit.line, reason, readable(unit.text, 60)))
    return found


def publication_events(articles: Iterable[Article]) -> list[Event]:
    """One "publication" event per listed, dated article: the day it came out."""
    return [
        Event(date=a.date, text=a.title, sources=(a.slug,), kind=EventKind.PUBLICATION, anchors=(None,))
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
