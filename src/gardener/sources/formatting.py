"""`gardener fmt`: rewrite front-matter into the schema, losslessly and idempotently.

Only schema fields whose spelling or value changes are rewritten. Everything else (unknown keys,
comments, quoting, and the body) is carried over untouched, so running fmt twice changes nothing.
A note without a title gets the one MkDocs would show: its first level-one heading, else its
file name.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import PurePath

import markdown
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from gardener.articles import matter
from gardener.articles.model import Diagnostic
from gardener.articles.schema import (
    BY_NAME,
    FIELDS,
    Normalized,
    canonical_name,
    coerce,
    normalize,
    to_yaml_value,
)
from gardener.text.markdown import analyse


@dataclass(frozen=True)
class Formatted:
    path: str
    original: str
    text: str
    diagnostics: tuple[Diagnostic, ...]

    @property
    def changed(self) -> bool:
        return self.text != self.original


def format_text(text: str, path: str) -> Formatted:
    """The normalized text of one file; unchanged text when it has errors or no front-matter."""
    doc = matter.load(text, path)  # GardenError propagates: the caller reports it
    if doc.front is None:
        problem = Diagnostic(path, "no front-matter (run `gardener import` on raw files)", "error", 1)
        return Formatted(path, text, text, (problem,))
    original = doc.front
    if not isinstance(original, CommentedMap):  # `load` keeps comments and order; `read` does not
        raise TypeError(f"{path}: front-matter read without comments cannot be written back")
    norm = normalize(original, path, doc.line_of)
    if "title" not in norm.fields and not _invalid_title(norm):
        original = _with_title(original, fallback_title(doc.body, path))
        norm = normalize(original, path, doc.line_of)
    if not norm.ok:
        return Formatted(path, text, text, tuple(norm.diagnostics))
    front = _rebuild(original, norm)
    if front == doc.front and list(front) == list(doc.front):
        return Formatted(path, text, text, tuple(norm.diagnostics))
    prefix_len = len(text) - len(doc.body)
    head = text[:prefix_len]
    new_head = matter.dump(front, doc.newline)
    if head.startswith("\ufeff"):
        new_head = "\ufeff" + new_head
    return Formatted(path, text, new_head + doc.body, tuple(norm.diagnostics))


def _rebuild(original: CommentedMap, norm: Normalized) -> CommentedMap:
    source_key = {name: key for key, name in norm.renamed.items()}
    out = CommentedMap()
    out.ca.comment = original.ca.comment
    for spec in FIELDS:
        key = source_key.get(spec.name, spec.name)
        if spec.name in norm.fields:
            out[spec.name] = _node(spec.name, original[key], norm.fields[spec.name])
            _carry_comment(original, key, out, spec.name)
        elif key in original and key not in norm.extra and _has_comment(original, key):
            out[key] = original[key]  # an empty field is dropped, unless that would drop a comment
            _carry_comment(original, key, out, key)
    for key in original:
        if key in norm.extra:
            out[key] = original[key]
            _carry_comment(original, key, out, key)
    return out


def _node(name: str, raw: object, value: object) -> object:
    """Keep the original YAML node when it already holds the canonical value."""
    if _canonical(name, raw, value):
        return raw
    plain = to_yaml_value(name, value)
    if isinstance(plain, list):
        seq = CommentedSeq(plain)
        return seq
    return plain


def _canonical(name: str, raw: object, value: object) -> bool:
    kind = BY_NAME[name].kind
    if kind == "date":
        plain = to_yaml_value(name, value)
        if isinstance(plain, dt.date):
            return type(raw) is dt.date and raw == plain
        return isinstance(raw, str) and raw == plain
    if kind == "list":
        return isinstance(raw, list) and list(raw) == value and all(isinstance(i, str) for i in raw)
    if kind == "bool":
        return isinstance(raw, bool)
    return isinstance(raw, str) and raw == value and coerce(BY_NAME[name], raw) == value


def _has_comment(cmap: CommentedMap, key: str) -> bool:
    return any(token is not None for token in cmap.ca.items.get(key, ()))


def _carry_comment(src: CommentedMap, key: str, dst: CommentedMap, new_key: str) -> None:
    if key in src.ca.items:
        dst.ca.items[new_key] = src.ca.items[key]


def _invalid_title(norm: Normalized) -> bool:
    """A title that is there but cannot be read is the author's to fix, not replaced."""
    return any(canonical_name(key) == "title" for key in norm.extra if isinstance(key, str))


def _with_title(front: CommentedMap, title: str) -> CommentedMap:
    """A copy of the front-matter with the title filled in: in its empty key, else first."""
    front = copy.deepcopy(front)
    empty = next((k for k in front if isinstance(k, str) and canonical_name(k) == "title"), None)
    if empty is not None:
        front[empty] = title
    else:
        front.insert(0, "title", title)
    return front


def fallback_title(body: str, path: str) -> str:
    """The title MkDocs shows for a page without one: the text of its first level-one heading
    (outside code), else the file name with "-" and "_" read as spaces."""
    _spans, headings = analyse(body, headings=True)
    for start, title in headings:
        if title and _level_one(body, start):
            return _plain(title)
    name = PurePath(path).stem.replace("-", " ").replace("_", " ")
    return name.capitalize() if name.lower() == name else name


def _level_one(body: str, start: int) -> bool:
    """"# Title", or a title underlined with "="."""
    line_end = body.find("\n", start)
    line = body[start:len(body) if line_end < 0 else line_end].lstrip(" \t")
    if line.startswith("#"):
        return not line.startswith("##")
    underline = body[line_end + 1:].lstrip(" \t")[:1] if line_end >= 0 else ""
    return underline == "="


def _plain(title: str) -> str:
    """A heading's text as a reader sees it: Markdown rendered, tags and entities resolved."""
    rendered = markdown.markdown(title)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", rendered)).split())
