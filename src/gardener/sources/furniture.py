"""Page furniture of scraped pages: breadcrumbs, view counters, repost footers, link farms.

Each rule removes what is not the article and hands any fact it holds (date, publisher, source
URL) to the findings, so nothing the page said about the article is lost.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from gardener.text.dates import find_dates
from gardener.sources.findings import Findings

_BREADCRUMB = re.compile(r"^\s*([^>\n]{1,20}?)(?:\s*[>›»]\s*[^>\n]{1,60}?){1,4}\s*$")
_COUNTER = re.compile(r"^\s*(?:浏览量|阅读量|浏览|阅读|点击量|点击)\s*[:：]?\s*\d+\s+(?P<rest>.*)$")
_PUBLISHER = re.compile(r"(?P<name>[^\s\d][^\s]{0,30}?)\s*发布\s*$")
_SOURCE = re.compile(
    r"^\s*(?:本文来自|文章来源|来源|原文链接|原文地址|转载自|本文链接)\s*[:：]\s*"
    r"(?P<url>https?://[^\s，,。]+)(?P<rest>.*)$"
)
_FOOTER = re.compile(
    r"^\s*(?:热门推荐|相关推荐|推荐阅读|相关文章|猜你喜欢|延伸阅读|热门文章)(?:\s|[|｜]|$)")
_TICKER = re.compile(
    r"[(（]\s*-?\d+(?:\.\d+)?\s+[-+]?\d+(?:\.\d+)?%\s*[,，]\s*\[[^\]\n]{1,6}\]\([^)\s]*\)\s*[)）]")
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\[\]\n]{1,12})\]\((?P<url>https?://[^)\s]+)\)")
# A host that receives this many one-word links in one article is a keyword link farm.
LINK_FARM_MIN = 3


def remove_furniture(text: str, found: Findings) -> str:
    lines = text.split("\n")
    lines = _drop_breadcrumb(lines, found)
    lines = [line for line in lines if not _counter_line(line, found)]
    lines = [line for line in lines if not _source_line(line, found)]
    lines = _cut_footer(lines, found)
    text = "\n".join(lines)
    text, tickers = _TICKER.subn("", text)
    if tickers:
        found.note(f"removed {tickers} inline stock quote(s)")
    return _unwrap_link_farms(text, found)


def _drop_breadcrumb(lines: list[str], found: Findings) -> list[str]:
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not _BREADCRUMB.match(lines[first]) or lines[first].lstrip().startswith(">"):
        return lines
    last = re.split(r"\s*[>›»]\s*", lines[first].strip())[-1]
    following = [line.strip().lstrip("# ") for line in lines[first + 1:first + 8] if line.strip()]
    if last not in following:
        return lines
    found.note(f"removed breadcrumb '{lines[first].strip()}'")
    return lines[:first] + lines[first + 1:]


def _counter_line(line: str, found: Findings) -> bool:
    match = _COUNTER.match(line)
    if not match:
        return False
    rest = match.group("rest")
    dates = find_dates(rest)
    if dates and dates[0].resolved:
        found.add("date", dates[0].date, "page header '浏览量 … 发布'")
        rest = rest[dates[0].end:]
    publisher = _PUBLISHER.search(rest)
    if publisher:
        found.add("publisher", publisher.group("name"), "page header '… 发布'")
    found.note(f"removed view counter line '{line.strip()}'")
    return True


def _source_line(line: str, found: Findings) -> bool:
    match = _SOURCE.match(line)
    if not match:
        return False
    found.add("source", match.group("url"), "footer '本文来自'")
    found.note(f"removed repost footer '{line.strip()[:40]}…'")
    return True


def _cut_footer(lines: list[str], found: Findings) -> list[str]:
    floor = int(len(lines) * 0.6)  # a footer sits near the end, never in the body
    for i in range(len(lines) - 1, floor - 1, -1):
        if _FOOTER.match(lines[i]):
            cut = sum(1 for line in lines[i:] if line.strip())
            found.note(f"removed footer '{lines[i].strip()[:20]}' ({cut} lines)")
            return lines[:i]
    return lines


def _site(url: str) -> str:
    host = urlsplit(url).hostname or ""
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in {"com", "net", "org", "gov", "edu"} else 2
    return ".".join(labels[-keep:])


def _unwrap_link_farms(text: str, found: Findings) -> str:
    words = [m for m in _LINK.finditer(text) if " " not in m.group("text").strip()]
    farms = {site for site, n in Counter(_site(m.group("url")) for m in words).items()
             if n >= LINK_FARM_MIN}
    if not farms:
        return text
    found.note(f"unwrapped keyword links to {', '.join(sorted(farms))}")

    def unwrap(match: re.Match[str]) -> str:
        keep = " " not in match.group("text").strip() and _site(match.group("url")) in farms
        return match.group("text") if keep else match.group(0)

    return _LINK.sub(unwrap, text)
