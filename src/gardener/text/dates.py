"""Find dates in Chinese, English and mixed text, keeping their precision.

The grammar is a handful of compiled regular expressions ("kinds"), so a
whole article is scanned by the regex engine in C rather than by a Python
loop. Their matches are merged leftmost-longest, and each kind's handler turns
the captured parts into a ``DateMention``.

Design rules that shape the patterns:

* A digit run glued to ASCII letters or digits is never a date
  (``text-davinci-003``, ``bg2023090101.webp``), hence the look-arounds.
* A bare number is only a year when something says so: a following 年,
  an ISO or English form around it, ``in``/``early``/``late``, or a directly
  following 之前/以后.
* Only horizontal whitespace may separate parts, so a heading "2023 年" is
  not merged with a list item "1 月" on the next line.
* Impossible dates are matched and then dropped as a whole, so
  "2023年13月" does not degrade into the year 2023.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "YEAR_MAX",
    "YEAR_MIN",
    "DateMention",
    "InvalidDate",
    "PartialDate",
    "Precision",
    "find_dates",
    "parse_date",
]

Precision = Literal["year", "month", "day"]

YEAR_MIN, YEAR_MAX = 1900, 2100


class InvalidDate(ValueError):
    """A value that is clearly meant as a date but cannot exist."""


def _days_in(year: int | None, month: int) -> int:
    # Without a year, 29 February must stay possible: the anchor may be a leap year.
    return calendar.monthrange(year if year is not None else 2000, month)[1]


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to year, month or day precision.

    ``order=True`` compares fields directly, which fails when a year is None;
    use ``sort_key`` to sort mixed known and unknown dates.
    """

    year: int | None
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise InvalidDate(f"day {self.day} given without a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise InvalidDate(f"month {self.month} is not between 1 and 12")
        # (a day always has a month by now; the check is for the type checker)
        if self.day is not None and self.month is not None \
                and not 1 <= self.day <= _days_in(self.year, self.month):
            raise InvalidDate(f"day {self.day} does not exist in {self._iso_prefix()}")

    def _iso_prefix(self) -> str:
        year = "????" if self.year is None else f"{self.year:04d}"
        return year if self.month is None else f"{year}-{self.month:02d}"

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def iso(self) -> str:
        prefix = self._iso_prefix()
        return prefix if self.day is None else f"{prefix}-{self.day:02d}"

    def sort_key(self) -> tuple[int, int, int]:
        # -1 and 0 sort before every real year, month and day.
        return (
            -1 if self.year is None else self.year,
            self.month or 0,
            self.day or 0,
        )


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: PartialDate
    end_date: PartialDate | None = None
    relative: bool = False
    resolved: bool = True
    qualifier: str | None = None


# --------------------------------------------------------------------------
# Building blocks of the grammar
#
# Each form is its own compiled pattern whose first element is a character
# class: the regex engine then jumps between candidate characters in C, which
# is what makes whole-article scans fast. Look-behinds therefore come after
# the first character and are two characters wide.

_S = r"[ \t\u00a0\u3000]*"  # horizontal only: see module docstring
_WS = r"[ \t\u00a0]+"
_D = "[0-9０-９]"
_CN_DIGIT = "〇零○一二三四五六七八九"
_CN_NUMERAL = _CN_DIGIT + "十百千万亿两几"

# A digit may not continue an ASCII token, a number or a decimal ("GPT-3.5").
_GLUE = "0-9０-９A-Za-z_."
_RIGHT = r"(?![0-9０-９A-Za-z_]|[.\-/－][0-9０-９])"
_YEAR4 = f"{_D}(?<![{_GLUE}]{_D}){_D}{{3}}"
_CN_YEAR = f"[{_CN_DIGIT}](?<![{_CN_NUMERAL}第].)[{_CN_DIGIT}]{{3}}"
_CN_MONTH = "十[一二]?|[一二三四五六七八九]"
_CN_DAY = "三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]"
_MONTH = f"(?:{_D}{{1,2}}|{_CN_MONTH})"
_DAY = f"(?:{_D}{{1,2}}|{_CN_DAY})"
_YUE = "月(?![球亮光饼薪租])"  # 月球, 月薪 ... are not months
_DAY_SUFFIX = "[日号號]"
_RANGE_SEP = "[-~～–—至到、]"
_LIST_SEP = "[-~～–—至到、，,]"
_BEFORE_AFTER = "之前|以前|之后|以后|之後|以後"
_NOT_AGE = "(?![轻青纪龄华级限代])"  # 年轻, 年纪, 年代 ... are not years


def _month_part(first: str) -> str:
    """'6 月', '6-7 月', '6 月至 8 月', '6 月，7 月', '3 月 15 日', '12 月初'."""
    return (
        f"(?P<m>{first})"
        f"(?:{_S}{_RANGE_SEP}{_S}(?P<m2>{_MONTH}){_S}{_YUE}"
        f"|{_S}{_YUE}"
        f"(?:{_S}{_LIST_SEP}{_S}(?P<m3>{_MONTH}){_S}{_YUE}(?!{_S}{_DAY}{_S}{_DAY_SUFFIX})"
        f"|份"
        f"|{_S}(?P<d>{_DAY}){_S}{_DAY_SUFFIX}"
        f"|(?P<mq>初|底|末|上旬|中旬|下旬))?"
        ")"
    )


_EARLY = "初(?![代次步一二三四五六七八九十])"  # 初代, 初次, 年初一 are not "early"
_MID = "中(?![国國文华華央心部间間东東西南北外])"  # 2020 年中国 is not "mid-2020"
_TAIL_QUAL = f"(?:{_S}(?P<tq>{_BEFORE_AFTER}))?"
_AFTER_YEAR = f"(?:{_S}{_month_part(_MONTH)}|年?(?P<yq>{_EARLY}|底|末|{_MID}))?{_TAIL_QUAL}"

# Loose on purpose: the handler checks the spelling against _MONTH_SPELLINGS.
_MONTH_NAME = r"(?P<mn>[JFMASOND](?<![A-Za-z].)[A-Za-z]{2,8})\.?"
_ORDINAL = "(?:st|nd|rd|th)?"
# "in 2048 tokens" is a size, not a year.
_NOT_QUANTITY = (
    rf"(?!{_S}(?:年|[-/.][0-9])|{_WS}(?i:tokens?|gpus?|dimensions?|samples?|steps?"
    r"|parameters?|params|bytes?|words?|characters?|chars|images?|examples?|rows?|x\b))"
)
_RELATIVE_WORD = (
    "[今去前明](?:(?<=今)(?<![如至迄].)|(?<=去)(?<![失过過].)"
    "|(?<=前)(?<![目之提以先此当當从從日空向].)"
    "|(?<=明)(?<![说說聪聰表声聲光文发發透开開简簡阐闡分英证證清神黎鲜鮮].))年"
)

_ISO_START = f"(?<![/\\-]{_D}{{4}})"  # no URL paths ("/2023/05/08/") or dash runs
_ISO_TIME = (
    rf"(?:T{_D}{{1,2}}:{_D}{{2}}(?::{_D}{{2}}(?:\.{_D}+)?)?(?:Z|[+-]{_D}{{2}}:?{_D}{{2}})?)?"
)
# Names used by one branch only, folded back onto the shared ones by _parts().
_ALIASES = {
    "im": "m",
    "imm": "m",
    "sm": "m",
    "dm": "m",
    "id": "d",
    "sd": "d",
    "dd": "d",
    "bq": "tq",
}

# Forms are scanned separately and merged, leftmost then longest; on equal
# spans the earlier form wins. All year-first forms share one pattern so
# that digits are visited by fewer scanners.
_KINDS: dict[str, str] = {
    "year": (
        f"(?P<y>{_YEAR4})(?:"
        f"{_ISO_START}{_S}[-－]{_S}(?P<im>{_D}{{1,2}}){_S}[-－]{_S}(?P<id>{_D}{{1,2}})"
        f"{_ISO_TIME}{_RIGHT}"
        f"|{_ISO_START}[-－](?P<imm>{_D}{{2}}){_RIGHT}"
        f"|{_ISO_START}[/／](?P<sm>{_D}{{1,2}})(?:[/／](?P<sd>{_D}{{1,2}}))?{_RIGHT}"
        f"|{_ISO_START}[.](?P<dm>{_D}{{1,2}})[.](?P<dd>{_D}{{1,2}}){_RIGHT}"
        f"|{_S}年{_NOT_AGE}{_AFTER_YEAR}"
        f"|{_S}(?P<bq>{_BEFORE_AFTER})"
        ")"
    ),
    "cn_numeral_year": f"(?P<cy>{_CN_YEAR}){_S}年{_NOT_AGE}{_AFTER_YEAR}",
    "relative": f"(?P<w>{_RELATIVE_WORD}){_NOT_AGE}{_AFTER_YEAR}",
    "en_dmy": (
        f"(?P<d>{_D}(?<![{_GLUE}]{_D}){_D}?){_ORDINAL}{_WS}{_MONTH_NAME},?{_WS}"
        f"(?P<y>{_D}{{4}}){_RIGHT}"
    ),
    "en_month": (
        f"{_MONTH_NAME}(?:{_WS}(?P<d>{_D}{{1,2}}){_ORDINAL})?,?{_WS}(?P<y>{_D}{{4}}){_RIGHT}"
    ),
    "en_in": (
        f"[Ii](?<![A-Za-z].)n{_WS}(?:(?P<q>(?i:early|mid|late))[- ]{_S})?"
        f"(?P<y>{_D}{{4}}){_RIGHT}{_NOT_QUANTITY}"
    ),
    "en_qual": (
        "(?P<q>[EeMmLl](?<![A-Za-z].)(?:(?<=[Ee])arly|(?<=[Mm])id|(?<=[Ll])ate))"
        f"[- ]{_S}(?P<y>{_D}{{4}}){_RIGHT}{_NOT_QUANTITY}"
    ),
    "year_edge": f"年(?<![{_CN_NUMERAL}年每新过過拜跨].)(?P<yq>{_EARLY}|底|末)",
    "bare_month": (_month_part(f"{_D}(?<![{_GLUE}{_CN_NUMERAL}第]{_D}){_D}?") + _TAIL_QUAL),
    "bare_cn_month": (
        _month_part(f"[一二三四五六七八九十](?<![{_CN_NUMERAL}第].)(?:(?<=十)[一二])?") + _TAIL_QUAL
    ),
}
_SCANNERS = {kind: re.compile(pattern) for kind, pattern in _KINDS.items()}
# Every form contains a digit, 年 or 月: text without them is skipped at once.
_PRECHECK = re.compile("[0-9０-９年月]")


# --------------------------------------------------------------------------
# Turning matched parts into dates

_CN_VALUES = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0}
_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_SPELLINGS = {
    spelling: number for number, full in enumerate(_MONTHS, 1) for spelling in (full, full[:3])
} | {"sept": 9}
_QUALIFIERS = {
    "初": "early",
    "上旬": "early",
    "中": "mid",
    "中旬": "mid",
    "底": "late",
    "末": "late",
    "下旬": "late",
    "early": "early",
    "mid": "mid",
    "late": "late",
} | {w: ("before" if w.endswith("前") else "after") for w in _BEFORE_AFTER.split("|")}
_RELATIVE_OFFSETS = {"今年": 0, "去年": -1, "前年": -2, "明年": 1}


def _number(s: str | None) -> int | None:
    """An Arabic (also full-width) or Chinese number up to 31, or a 4-digit CN year."""
    if not s:
        return None
    if s[0] in _CN_VALUES and len(s) == 4:
        return int("".join(str(_CN_VALUES[c]) for c in s))
    if s.isdecimal():
        return int(s)
    tens, ten, ones = s.partition("十")
    if not ten:
        return _CN_VALUES[s]
    return (_CN_VALUES[tens] if tens else 1) * 10 + (_CN_VALUES[ones] if ones else 0)


@dataclass(frozen=True)
class _Found:
    """What a handler extracts, before offsets are attached."""

    date: PartialDate
    end_date: PartialDate | None = None
    relative: bool = False
    resolved: bool = True
    qualifier: str | None = None


def _known_year(value: str | None) -> int | None:
    year = _number(value)
    return year if year is not None and YEAR_MIN <= year <= YEAR_MAX else None


def _qualifier(g: dict[str, str]) -> str | None:
    # The word furthest right has the last say: "2020 年底之前" is "before".
    for key in ("tq", "mq", "yq", "q"):
        if g.get(key):
            return _QUALIFIERS[g[key].lower()]
    return None


def _month_span(year: int | None, g: dict[str, str]) -> tuple[PartialDate, PartialDate | None]:
    month = _number(g.get("m"))
    date = PartialDate(year, month, _number(g.get("d")))
    last = _number(g.get("m2") or g.get("m3"))
    if last is None:
        return date, None
    # "11 月至 2 月" runs into the next year.
    if year is None or month is None or last > month:
        return date, PartialDate(year, last)
    return date, PartialDate(year + 1, last)


def _calendar(year: int | None, g: dict[str, str], relative: bool = False, resolved: bool = True) -> _Found:
    date, end_date = _month_span(year, g)
    return _Found(date, end_date, relative, resolved, _qualifier(g))


def _anchored(offset: int, g: dict[str, str], anchor: PartialDate | None) -> _Found:
    if anchor is None or anchor.year is None:
        return _calendar(None, g, relative=True, resolved=False)
    return _calendar(anchor.year + offset, g, relative=True)


def _on_absolute(g: dict[str, str], anchor: PartialDate | None) -> _Found | None:
    year = _known_year(g.get("y") or g.get("cy"))
    if year is None:
        return None
    return _calendar(year, g)


def _on_english(g: dict[str, str], anchor: PartialDate | None) -> _Found | None:
    year = _known_year(g["y"])
    month = _MONTH_SPELLINGS.get(g["mn"].lower()) if g.get("mn") else None
    if year is None or (g.get("mn") and month is None):
        return None
    return _Found(PartialDate(year, month, _number(g.get("d"))), qualifier=_qualifier(g))


def _on_relative(g: dict[str, str], anchor: PartialDate | None) -> _Found:
    return _anchored(_RELATIVE_OFFSETS[g["w"]], g, anchor)


def _on_bare(g: dict[str, str], anchor: PartialDate | None) -> _Found:
    return _anchored(0, g, anchor)


_Handler = Callable[[dict[str, str], PartialDate | None], _Found | None]
_HANDLERS: dict[str, _Handler] = {
    "year": _on_absolute,
    "cn_numeral_year": _on_absolute,
    "relative": _on_relative,
    "en_dmy": _on_english,
    "en_month": _on_english,
    "en_in": _on_english,
    "en_qual": _on_english,
    "year_edge": _on_bare,
    "bare_month": _on_bare,
    "bare_cn_month": _on_bare,
}


def _matches(text: str) -> list[tuple[str, re.Match[str]]]:
    """Leftmost, then longest, non-overlapping matches over all forms.

    Impossible and out-of-range candidates take part too, so that
    "2023年13月" hides the "13月" inside it instead of leaving it to a shorter form.
    """
    candidates = sorted(
        (match.start(), -match.end(), order, kind, match)
        for order, (kind, scanner) in enumerate(_SCANNERS.items())
        for match in scanner.finditer(text)
    )
    chosen, taken_until = [], 0
    for start, neg_end, _, kind, match in candidates:
        if start >= taken_until:
            chosen.append((kind, match))
            taken_until = -neg_end
    return chosen


def _parts(match: re.Match[str]) -> dict[str, str]:
    return {_ALIASES.get(k, k): v for k, v in match.groupdict().items() if v is not None}


def _scan(text: str, anchor: PartialDate | None) -> Iterator[DateMention | InvalidDate]:
    """Every candidate left to right: a mention, or the reason it is impossible."""
    if not _PRECHECK.search(text):
        return
    for kind, match in _matches(text):
        try:
            found = _HANDLERS[kind](_parts(match), anchor)
        except InvalidDate as exc:
            yield InvalidDate(f"impossible date {match.group()!r}: {exc}")
            continue
        if found is not None:
            yield DateMention(match.start(), match.end(), match.group(), **vars(found))


def find_dates(text: str, anchor: PartialDate | None = None) -> list[DateMention]:
    """All date mentions in text, left to right, non-overlapping, longest form wins."""
    return [m for m in _scan(text, anchor) if isinstance(m, DateMention)]


# --------------------------------------------------------------------------
# Whole values

_DATETIME = re.compile(
    rf"(?P<y>{_D}{{4}})(?P<sep>[-/.])(?P<m>{_D}{{1,2}})(?P=sep)(?P<d>{_D}{{1,2}})"
    rf"(?:(?:T|{_WS})(?P<H>{_D}{{1,2}}):(?P<M>{_D}{{2}})(?::(?P<S>{_D}{{2}})(?:[.,]{_D}+)?)?)?"
    rf"(?:{_S}(?:Z|\(?{_S}(?:UTC|GMT)?{_S}(?:[+-]{_D}{{1,2}}(?::?{_D}{{2}})?)?{_S}\)?))?"
)
_COMPACT = re.compile(f"(?P<y>{_D}{{4}})(?P<m>{_D}{{2}})(?P<d>{_D}{{2}})")


def _check_time(m: re.Match[str]) -> None:
    hour, minute, second = (int(m.group(k) or 0) for k in ("H", "M", "S"))
    if hour > 23 or minute > 59 or second > 60:  # 60: leap second
        raise InvalidDate(f"impossible time in {m.group()!r}")


def _parse_datetime(value: str) -> PartialDate | None:
    m = _DATETIME.fullmatch(value)
    if m is None or _known_year(m["y"]) is None:
        return None
    _check_time(m)
    try:
        return PartialDate(int(m["y"]), int(m["m"]), int(m["d"]))
    except InvalidDate as exc:
        raise InvalidDate(f"impossible date {value!r}: {exc}") from None


def _parse_compact(value: str) -> PartialDate | None:
    # Eight digits are too often an ID to complain about: invalid means "not a date".
    m = _COMPACT.fullmatch(value)
    if m is None or _known_year(m["y"]) is None:
        return None
    try:
        return PartialDate(int(m["y"]), int(m["m"]), int(m["d"]))
    except InvalidDate:
        return None


_YEAR_ONLY = re.compile(r"[12][0-9]{3}")


def parse_date(value: str | _dt.date | int) -> PartialDate | None:
    """Parse one whole value (a front-matter field or a labelled header value).

    Accepts everything find_dates accepts plus ISO datetimes with time and zone,
    and 8-digit compact dates. Returns the first date found, None if there is
    none, and raises InvalidDate when the first date-shaped part is impossible.
    A bare year ("2023", or 2023 as YAML reads it) is a date of year precision.
    There is no anchor here, so a bare "3 月 15 日" comes back with year None,
    and a value with no known part at all (今年, 年初) gives None.
    Date objects (as YAML front matter yields them) are accepted as they are.
    """
    if isinstance(value, _dt.date):
        return PartialDate(value.year, value.month, value.day)
    value = str(value).strip()
    if _YEAR_ONLY.fullmatch(value) and YEAR_MIN <= int(value) <= YEAR_MAX:
        return PartialDate(int(value))  # in prose a bare number is no date; as a whole value it is
    if value[:1].isdecimal():
        whole = _parse_datetime(value) or _parse_compact(value)
        if whole is not None:
            return whole
    for found in _scan(value, None):
        if isinstance(found, InvalidDate):
            raise found
        if found.date != PartialDate(None):
            return found.date
    return None
