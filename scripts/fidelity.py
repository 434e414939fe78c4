#!/usr/bin/env python
"""Import fidelity on real corpora: what goes in, what comes out.

For every corpus folder under CORPORA (default ../shared/corpora) this imports the folder with
`gardener import` into a scratch garden, then compares each source file with the articles made
from it. Links, images, code blocks, tables, formulas and HTML comments are counted with
markdown-it-py (CommonMark, the dialect the sources are written in, plus tables and the four
math spellings) on both sides and matched by target or content, so a link that survives with a
changed URL counts as lost. Also: files per article, files rejected, titles against the source's
first level-1 heading, and every date with the evidence it came from.

A corpus with a `<name>.dates.tsv` next to it (path, ISO datetime of the first commit) is also
imported from a scratch git repository whose commits carry those dates, and the dates the
importer reads from git are compared with the file (share within 31 days).

Usage: python scripts/fidelity.py [CORPORA] [--work DIR] [--only NAME] [--files]
Needs the `fidelity` extra (markdown-it-py, mdit-py-plugins).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.texmath import texmath_plugin

from gardener.articles import matter
from gardener.sources.decoding import decode
from gardener.sources.furniture import listing_term
from gardener.sources.importing import import_sources

KINDS = ("links", "images", "code", "tables", "formulas", "comments")
# What the importer writes for a local image whose file is absent (sources/assets.py).
_PLACEHOLDER = re.compile(r'<span class="gd-missing-asset" title="([^"]*)">')
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SPACE = re.compile(r"\s+")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(.+?)\1")
MONTH = dt.timedelta(days=31)
METADATA = ("source", "authors", "translators", "reviewers", "publisher")
_HEX = re.compile(r"\b[0-9a-f]{7,40}\b")


def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable("table")
    # Prices such as "$5 and $10" are not math: no space or digit right inside the dollars.
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False)
    return md.use(texmath_plugin, delimiters="brackets")


MD = parser()


def constructs(text: str) -> dict[str, Counter]:
    """Each kind of construct in a Markdown text, as a multiset of what identifies it."""
    found = {kind: Counter() for kind in (*KINDS, "placeholders")}
    for token in MD.parse(text):
        _block(token, found)
        for child in token.children or ():
            _inline(child, found)
    return found


def _block(token, found: dict[str, Counter]) -> None:
    if token.type in ("fence", "code_block"):
        found["code"][_squash(token.content)] += 1
    elif token.type == "table_open":
        found["tables"]["table"] += 1
    elif token.type in ("math_block", "math_block_eqno", "math_block_brackets"):
        found["formulas"][_squash(token.content)] += 1
    elif token.type == "html_block":
        _html(token.content, found)


def _inline(token, found: dict[str, Counter]) -> None:
    if token.type == "link_open":
        found["links"][token.attrs.get("href", "")] += 1
    elif token.type == "image":
        found["images"][_image_name(str(token.attrs.get("src", "")))] += 1
    elif token.type in ("math_inline", "math_single", "math_inline_double", "math_inline_brackets"):
        found["formulas"][_squash(token.content)] += 1
    elif token.type == "html_inline":
        _html(token.content, found)


def _html(html: str, found: dict[str, Counter]) -> None:
    for comment in _COMMENT.findall(html):
        found["comments"][_squash(comment)] += 1
    for src in _PLACEHOLDER.findall(_COMMENT.sub("", html)):
        found["placeholders"][_image_name(src)] += 1


def _image_name(src: str) -> str:
    return PurePosixPath(unquote(unescape(src)).replace("\\", "/")).name


def _squash(text: str) -> str:
    """Content up to whitespace, which the importer may reflow."""
    return _SPACE.sub(" ", text).strip()


def first_h1(text: str) -> str | None:
    tokens = MD.parse(text)
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            inline = tokens[i + 1]
            return "".join(c.content for c in inline.children or () if c.type in ("text", "code_inline"))
    return None


def same_title(a: str, b: str) -> bool:
    def plain(s: str) -> str:
        return _SPACE.sub(" ", _EMPHASIS.sub(r"\2", s)).strip().casefold()
    return plain(a) == plain(b)


@dataclass
class Tally:
    files: int = 0
    articles: int = 0
    failures: list[str] = field(default_factory=list)
    warnings: int = 0
    split: list[str] = field(default_factory=list)
    kinds_in: Counter = field(default_factory=Counter)
    kinds_kept: Counter = field(default_factory=Counter)
    placeholders: int = 0
    unwrapped: int = 0  # keyword links the import report names as unwrapped
    lost: list[str] = field(default_factory=list)
    fields: Counter = field(default_factory=Counter)  # front-matter field -> articles having it
    h1_sources: int = 0
    h1_titles: int = 0
    wrong_titles: list[str] = field(default_factory=list)
    dates: Counter = field(default_factory=Counter)  # provenance -> articles
    updated: int = 0
    withheld: Counter = field(default_factory=Counter)
    compared: int = 0
    within_month: int = 0
    far: list[str] = field(default_factory=list)
    seconds: float = 0.0


def measure(corpus: Path, source_root: Path, into: Path, reference: dict[str, dt.datetime]) -> Tally:
    tally = Tally()
    started = time.perf_counter()
    result = import_sources([source_root], into)
    tally.seconds = time.perf_counter() - started
    tally.failures = [f"{d.path}: {d.message}" for d in result.failures]
    tally.warnings = len(result.warnings)
    by_source = defaultdict(list)
    for article in result.articles:
        by_source[article.source].append(article)
    for source in sorted(p for p in source_root.rglob("*") if p.suffix == ".md" and p.is_file()):
        tally.files += 1
        rel = source.relative_to(source_root).as_posix()
        made = by_source.get(str(source), [])
        tally.articles += len(made)
        if len(made) > 1:
            tally.split.append(f"{rel} -> {len(made)}")
        try:
            text, _ = decode(source.read_bytes(), str(source), [])
        except Exception:  # rejected files are listed from the import result
            continue
        _compare(rel, text, made, tally)
        _titles(rel, text, made, tally)
        _fields(made, tally)
        _dates(rel, made, reference, tally)
    return tally


def _compare(rel: str, text: str, made: list, tally: Tally) -> None:
    before = constructs(text)
    after = {kind: Counter() for kind in (*KINDS, "placeholders")}
    for article in made:
        doc = matter.load(article.path.read_text(encoding="utf-8"), str(article.path))
        for kind, found in constructs(doc.body).items():
            after[kind] += found
    for kind in KINDS:
        wanted, got = before[kind], after[kind]
        if kind == "images":
            placeholders = (wanted - got) & after["placeholders"]
            tally.placeholders += sum(placeholders.values())
            got = got + placeholders
        kept = wanted & got
        missing = list((wanted - got).elements())
        if kind == "links" and any(n.startswith("unwrapped") for a in made for n in a.notes):
            unwrapped = [url for url in missing if listing_term(url) is not None]
            tally.unwrapped += len(unwrapped)
            missing = [url for url in missing if url not in unwrapped]
        tally.kinds_in[kind] += sum(wanted.values())
        tally.kinds_kept[kind] += sum(kept.values())
        for item in missing[:3]:
            tally.lost.append(f"{rel}: {kind} {item[:80]!r}")


def _fields(made: list, tally: Tally) -> None:
    for article in made:
        tally.fields.update(k for k in METADATA if article.inferred.fields.get(k))


def _titles(rel: str, text: str, made: list, tally: Tally) -> None:
    h1 = first_h1(text)
    if h1 is None or not made:
        return
    tally.h1_sources += 1
    title = str(made[0].inferred.fields.get("title", ""))
    if same_title(h1, title):
        tally.h1_titles += 1
    else:
        tally.wrong_titles.append(f"{rel}: {title!r} (first H1 {h1!r})")


def _dates(rel: str, made: list, reference: dict[str, dt.datetime], tally: Tally) -> None:
    for article in made:
        inferred = article.inferred
        tally.updated += "updated" in inferred.fields
        for name, (_value, where) in inferred.withheld.items():
            tally.withheld[f"{name}: {_HEX.sub('…', where)}"] += 1
        date = inferred.fields.get("date")
        if date is None:
            tally.dates["(no date)"] += 1
            continue
        tally.dates[_HEX.sub("…", inferred.provenance["date"])] += 1
        truth = reference.get(rel)
        if truth is None or date.precision != "day":
            continue
        tally.compared += 1
        gap = abs(dt.date(date.year, date.month, date.day) - truth.date())
        if gap <= MONTH:
            tally.within_month += 1
        else:
            tally.far.append(f"{rel}: {date.iso()} from {inferred.provenance['date']}, "
                             f"first commit {truth.date()}")


def read_reference(tsv: Path) -> dict[str, dt.datetime]:
    dates = {}
    for line in tsv.read_text(encoding="utf-8").splitlines()[1:]:
        path, _, when = line.partition("\t")
        if when:
            dates[path] = dt.datetime.fromisoformat(when)
    return dates


def dated_repository(corpus: Path, reference: dict[str, dt.datetime], repo: Path) -> Path:
    """A git repository holding the corpus under article/, one commit per file at its date.
    Files the reference does not date are left in the work tree uncommitted: nothing dates them.

    Written with `git fast-import`: one process for hundreds of commits."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    everything = sorted(corpus.rglob("*.md"))
    dated = [p for p in everything if p.relative_to(corpus).as_posix() in reference]
    dated.sort(key=lambda p: (reference[p.relative_to(corpus).as_posix()], p.as_posix()))
    stream = bytearray()
    for n, path in enumerate(dated):
        rel = path.relative_to(corpus).as_posix()
        stamp = _git_stamp(reference[rel])
        data, message = path.read_bytes(), f"Add {rel}".encode()
        stream += (f"commit refs/heads/main\nmark :{n + 1}\n"
                   f"author Translator <t@example.org> {stamp}\n"
                   f"committer Translator <t@example.org> {stamp}\n").encode()
        stream += b"data %d\n%s\n" % (len(message), message)
        if n:
            stream += f"from :{n}\n".encode()
        stream += f"M 100644 inline article/{rel}\n".encode()
        stream += b"data %d\n%s\n" % (len(data), data)
    subprocess.run(["git", "fast-import", "--quiet"], input=bytes(stream), cwd=repo, check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=repo, check=True)
    for path in everything:
        target = repo / "article" / path.relative_to(corpus)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    return repo / "article"


def _git_stamp(when: dt.datetime) -> str:
    offset = when.utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{int(when.timestamp())} {sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def percent(part: int, whole: int) -> str:
    """Rounded down: 15863 of 15866 is 99.9%, not 100.0%."""
    return f"{(1000 * part // whole) / 10:.1f}%" if whole else "n/a"


def table(results: dict[str, Tally]) -> str:
    names = list(results)
    rows = ["| | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]

    def row(label: str, cell) -> None:
        rows.append(f"| {label} | " + " | ".join(cell(results[n]) for n in names) + " |")

    row("source files", lambda t: str(t.files))
    row("articles written", lambda t: str(t.articles))
    row("files rejected", lambda t: str(len(t.failures)))
    row("files split", lambda t: str(len(t.split)))
    row("import warnings", lambda t: str(t.warnings))
    row("import seconds", lambda t: f"{t.seconds:.1f}")
    for kind in KINDS:
        row(f"{kind} kept", lambda t, k=kind: f"{t.kinds_kept[k]} / {t.kinds_in[k]} "
            f"({percent(t.kinds_kept[k], t.kinds_in[k])})")
    row("links unwrapped by the keyword-link rule", lambda t: str(t.unwrapped))
    row("images kept as placeholders (file absent)", lambda t: str(t.placeholders))
    for name in METADATA:
        row(f"articles with `{name}`", lambda t, n=name: str(t.fields[n]))
    row("title = first H1", lambda t: f"{t.h1_titles} / {t.h1_sources} "
        f"({percent(t.h1_titles, t.h1_sources)})")
    row("articles with a date", lambda t: str(sum(v for k, v in t.dates.items() if k != "(no date)")))
    row("articles with `updated`", lambda t: str(t.updated))
    row("dates within 31 days of first commit", lambda t: (
        f"{t.within_month} / {t.compared} ({percent(t.within_month, t.compared)})" if t.compared else "n/a"))
    return "\n".join(rows)


def details(name: str, tally: Tally, files: bool) -> str:
    lines = [f"\n### {name}", "", "Date evidence:"]
    lines += [f"- {where}: {n}" for where, n in tally.dates.most_common()]
    if tally.withheld:
        lines += ["", "Reported, not written (low confidence):"]
        lines += [f"- {where}: {n}" for where, n in tally.withheld.most_common()]
    sections = [("Rejected", tally.failures), ("Split", tally.split), ("Lost", tally.lost),
                ("Title differs from first H1", tally.wrong_titles), ("Dates off by over a month", tally.far)]
    for label, items in sections:
        if items:
            lines += ["", f"{label} ({len(items)}):"]
            lines += [f"- {item}" for item in (items if files else items[:10])]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpora", nargs="?", default="../shared/corpora", type=Path)
    ap.add_argument("--work", type=Path, help="scratch folder to keep (default: a temporary one)")
    ap.add_argument("--only", help="measure only this corpus")
    ap.add_argument("--files", action="store_true", help="list every problem, not the first ten")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="fidelity-"))
    results = {}
    for corpus in sorted(p for p in args.corpora.iterdir() if p.is_dir()):
        if args.only and corpus.name != args.only:
            continue
        tsv = args.corpora / f"{corpus.name}.dates.tsv"
        reference = read_reference(tsv) if tsv.exists() else {}
        results[corpus.name] = measure(corpus, corpus, work / corpus.name / "docs" / "articles", {})
        if reference:
            repo = dated_repository(corpus, reference, work / f"{corpus.name}-git")
            label = f"{corpus.name} (in git)"
            results[label] = measure(corpus, repo, work / label.replace(" ", "-") / "docs" / "articles",
                                     reference)
    print(f"python scripts/fidelity.py {args.corpora} on {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}\n")
    print(table(results))
    for name, tally in results.items():
        print(details(name, tally, args.files))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
