"""Reading the garden from a docs folder into frozen Articles and Concepts.

A file that cannot be read becomes a diagnostic and is left out of the analysis; it never stops
the others from loading.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path

from gardener.articles import matter
from gardener.articles.model import Article, Concept, Diagnostic, Garden, GardenError, LinkPolicy
from gardener.articles.schema import build_article, normalize
from gardener.garden.cache import AnalysisCache, digest
from gardener.sources.decoding import control_lines, drop_control
from gardener.sources.history import last_changes
from gardener.text.markdown import MAX_NESTING, deep_lines

CONCEPT_KEYS = {"title", "aliases", "summary", "related", "link_policy", "ambiguous", "context"}


def all_files(folder: Path) -> list[Path]:
    """Every file below folder, following linked folders as MkDocs does, in a stable order
    (by path parts). Names starting with a dot are left out."""
    found: list[tuple[tuple[str, ...], str]] = []
    _walk(str(folder), (), found)
    found.sort()
    return [Path(path) for _parts, path in found]


def _walk(folder: str, parts: tuple[str, ...], found: list) -> None:
    # os.scandir tells files from folders without a stat of each (a rebuild lists the garden
    # several times)
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            _walk(entry.path, (*parts, entry.name), found)
        else:
            found.append(((*parts, entry.name), entry.path))


def markdown_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [p for p in all_files(folder) if p.suffix == ".md" and p.is_file()]


def read_text(path: Path, docs_dir: Path) -> tuple[str, str]:
    """(path relative to docs with forward slashes, text); GardenError for unreadable files."""
    rel = path.relative_to(docs_dir).as_posix()
    try:
        return rel, path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GardenError(Diagnostic(
            rel, f"not UTF-8 (byte {exc.start}); run `gardener import` on it")) from None
    except OSError as exc:
        raise GardenError(Diagnostic(rel, f"cannot read: {exc.strerror}")) from None


def load_article(rel: str, text: str) -> tuple[Article | None, list[Diagnostic]]:
    try:
        doc = matter.read(text, rel)
    except GardenError as exc:
        return None, [exc.diagnostic]
    if doc.front is None:
        return None, [Diagnostic(rel, "no front-matter (run `gardener import` on raw files)", "error", 1)]
    norm = normalize(doc.front, rel, doc.line_of)
    if not norm.ok:
        return None, norm.diagnostics
    problems = [*norm.diagnostics, *nesting_problems(rel, doc.body, doc.body_line)]
    return build_article(rel, norm, doc.body, doc.body_line), problems


def nesting_problems(rel: str, body: str, body_line: int) -> list[Diagnostic]:
    """A warning at the first line of lists or quotes nested past what pages show."""
    deep = deep_lines(body, MAX_NESTING)
    if not deep:
        return []
    return [Diagnostic(rel, f"lists or quotes nested more than {MAX_NESTING} levels deep on "
                       f"{len(deep)} lines; pages show them at {MAX_NESTING} levels", "warning",
                       body_line + deep[0][0])]


def load_concept(rel: str, text: str) -> tuple[Concept | None, list[Diagnostic]]:
    try:
        doc = matter.read(text, rel)
    except GardenError as exc:
        return None, [exc.diagnostic]
    front = doc.front or {}
    problems: list[Diagnostic] = []

    def field(key: str, read):
        try:
            return read(front.get(key))
        except ValueError as exc:
            problems.append(Diagnostic(rel, f"{key}: {exc}", "error", doc.line_of(key)))
            return None

    title = field("title", _concept_text)
    if not title:
        return None, [*problems, Diagnostic(rel, "concept note has no title", "error",
                                            doc.line_of("title") or 1)]
    aliases = field("aliases", _names) or ()
    names = _usable_aliases(dict.fromkeys([title, *aliases]), rel, doc.line_of("aliases"), problems)
    policy, policy_problems = _link_policy(front.get("link_policy"), rel, doc.line_of("link_policy"))
    concept = Concept(
        path=rel,
        slug=Path(rel).stem,
        title=title,
        aliases=tuple(names),
        summary=field("summary", _concept_text),
        related=tuple(field("related", _names) or ()),
        body=doc.body,
        link_policy=policy,
        extra={k: v for k, v in front.items() if k not in CONCEPT_KEYS},
        ambiguous=_words(front.get("ambiguous")),
        context=_words(front.get("context")),
        body_line=doc.body_line,
    )
    return concept, problems + policy_problems


# An alias is a name, not a passage: jieba is taught every Chinese alias as a word, and its
# segmentation slows with the square of the longest word (a 10,000-character alias took a build
# from 4 s to 4 minutes), so longer ones are refused.
MAX_ALIAS_CHARS = 64


def _usable_aliases(names: Iterable[str], rel: str, line: int | None,
                    problems: list[Diagnostic]) -> list[str]:
    """The names worth linking: too long ones, and ones with no letter or ideograph ("...",
    "2023"), which would link every ellipsis or number, are reported and left out."""
    usable = []
    for name in names:
        if not name.strip():
            continue
        if len(name) > MAX_ALIAS_CHARS:
            problems.append(Diagnostic(rel, f"alias '{name[:20]}…' is {len(name)} characters long "
                                       f"(at most {MAX_ALIAS_CHARS}); not linked", "error", line))
        elif not any(char.isalpha() for char in name):
            problems.append(Diagnostic(rel, f"alias '{name}' has no letter or ideograph and would "
                                       "match everywhere; not linked", "warning", line))
        else:
            usable.append(name)
    return usable


def _concept_text(value) -> str | None:
    """A title or summary: text or a number written bare; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"expected text, got {_kind(value)}")
    return str(value).strip() or None


def _names(value) -> list[str]:
    """aliases or related: one name, or a list of names."""
    if value is None:
        return []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [str(value)]
    if not isinstance(value, list):
        raise ValueError(f"expected a list of names, got {_kind(value)}")
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise ValueError(f"expected a list of names, one item is {_kind(item)}")
    return [str(v).strip() for v in value if str(v).strip()]


def _kind(value) -> str:
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def _words(value) -> tuple[str, ...]:
    """A list of words from front-matter; one word may be written without the list."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(str(v).strip() for v in items if isinstance(v, (str, int, float)) and str(v).strip())


def _link_policy(value, rel: str, line: int | None) -> tuple[LinkPolicy | None, list[Diagnostic]]:
    """The note's own link policy; an unknown one is reported and the site's policy applies."""
    if value is None:
        return None, []
    if isinstance(value, str) and value in tuple(LinkPolicy):
        return LinkPolicy(value), []
    names = ", ".join(LinkPolicy)
    return None, [Diagnostic(rel, f"link_policy '{value}' is not one of {names}", "error", line)]


def _load_all(paths: Iterable[Path], docs_dir: Path, loader, cache: AnalysisCache,
              digests: dict[str, str]) -> tuple[list, list[Diagnostic]]:
    items, problems = [], []
    for path in paths:
        try:
            rel, text = read_text(path, docs_dir)
        except GardenError as exc:
            problems.append(exc.diagnostic)
            continue
        problems.extend(_control_problems(rel, text))
        text = drop_control(text)
        digests[rel] = digest(text)
        key = (loader.__name__, rel, digests[rel])
        found = cache.get(key, partial(_safely, loader, rel, text))
        if not _well_formed(found, _KINDS[loader.__name__]):
            found = _safely(loader, rel, text)  # a cache file from elsewhere: read it afresh
        item, diagnostics = found
        problems.extend(diagnostics)
        if item is not None:
            items.append(item)
    return items, problems


def _well_formed(found, kind: type) -> bool:
    return (isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], list)
            and (found[0] is None or isinstance(found[0], kind))
            and all(isinstance(d, Diagnostic) for d in found[1]))


def _control_problems(rel: str, text: str) -> list[Diagnostic]:
    """Control characters (a NUL deep in a pasted file) reach no page: the site drops them, and
    check names the first line that holds them."""
    found = control_lines(text)
    if not found:
        return []
    line, codes = found[0]
    more = f" (and on {len(found) - 1} more lines)" if len(found) > 1 else ""
    return [Diagnostic(rel, f"control characters {codes}{more}: no page can show them; "
                       "delete them", "error", line)]


def _safely(loader, rel: str, text: str):
    try:
        return loader(rel, text)
    except RecursionError:
        return None, [Diagnostic(rel, "front-matter nested too deeply")]


_KINDS = {"load_article": Article, "load_concept": Concept}


def updated_from_git(articles: list[Article], docs_dir: Path, cache: AnalysisCache) -> list[Article]:
    """An article without `updated` was last updated by the last commit that changed it."""
    if all(a.updated is not None for a in articles):
        return articles
    changed = last_changes(docs_dir, cache)
    return [replace(a, updated=changed[a.path]) if a.updated is None and a.path in changed else a
            for a in articles]


def load_garden(docs_dir: Path, articles_dir: str = "articles", concepts_dir: str = "concepts",
                cache: AnalysisCache | None = None,
                concepts_read: Callable[[tuple[Concept, ...]], None] | None = None) -> Garden:
    """Every article and concept note; unchanged files come from the cache unparsed.
    `concepts_read` is told the concepts before the articles are read (work that needs only
    them can begin meanwhile)."""
    docs_dir = Path(docs_dir)
    cache = cache or AnalysisCache()
    c_digests: dict[str, str] = {}
    concepts, c_problems = _load_all(markdown_files(docs_dir / concepts_dir), docs_dir,
                                     load_concept, cache, c_digests)
    if concepts_read is not None:
        concepts_read(tuple(concepts))
    digests: dict[str, str] = {}
    articles, a_problems = _load_all(markdown_files(docs_dir / articles_dir), docs_dir,
                                     load_article, cache, digests)
    articles = updated_from_git(articles, docs_dir, cache)
    digests.update(c_digests)
    return Garden(docs_dir, tuple(articles), tuple(concepts), tuple(a_problems + c_problems),
                  digests)
