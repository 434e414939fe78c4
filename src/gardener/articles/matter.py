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
from dataclasses import dataclass, replace
from typing import Any

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
    if not closing:
        return None
    newline = "\r\n" if "\r\n" in text[:4096] else "\n"
    body = text[closing.end():]
    return text[opening.end():closing.start()], body, text.count("\n", 0, closing.end()) + 1, newline


def _load_toml(path: str, front_text: str, body: str, body_line: int, newline: str) -> Document:
    try:
        data = tomllib.loads(front_text.replace("\r\n", "\n"))
    except tomllib.TOMLDecodeError as exc:
        at = _TOML_ERROR_LINE.search(str(exc))
        problem = _TOML_ERROR_LINE.split(str(exc))[0].strip(" (")
        raise GardenError(Diagnostic(path, f"invalid front-matter TOML: {problem}", "error",
                                     int(at.group(1)) + 1 if at else 2)) from None
    return Document(path, CommentedMap(data), front_text, body, body_line, newline,
                    _toml_key_lines(front_text), "toml")


def _toml_key_lines(front_text: str) -> dict:
    """File lines of the top-level keys (those before the first [table] header)."""
    lines = {}
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
    try:
        data = _yaml().load(front_text) if front_text.strip() else CommentedMap()
    except (MarkedYAMLError, yaml.MarkedYAMLError, YAMLError, RecursionError) as exc:
        raise _invalid(exc, front_text, path) from None
    _check_mapping(CommentedMap() if data is None else data, path)
    return Document(path, CommentedMap() if data is None else data, front_text, body, body_line,
                    newline)


def _invalid(exc: Exception, front_text: str, path: str) -> GardenError:
    """One message for a YAML error from either reader, at the line that explains it."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    context = getattr(exc, "context_mark", None)
    if context and mark and mark.line >= front_text.count("\n"):
        mark = context  # at the end of the block: point at what was left open
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc) or "invalid YAML"
    return GardenError(Diagnostic(path, f"invalid front-matter YAML: {problem}", "error",
                                  mark.line + 2 if mark else 2))


def _check_mapping(data: Any, path: str) -> None:
    """Front-matter is a mapping of keys, and not one that expands without end."""
    if not isinstance(data, dict):
        kind = "list" if isinstance(data, list) else "text" if isinstance(data, str) else (
            type(data).__name__.removeprefix("Commented").lower())
        raise GardenError(
            Diagnostic(path, f"front-matter must be a mapping of keys, not a {kind}", "error", 2))
    _refuse_bombs(data, path)


class _FastLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):
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
        doc = _load_toml(path, *toml)
        return replace(doc, front=dict(doc.front))
    front_text, body, body_line, newline = split(text)
    if front_text is None:
        return Document(path, None, None, body, body_line, newline)
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
    lines = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _value in node.value:
            lines.setdefault(getattr(key_node, "value", None), key_node.start_mark.line + 2)
    return Document(path, data, front_text, body, body_line, newline, lines)


def _refuse_bombs(data: Any, path: str) -> None:
    """Count nodes as aliases would expand them; stop early once past the limit."""
    stack, seen = [data], 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            raise GardenError(
                Diagnostic(path, "front-matter expands to too many nodes (YAML alias bomb?)", "error", 2)
            )
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def dump(front: CommentedMap, newline: str = "\n") -> str:
    """The front-matter block, fences included, in the file's newline style."""
    buffer = io.StringIO()
    if len(front):
        _yaml().dump(front, buffer)
    text = "---\n" + buffer.getvalue() + "---\n"
    return text.replace("\n", newline) if newline != "\n" else text


def render(front: CommentedMap, body: str, newline: str = "\n") -> str:
    return dump(front, newline) + body
