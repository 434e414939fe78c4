"""`gardener new DIR`: a garden that builds straight away.

Templates live in the package (templates/new); names that packaging tools skip (dot files) are
stored without the dot and renamed on the way out. Text templates are `string.Template`s: a
literal "$$" (a formula delimiter in a comment) is written "$$$$" there.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from string import Template

import yaml

from gardener import __version__
from gardener.files import write_atomic
from gardener.text.markdown import escape_inline

RENAMES = {"gitignore": ".gitignore", "github": ".github"}
TEXT_SUFFIXES = {".yml", ".yaml", ".md", ".txt", ""}


class ScaffoldError(Exception):
    pass


def new_garden(target: Path, site_name: str) -> list[Path]:
    """Write the garden; on failure (a full disk) nothing is left behind and the message says
    which file could not be written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(f"{target} exists and is not empty; choose a new folder")
    if not site_name.strip():
        raise ScaffoldError("the site name is empty")
    existed = target.exists()
    try:
        return _write_garden(target, site_name)
    except OSError as exc:
        _remove_contents(target, keep_folder=existed)
        where = exc.filename or target
        raise ScaffoldError(f"cannot write {where}: {exc.strerror or exc}; "
                            f"nothing was left in {target}") from None


def _remove_contents(target: Path, *, keep_folder: bool) -> None:
    if not keep_folder:
        shutil.rmtree(target, ignore_errors=True)
        return
    for entry in target.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def template_values(site_name: str, suffix: str) -> dict[str, str]:
    """What `$site_name` becomes in a template: a YAML scalar in YAML files (emitted, so that
    "AI: 笔记" or "Garden #2" come back as written), literal inline text in Markdown."""
    if suffix in (".yml", ".yaml"):
        name = yaml.safe_dump(site_name, allow_unicode=True, width=float("inf"))
        name = name.removesuffix("\n...\n").removesuffix("\n")
        if "\n" in name:  # a name with line breaks: one double-quoted line
            name = yaml.safe_dump(site_name, allow_unicode=True, width=float("inf"),
                                  default_style='"').removesuffix("\n")
    elif suffix == ".md":
        name = escape_inline(site_name)
    else:
        name = site_name
    return {"site_name": name, "version": __version__}


def _write_garden(target: Path, site_name: str) -> list[Path]:
    templates = resources.files("gardener").joinpath("templates/new")
    written = _copy_tree(templates, target, site_name)
    concepts = target / "docs" / "concepts"
    concepts.mkdir(parents=True, exist_ok=True)
    for note in resources.files("gardener").joinpath("starter/concepts").iterdir():
        if note.name.endswith(".md"):
            _named(concepts / note.name, write_atomic, concepts / note.name, note.read_bytes())
            written.append(concepts / note.name)
    (target / "docs" / "articles").mkdir(parents=True, exist_ok=True)
    return written


def _named(path: Path, write, *args) -> None:
    try:
        write(*args)
    except OSError as exc:
        exc.filename = exc.filename or str(path)  # a failed write() names no file
        raise


def _write_one(entry, destination: Path, site_name: str) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.suffix in TEXT_SUFFIXES:
        values = template_values(site_name, destination.suffix)
        text = Template(entry.read_text(encoding="utf-8")).safe_substitute(values)
        write_atomic(destination, text)
    else:
        write_atomic(destination, entry.read_bytes())


def _copy_tree(source, target: Path, site_name: str) -> list[Path]:
    written = []
    for entry in source.iterdir():
        name = RENAMES.get(entry.name, entry.name)
        destination = target / name
        if entry.is_dir():
            written += _copy_tree(entry, destination, site_name)
            continue
        _named(destination, _write_one, entry, destination, site_name)
        written.append(destination)
    return written
