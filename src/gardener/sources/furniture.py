"""Page furniture of scraped pages: breadcrumbs, view counters, share bars, repost footers,
"热门推荐" and "收录于合集" blocks, ICP lines, inline stock quotes and keyword links.

Furniture goes only by these named rules, each noted in the import report; each rule hands any
fact the furniture held (date, publisher, source URL) to the findings. Links are unwrapped only
when they lead to a search, tag or quote page, never to a project, an article or a person.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qs, unquote, urlsplit

from gardener.sources.findings import Findings
from gardener.text.dates import find_dates
from gardener.text.markdown import inline_links

_BREADCRUMB = re.compile(r"^\s*([^>\n]{1,20}?)(?:\s*[>›»]\s*[^>\n]{1,60}?){1,4}\s*$")
_COUNTER = re.compile(r"^\s*(?:浏览量|阅读量|浏览|阅读|点击量|点击)\s*[:：]?\s*\d+\s+(?P<rest>.*)$")
_PUBLISHER = re.compile(r"(?P<name>[^\s\d][^\s]{0,30}?)\s*发布\s*$")
_SOURCE = re.compile(
    r"^\s*(?:本文来自|文章来源|来源|原文链接|原文地址|转载自|本文链接)\s*[:：]\s*"
    r"(?P<url>https?://[^\s，,。]+)(?P<rest>.*)$"
)
# Site-generated lists of other pages. "推荐阅读" and "延伸阅读" are left alone: authors write
# those themselves, with links that belong to the article.
_FOOTER = re.compile(r"^\s*(?:热门推荐|相关推荐|猜你喜欢|热门文章)(?:\s|[|｜]|$)")
_SHARE_TARGET = (r"(?:微信|朋友圈|微博|新浪微博|QQ空间|QQ|豆瓣|知乎|Twitter|Facebook|LinkedIn|Weibo|WeChat"
                 r"|Reddit|复制链接)")
_SHARE = re.compile(
    rf"^\s*(?:(?:分享到|分享至|分享|Share(?: this| on)?)\s*[:：]?\s*(?:{_SHARE_TARGET}[\s|｜,，/、]*)+"
    rf"|(?:{_SHARE_TARGET}[\s|｜,，/、]+){{2,}}{_SHARE_TARGET}\s*)$", re.IGNORECASE)
_ICP = re.compile(r"(?:ICP\s*[备证]|公网安备)\s*[:：]?\s*\d")
ICP_LINE_MAX = 120
_COLLECTION = re.compile(r"^\s*收录于(?:合集|话题)")
_HASHTAG_LINE = re.compile(r"^\s*(?:#\S+(?:\s+#?\S+)*?\s*(?:\d+\s*个)?|\d+\s*个(?:内容)?)\s*$")
_TICKER = re.compile(
    r"[(（]\s*-?\d+(?:\.\d+)?\s+[-+]?\d+(?:\.\d+)?%\s*[,，]\s*\[[^\]\n]{1,6}\]\([^)\s]*\)\s*[)）]")
# A keyword link's text is a word or a short phrase.
KEYWORD_MAX = 40
# A site that receives this many links to its search, tag or quote pages in one article is a
# keyword link farm.
LINK_FARM_MIN = 3
_SEARCH_KEYS = ("keyword", "keywords", "kw", "q", "query", "wd", "word", "searchword", "search", "tag")
_LISTING_SEGMENTS = {"search", "tag", "tags", "keyword", "keywords", "topic", "topics"}
# Market pages: a host or folder named like these lists prices, not writing.
_QUOTE_WORDS = {"quote", "quotes", "stock", "stocks", "forex", "fund", "funds", "futures",
                "stockpage", "realstock", "hq", "gupiao"}
_SLUG = re.compile(r"[a-z0-9]+-[a-z0-9]+-[a-z0-9]+", re.IGNORECASE)


def remove_furniture(text: str, found: Findings) -> str:
    lines = text.split("\n")
    lines = _drop_breadcrumb(lines, found)
    lines = [line for line in lines if not _counter_line(line, found)]
    lines = [line for line in lines if not _source_line(line, found)]
    lines = [line for line in lines if not _share_or_icp_line(line, found)]
    lines = _drop_collections(lines, found)
    lines = _cut_footer(lines, found)
    text = "\n".join(lines)
    text, tickers = _TICKER.subn("", text)
    if tickers:
        found.note(f"removed {tickers} inline stock quote(s)")
    return _unwrap_keyword_links(text, found)


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


def _share_or_icp_line(line: str, found: Findings) -> bool:
    if _SHARE.match(line):
        found.note(f"removed share bar '{line.strip()[:40]}'")
        return True
    if _ICP.search(line) and len(line.strip()) <= ICP_LINE_MAX:
        found.note(f"removed ICP licence line '{line.strip()[:40]}'")
        return True
    return False


def _drop_collections(lines: list[str], found: Findings) -> list[str]:
    """"收录于合集 #标签 12个": the platform's list of collections, with its hashtag lines."""
    out, i = [], 0
    while i < len(lines):
        if not _COLLECTION.match(lines[i]):
            out.append(lines[i])
            i += 1
            continue
        end = i + 1
        while end < len(lines) and (not lines[end].strip() or _HASHTAG_LINE.match(lines[end])):
            end += 1
        found.note(f"removed collection block '{lines[i].strip()[:30]}' ({end - i} lines)")
        i = end
    return out


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


def listing_term(url: str) -> str | None:
    """What a search, tag or market-quote page lists ("" when it does not say), or None when
    the link leads to a document: a project, an article, a person."""
    parts = urlsplit(url)
    query = {k.casefold(): v for k, values in parse_qs(parts.query).items() for v in values[:1]}
    for key in _SEARCH_KEYS:
        if query.get(key, "").strip():
            return query[key].strip()
    segments = [unquote(s) for s in parts.path.split("/") if s]
    for i, segment in enumerate(segments[:-1]):
        if segment.casefold() in _LISTING_SEGMENTS:
            return segments[i + 1]
    if segments and segments[-1].casefold() in ("search", "search.html", "search.php", "s"):
        return ""
    if any(_SLUG.search(s) for s in segments):
        return None  # a titled page ("/2023/how-to-build-x") is a document, whatever the host
    host_labels = (parts.hostname or "").split(".")[:-2]
    if {label.casefold() for label in host_labels + segments[:-1]} & _QUOTE_WORDS:
        return ""
    return None


def _unwrap_keyword_links(text: str, found: Findings) -> str:
    """Unwrap the links a site sprinkles over keywords: several links to its search, tag or
    quote pages, each for the very word it links (or for a quote page, which names no term).
    A search link an author chose for a reader ("look up X") is a single link; it stays.
    Links inside code are not links (the scanner leaves them out)."""
    keyword = [m for m in inline_links(text) if _is_keyword_link(m) and _links_its_own_text(m)]
    per_site = Counter(_site(m.group("url")) for m in keyword)
    unwrap = [m for m in keyword if per_site[_site(m.group("url"))] >= LINK_FARM_MIN]
    if not unwrap:
        return text
    sites = sorted({_site(m.group("url")) for m in unwrap})
    found.note(f"unwrapped {len(unwrap)} keyword links to search, tag or quote pages of "
               f"{', '.join(sites)}")
    pieces: list[str] = []
    pos = 0
    for match in unwrap:
        pieces += (text[pos:match.start()], match.group("text"))
        pos = match.end()
    return "".join(pieces) + text[pos:]


def _is_keyword_link(match: re.Match[str]) -> bool:
    words = match.group("text")
    return (not match.group("image") and 0 < len(words) <= KEYWORD_MAX and "[" not in words
            and match.group("url").startswith(("http://", "https://")))


def _links_its_own_text(match: re.Match[str]) -> bool:
    term = listing_term(match.group("url"))
    return term is not None and term.casefold() in ("", match.group("text").strip().casefold())
