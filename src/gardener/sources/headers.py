"""The title, and the labelled lines that say who wrote an article, where and when.

The title is the article's first level-1 heading, wherever the header puts it: after a metadata
block, a banner image or a quote. Lacking one, a lone top heading or a short first line serves.

Labels are read only where an article keeps them, at the start of a line in its first or last
few lines: "作者：", "来源：", "发布时间：", "Date:", "写于 …", a translation block
(`> * 原文地址：…`, `> * 译者：…`), a WeChat byline ("原创 作者 公众号 2023-07-14 08:00"),
"By …" and "Originally published at …". A date in the middle of the text is never the
article's date. A plain label line in the header leaves the body once its value is in
front-matter; a line with a link, or one inside a quoted block, stays where it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gardener.sources.findings import Fact, Findings
from gardener.text.cjk import IDEOGRAPHS
from gardener.text.dates import DateMention, PartialDate, find_dates
from gardener.text.markdown import INLINE_LINK, fenced_code, headings

# Underscores mark emphasis only at word edges: "jesse_11222" is a name.
_EMPHASIS = re.compile(r"(\*{1,3}|(?<![\w\\])_{1,3}(?=\S))(.+?)\1(?!\w)")
_CODE = re.compile(r"`+([^`]+)`+")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_FILE_SUFFIX = re.compile(r"\.(?:md|markdown|txt|html?|pdf|docx?)$", re.IGNORECASE)
_SENTENCE_END = "。！？!?；;，,"
_PROSE_END = tuple("。！？!?；;")
TITLE_MAX_CHARS = 80
HEADER_LINES = 10
FOOTER_LINES = 5
# After a labelled date only a place or a time may follow ("写于北京", "08:00"): a longer tail
# means the line is a sentence that happens to start like a label.
DATE_TAIL_MAX = 16
NAME_MAX_CHARS = 40

_LABELS: tuple[tuple[str, str], ...] = (
    ("source", r"原文地址|原文链接|原文网址|英文原文|原始链接|原文|Original(?: article| post)?|Source"),
    ("source or publisher", r"文章来源|来源|出处|转载自"),
    ("first published", r"本文首发于|首发于|Originally published (?:at|on|in)"),
    ("authors", r"原文作者|原作者|作者|撰文|文|Authors?|Written by|Writer"),
    ("translators", r"译者|翻译|译|Translators?|Translated by"),
    ("reviewers", r"原文审校|校对者|校对|审校|Reviewers?|Proofreaders?"),
    ("publisher", r"译文出自|公众号|发布者|出品|Publisher|Published by|Publication"),
    ("updated", r"最后更新|更新时间|更新日期|Last updated|Updated(?: on)?"),
    ("date", r"发布时间|发表时间|发布日期|发表日期|日期|时间|Date|Published(?: on)?|Posted(?: on)?"),
    ("affiliation", r"单位|机构|Affiliation"),
    ("contact", r"联系方式|邮箱|Email|E-mail|Contact"),
)
_LABEL = re.compile(
    "^(?:" + "|".join(f"(?P<f{i}>{labels})" for i, (_f, labels) in enumerate(_LABELS)) + r")"
    r"(?:\s*[:：]\s*|(?<=by|at|on|in)\s+(?=\S))(?P<value>.*)$", re.IGNORECASE)
_WRITTEN = re.compile(r"^(?:本文|全文|此文)?写于\s*(?P<value>.+)$")
_BY = re.compile(r"^By\s+(?P<value>.+)$")
_BY_SEPARATOR = re.compile(r"(\s*[,，|·]\s*|\s+[-—–]\s+|\s+on\s+)")
_NAME_WORD = re.compile(rf"^(?:[A-Z][\w.'’-]*|[{IDEOGRAPHS}][{IDEOGRAPHS}·•]*|[a-z]{{1,3}})$")
_WECHAT = re.compile(
    r"^(?:原创\s*)?(?:(?P<a>[^\s\d:：|]{1,20})\s+)?(?:(?P<b>[^\s\d:：|]{1,20})\s+)?"
    r"(?P<date>\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?(?:\s*发表于\s*\S{1,12})?$")
_MARKERS = re.compile(r"^(?:\s*>)*\s*(?:[-*+]\s+|\d{1,2}[.)]\s+)?")
_SEGMENTS = re.compile(r"\s*[|｜]\s*|\s{2,}|\u3000+")
_LINK = INLINE_LINK  # links on a metadata line
_URL = re.compile(r"https?://[^\s<>()\[\]，。、]+")
_NAME_SPLIT = re.compile(r"\s*(?:[、,，/;；&＆]|\band\b|和|及|与)\s*")
_HAS_LINK = re.compile(r"\]\(|<a\s|https?://", re.IGNORECASE)
_ATX_AGREED = re.compile(r"^\s*#{1,6}(?:[ \t]|$)")
_UNDERLINE = re.compile(r"^[ ]{0,3}(?:=+|-+)[ \t]*$", re.M)


@dataclass(frozen=True)
class _Heading:
    start: int
    end: int
    level: int
    title: str


def plain_title(text: str) -> str:
    """A heading's text as a reader sees it: no emphasis or code marks, no backslash escapes,
    no leftover file extension."""
    title = _CODE.sub(r"\1", _EMPHASIS.sub(r"\2", text))
    title = _ESCAPE.sub(r"\1", title).strip()
    return _FILE_SUFFIX.sub("", title).strip()


def extract_title(text: str, found: Findings) -> str:
    """Take the title heading (or a title-like first line) out of the body into findings."""
    heading = title_heading(text)
    if heading is not None:
        found.add("title", plain_title(heading.title), f"heading '{'#' * heading.level}'")
        start, end = heading.start, heading.end
    else:
        lines = text.split("\n")
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is None or not _title_like(lines[first]):
            return text
        found.add("title", plain_title(lines[first]), "first line")
        start = sum(len(line) + 1 for line in lines[:first])
        end = start + len(lines[first])
    before, after = text[:start], text[end:].lstrip("\n").split("\n")
    title = found.first("title")  # the one just added, or one the source's metadata gave
    again = next((i for i, line in enumerate(after) if line.strip()), None)
    if title is not None and again is not None and plain_title(after[again].lstrip("# ")) == title.value:
        del after[again]  # scraped pages repeat the title below the breadcrumb
    return before + "\n".join(after)


def title_heading(text: str) -> _Heading | None:
    """The heading that titles the text: the first heading, when it is a level-1 heading or the
    only one at the top level, and no paragraph of prose comes before it."""
    found = _headings(text)
    if not found:
        return None
    first = found[0]
    if first.level != 1 and any(h.level <= first.level for h in found[1:]):
        return None
    if any(_is_prose(line) for line in text[:first.start].split("\n")):
        return None
    return first


def level_one_headings(text: str) -> list[int]:
    """0-based line numbers of the level-1 headings."""
    return [text.count("\n", 0, h.start) for h in _headings(text) if h.level == 1]


def _headings(text: str) -> list[_Heading]:
    """Headings as both Python-Markdown and CommonMark read them: "#tag" lines are no heading."""
    out = []
    for start, level, title in headings(text):
        line_end = text.find("\n", start)
        line = text[start:line_end if line_end >= 0 else len(text)]
        if line.lstrip().startswith("#"):
            if not _ATX_AGREED.match(line):
                continue
            end = start + len(line)
        else:  # setext: the title runs to its underline
            underline = _UNDERLINE.search(text, start)
            end = underline.end() if underline else start + len(line)
        out.append(_Heading(start, end, level, title))
    return out


def _is_prose(line: str) -> bool:
    text = _MARKERS.sub("", line).strip() if not line.lstrip().startswith(">") else ""
    if not text or text.startswith(("<", "![", "[![", "|", "```", "~~~", "---", "***", "___")):
        return False
    if _EMPHASIS.fullmatch(text.rstrip("。.")):
        return False  # an editor's note in bold or italics above the title
    plain = _URL.sub("", _LINK.sub(lambda m: m.group("text"), text)).strip(" ()[]<>")
    return len(plain) > TITLE_MAX_CHARS or plain.endswith(_PROSE_END)


def _title_like(line: str) -> bool:
    text = line.strip()
    return 0 < len(text) <= TITLE_MAX_CHARS and text[-1] not in _SENTENCE_END and not text.startswith(
        ("-", "*", ">", "!", "|", "<", "```", "#")
    )


def extract_labels(text: str, found: Findings) -> str:
    """Read labelled lines in the header and footer; plain header labels leave the body."""
    lines = text.split("\n")
    fenced = _code_lines(text)
    content = [i for i, line in enumerate(lines) if line.strip() and i not in fenced]
    header, footer = content[:HEADER_LINES], content[-FOOTER_LINES:]
    drop = set()
    titled = found.first("title") is not None
    for n, i in enumerate(header):
        line = lines[i]
        if line.count("[") > line.count("]") and n + 1 < len(header):
            line += lines[header[n + 1]].lstrip("> ")  # a link text broken over two lines
        facts = read_line(line, Findings(), header=True)
        if not facts:
            continue
        # the original's title, from the text of its link, serves only when the body has none
        found.facts.extend(f for f in facts if f.field != "title" or not titled)
        if all(f.confidence == "high" for f in facts) and _removable(lines[i]):
            drop.add(i)
    for i in footer:
        if i not in header:
            read_line(lines[i], found, header=False)
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)


def _code_lines(text: str) -> set[int]:
    lines: set[int] = set()
    for start, end in fenced_code(text):
        lines.update(range(text.count("\n", 0, start), text.count("\n", 0, end) + 1))
    return lines


def _removable(line: str) -> bool:
    """A plain label line is pure repetition of front-matter; quoted blocks and links stay."""
    stripped = line.lstrip()
    return not stripped.startswith((">", "-", "*", "+", "<")) and not _HAS_LINK.search(line)


def read_line(line: str, found: Findings, header: bool = True) -> list[Fact] | None:
    """Add the facts a labelled line states; None unless every part of the line is a label."""
    text = _EMPHASIS.sub(r"\2", _MARKERS.sub("", line)).strip().strip("*_ ")
    if not text:
        return None
    facts = Findings()
    whole = _byline(text, facts, header) or _written(text, facts)
    if not whole:
        whole = all(_label(part, facts) for part in _segments(text))
    if not whole:
        return None
    found.facts.extend(facts.facts)
    return facts.facts


def _segments(text: str) -> list[str]:
    """Parts of a line of several labels ("作者：A | 来源：B"); link texts are never cut."""
    links = [m.group(0) for m in _LINK.finditer(text)]
    masked = _LINK.sub(lambda m: f"\ue000{links.index(m.group(0))}\ue001", text)
    parts = [p for p in _SEGMENTS.split(masked) if p]
    return [re.sub("\ue000(\\d+)\ue001", lambda m: links[int(m.group(1))], p) for p in parts]


def has_labels(line: str) -> bool:
    """Whether a line is a byline or labelled metadata stating something (telling articles
    apart: a part with its own byline is an article of its own)."""
    return bool(read_line(line, Findings()))


def _label(part: str, found: Findings) -> bool:
    match = _LABEL.match(part)
    if not match:
        return False
    name = next(field for i, (field, _l) in enumerate(_LABELS) if match.group(f"f{i}"))
    label = part[: match.start("value")].strip(" :：")
    value = match.group("value").strip()
    where = f"label '{label}'"
    if not value:
        return True  # "译者：" with nothing after it says nothing, but is still a label line
    if name in ("date", "updated"):
        date = _whole_date(value)
        if date is None:
            return False
        found.add(name, date, where)
    elif name in ("source", "source or publisher", "first published"):
        return _source(name, value, found, where)
    elif name in ("authors", "translators", "reviewers"):
        names = _names(value)
        if not names:
            return False
        found.add(name, names, where)
    else:
        found.add(name, _LINK.sub(lambda m: m.group("text"), value).strip(), where)
    return True


def _source(name: str, value: str, found: Findings, where: str) -> bool:
    link, bare = _LINK.search(value), _URL.search(value)
    url = link.group("url") if link else (bare.group(0) if bare else "")
    if url.startswith(("http://", "https://")):
        found.add("source", url.rstrip(".,;:!?"), where)
        if name == "source" and link and plain_title(link.group("text")):
            found.add("title", plain_title(link.group("text")), f"link text of {where}")
        if name == "first published":
            mention = _first_date(value[(link.end() if link else bare.end() if bare else 0):])
            if mention is not None:
                found.add("date", mention.date, where)
        return True
    plain = _LINK.sub(lambda m: m.group("text"), value).strip()
    if name != "source" and 0 < len(plain) <= NAME_MAX_CHARS and not plain.endswith(_PROSE_END):
        found.add("publisher", plain, where)
        return True
    return False


def _names(value: str) -> list[str]:
    links = [m.group("text").strip() for m in _LINK.finditer(value)]
    if links:
        return [n for n in links if n]
    names = [n.strip(" .。") for n in _NAME_SPLIT.split(value)]
    if any(len(n) > NAME_MAX_CHARS or n.endswith(_PROSE_END) for n in names):
        return []
    return [n for n in names if n]


def _byline(text: str, found: Findings, header: bool) -> bool:
    """"By Name[, date]" anywhere in the header and footer; a WeChat byline in the header."""
    by = _BY.match(text)
    if by:
        return _by(by.group("value"), found, "sign-off 'By …'" if not header else "byline 'By …'")
    wechat = _WECHAT.match(text) if header else None
    if wechat is None:
        return False
    mention = _first_date(wechat.group("date"))
    if mention is None:
        return False
    names = [n for n in (wechat.group("a"), wechat.group("b")) if n]
    if not names:
        # A date on a line of its own may be a caption or an event: reported, not written.
        found.add("date", mention.date, "date alone on a header line", confidence="low")
        return True
    found.add("date", mention.date, "dated byline")
    if len(names) == 2:
        found.add("authors", [names[0]], "dated byline")
    found.add("publisher", names[-1], "dated byline")
    return True


def _by(value: str, found: Findings, where: str) -> bool:
    links = list(_LINK.finditer(value))
    if links and not value[:links[0].start()].strip():
        names = [m.group("text").strip() for m in links]
        rest = value[links[-1].end():]
    else:
        pieces = _BY_SEPARATOR.split(value, maxsplit=1)
        name_part, rest = pieces[0], (pieces[2] if len(pieces) == 3 else "")
        names = [n for n in _NAME_SPLIT.split(name_part) if n]
    rest = rest.strip(" ,，|·-—–")
    if not names or not all(_is_name(n) for n in names):
        return False
    date = _whole_date(rest) if rest else None
    if rest and date is None:
        return False
    found.add("authors", names, where)
    if date is not None:
        found.add("date", date, where)
    return True


def _is_name(name: str) -> bool:
    plain = _LINK.sub(lambda m: m.group("text"), name).strip()
    words = plain.split()
    return 0 < len(plain) <= NAME_MAX_CHARS and 0 < len(words) <= 5 and all(
        _NAME_WORD.match(w) for w in words) and not words[0].islower()


def _written(text: str, found: Findings) -> bool:
    match = _WRITTEN.match(text)
    if not match:
        return False
    date = _whole_date(match.group("value"))
    if date is None:
        return False
    found.add("date", date, "label '写于'")
    return True


def _whole_date(value: str) -> PartialDate | None:
    """The date a label's value states, when the value is little more than that date."""
    mention = _first_date(value)
    if mention is None or mention.start > 2 or len(value.strip()) - mention.end > DATE_TAIL_MAX:
        return None
    tail = value[mention.end:].strip()
    return None if tail.endswith(_PROSE_END) and len(tail) > 1 else mention.date


def _first_date(value: str) -> DateMention | None:
    for mention in find_dates(value):
        if mention.resolved and not mention.relative and mention.date.year is not None:
            return mention
        return None
    return None
