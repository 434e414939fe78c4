"""`gardener fmt`: rewrite front-matter into the schema, losslessly and idempotently.

Only schema fields whose spelling or value changes are rewritten. Everything else (unknown keys,
comments, quoting, and the body) is carried over untouched, so running fmt twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from gardener.articles import matter
from gardener.articles.schema import FIELDS, Normalized, coerce, normalize, to_yaml_value, BY_NAME
from gardener.articles.model import Diagnostic


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
    norm = normalize(doc.front, path, doc.line_of)
    if not norm.ok:
        return Formatted(path, text, text, tuple(norm.diagnostics))
    front = _rebuild(doc.front, norm)
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
