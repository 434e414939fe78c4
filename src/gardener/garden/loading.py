"""Reading the garden from a docs folder into frozen Articles and Concepts.

A file that cannot be read becomes a diagnostic and is left out of the analysis; it never stops
the others from loading.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from gardener.articles import matter
from gardener.articles.model import Article, Concept, Diagnostic, Garden, GardenError, LinkPolicy
from gardener.articles.schema import build_article, normalize
from gardener.garden.cache import AnalysisCache, digest
from gardener.sources.history import last_changes

CONCEPT_KEYS = {"title", "aliases", "summary", "related", "link_policy"}


def all_files(folder: Path) -> list[Path]:
    """Every file below folder, following linked folders as MkDocs does, in a stable order."""
    found = []
    for root, dirs, names in os.walk(folder, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(root) / name for name in names if not name.startswith("."))
    return sorted(found)


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
    return build_article(rel, norm, doc.body, doc.body_line), norm.diagnostics


def load_concept(rel: str, text: str) -> tuple[Concept | None, list[Diagnostic]]:
    try:
        doc = matter.read(text, rel)
    except GardenError as exc:
        return None, [exc.diagnostic]
    front = doc.front or {}
    title, aliases = front.get("title"), front.get("aliases") or []
    if not title:
        return None, [Diagnostic(rel, "concept note has no title", "error", 1)]
    if isinstance(aliases, str):
        aliases = [aliases]
    if not isinstance(aliases, list) or not all(isinstance(a, (str, int, float)) for a in aliases):
        return None, [Diagnostic(rel, "aliases must be a list of names", "error", doc.line_of("aliases"))]
    related = front.get("related") or []
    related = [related] if isinstance(related, str) else [str(r) for r in related]
    names = list(dict.fromkeys([str(title), *(str(a) for a in aliases)]))
    policy, problems = _link_policy(front.get("link_policy"), rel, doc.line_of("link_policy"))
    concept = Concept(
        path=rel,
        slug=Path(rel).stem,
        title=str(title),
        aliases=tuple(n for n in names if n.strip()),
        summary=str(front["summary"]).strip() if front.get("summary") else None,
        related=tuple(related),
        body=doc.body,
        link_policy=policy,
        extra={k: v for k, v in front.items() if k not in CONCEPT_KEYS},
        body_line=doc.body_line,
    )
    return concept, problems


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
        digests[rel] = digest(text)
        key = (loader.__name__, rel, digests[rel])
        item, diagnostics = cache.get(key, lambda rel=rel, text=text: _safely(loader, rel, text))
        problems.extend(diagnostics)
        if item is not None:
            items.append(item)
    return items, problems


def _safely(loader, rel: str, text: str):
    try:
        return loader(rel, text)
    except RecursionError:
        return None, [Diagnostic(rel, "front-matter nested too deeply")]


def updated_from_git(articles: list[Article], docs_dir: Path, cache: AnalysisCache) -> list[Article]:
    """An article without `updated` was last updated by the last commit that changed it."""
    if all(a.updated is not None for a in articles):
        return articles
    changed = last_changes(docs_dir, cache)
    return [replace(a, updated=changed[a.path]) if a.updated is None and a.path in changed else a
            for a in articles]


def load_garden(docs_dir: Path, articles_dir: str = "articles", concepts_dir: str = "concepts",
                cache: AnalysisCache | None = None) -> Garden:
    """Every article and concept note; unchanged files come from the cache unparsed."""
    docs_dir = Path(docs_dir)
    cache = cache or AnalysisCache()
    digests: dict[str, str] = {}
    articles, a_problems = _load_all(markdown_files(docs_dir / articles_dir), docs_dir,
                                     load_article, cache, digests)
    articles = updated_from_git(articles, docs_dir, cache)
    concepts, c_problems = _load_all(markdown_files(docs_dir / concepts_dir), docs_dir,
                                     load_concept, cache, digests)
    return Garden(docs_dir, tuple(articles), tuple(concepts), tuple(a_problems + c_problems),
                  digests)
