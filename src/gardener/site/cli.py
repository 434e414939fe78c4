"""The `gardener` command line: import, fmt, check."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import yaml
from rich.console import Console
from rich.markup import escape

from gardener.articles.model import Diagnostic, GardenError
from gardener.files import describe, write_atomic
from gardener.garden.checks import run_checks, timeline_check
from gardener.garden.concepts.suggest import suggest
from gardener.garden.concepts.variants import alias_variants
from gardener.garden.loading import load_garden, markdown_files
from gardener.garden.wikilinks import check_wikilinks
from gardener.options import DEFAULT_SITE_NAME, read_options
from gardener.site import report, search_shards
from gardener.site.export import export
from gardener.site.linkcheck import check_site, html_pages
from gardener.site.scaffold import ScaffoldError, new_garden
from gardener.sources.formatting import format_text
from gardener.sources.importing import import_sources

# Logs and CI capture output without a terminal: give tables room instead of 80 columns.
err = Console(stderr=True, highlight=False)
out = Console(highlight=False, width=None if Console().is_terminal else 160)

_config_option = click.option(
    "--config", "-f", "config_file", type=click.Path(dir_okay=False, path_type=Path),
    help="mkdocs.yml to read folders from (default: ./mkdocs.yml).",
)


class _Commands(click.Group):
    """The last line of defence: a file that cannot be read or written ends the command with
    a message naming it, never a traceback. Causes are handled where they arise; this catches
    what a full disk, a permission or a vanished file does anywhere else."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OSError as exc:
            where = exc.filename if exc.filename is not None else "a file"
            err.print(escape(f"{_printable(where)}: error: {exc.strerror or exc}"), soft_wrap=True)
        except UnicodeError as exc:
            err.print(escape(f"error: text that is not valid Unicode ({exc}); "
                             "run `gardener import` on raw files"), soft_wrap=True)
        sys.exit(1)


def _printable(path) -> str:
    """A file name as a terminal can show it: undecodable bytes as U+FFFD."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gardener")
def main() -> None:
    """Turn messy Chinese and English articles into a cross-linked MkDocs garden."""


@main.command("import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--into", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the articles to, e.g. docs/articles.")
@click.option("--force", is_flag=True, help="Overwrite articles edited since their last import.")
@click.option("--trust", is_flag=True,
              help="Keep scripts, frames, event handlers and javascript: links (own sources only).")
def import_command(sources: tuple[Path, ...], into: Path, force: bool, trust: bool) -> None:
    """Import raw .md/.txt files (or folders of them) as normalized articles."""
    with report.progress(err, "Importing") as advance:
        result = import_sources(sources, into, force=force, trust=trust, progress=advance)
    report.import_table(out, result)
    report.diagnostics(err, result.failures + result.warnings)
    sys.exit(1 if result.failures else 0)


@main.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any file would change.")
@_config_option
def fmt_command(paths: tuple[Path, ...], check: bool, config_file: Path | None) -> None:
    """Rewrite front-matter into the schema (comments, unknown keys and body kept)."""
    options = _garden_options(config_file) if not paths else read_options(config_file)
    files = [f for f in _markdown_paths(paths or (options.docs_dir,)) if options.is_article(f)]
    changed, problems = [], []
    for path in files:
        try:
            result = format_text(path.read_bytes().decode("utf-8"), str(path))
        except GardenError as exc:
            problems.append(exc.diagnostic)
            continue
        except UnicodeDecodeError as exc:
            problems.append(Diagnostic(str(path), f"not UTF-8 (byte {exc.start})"))
            continue
        problems.extend(d for d in result.diagnostics if d.severity == "error")
        if result.changed:
            if not check and _through_link(path):
                # A linked file may live outside the garden: fmt rewrites only files of its own.
                problems.append(Diagnostic(str(path), "is reached through a symbolic link; not "
                                           "rewritten (run fmt on the file it points to)"))
                continue
            if not check:
                try:
                    write_atomic(path, result.text)
                except OSError as exc:
                    problems.append(Diagnostic(str(path), describe(exc)))
                    continue
            changed.append(path)
    verb = "would reformat" if check else "reformatted"
    for path in changed:
        out.print(f"{verb} {path}")
    report.diagnostics(err, problems)
    out.print(f"{len(changed)} of {len(files)} files {verb}, {len(problems)} with errors")
    sys.exit(1 if problems or (check and changed) else 0)


def _garden_options(config_file: Path | None, docs_dir: Path | None = None):
    """The options of the garden the command runs on; a usage error (exit 2) when there is
    none, so CI run in the wrong folder fails instead of checking nothing."""
    if config_file is not None and not config_file.is_file():
        raise click.UsageError(f"{config_file}: no such file (--config names an mkdocs.yml)")
    if config_file is None and docs_dir is None and not Path("mkdocs.yml").is_file():
        raise click.UsageError("no mkdocs.yml here: run in a garden's folder, or name one with "
                               "--config (or the docs folder with --docs)")
    try:
        options = read_options(config_file, docs_dir)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{config_file or 'mkdocs.yml'}:{mark.line + 1}" if mark else str(config_file)
        raise click.UsageError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not options.docs_dir.is_dir():
        raise click.UsageError(f"{options.docs_dir}: no such docs folder")
    return options


def _through_link(path: Path) -> bool:
    """Whether the path or one of its folders is a symbolic link."""
    return path.is_symlink() or any(folder.is_symlink() for folder in path.parents)


def _shown(path: Path | None) -> str | None:
    """A path as the user would type it: relative to the working folder when possible."""
    if path is None:
        return None
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _markdown_paths(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(markdown_files(path) if path.is_dir() else [path])
    return list(dict.fromkeys(files))


@main.command("export")
@click.argument("target", metavar="OUT", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite OUT when an earlier export wrote it.")
@_config_option
def export_command(target: Path, force: bool, config_file: Path | None) -> None:
    """Write the processed garden and a plugin-free mkdocs.yml to OUT, for any builder."""
    config_file = config_file or Path("mkdocs.yml")
    if not config_file.is_file():
        raise click.UsageError(f"no {config_file} here; name one with --config")
    try:
        with report.progress(err, "Exporting") as advance:
            result = export(config_file, target, advance, force=force)
    except GardenError as exc:
        report.diagnostics(err, [exc.diagnostic])
        sys.exit(1)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    report.diagnostics(err, errors + result.notices)
    warnings = sum(d.severity == "warning" for d in result.diagnostics)
    if warnings:
        err.print(f"{warnings} warnings: `gardener check` lists them")
    removed = f", removed {len(result.removed)} an earlier export wrote" if result.removed else ""
    out.print(f"wrote {len(result.written)} files to {target}{removed}; "
              f"build with: cd {target} && mkdocs build")
    sys.exit(1 if errors else 0)


@main.command("new")
@click.argument("target", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", "site_name", default=DEFAULT_SITE_NAME, show_default=True, help="Site name.")
def new_command(target: Path, site_name: str) -> None:
    """Create a new garden in DIR: mkdocs.yml, starter concepts, CI workflow, README."""
    try:
        written = new_garden(target, site_name)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    out.print(f"created {target} ({len(written)} files). Next:\n"
              f"  cd {target}\n  gardener import path/to/articles --into docs/articles\n"
              "  mkdocs serve")


@main.command("linkcheck")
@click.argument("site", type=click.Path(exists=True, file_okay=False, path_type=Path))
def linkcheck_command(site: Path) -> None:
    """Check every internal link and anchor of a built site (e.g. site/). Exit 1 if any break."""
    broken = check_site(site)
    for link in broken:
        out.print(escape(str(link)), soft_wrap=True)
    pages = len(html_pages(site))
    out.print(f"{pages} pages checked, {len(broken)} broken links")
    sys.exit(1 if broken else 0)


@main.command("search-index")
@click.argument("site", type=click.Path(exists=True, file_okay=False, path_type=Path))
def search_index_command(site: Path) -> None:
    """Cut a built site's search index into shards its readers fetch by the word (for a site
    built without the gardener plugin, e.g. from `gardener export`)."""
    try:
        figures = search_shards.shard_built_site(site)
    except search_shards.Unsupported as exc:
        raise click.ClickException(str(exc)) from None
    out.print(f"{figures['sections']} sections, {figures['terms']} words in "
              f"{figures['shards']} shards; {figures['pages_rewritten']} pages use the new index")


@main.command("check")
@click.option("--docs", "docs_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Docs folder (default: docs_dir of mkdocs.yml).")
@_config_option
def check_command(docs_dir: Path | None, config_file: Path | None) -> None:
    """Validate the garden: schema, slugs, duplicates, assets, links. Exit 1 on errors."""
    options = _garden_options(config_file, docs_dir)
    garden = load_garden(options.docs_dir, options.articles_dir, options.concepts_dir)
    checks = [timeline_check(options.timeline_path, _shown(options.timeline_path))]
    if options.wikilinks:
        checks.append(check_wikilinks)
    found = run_checks(garden, checks)
    report.diagnostics(out, found)
    errors = sum(d.severity == "error" for d in found)
    warnings = sum(d.severity == "warning" for d in found)
    out.print(f"{len(garden.articles)} articles, {len(garden.concepts)} concepts: "
              f"{errors} errors, {warnings} warnings")
    sys.exit(1 if errors else 0)


@main.command("suggest")
@click.option("--top", default=20, show_default=True, type=click.IntRange(min=1),
              help="How many candidate concepts to print.")
@click.option("--docs", "docs_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Docs folder (default: docs_dir of mkdocs.yml).")
@_config_option
def suggest_command(top: int, docs_dir: Path | None, config_file: Path | None) -> None:
    """Print concept note stubs for frequent terms that no concept covers yet."""
    options = _garden_options(config_file, docs_dir)
    garden = load_garden(options.docs_dir, options.articles_dir, options.concepts_dir)
    for rank, found in enumerate(suggest(garden, top), 1):
        if rank > 1:
            click.echo()
        target = options.docs_dir / options.concepts_dir / f"{found.slug}.md"
        taken = " (taken: choose another file name)" if target.exists() else ""
        # Plain echo, not rich: a stub must come out byte for byte, without markup or wrapping.
        click.echo(f"# {rank}. {found.term} (score {found.score:.2f}) -> {target.as_posix()}{taken}")
        click.echo(found.stub(), nl=False)
    variants = alias_variants(garden)[:top]
    if variants:
        click.echo("\n# Other names of existing concepts in the articles (add to `aliases`):")
    for variant in variants:
        where = f"{variant.why}, {variant.occurrences} 次: {', '.join(variant.articles[:3])}"
        click.echo(f"#   {variant.concept}: {variant.name} ({where})")
    sys.exit(0)
if __name__ == "__main__":
    main()
