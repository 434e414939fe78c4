"""`gardener import`: raw files in, one normalized Markdown article per article out.

Each source file is read, decoded, split, cleaned and given front-matter; near-duplicates are
then marked across the new articles and the ones already in the target folder. A bad file is
reported and skipped; every other file is imported.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from gardener.articles import matter
from gardener.articles.model import Diagnostic, GardenError, TextEnum
from gardener.articles.schema import FIELDS, normalize, to_yaml_value
from gardener.files import clear_leftovers, describe, folder_lock, write_atomic
from gardener.garden.duplicates import find_duplicates
from gardener.sources import slugs
from gardener.sources.assets import AssetPlan, relink_images
from gardener.sources.cleaning import clean
from gardener.sources.crosslinks import Sibling, Siblings, relink
from gardener.sources.findings import Findings
from gardener.sources.formats import SOURCE_SUFFIXES, read_source
from gardener.sources.history import FileHistory, histories, repository_root
from gardener.sources.inference import Inferred, infer
from gardener.sources.sanitizing import sanitize
from gardener.sources.splitting import split_articles
from gardener.text.markdown import MAX_NESTING, cap_nesting, deep_lines

# Near-duplicates are judged on the start of each body: MinHash over every shingle of a 50 MB
# dump took minutes and gigabytes, and reposts of one essay already agree on their first pages.
DUPLICATE_SAMPLE_CHARS = 100_000


class ImportStatus(TextEnum):
    """What import did with one article's file; the value is what the report prints."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT_EDITED = "kept (edited since import; --force overwrites)"
    KEPT_LINK = "kept (a symbolic link; not written)"
    FAILED = "not written"


@dataclass
class Imported:
    """One article on its way out, and what the report says about it."""

    source: str
    origin: str
    slug: str
    inferred: Inferred
    body: str
    assets: AssetPlan
    notes: list[str]
    status: ImportStatus = ImportStatus.NEW
    path: Path | None = None


@dataclass
class ImportResult:
    articles: list[Imported] = field(default_factory=list)
    failures: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def expand_sources(paths: Iterable[Path], skip: Path | None = None
                   ) -> tuple[list[Path], list[Diagnostic]]:
    """Files as given, folders walked for source files, in a stable order.

    A walk leaves out the folder `skip` (the import's own target, when it lies inside a source,
    would otherwise be imported again on every run) and files that are links leading out of the
    folder walked: a link to /etc/passwd in a clippings folder is not an article."""
    files: list[Path] = []
    problems: list[Diagnostic] = []
    skip = skip.resolve() if skip is not None else None
    for path in paths:
        if path.is_dir():
            found, outside = _walk(path, skip)
            files.extend(found)
            problems.extend(Diagnostic(str(p), "a symbolic link leading out of the source "
                                       "folder; not imported", "warning") for p in outside)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Diagnostic(str(path), "no such file or folder"))
    return list(dict.fromkeys(files)), problems


def _walk(root: Path, skip: Path | None) -> tuple[list[Path], list[Path]]:
    """(source files inside root, links leading out of it), each in a stable order."""
    real_root = root.resolve()
    found: list[Path] = []
    outside: list[Path] = []
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in SOURCE_SUFFIXES or not path.is_file():
            continue
        real = path.resolve()
        if not real.is_relative_to(real_root):
            outside.append(path)
        elif not (skip is not None and real.is_relative_to(skip)) and not _saved_page_part(path, root):
            found.append(path)
    return found, outside


def _saved_page_part(path: Path, root: Path) -> bool:
    """A browser saves "Page.html" with its frames and images in "Page_files/": not articles."""
    for folder in path.relative_to(root).parents:
        folder = root / folder
        if folder.name.endswith("_files") and any(
                folder.with_name(folder.name.removesuffix("_files") + suffix).is_file()
                for suffix in (".html", ".htm")):
            return True
    return False


def import_sources(
    paths: Iterable[Path], into: Path, *, force: bool = False, trust: bool = False,
    progress: Callable[[Path], None] = lambda _p: None,
) -> ImportResult:
    """Import every source into the folder; the folder is held for the whole run, so a second
    import into it waits instead of choosing the same new file names. Active content (scripts,
    event handlers, javascript: links) is removed unless the sources are trusted."""
    result = ImportResult()
    files, problems = expand_sources(paths, skip=into)
    result.failures = [p for p in problems if p.severity == "error"]
    result.warnings = [p for p in problems if p.severity != "error"]
    try:
        with folder_lock(into):
            _import_files(files, into, Run(force, trust, progress), result)
    except OSError as exc:  # the folder itself cannot be made or locked
        result.failures.append(Diagnostic(str(exc.filename or into), describe(exc)))
    return result


@dataclass(frozen=True)
class Run:
    """How one import treats its sources and the articles already there."""

    force: bool = False
    trust: bool = False
    progress: Callable[[Path], None] = lambda _p: None


def _import_files(files: list[Path], into: Path, run: Run, result: ImportResult) -> None:
    clear_leftovers(into)
    existing = _existing_articles(into)
    taken = {slug for slug, _origin, _body in existing.values()}
    ours = _by_origin(existing)
    history = git_histories(files)
    for file in files:
        run.progress(file)
        try:
            drafts = _read_file(file, result, history.get(file.resolve()), run.trust)
        except GardenError as exc:
            problem = exc.diagnostic
            (result.failures if problem.severity == "error" else result.warnings).append(problem)
            continue
        for draft in drafts:
            draft.slug = _claim(ours, draft) or slugs.unique(draft.slug, taken)
            taken.add(draft.slug)
            draft.body, draft.assets = relink_images(draft.body, file.parent, draft.slug)
            result.articles.append(draft)
    _link_siblings(result.articles)
    _mark_duplicates(result.articles, existing)
    for draft in result.articles:
        try:
            _write(draft, into, run.force)
        except OSError as exc:
            draft.status = ImportStatus.FAILED
            result.failures.append(Diagnostic(str(draft.path or into), describe(exc)))
            continue
        if draft.status == ImportStatus.KEPT_LINK:
            result.warnings.append(Diagnostic(str(draft.path), f"{draft.status}: it may point "
                                              "outside the garden", "warning"))


def _link_siblings(articles: list[Imported]) -> None:
    """Links from one source to another of this import now lead to the imported article."""
    siblings = Siblings([Sibling(Path(a.source), a.slug) for a in articles])
    for draft in articles:
        draft.body, changed = relink(draft.body, Path(draft.source), siblings, draft.slug)
        if changed:
            draft.notes.append(f"{changed} link(s) to other imported sources now lead to their articles")


def _by_origin(existing: dict[Path, tuple[str, str | None, str]]) -> dict[str, list[str]]:
    """origin -> slugs of the articles an earlier import wrote from a source of that name."""
    found: dict[str, list[str]] = {}
    for slug, origin, _body in existing.values():
        if isinstance(origin, str) and origin:
            found.setdefault(origin, []).append(slug)
    return found


def _claim(ours: dict[str, list[str]], draft: Imported) -> str | None:
    """The slug of the article this draft was imported as before, if any. Each earlier article
    is claimed once: two sources of the same name (a/index.md, b/index.md) keep two articles,
    the one whose slug the draft would take itself first."""
    slugs_of = ours.get(draft.origin)
    if not slugs_of:
        return None
    slug = draft.slug if draft.slug in slugs_of else slugs_of[0]
    slugs_of.remove(slug)
    return slug


def git_histories(files: list[Path]) -> dict[Path, FileHistory]:
    """First and last commit of each source file kept in a git repository: one `git log` for
    each repository, over the folder holding all of its files."""
    by_root: dict[Path, list[Path]] = {}
    roots: dict[Path, Path | None] = {}
    for file in files:
        folder = file.resolve().parent
        if folder not in roots:
            roots[folder] = repository_root(folder)
        root = roots[folder]
        if root is not None:
            by_root.setdefault(root, []).append(folder)
    found: dict[Path, FileHistory] = {}
    for root, folders in by_root.items():
        common = Path(os.path.commonpath([str(f) for f in folders]))
        found.update(histories(root, common))
    return found


def _read_file(file: Path, result: ImportResult, history: FileHistory | None = None,
               trust: bool = False) -> list[Imported]:
    name = str(file)
    source = read_source(file)
    result.warnings.extend(source.warnings)
    doc = matter.load(source.text, name)
    front = normalize(doc.front, name, doc.line_of) if doc.front is not None else None
    if front is not None:
        result.warnings.extend(d for d in front.diagnostics if d.severity != "error")
        errors = [d for d in front.diagnostics
                  if d.severity == "error" and "missing required" not in d.message]
        if errors:
            raise GardenError(errors[0])
    parts = split_articles(doc.body, has_front_matter=doc.front is not None or source.single)
    drafts = []
    for part in parts:
        found = Findings(list(source.facts), list(source.notes))
        body = clean(part.text, found)
        if not trust:
            body = _without_active_content(body, name, doc.body_line + part.first_line - 1, result)
        if deep_lines(body, MAX_NESTING):
            result.warnings.append(Diagnostic(name, f"lists or quotes nested more than "
                                              f"{MAX_NESTING} levels deep; brought back to "
                                              f"{MAX_NESTING}", "warning"))
            body = cap_nesting(body, MAX_NESTING)
        inferred = infer(body, found, front, history)
        file_name, stem = _text_name(file.name), _text_name(file.stem)
        origin = file_name if len(parts) == 1 else f"{file_name}#{part.index}"
        title = inferred.fields.get("title")
        if not title:
            title = stem if len(parts) == 1 else f"{stem} ({part.index})"
            inferred.set("title", title, "file name")
        if not body.strip():
            result.warnings.append(Diagnostic(name, f"article '{title}' has an empty body", "warning",
                                              doc.body_line + part.first_line - 1))
        slug = inferred.fields.get("slug") or slugs.slugify(title)
        drafts.append(Imported(name, origin, slug, inferred, body, AssetPlan(), found.notes))
    return drafts


def _without_active_content(body: str, name: str, line: int, result: ImportResult) -> str:
    body, removed = sanitize(body)
    if removed:
        result.warnings.append(Diagnostic(
            name, f"removed active content ({', '.join(removed)}); import with --trust to keep "
            "it from a source you trust", "warning", line))
    return body


def _text_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as lone surrogates, which
    no file can hold) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _existing_articles(into: Path) -> dict[Path, tuple[str, str | None, str]]:
    """path -> (slug, origin, body) for articles a previous import wrote."""
    found: dict[Path, tuple[str, str | None, str]] = {}
    if not into.is_dir():
        return found
    for path in sorted(into.glob("*.md")):
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_size == 0:
                continue  # holds nothing (a write cut short): free for the article it was meant for
            doc = matter.load(path.read_text(encoding="utf-8"), str(path))
        except (GardenError, UnicodeDecodeError, OSError):
            found[path] = (path.stem, None, "")  # not one of ours, but its name is taken
            continue
        front = doc.front or {}
        found[path] = (str(front.get("slug") or path.stem), front.get("origin"), doc.body)
    return found


def _mark_duplicates(articles: list[Imported], existing: dict) -> None:
    """Mark the weaker copy of each near-duplicate pair with `duplicate_of` the stronger one."""
    new = {a.slug: a for a in articles}
    old = {slug: body for slug, origin, body in existing.values()
           if slug not in new and not any(a.origin == origin for a in articles)}
    texts = [(slug, body[:DUPLICATE_SAMPLE_CHARS]) for slug, body in old.items()]
    texts += [(a.slug, a.body[:DUPLICATE_SAMPLE_CHARS]) for a in articles]
    for pair in find_duplicates(texts):
        first, second = new.get(pair.first), new.get(pair.second)
        if first is not None and second is not None:
            keep_a, copy = sorted((first, second), key=_canonical_rank)
            keep = keep_a.slug
        elif second is not None:  # only one of the pair is new: it is the copy
            keep, copy = pair.first, second
        elif first is not None:
            keep, copy = pair.second, first
        else:
            continue
        if "duplicate_of" not in copy.inferred.fields:
            copy.inferred.fields["duplicate_of"] = keep
            copy.inferred.provenance["duplicate_of"] = f"near-duplicate ({pair.similarity:.0%} similar)"


def _canonical_rank(article: Imported) -> tuple:
    """Lower is better: the copy with a named author, then the earliest dated, then the longest."""
    fields = article.inferred.fields
    date = fields.get("date")
    return (
        not fields.get("authors"),
        date is None,
        date.sort_key() if date else (),
        -len(article.body),
        article.slug,
    )


def front_matter(draft: Imported) -> CommentedMap:
    front = CommentedMap()
    fields = dict(draft.inferred.fields, slug=draft.slug, origin=draft.origin)
    if draft.assets.missing:
        fields["missing_assets"] = list(dict.fromkeys(draft.assets.missing))
    for spec in FIELDS:
        if fields.get(spec.name) not in (None, "", [], ()):
            front[spec.name] = to_yaml_value(spec.name, fields[spec.name])
    for key, value in draft.inferred.extra.items():
        if key not in front:
            front[key] = value
    return front


def _write(draft: Imported, into: Path, force: bool) -> None:
    path = into / f"{draft.slug}.md"
    text = matter.render(front_matter(draft), draft.body)
    draft.path = path
    if path.is_symlink():
        # The link may point outside the garden: import writes only files of its own.
        draft.status = ImportStatus.KEPT_LINK
        return
    if path.exists() and path.stat().st_size:
        # Compared as bytes: what lies there may not be UTF-8 (a GB18030 or truncated file).
        if path.read_bytes() == text.encode("utf-8"):
            draft.status = ImportStatus.UNCHANGED
            return
        if not force:
            draft.status = ImportStatus.KEPT_EDITED
            return
        draft.status = ImportStatus.UPDATED
    write_atomic(path, text)
    for source, target in draft.assets.copies:
        destination = into / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(destination, source.read_bytes())
