"""`gardener export OUT`: the fully processed garden as plain Markdown plus an mkdocs.yml that
needs no gardener plugin, so plain MkDocs, ProperDocs or Zensical (which runs no MkDocs plugins)
build the same site.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from gardener.articles import matter
from gardener.articles.model import Diagnostic, GardenError
from gardener.articles.schema import for_theme
from gardener.files import describe, write_atomic
from gardener.garden.loading import all_files
from gardener.options import plugin_entry, plugin_options, site_fields
from gardener.pages.feeds import NO_SITE_URL, head_links
from gardener.pages.nav_tree import nav_tree
from gardener.pages.site import GardenSite, extra_css, extra_javascript
from gardener.site import math_assets

# jieba reads its user dictionary relative to the folder the build runs in: the export's root.
WORDS_FILE = "gardener-words.txt"
# Written first into every export folder: `--force` overwrites only a folder that holds it.
# It also lists the files the export wrote, so the next one removes those it no longer writes.
MARKER = ".gardener-export"
MARKER_TEXT = ("This folder was written by `gardener export`; "
               "`gardener export --force` may overwrite it.\n")
LISTED = "Files the last export wrote:\n"
NAV_TITLES = {"index.md": "首页", "glossary.md": "术语表", "graph.md": "关系图", "timeline.md": "时间线"}
# Material reads page templates from here (theme.custom_dir): the feeds' links in every head.
OVERRIDES = "overrides"


@dataclass
class ExportResult:
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # an earlier export's, not written again
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notices: list[Diagnostic] = field(default_factory=list)  # what the export left out, and why


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def export(config_file: Path, out: Path, progress: Callable[[Path], None] = lambda _p: None,
           *, force: bool = False) -> ExportResult:
    result = ExportResult()
    config = _yaml().load(config_file.read_text(encoding="utf-8"))
    options, problems = plugin_options(plugin_entry(config), **site_fields(config, config_file))
    if problems:
        raise GardenError(Diagnostic(str(config_file), "; ".join(problems)))
    docs = options.docs_dir
    refusal = unsafe_target(out, config_file, docs, force)
    if refusal:
        raise GardenError(Diagnostic(str(out), refusal))
    before = listed_files(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        # what earlier exports wrote stays listed until this one has written its own
        write_atomic(out / MARKER, _marker(before))
    except OSError as exc:
        raise GardenError(Diagnostic(str(out), describe(exc))) from None
    site = GardenSite(docs, options)
    result.diagnostics.extend(site.diagnostics)
    out_docs = out / "docs"
    sources = [p for p in all_files(docs) if p.is_file()]
    for source in sources:
        progress(source)
        rel = source.relative_to(docs).as_posix()
        _write(out_docs, rel, _exported(site, rel, source), result)
    existing = {p.relative_to(docs).as_posix() for p in sources}
    result.diagnostics.extend(
        Diagnostic(rel, f"the site's own file: gardener's generated {rel} is not added",
                   "warning") for rel in site.shadowed(existing))
    for rel, content in site.generated(existing).items():
        _write(out_docs, rel, content.encode("utf-8"), result)
    math = math_assets.uses_math(config.get("markdown_extensions"))
    for rel, data in (math_assets.math_files() if math else {}).items():
        if rel not in existing:
            _write(out_docs, rel, data, result)
    words = "".join(f"{word}\n" for word in site.segmenter_words())
    _write(out, WORDS_FILE, words.encode("utf-8"), result)
    feeds = _feed_templates(out, config, site, result)
    _write(out, "mkdocs.yml", _mkdocs_yml(config, site, existing, feeds), result)
    written = _relative(out, result.written)
    _remove_stale(out, set(before) - set(written), result)
    try:
        write_atomic(out / MARKER, _marker(written))
    except OSError as exc:
        result.diagnostics.append(Diagnostic(str(out / MARKER), describe(exc)))
    return result


def listed_files(out: Path) -> list[str]:
    """The files an earlier export into out wrote (folder-relative), as its marker lists them."""
    try:
        text = (out / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    _, found, listed = text.partition(LISTED)
    return [line for line in listed.splitlines() if line] if found else []


def _marker(files: list[str]) -> str:
    return MARKER_TEXT + LISTED + "".join(f"{rel}\n" for rel in sorted(set(files)))


def _relative(out: Path, written: list[Path]) -> list[str]:
    root = out.resolve()
    return [p.relative_to(root).as_posix() for p in written if p.is_relative_to(root)]


def _remove_stale(out: Path, stale: set[str], result: ExportResult) -> None:
    """Files an earlier export wrote and this one did not (an article deleted or renamed since):
    removed, with the folders they leave empty, so a build of the export shows no stale page.
    Anything else in the folder (a built site, files of the user's own) is left alone."""
    root = out.resolve()
    for rel in sorted(stale):
        path = out / rel
        if not path.resolve().is_relative_to(root) or path.is_symlink() or not path.is_file():
            continue  # a list edited by hand may name anything: only the export's own files go
        try:
            path.unlink()
        except OSError as exc:
            result.diagnostics.append(Diagnostic(rel, f"stale, not removed: {describe(exc)}"))
            continue
        result.removed.append(path)
        for folder in path.parents:
            if folder == out or not folder.is_relative_to(out):
                break
            try:
                folder.rmdir()  # only when empty
            except OSError:
                break


def unsafe_target(out: Path, config_file: Path, docs: Path, force: bool) -> str | None:
    """Why the export must not write to out, or None. The export replaces mkdocs.yml and every
    page with processed copies, so the garden, anything around its sources and a folder of
    someone else's files are refused; so is an earlier export, unless forced."""
    target, garden, docs = out.resolve(), config_file.resolve().parent, docs.resolve()
    if target == garden or garden.is_relative_to(target):
        return "is the garden itself (or holds it); export to a new folder"
    if target.is_relative_to(docs) or docs.is_relative_to(target):
        return f"lies inside the docs folder {docs}; export to a folder outside it"
    if target.is_file():
        return "is a file; export to a new folder"
    if not target.is_dir() or not any(target.iterdir()):
        return None
    if not (target / MARKER).is_file():
        return "is not empty and was not written by `gardener export`; export to a new folder"
    if not force:
        return "holds an earlier export; add --force to overwrite it"
    return None


def _exported(site: GardenSite, rel: str, source: Path) -> bytes:
    if not rel.endswith(".md"):
        return source.read_bytes()
    try:
        text = source.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return source.read_bytes()  # reported by the garden already (not UTF-8); copied as it is
    try:
        doc = matter.load(text, rel)
    except GardenError:
        return text.encode("utf-8")  # reported by the garden already; copied as it is
    body = site.page_markdown(rel, doc.body)
    if doc.front is None:
        return body.encode("utf-8")
    front = doc.front
    note = site.note(rel)
    if note is not None:  # what any builder's theme reads: the title and tags gardener read
        for_theme(front, note.title, getattr(note, "tags", None))
    if site.hidden_from_search(rel):
        front["search"] = CommentedMap(exclude=True)
    return matter.render(front, body, doc.newline).encode("utf-8")


def _write(root: Path, rel: str, content: bytes, result: ExportResult) -> None:
    target = (root / rel).resolve()
    if not target.is_relative_to(root.resolve()):
        result.diagnostics.append(Diagnostic(rel, "path leaves the export folder; not written"))
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_atomic(target, content, durable=False)  # made again by exporting again
    except OSError as exc:
        result.diagnostics.append(Diagnostic(rel, describe(exc)))
        return
    result.written.append(target)


def _feed_templates(out: Path, config: CommentedMap, site: GardenSite, result: ExportResult) -> bool:
    """gardener's page template (the feeds' links in every head) as the export's theme
    overrides; False when there are no feeds or the site has overrides of its own."""
    if not site.options.feeds:
        return False
    if not site.options.site_url:
        result.notices.append(Diagnostic(str(site.options.config_file), NO_SITE_URL, "info"))
        return False
    if (config.get("theme") or {}).get("custom_dir"):
        result.notices.append(Diagnostic(
            str(site.options.config_file), "theme.custom_dir is set: add "
            '{% include "partials/gardener-feeds.html" %} to its main.html to link the feeds', "info"))
        return False
    theme = resources.files("gardener") / "templates" / "theme"
    for name in ("main.html", "partials/gardener-feeds.html"):
        _write(out / OVERRIDES, name, theme.joinpath(name).read_bytes(), result)
    return True


def _mkdocs_yml(config: CommentedMap, site: GardenSite, existing: set[str], feeds: bool) -> bytes:
    config["docs_dir"] = "docs"
    if feeds:
        config.setdefault("theme", CommentedMap())["custom_dir"] = OVERRIDES
        config.setdefault("extra", CommentedMap())["gardener_feeds"] = head_links(site.options.site_name)
    config.pop("site_dir", None)
    config["plugins"] = CommentedSeq(_plugin_entry(p) for p in config.get("plugins") or []
                                     if not (isinstance(p, dict) and "gardener" in p)
                                     and p != "gardener")
    extensions = config.get("markdown_extensions")
    for key, extra in (("extra_css", extra_css(site.options) + math_assets.extra_css(extensions)),
                       ("extra_javascript", extra_javascript(site.options)
                        + math_assets.extra_javascript(extensions))):
        current = list(config.get(key) or [])
        config[key] = current + [p for p in extra if p not in current]
    config["nav"] = nav(site, existing | set(site.generated(existing)))
    buffer = io.StringIO()
    _yaml().dump(config, buffer)
    return buffer.getvalue().encode("utf-8")


def _plugin_entry(entry):
    """The search plugin learns the concept aliases from a word list instead of the plugin."""
    if entry == "search":
        entry = CommentedMap(search=CommentedMap())
    if isinstance(entry, dict) and "search" in entry:
        options = entry["search"] if entry["search"] is not None else CommentedMap()
        options.setdefault("jieba_dict_user", WORDS_FILE)
        entry["search"] = options
    return entry


def nav(site: GardenSite, pages: set[str]) -> list:
    """The navigation the plugin builds at build time, written out: home, glossary, timeline,
    other pages, then articles by year (duplicates and, by default, concept notes left out)."""
    hidden = site.hidden_from_nav()
    articles_dir, concepts_dir = site.options.articles_dir + "/", site.options.concepts_dir + "/"
    entries: list[str | dict] = [{NAV_TITLES[p]: p} for p in NAV_TITLES if p in pages]  # as in mkdocs.yml
    for page in sorted(pages):
        if (page.endswith(".md") and page not in NAV_TITLES and page not in hidden
                and not page.startswith((articles_dir, concepts_dir))):
            entries.append(page)
    listed = [a for a in site.garden.articles if a.path not in hidden]
    years = [nav_entry(year, group)
             for year, group in nav_tree(listed, site.options.articles_dir)]
    if years:
        entries.append({site.options.articles_title: years})
    if site.options.concepts_in_nav:
        entries.append({site.options.concepts_title: [{c.title: c.path} for c in site.garden.concepts]})
    return entries


def nav_entry(title: str, entries: list) -> dict:
    """One (title, entries) pair of nav_tree as an mkdocs.yml `nav:` entry."""
    return {title: [nav_entry(*e) if isinstance(e, tuple) else {e.title: e.path}
                    for e in entries]}
