"""The title and the labelled lines around it ("作者：", "Date:", "写于 …", "By …").

Labels in the header area become front-matter and leave the body; sign-offs and "写于" lines
further down stay in the body (they are part of the text) and only lend their facts.
"""

from __future__ import annotations

import re

from gardener.text.dates import InvalidDate, find_dates, parse_date
from gardener.sources.findings import Findings

_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(.+?)\1")
_FILE_SUFFIX = re.compile(r"\.(?:md|markdown|txt|html?|pdf|docx?)$", re.IGNORECASE)
_SENTENCE_END = "。！？!?；;，,"
TITLE_MAX_CHARS = 80
HEADER_LINES = 10

_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("authors", re.compile(r"^(?:作者|撰文|文|Author|Authors|By)\s*[:：/]\s*(?P<v>.+)$", re.I)),
    ("affiliation", re.compile(r"^(?:单位|机构|Affiliation)\s*[:：]\s*(?P<v>.+)$", re.I)),
    ("contact", re.compile(r"^(?:联系方式|邮箱|Email|E-mail|Contact)\s*[:：]\s*(?P<v>.+)$", re.I)),
    ("date", re.compile(r"^(?:Date|日期|时间|发布时间|发表时间|发布日期)\s*[:：]\s*(?P<v>.+)$", re.I)),
    ("source", re.compile(r"^(?:来源|原文|原文链接|Source)\s*[:：]\s*(?P<v>https?://\S+)$", re.I)),
)
_WRITTEN = re.compile(r"写于\s*(?P<v>[^*_\n]+)")
_BYLINE = re.compile(r"^[*_]*By\s+(?P<name>[^,，\n]{1,40}?)\s*[,，]\s*(?P<date>[^*_\n]+?)[*_]*\s*$", re.I)
_AUTHOR_SPLIT = re.compile(r"\s*(?:[、,，/;；]|\band\b|和)\s*")


def plain_title(text: str) -> str:
    """A heading's text without emphasis markers or a leftover file extension."""
    title = _EMPHASIS.sub(r"\2", text).strip()
    return _FILE_SUFFIX.sub("", title).strip()


def extract_title(text: str, found: Findings) -> str:
    """Take the first line as the title when it is a heading or a short line of its own."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return text
    heading = _HEADING.match(lines[first])
    if heading:
        found.add("title", plain_title(heading.group(2)), f"heading '{'#' * len(heading.group(1))}'")
    elif _title_like(lines[first]):
        found.add("title", plain_title(lines[first]), "first line")
    else:
        return text
    title = found.first("title").value
    rest = lines[first + 1:]
    again = next((i for i, line in enumerate(rest) if line.strip()), None)
    if again is not None and plain_title(rest[again].lstrip("# ")) == title:
        del rest[again]  # scraped pages repeat the title below the breadcrumb
    return "\n".join(lines[:first] + rest)


def _title_like(line: str) -> bool:
    text = line.strip()
    return 0 < len(text) <= TITLE_MAX_CHARS and text[-1] not in _SENTENCE_END and not text.startswith(
        ("-", "*", ">", "!", "|", "<", "```")
    )


def extract_labels(text: str, found: Findings) -> str:
    """Move labelled header lines into findings; read "写于" and sign-off lines anywhere."""
    lines = text.split("\n")
    keep, seen = [], 0
    for line in lines:
        seen += bool(line.strip())
        if seen <= HEADER_LINES and _take_label(line.strip(), found):
            continue
        keep.append(line)
    for line in keep:
        _read_trailer(line.strip(), found)
    return "\n".join(keep)


def _take_label(line: str, found: Findings) -> bool:
    for name, pattern in _LABELS:
        match = pattern.match(line)
        if not match:
            continue
        value = match.group("v").strip()
        label = line[: match.start("v")].strip()
        if name == "date":
            try:
                value = parse_date(value)
            except InvalidDate:
                value = None
            if value is None:
                return False
        elif name == "authors":
            value = [a for a in _AUTHOR_SPLIT.split(value) if a]
        found.add(name, value, f"label '{label}'")
        return True
    return False


def _read_trailer(line: str, found: Findings) -> None:
    written = _WRITTEN.search(line)
    if written:
        dates = find_dates(written.group("v"))
        if dates and dates[0].resolved:
            found.add("date", dates[0].date, "label '写于'")
    byline = _BYLINE.match(line)
    if byline:
        dates = find_dates(byline.group("date"))
        if dates and dates[0].resolved:
            found.add("authors", [byline.group("name").strip()], "sign-off 'By …'")
            found.add("date", dates[0].date, "sign-off 'By …'")
