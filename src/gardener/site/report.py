"""Terminal output: progress for long runs, the import table, diagnostics."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gardener.articles.model import Diagnostic

_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


@contextmanager
def progress(console: Console, label: str) -> Iterator[Callable[[Path], None]]:
    """Yields a callback to call once per file; shows a spinner-style counter on a terminal."""
    bar = Progress(TextColumn(f"{label} {{task.completed}} files"), BarColumn(),
                   TextColumn("{task.fields[name]}"), TimeElapsedColumn(),
                   console=console, transient=True, disable=not console.is_terminal)
    with bar:
        task = bar.add_task(label, total=None, name="")
        yield lambda path: bar.update(task, advance=1, name=escape(path.name))


def import_table(console: Console, result) -> None:
    table = Table(title="gardener import", show_lines=False, expand=False)
    for column in ("source", "article", "title", "inferred (from where)", "notes"):
        table.add_column(column, overflow="fold")
    for art in result.articles:
        inferred = _inferred(art.inferred)
        notes = "\n".join([art.status, *art.notes])
        table.add_row(escape(Path(art.source).name), escape(art.slug),
                      escape(str(art.inferred.fields.get("title", ""))), escape(inferred),
                      escape(notes))
    for failure in result.failures:
        table.add_row(escape(Path(failure.path).name), "[red]—[/red]", "", "",
                      f"[red]{escape(failure.message)}[/red]")
    console.print(table)
    written = sum(a.status in ("new", "updated") for a in result.articles)
    console.print(f"{len(result.articles)} articles ({written} written), "
                  f"{len(result.failures)} files failed")


def _inferred(inferred) -> str:
    """Where each field came from; values found on weak evidence, which were not written."""
    provenance = inferred.provenance
    given = [k for k, v in provenance.items() if v == "front-matter"]
    lines = [f"kept from front-matter: {', '.join(given)}"] if given else []
    lines += [f"{k} ← {v}" for k, v in provenance.items() if v != "front-matter"]
    lines += [f"{k}? {_shown(value)} ← {where} (weak evidence: not written)"
              for k, (value, where) in inferred.withheld.items()]
    return "\n".join(lines)


def _shown(value) -> str:
    return value.iso() if hasattr(value, "iso") else str(value)


def diagnostics(console: Console, found: Iterable[Diagnostic]) -> None:
    for item in found:
        console.print(f"[{_STYLE[item.severity]}]{escape(str(item))}[/]", soft_wrap=True)
