"""The front-matter schema, defined once: field kinds, synonyms, coercion and validation.

The importer, `gardener fmt`, `gardener check` and the MkDocs plugin all read front-matter through
`normalize`, so a field means the same thing everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Literal

from gardener.articles.model import Article, Diagnostic
from gardener.text.dates import InvalidDate, PartialDate, parse_date

Kind = Literal["text", "date", "list", "url", "bool", "slug"]


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    synonyms: tuple[str, ...] = ()
    required: bool = False


# Order here is the order `fmt` writes the keys in.
FIELDS: tuple[Field, ...] = (
    Field("title", "text", ("name", "headline"), required=True),
    Field("slug", "slug", ("permalink", "id")),
    Field("date", "date", ("created", "published", "pubdate", "date_published", "publish_date")),
    Field("updated", "date", ("modified", "lastmod", "last_modified", "date_modified")),
    Field("authors", "list", ("author", "by", "creator", "creators", "作者")),
    Field("translators", "list", ("translator", "translated_by", "译者")),
    Field("reviewers", "list", ("reviewer", "proofreaders", "校对", "校对者")),
    Field("source", "url", ("url", "link", "source_url", "original", "canonical_url", "来源")),
    Field("publisher", "text", ("site", "site_name", "publication", "发布者")),
    Field("tags", "list", ("tag", "keywords", "categories", "category", "标签")),
    Field("summary", "text", ("description", "abstract", "excerpt", "摘要")),
    Field("lang", "text", ("language", "locale")),
    Field("duplicate_of", "slug", ("duplicate", "duplicates")),
    Field("draft", "bool", ("unpublished",)),
    Field("missing_assets", "list", ()),
    Field("origin", "text", ()),
)
BY_NAME = {f.name: f for f in FIELDS}
# Credits the Article model has no attribute for: pages read them from `extra`.
_CREDITS = ("translators", "reviewers")
SYNONYMS = {syn: f.name for f in FIELDS for syn in f.synonyms}

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https?://\S+$")
LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_LIST_SPLIT = re.compile(r"\s*[,，、;；]\s*")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass
class Normalized:
    """The result of normalizing one front-matter mapping."""

    fields: dict[str, Any] = field(default_factory=dict)  # canonical name -> coerced value
    extra: dict[str, Any] = field(default_factory=dict)  # unknown keys, original order and values
    renamed: dict[str, str] = field(default_factory=dict)  # original key -> canonical name
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


class _Invalid(ValueError):
    pass


def canonical_name(key: str) -> str | None:
    if key in BY_NAME:
        return key
    return SYNONYMS.get(key.casefold() if isinstance(key, str) else key)


def normalize(
    raw: Mapping[str, Any], path: str, line_of: Callable[[str], int | None] = lambda _k: None
) -> Normalized:
    """Map synonyms onto the schema, coerce each value, and report what cannot be coerced."""
    out = Normalized()
    for key, value in raw.items():
        name = canonical_name(key) if isinstance(key, str) else None
        if name is None:
            out.extra[key] = value
            continue
        if name in out.fields or (name != key and name in raw):
            out.extra[key] = value  # the canonical key wins; the synonym is kept, not dropped
            out.diagnostics.append(
                Diagnostic(path, f"'{key}' duplicates '{name}'; kept as an extra key", "warning",
                           line_of(key))
            )
            continue
        try:
            coerced = coerce(BY_NAME[name], value)
        except _Invalid as exc:
            out.diagnostics.append(Diagnostic(path, f"{key}: {exc}", "error", line_of(key)))
            out.extra[key] = value
            continue
        if name != key:
            out.renamed[key] = name
        if coerced is not None:
            out.fields[name] = coerced
    for f in FIELDS:
        if f.required and f.name not in out.fields:
            out.diagnostics.append(Diagnostic(path, f"missing required field '{f.name}'", "error", 1))
    return out


def coerce(spec: Field, value: Any) -> Any:
    """Return the field's value in its canonical Python type, None for 'empty', or raise _Invalid."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    return _COERCERS[spec.kind](spec, value)


def _kind(value: Any) -> str:
    """A YAML word for a value's type: the round-trip loader's CommentedSeq is just a list."""
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, (list, tuple)):
        return "list"
    return {float: "number", int: "number", bool: "boolean"}.get(type(value), type(value).__name__)


def _text(spec: Field, value: Any) -> str:
    if isinstance(value, (list, dict)):
        raise _Invalid(f"expected text, got a {_kind(value)}")
    text = str(value).strip()
    if spec.name == "lang" and not LANG_RE.match(text):
        raise _Invalid(f"'{text}' is not a language code such as zh or en")
    return text


def _date(_spec: Field, value: Any) -> PartialDate:
    if isinstance(value, dt.datetime):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise _Invalid(f"expected a date, got a {_kind(value)}")
    try:
        parsed = parse_date(value)
    except InvalidDate as exc:
        raise _Invalid(str(exc)) from None
    if parsed is None or parsed.year is None:
        raise _Invalid(f"'{value}' is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)")
    return parsed


def _list(_spec: Field, value: Any) -> list[str] | None:
    if isinstance(value, dict):
        # str() of a mapping would turn `tags: {a: 1}` into the tag "{'a': 1}"
        raise _Invalid("expected a list, got a mapping")
    if isinstance(value, str):
        items = _LIST_SPLIT.split(value.strip())
    elif isinstance(value, (list, tuple)):
        items = []
        for item in value:
            if isinstance(item, (list, dict)):
                raise _Invalid("expected a list of text items")
            items.append(str(item))
    else:
        items = [str(value)]
    cleaned = [i.strip() for i in items if i is not None and str(i).strip()]
    return list(dict.fromkeys(cleaned)) or None


def _url(_spec: Field, value: Any) -> str:
    text = _text(_spec, value)
    if not URL_RE.match(text):
        raise _Invalid(f"'{text}' is not an http(s) URL")
    return text


def _bool(_spec: Field, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).strip().casefold() in _TRUE:
        return True
    if str(value).strip().casefold() in _FALSE:
        return False
    raise _Invalid(f"expected true or false, got '{value}'")


def _slug(_spec: Field, value: Any) -> str:
    text = _text(_spec, value)
    if not SLUG_RE.match(text):
        raise _Invalid(f"'{text}' is not a slug (lowercase a-z, 0-9 and single hyphens)")
    return text


_COERCERS: dict[str, Callable[[Field, Any], Any]] = {
    "text": _text, "date": _date, "list": _list, "url": _url, "bool": _bool, "slug": _slug,
}


def to_yaml_value(name: str, value: Any) -> Any:
    """The plain value written to YAML for a canonical field (dates as dates where YAML allows)."""
    if isinstance(value, PartialDate):
        year, month, day = value.year, value.month, value.day
        if year is not None and month is not None and day is not None:
            return dt.date(year, month, day)
        return value.iso()
    return value


def build_article(path: str, norm: Normalized, body: str, body_line: int = 1) -> Article:
    """An Article from normalized front-matter; the caller has checked `norm.ok`."""
    f = norm.fields
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    return Article(
        path=path,
        slug=f.get("slug") or stem,
        title=f["title"],
        body=body,
        date=f.get("date"),
        updated=f.get("updated"),
        authors=tuple(f.get("authors") or ()),
        source=f.get("source"),
        publisher=f.get("publisher"),
        tags=tuple(f.get("tags") or ()),
        summary=f.get("summary"),
        lang=f.get("lang"),
        duplicate_of=f.get("duplicate_of"),
        draft=bool(f.get("draft", False)),
        missing_assets=tuple(f.get("missing_assets") or ()),
        origin=f.get("origin"),
        extra={**norm.extra, **{k: f[k] for k in _CREDITS if f.get(k)}},
        body_line=body_line,
    )


def for_theme(meta: MutableMapping[str, Any], title: str, tags: Any = None) -> None:
    """Front-matter as a theme reads it: under `title`, the title gardener read (from whatever
    synonym held it), and under `tags`, a list (Material aborts a build on `tags: "a, b"`).
    `tags` None reads the mapping's own; a field whose value cannot be read is left out."""
    for key in [k for k in meta if k != "title" and canonical_name(k) == "title"]:
        del meta[key]
    meta["title"] = title
    if tags is None and meta.get("tags") is not None:
        try:
            tags = coerce(BY_NAME["tags"], meta["tags"])
        except _Invalid:
            tags = None
    meta.pop("tags", None)
    if tags:
        meta["tags"] = list(tags)
