"""Reading and writing YAML front-matter without touching a byte of the body.

Front-matter is parsed with ruamel.yaml in round-trip mode so that `gardener fmt` keeps comments,
key order and quoting of everything it does not change. Splitting is done here rather than by
python-frontmatter because the body must come back byte for byte (line endings included).
Hugo's TOML front-matter (between `+++` lines) is read too; what gardener writes is always YAML.
"""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from gardener.articles.model import Diagnostic, GardenError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the same parser, before it joined the standard library
    import tomli as tomllib

_OPEN = re.compile(r"\A(?:\ufeff)?---[ \t]*(\r?\n)")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_TOML_OPEN = re.compile(r"\A(?:\ufeff)?\+\+\+[ \t]*(\r?\n)")
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_TOML_KEY = re.compile(r"""^[ \t]*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))[ \t]*=""")
_TOML_TABLE = re.compile(r"^[ \t]*\[")
_TOML_ERROR_LINE = re.compile(r"\(at line (\d+)")
# A mapping with more nodes than this after alias expansion is refused: it can only be a YAML bomb.
MAX_NODES = 100_000
# Deeper nesting than this is refused before any recursive reader sees it (a file of ten thousand
# `[` exhausted Python's stack): front-matter and timeline entries need a handful of levels.
MAX_DEPTH = 32
# Explicit tags that mean plain data; any other (`!!python/object/apply:…`, `!custom`) is refused
# by every reader rather than built by one and rejected by another.
PLAIN_TAGS = frozenset({"!"} | {f"tag:yaml.org,2002:{kind}" for kind in (
    "str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")})
MERGE_KEY = "<<"


@dataclass(frozen=True)
class Document:
    """A Markdown file split into its front-matter and its body."""

    path: str
    front: CommentedMap | dict | None
    front_text: str | None
    body: str
    body_line: int  # 1-based line on which the body starts
    newline: str
    key_lines: dict | None = None  # from the fast reader and TOML, which have no line info
    dialect: str = "yaml"  # or "toml" (Hugo's +++ block)

    def line_of(self, key: str) -> int | None:
        """The file line of a front-matter key, for messages."""
        if self.front is None or key not in self.front:
            return None
        if self.key_lines is not None:
            return self.key_lines.get(key)
        if not isinstance(self.front, CommentedMap):
            return None
        try:
            return self.front.lc.key(key)[0] + 2  # +1 for the opening ---, +1 for 1-based
        except (KeyError, AttributeError, TypeError):
            return None


def split(text: str) -> tuple[str | None, str, int, str]:
    """(front-matter text or None, body, body's first line, newline style)."""
    newline = "\r\n" if "\r\n" in text[:4096] else "\n"
    opening = _OPEN.match(text)
    if not opening:
        return None, text, 1, newline
    closing = _CLOSE.search(text, opening.end())
    if not closing:
        return None, text, 1, newline
    front = text[opening.end():closing.start()]
    body = text[closing.end():]
    return front, body, text.count("\n", 0, closing.end()) + 1, newline


def _split_toml(text: str) -> tuple[str, str, int, str] | None:
    """Like `split`, for a `+++` block; None when the file has none."""
    opening = _TOML_OPEN.match(text)
    closing = _TOML_CLOSE.search(text, opening.end()) if opening else None
    if opening is None or closing is None:
        return None
    newline = "\r\n" if "\r\n" in text[:4096] else "\n"
    body = text[closing.end():]
    return text[opening.end():closing.start()], body, text.count("\n", 0, closing.end()) + 1, newline


def _load_toml(path: str, front_text: str, body: str, body_line: int, newline: str,
               plain: bool = False) -> Document:
    """The document of a `+++` block; its front-matter a plain dict when `plain`, else one that
    can be written back."""
    try:
        data = tomllib.loads(front_text.replace("\r\n", "\n"))
    except RecursionError:
        raise GardenError(Diagnostic(path, "front-matter TOML nested too deeply", "error", 2)) from None
    except tomllib.TOMLDecodeError as exc:
        at = _TOML_ERROR_LINE.search(str(exc))
        problem = _TOML_ERROR_LINE.split(str(exc))[0].strip(" (")
        raise GardenError(Diagnostic(path, f"invalid front-matter TOML: {problem}", "error",
                                     int(at.group(1)) + 1 if at else 2)) from None
    return Document(path, data if plain else CommentedMap(data), front_text, body, body_line, newline,
                    _toml_key_lines(front_text), "toml")


def _toml_key_lines(front_text: str) -> dict:
    """File lines of the top-level keys (those before the first [table] header)."""
    lines: dict[str, int] = {}
    for number, line in enumerate(front_text.split("\n"), start=2):
        if _TOML_TABLE.match(line):
            break
        key = _TOML_KEY.match(line)
        if key:
            lines.setdefault(next(g for g in key.groups() if g), number)
    return lines


def _timestamp_or_text(constructor: Any, node: Any) -> Any:
    """A date YAML cannot build (2023-02-30) stays text, so the schema can name its line."""
    try:
        return constructor.construct_yaml_timestamp(node)
    except ValueError:
        return constructor.construct_scalar(node)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.constructor.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long titles or summaries
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load(text: str, path: str) -> Document:
    """Parse a file's text; raises GardenError naming the file and line on bad front-matter."""
    toml = _split_toml(text)
    if toml is not None:
        return _load_toml(path, *toml)
    front_text, body, body_line, newline = split(text)
    if front_text is None:
        return Document(path, None, None, body, body_line, newline)
    screen(front_text, path)
    try:
        data = _yaml().load(front_text) if front_text.strip() else CommentedMap()
    except (MarkedYAMLError, yaml.MarkedYAMLError, YAMLError, RecursionError) as exc:
        raise _invalid(exc, front_text, path) from None
    _check_mapping(CommentedMap() if data is None else data, path)
    return Document(path, CommentedMap() if data is None else data, front_text, body, body_line,
                    newline)


def _invalid(exc: Exception, front_text: str, path: str, first_line: int = 2,
             what: str = "invalid front-matter YAML") -> GardenError:
    """One message for a YAML error from either reader, at the line that explains it."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    context = getattr(exc, "context_mark", None)
    if context and mark and mark.line >= front_text.count("\n"):
        mark = context  # at the end of the block: point at what was left open
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc) or "invalid YAML"
    return GardenError(Diagnostic(path, f"{what}: {problem}", "error",
                                  mark.line + first_line if mark else first_line))


def screen(text: str, path: str, first_line: int = 2, subject: str = "front-matter",
           invalid: str = "invalid front-matter YAML") -> None:
    """Refuse, before any reader builds it, YAML that readers would build differently or not at
    all: nesting deeper than MAX_DEPTH, aliases that contain themselves or expand past MAX_NODES,
    tags other than plain data, keys that are lists or mappings, and keys given twice.

    Every reader of gardener's YAML (both front-matter readers, concept notes, the timeline file)
    calls this first, so one file gets one verdict everywhere. `first_line` is the file line of
    the text's first line. It reads libyaml's event stream, which no nesting can overflow."""
    try:
        _Screen(path, first_line, subject).read(yaml.parse(text, Loader=_FastLoader))
    except yaml.YAMLError as exc:
        raise _invalid(exc, text, path, first_line, invalid) from None


@dataclass
class _Open:
    """A mapping or sequence whose end has not been read yet."""

    anchor: str | None
    keys: dict | None  # for a mapping: key -> file line; None for a sequence
    nodes: int = 1
    expect_key: bool = True


@dataclass
class _Screen:
    path: str
    first_line: int
    subject: str

    def refuse(self, message: str, event: Any = None) -> None:
        line = event.start_mark.line + self.first_line if event is not None else self.first_line
        raise GardenError(Diagnostic(self.path, message, "error", line))

    def read(self, events: Any) -> None:
        stack: list[_Open] = []
        sizes: dict[str, int] = {}  # anchor -> node count once aliases are expanded
        total = 0  # nodes so far, aliases expanded
        for event in events:
            if isinstance(event, yaml.CollectionEndEvent):
                done = stack.pop()
                if done.anchor:
                    sizes[done.anchor] = done.nodes
                self.added(stack, done.nodes)
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            self.node(event, stack)
            if isinstance(event, yaml.CollectionStartEvent):
                mapping = isinstance(event, yaml.MappingStartEvent)
                stack.append(_Open(event.anchor, {} if mapping else None))
                total += 1
                continue
            nodes = sizes.get(event.anchor or "", 1) if isinstance(event, yaml.AliasEvent) else 1
            if isinstance(event, yaml.ScalarEvent) and event.anchor:
                sizes[event.anchor] = 1
            total += nodes
            if total > MAX_NODES:
                # Reported at the block's start, where a reader sees the whole of it.
                self.refuse(f"{self.subject} expands to too many nodes (YAML alias bomb?)")
            self.added(stack, nodes)

    @staticmethod
    def added(stack: list[_Open], nodes: int) -> None:
        """A finished key or value joins the collection around it."""
        if stack:
            stack[-1].nodes += nodes
            if stack[-1].keys is not None:
                stack[-1].expect_key = not stack[-1].expect_key

    def node(self, event: Any, stack: list[_Open]) -> None:
        """Checks on a value or key as it opens, before anything is built from it."""
        if isinstance(event, yaml.AliasEvent):
            if any(o.anchor == event.anchor for o in stack):
                self.refuse(f"alias '*{event.anchor}' refers to a value that contains it", event)
        elif event.tag is not None and event.tag not in PLAIN_TAGS:
            self.refuse(f"unsupported YAML tag '{_short_tag(event.tag)}' (only text, numbers, "
                        "dates, lists and mappings are read)", event)
        if stack and stack[-1].keys is not None and stack[-1].expect_key:
            self.key(event, stack[-1].keys)
        if isinstance(event, yaml.CollectionStartEvent) and len(stack) >= MAX_DEPTH:
            self.refuse(f"nested more than {MAX_DEPTH} levels deep", event)

    def key(self, event: Any, keys: dict) -> None:
        if not isinstance(event, yaml.ScalarEvent):
            what = "an alias" if isinstance(event, yaml.AliasEvent) else "a list or mapping"
            self.refuse(f"a key must be text, not {what}", event)
        if event.value == MERGE_KEY and event.style is None:
            return
        if event.value in keys:
            self.refuse(f"duplicate key '{event.value}' (first given on line {keys[event.value]})",
                        event)
        keys[event.value] = event.start_mark.line + self.first_line


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _check_mapping(data: Any, path: str) -> None:
    """Front-matter is a mapping of keys (`screen` has refused what expands without end)."""
    if not isinstance(data, dict):
        kind = "list" if isinstance(data, list) else "text" if isinstance(data, str) else (
            type(data).__name__.removeprefix("Commented").lower())
        raise GardenError(
            Diagnostic(path, f"front-matter must be a mapping of keys, not a {kind}", "error", 2))


if TYPE_CHECKING:  # both offer the SafeLoader interface; only one of them is there at run time
    _SafeLoader = yaml.SafeLoader
else:
    _SafeLoader = yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader


class _FastLoader(_SafeLoader):
    """libyaml's C parser, resolving scalars as YAML 1.2 does (as ruamel.yaml does in `fmt`):
    only true/false are booleans, so `title: no` stays the text "no"."""


_FastLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_FastLoader.add_implicit_resolver("tag:yaml.org,2002:bool",
                                  re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _fast_timestamp(loader: Any, node: Any) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)  # an impossible date stays text for the schema


_FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _fast_timestamp)


def read(text: str, path: str) -> Document:
    """Like `load`, about ten times faster, for reading only: a plain dict, key lines kept.

    The garden is read on every build; `fmt` and the importer, which write front-matter back,
    use the round-trip `load`."""
    toml = _split_toml(text)
    if toml is not None:
        return _load_toml(path, *toml, plain=True)
    front_text, body, body_line, newline = split(text)
    if front_text is None:
        return Document(path, None, None, body, body_line, newline)
    screen(front_text, path)
    loader = _FastLoader(front_text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except (yaml.YAMLError, RecursionError) as exc:
        raise _invalid(exc, front_text, path) from None
    finally:
        loader.dispose()
    data = {} if data is None else data
    _check_mapping(data, path)
    lines: dict[object, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _value in node.value:
            lines.setdefault(getattr(key_node, "value", None), key_node.start_mark.line + 2)
    return Document(path, data, front_text, body, body_line, newline, lines)


def dump(front: dict, newline: str = "\n") -> str:
    """The front-matter block, fences included, in the file's newline style (with the comments
    and key order of a CommentedMap)."""
    buffer = io.StringIO()
    if len(front):
        _unique_anchors(front, set())
        _yaml().dump(front, buffer)
    text = "---\n" + buffer.getvalue() + "---\n"
    return text.replace("\n", newline) if newline != "\n" else text


def _unique_anchors(value: object, names: set[str]) -> None:
    """Drop every anchor whose name an earlier node holds: YAML that names two nodes alike
    (read with a warning) would be written so, and then refused when read back. A value
    still shared is written with an anchor of the dumper's own."""
    anchor = getattr(value, "anchor", None)
    name = getattr(anchor, "value", None)
    if anchor is not None and name:
        if name in names:
            anchor.value = None
        names.add(name)
    if isinstance(value, dict):
        for key, item in value.items():
            _unique_anchors(key, names)
            _unique_anchors(item, names)
    elif isinstance(value, list):
        for item in value:
            _unique_anchors(item, names)


def render(front: dict, body: str, newline: str = "\n") -> str:
    return dump(front, newline) + body
