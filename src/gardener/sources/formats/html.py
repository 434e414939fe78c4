"""Saved web pages: the article part of the page as Markdown, and the page's own metadata.

trafilatura decides which text is the article and reads the metadata (meta tags, OpenGraph,
JSON-LD, <title>). Its own Markdown output drops blank lines inside code blocks, blockquotes and
some leading lists, so the article is converted from the original markup instead: the smallest
element of the page that holds nearly all of trafilatura's text is cleaned of active content and
turned into Markdown by markdownify.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura
from markdownify import MarkdownConverter
from trafilatura.settings import Document

from gardener.articles.model import Diagnostic, GardenError
from gardener.articles.schema import normalize
from gardener.sources.decoding import drop_control
from gardener.sources.findings import Fact
from gardener.sources.sanitizing import ACTIVE_ELEMENTS, safe_url
from gardener.text.cjk import WIDE

_LANGUAGE = re.compile(r"^(?:language|lang)-([\w+#.-]+)$")
_WORDS = re.compile(r"[\W_]+")
_CJK_BREAK = re.compile(f"([{WIDE}])[ \\t]*\\n[ \\t]*([{WIDE}])")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_START = re.compile(r"&(?=#?\w+;)")
_SYMBOL_ONLY = re.compile(r"^[\s¶#§🔗⚓]*$")
# XML 1.0 refuses these characters (decoding's control characters and the form feed), so lxml
# will not set a text or attribute holding one.
_XML_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Share of trafilatura's paragraphs an element must hold to count as the article.
MAIN_SHARE = 0.9
SNIPPET_CHARS = 30
INLINE_IMAGE_PARENTS = ["a", "td", "th", "span", "strong", "em", "b", "i", "p", "li", "figure",
                        "picture", "h1", "h2", "h3", "h4", "h5", "h6"]
# (schema field, trafilatura attribute); lang is left to the body's script, since page
# templates often declare one language for every page.
_METADATA = (("title", "title"), ("authors", "author"), ("date", "date"), ("publisher", "sitename"),
             ("summary", "description"), ("source", "url"))


class _Converter(MarkdownConverter):
    """markdownify, with text that Python-Markdown would read as raw HTML escaped."""

    def escape(self, text: str, parent_tags: Any) -> str:
        text = super().escape(text, parent_tags)  # type: ignore[misc]  # markdownify's stub omits escape
        return _TAG_START.sub("&lt;", _ENTITY_START.sub("&amp;", text))


def read_html(text: str, path: str, folder: Path) -> tuple[str, list[Fact], list[Diagnostic], list[str]]:
    """(Markdown, facts from the page metadata, warnings, notes) for the page's text."""
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise GardenError(Diagnostic(path, f"not readable as HTML ({exc})", "error", 1)) from None
    dropped = _drop_unshowable(root)
    page = trafilatura.bare_extraction(
        text, with_metadata=True, include_tables=True, include_comments=False, favor_recall=True,
        date_extraction_params={"extensive_search": False, "original_date": True})
    facts, warnings = _facts(root, page, path)
    if dropped:
        warnings.append(Diagnostic(path, f"dropped {dropped} control characters the page wrote as "
                                         "character references (&#1; and the like)", "warning"))
    source = next((f.value for f in facts if f.field == "source"), None)
    article = page.body if isinstance(page, Document) and page.body is not None else None
    main = _main_element(root, "\n".join(article.itertext()) if article is not None else "")
    unlinked = _clean(main, source, folder)
    markdown = _markdown(main)
    if not markdown.strip():
        raise GardenError(Diagnostic(path, "no readable text in the page", "error", 1))
    notes = [f"kept the text of {len(unlinked)} relative links the page gives no base URL for "
             f"(first: {unlinked[0]})"] if unlinked else []
    return markdown, facts, warnings, notes


def _drop_unshowable(root: Any) -> int:
    """Removes what the parser let in but lxml refuses to set again: control characters (most
    from character references such as &#1;) and U+FFFE/U+FFFF. A form feed is whitespace in
    HTML and becomes a space. Returns how many characters were removed."""
    dropped = 0

    def clean(value: str) -> str:
        nonlocal dropped
        kept = drop_control(value.replace("\f", " "))
        dropped += len(value) - len(kept)
        return kept

    for element in root.iter():
        if element.text and _XML_REFUSED.search(element.text):
            element.text = clean(element.text)
        if element.tail and _XML_REFUSED.search(element.tail):
            element.tail = clean(element.tail)
        for name, value in element.attrib.items():
            if _XML_REFUSED.search(value):
                element.set(name, clean(value))
    return dropped


def _main_element(root: Any, text: str) -> Any:
    """The smallest element holding MAIN_SHARE of the extracted paragraphs (the body if none)."""
    body = root.find("body")
    body = body if body is not None else root
    snippets = [_WORDS.sub("", line)[:SNIPPET_CHARS] for line in text.split("\n")]
    snippets = [s for s in snippets if len(s) >= 12]
    if not snippets:
        return body
    need = max(1, int(len(snippets) * MAIN_SHARE))
    floor = sum(len(s) for s in snippets) * MAIN_SHARE
    best, best_size = body, None
    for element, size in _text_sizes(body):
        if size < floor or (best_size is not None and size >= best_size):
            continue
        words = _WORDS.sub("", element.text_content())
        if sum(s in words for s in snippets) >= need:
            best, best_size = element, size
    return best


def _text_sizes(root: Any) -> Iterator[tuple[Any, int]]:
    """(element, number of word characters in it), children before their parents."""
    sizes: dict[Any, int] = {}
    for element in reversed(list(root.iter(tag=lxml.etree.Element))):
        size = len(_WORDS.sub("", element.text or ""))
        for child in element:
            size += sizes.pop(child, 0) + len(_WORDS.sub("", child.tail or ""))
        sizes[element] = size
        yield element, size


def _clean(main: Any, base: str | None, folder: Path) -> list[str]:
    """Strip what is not article text; return the relative links that had to lose their target."""
    for element in list(main.iter(*ACTIVE_ELEMENTS)):
        element.drop_tree()
    for element in list(main.iter(tag=lxml.etree.Element)):
        if element.get("hidden") is not None:
            element.drop_tree()
    for heading in main.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        _unwrap_self_links(heading)
    unlinked = []
    for link in list(main.iter("a")):
        _fix_url(link, "href", base, None)
        href = link.get("href") or ""
        if href and not href.startswith("#") and not urlsplit(href).scheme:
            # A relative link without the page's address would point into the garden, at
            # nothing: its text stays, the link goes.
            unlinked.append(href)
            link.drop_tag()
    for image in main.iter("img"):
        _fix_url(image, "src", base, folder)
    for element in main.xpath(".//*[@title]"):
        # A tooltip is all a title is; a double quote in it would end the Markdown title early.
        element.set("title", element.get("title").replace('"', "'"))
    _join_cjk_line_breaks(main)
    return unlinked


def _unwrap_self_links(heading: Any) -> None:
    """A heading's link to its own anchor is page furniture (¶ permalinks, mdBook headers)."""
    for link in list(heading.iter("a")):
        if not (link.get("href") or "").startswith("#"):
            continue
        if _SYMBOL_ONLY.match(link.text_content()):
            link.drop_tree()
        else:
            link.drop_tag()


def _fix_url(element: Any, attribute: str, base: str | None, folder: Path | None) -> None:
    """Unsafe URLs go; relative ones are made absolute against the page's canonical URL, except
    images saved next to the page, which the importer copies."""
    url = (element.get(attribute) or "").strip()
    if not safe_url(url):
        element.attrib.pop(attribute)
        return
    if not url or url.startswith("#") or urlsplit(url).scheme or base is None:
        return
    if folder is not None and (folder / urlsplit(url).path).is_file():
        return
    element.set(attribute, urljoin(base, url))


def _join_cjk_line_breaks(main: Any) -> None:
    """A source line break between two Chinese characters is no space; outside <pre> it goes."""
    for element in main.iter(tag=lxml.etree.Element):
        if element.text and not _in_pre(element):
            element.text = _CJK_BREAK.sub(r"\1\2", element.text)
        if element.tail and not _in_pre(element.getparent()):
            element.tail = _CJK_BREAK.sub(r"\1\2", element.tail)


def _in_pre(element: Any) -> bool:
    return element is not None and (element.tag == "pre"
                                    or any(a.tag == "pre" for a in element.iterancestors("pre")))


def _markdown(main: Any) -> str:
    markup = lxml.html.tostring(main, encoding="unicode")
    converter = _Converter(heading_style="atx", bullets="-", wrap=True, wrap_width=None,
                           escape_underscores=False, code_language_callback=_code_language,
                           keep_inline_images_in=INLINE_IMAGE_PARENTS, table_infer_header=True)
    return converter.convert(markup).strip() + "\n"


def _code_language(pre: Any) -> str | None:
    """The language named by a `language-x` class on the block, its code or its wrapper."""
    code = pre.find("code")
    for node in (pre, code, pre.parent):
        for name in (node.get("class") or []) if node is not None else []:
            match = _LANGUAGE.match(name)
            if match:
                return match.group(1)
    return None


def _facts(root: Any, page: Any, path: str) -> tuple[list[Fact], list[Diagnostic]]:
    """Metadata trafilatura found that the page itself states, each with the tag that says it.

    A value found only in the page text (a date in a paragraph, a heading taken as the title)
    is not page metadata and is left to the cleaners and the inference that follow."""
    if page is None:
        return [], []
    evidence = _evidence(root)
    raw, where = {}, {}
    for name, attribute in _METADATA:
        value = getattr(page, attribute, None)
        found = _stated_in(evidence, value, name) if value else None
        if found:
            raw[name], where[name] = value, found
    tags = [t for t in (page.tags or []) + (page.categories or []) if _stated_in(evidence, t, "tags")]
    stated = _stated_in(evidence, tags[0], "tags") if tags else None
    if stated:
        raw["tags"], where["tags"] = tags, stated
    norm = normalize(raw, path)
    warnings = [Diagnostic(path, f"page metadata ignored: {d.message}", "warning")
                for d in norm.diagnostics if "missing required" not in d.message]
    facts = [Fact(name, value, f"page {where[name]}") for name, value in norm.fields.items()]
    return facts, warnings


def _evidence(root: Any) -> list[tuple[str, str]]:
    """(where, value) for every metadata statement of the page; <title> last, it is the weakest."""
    found = []
    for meta in root.iter("meta"):
        for attribute in ("property", "name", "itemprop"):
            if meta.get(attribute) and meta.get("content"):
                found.append((f'<meta {attribute}="{meta.get(attribute)}">', meta.get("content")))
                break
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            found.append(('<link rel="canonical">', link.get("href")))
    for element in root.xpath("//*[@itemprop][not(self::meta)]"):
        value = element.get("datetime") or element.get("content") or element.text_content()
        found.append((f'itemprop="{element.get("itemprop")}"', value))
    for script in root.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        found.extend((f"JSON-LD {key}", value) for key, value in _json_strings(data, ""))
    title = root.find(".//title")
    if title is not None and title.text:
        found.append(("<title>", title.text))
    return [(where, " ".join(str(value).split())) for where, value in found]


def _json_strings(data: Any, prefix: str) -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if not str(key).startswith("@"):
                yield from _json_strings(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list):
        for item in data:
            yield from _json_strings(item, prefix)
    elif isinstance(data, (str, int, float)):
        yield prefix, str(data)


def _stated_in(evidence: list[tuple[str, str]], value: str, name: str) -> str | None:
    """Where the page states the value: equal, or for titles and names, contained in it."""
    wanted = " ".join(str(value).split())
    for where, stated in evidence:
        if stated == wanted or (name == "date" and stated.startswith(wanted)):
            return where
    parts = [p.strip() for p in wanted.split(";")] if name == "authors" else [wanted]
    for where, stated in evidence:
        if name in ("title", "authors", "tags") and all(p and p in stated for p in parts):
            return where
    return None
