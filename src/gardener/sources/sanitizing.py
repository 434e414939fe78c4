"""Active content out of untrusted sources: what runs code, loads other pages or asks for input.

Clippings and saved pages come from anywhere, and Python-Markdown passes raw HTML and link
destinations to the published page as written. Import therefore runs every piece of raw HTML
through an allow-list sanitiser (nh3) and replaces link destinations whose scheme is not a web
or mail address. A piece that loses nothing is kept byte for byte; what is removed is reported.
The HTML-page importer drops the same elements and addresses before conversion.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import markdown
import nh3

from gardener.text.markdown import active_markup, closed_fences, loose_markup

# Elements that run code, load other pages or ask for input: never article text.
ACTIVE_ELEMENTS = ("script", "style", "noscript", "iframe", "frame", "frameset", "object",
                   "embed", "applet", "template", "form", "input", "button", "select",
                   "textarea", "dialog", "svg", "canvas", "link", "meta", "base")
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "ftp", "tel"})
# Browsers drop ASCII whitespace and control characters inside a scheme ("java\tscript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href"}
# Cheap test for text that may still hold active markup: only then is the page rendered.
_LOOKS_ACTIVE = re.compile(r"<\s*/?\s*(?:" + "|".join(
    ("script", "iframe", "frame", "object", "embed", "applet", "svg", "form", "base", "meta",
     "link", "style", "template", "math")) + r")|\bon[a-z]+\s*=|(?:script|data):", re.I)

TAGS = (set(nh3.ALLOWED_TAGS) | {"video", "audio", "source", "picture", "track", "section",
                                 "main", "figure", "figcaption", "font", "big"}) - set(ACTIVE_ELEMENTS)
_GENERIC = {"class", "id", "title", "lang", "dir", "align", "width", "height", "style",
            "markdown", "name", "role", "aria-label", "aria-hidden"}
ATTRIBUTES = {tag: set(nh3.ALLOWED_ATTRIBUTES.get(tag, ())) for tag in TAGS}
ATTRIBUTES["*"] = _GENERIC
for _tag, _extra in (("a", {"href", "hreflang", "rel", "target"}),
                     ("img", {"src", "alt", "srcset", "loading"}),
                     ("video", {"src", "poster", "controls", "loop", "muted", "preload"}),
                     ("audio", {"src", "controls", "loop", "muted", "preload"}),
                     ("source", {"src", "srcset", "type", "media", "sizes"}),
                     ("track", {"src", "kind", "srclang", "label", "default"}),
                     ("font", {"color", "face", "size"})):
    ATTRIBUTES[_tag] |= _extra
# Layout and colour only: nothing that fetches (url(), @import) or covers the page.
STYLE_PROPERTIES = {"color", "background-color", "text-align", "font-weight", "font-style",
                    "font-size", "font-family", "text-decoration", "vertical-align", "width",
                    "height", "max-width", "margin", "margin-left", "margin-right", "margin-top",
                    "margin-bottom", "padding", "padding-left", "padding-right", "border",
                    "border-collapse", "white-space", "display", "float", "clear"}


def safe_url(url: str) -> bool:
    """Whether a URL is relative or uses a web or mail scheme, as a browser would read it."""
    plain = _IGNORED_IN_SCHEME.sub("", html.unescape(url)).strip("<>")
    scheme = _SCHEME.match(plain)
    if scheme is None or "/" in plain[:scheme.start(1)]:
        return True
    return scheme.group(1).lower() in SAFE_SCHEMES


def sanitize(text: str) -> tuple[str, list[str]]:
    """The Markdown with active content removed, and what was removed ("<script>", "onerror=",
    "javascript: link"), each named once.

    Raw HTML is found as the site's renderer finds it. Where a text still looks active after
    that (markup written so that it is read as code here and as HTML there), the page is
    rendered once to make sure; if it is active, every tag outside fenced code is sanitised,
    code spans included: a few samples of code may lose an attribute, no page runs a script."""
    removed: dict[str, None] = {}
    clean = _cleaned(text, *active_markup(text), removed)
    if _LOOKS_ACTIVE.search(clean) and _renders_active(clean):
        clean = _cleaned(clean, *loose_markup(clean), removed)
        if _renders_active(clean):
            clean = _inert(clean, removed)
    return clean, list(removed)


# Last resort, for text that the scanner and the renderer still read differently (a stray fence
# marker the scanner takes for code, which Python-Markdown shows as text): every tag is escaped
# and every unsafe address replaced, code included.
_UNSAFE_DESTINATION = re.compile(
    r"(\]\(\s*<?|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?)\s*(?:(?:java|vb)script|data)\s*:[^)\s>]*", re.I | re.M)


def _inert(text: str, removed: dict[str, None]) -> str:
    removed.setdefault("markup read as HTML by the renderer only")
    return _UNSAFE_DESTINATION.sub(r"\1#", text.replace("<", "&lt;"))


def _cleaned(text: str, tags: list[tuple[int, int]], destinations: list[tuple[int, int]],
             removed: dict[str, None]) -> str:
    fences = closed_fences(text)
    edits = [(start, end, _clean_block(text, start, end, fences, removed))
             for start, end in tags]
    edits += [(start, end, _clean_destination(text[start:end], removed))
              for start, end in destinations]
    return _apply(text, edits)


def _renders_active(text: str) -> bool:
    """Whether the page the site would render from text holds script, a frame, an event
    handler or an unsafe address."""
    rendered = markdown.markdown(text, extensions=["md_in_html", "pymdownx.superfences"])
    for _tag, attrs in _Tags(rendered).found:
        if _tag in ACTIVE_ELEMENTS or any(
                name.startswith("on") or (name in _URL_ATTRIBUTES and not safe_url(value))
                for name, value in attrs.items()):
            return True
    return False


def _apply(text: str, edits: list[tuple[int, int, str | None]]) -> str:
    pieces: list[str] = []
    pos = 0
    # By place only: a tag and a destination can share a span, and None (nothing to change)
    # does not compare with a replacement.
    for start, end, replacement in sorted(edits, key=lambda edit: edit[:2]):
        if replacement is None or start < pos:
            continue
        pieces += [text[pos:start], replacement]
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _clean_destination(url: str, removed: dict[str, None]) -> str | None:
    if safe_url(url):
        return None
    scheme = _SCHEME.match(_IGNORED_IN_SCHEME.sub("", html.unescape(url)).strip("<>"))
    removed[f"{scheme.group(1).lower() if scheme else 'unsafe'}: link"] = None
    return "#"


def _clean_block(text: str, start: int, end: int, fences: list[tuple[int, int]],
                 removed: dict[str, None]) -> str | None:
    """_clean_html of text[start:end], the code of any fence inside it kept as written: an
    HTML block may hold fenced code (<details> around a long listing), which superfences takes
    out before Python-Markdown reads the block, so it is code on the page, not HTML."""
    inside = [(a, b) for a, b in fences if start <= a and b <= end]
    if not inside:
        return _clean_html(text[start:end], removed)
    pieces, code, pos = [], {}, start
    for number, (a, b) in enumerate(inside):
        mark = f"gardenerfencedcode{number}x{len(text)}"
        code[mark] = text[a:b]
        pieces += [text[pos:a], mark]
        pos = b
    pieces.append(text[pos:end])
    cleaned = _clean_html("".join(pieces), removed)
    if cleaned is None:
        return None
    for mark, fenced in code.items():
        cleaned = cleaned.replace(mark, fenced, 1)
    return cleaned


def _clean_html(fragment: str, removed: dict[str, None]) -> str | None:
    """The sanitised fragment, or None when sanitising removes nothing (kept as written)."""
    closing = re.fullmatch(r"</\s*([a-zA-Z][a-zA-Z0-9\-]*)\s*>", fragment)
    if closing:
        return None if closing.group(1).lower() in TAGS else ""
    cleaned = nh3.clean(fragment, tags=TAGS, clean_content_tags={"script", "style"},
                        attributes=ATTRIBUTES, strip_comments=False, link_rel=None,
                        url_schemes=set(SAFE_SCHEMES), filter_style_properties=STYLE_PROPERTIES)
    lost = _lost(fragment, cleaned)
    if not lost:
        return None
    removed.update(dict.fromkeys(lost))
    opening = re.match(r"<([a-zA-Z][a-zA-Z0-9\-]*)", fragment)
    if opening and f"</{opening.group(1).lower()}" not in fragment.lower():
        # One opening tag of running text: nh3 closed it, but its end tag follows in the text.
        cleaned = cleaned.removesuffix(f"</{opening.group(1).lower()}>")
    return cleaned


class _Tags(HTMLParser):
    """The start tags of a fragment with their attributes, as a browser would read them."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def _lost(before: str, after: str) -> list[str]:
    """What sanitising took out: elements, attributes, or addresses."""
    kept: dict[str, list[dict[str, str]]] = {}
    for tag, attrs in _Tags(after).found:
        kept.setdefault(tag, []).append(attrs)
    lost = []
    for tag, attrs in _Tags(before).found:
        if not kept.get(tag):
            lost.append(f"<{tag}>")
            continue
        survivor = kept[tag].pop(0)
        for name, value in attrs.items():
            if name not in survivor:
                lost.append(f"{name}=")
            elif name == "style" and _declarations(survivor[name]) != _declarations(value):
                lost.append("style= properties")
            elif survivor[name] != value and not safe_url(value):
                lost.append(f"{name}= address")
    return lost


def _declarations(style: str) -> str:
    return re.sub(r"\s+|;+$", "", style.lower())
