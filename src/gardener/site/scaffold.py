"""`gardener new DIR`: a garden that builds straight away.

Templates live in the package (templates/new); names that packaging tools skip (dot files) are
stored without the dot and renamed on the way out. Text templates are `string.Template`s: a
literal "$$" (a formula delimiter in a comment) is written "$$$$" there.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from string import Template

from gardener import __version__

RENAMES = {"gitignore": ".gitignore", "github": ".github"}
TEXT_SUFFIXES = {".yml", ".yaml", ".md", ".txt", ""}


class ScaffoldError(Exception):
    pass


def new_garden(target: Path, site_name: str) -> list[Path]:
    if target.exists() and any(target.iterdir()):
        raise ScaffoldError(f"{target} exists and is not empty; choose a new folder")
    templates = resources.files("gardener").joinpath("templates/new")
    values = {"site_name": site_name, "version": __version__}
    written = _copy_tree(templates, target, values)
    concepts = target / "docs" / "concepts"
    concepts.mkdir(parents=True, exist_ok=True)
    for note in resources.files("gardener").joinpath("starter/concepts").iterdir():
        if note.name.endswith(".md"):
            (concepts / note.name).write_bytes(note.read_bytes())
            written.append(concepts / note.name)
    (target / "docs" / "articles").mkdir(parents=True, exist_ok=True)
    return written


def _copy_tree(source, target: Path, values: dict[str, str]) -> list[Path]:
    written = []
    for entry in source.iterdir():
        name = RENAMES.get(entry.name, entry.name)
        destination = target / name
        if entry.is_dir():
            written += _copy_tree(entry, destination, values)
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        if Path(name).suffix in TEXT_SUFFIXES:
            text = Template(entry.read_text(encoding="utf-8")).safe_substitute(values)
            destination.write_text(text, encoding="utf-8")
        else:
            destination.write_bytes(entry.read_bytes())
        written.append(destination)
    return written
