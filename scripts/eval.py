"""Precision and recall of concept links and timeline events against the hand-made set in scripts/eval/.

The set (see scripts/eval/README.md) names real articles of ../shared/corpora by corpus and path,
and each item by the text around it, never by offsets into an imported article. This script:

1. makes a temporary garden with `gardener new` and imports every referenced source file with
   `gardener import` (one call per corpus), so the numbers follow the importer as it is today;
2. finds each item's context again in the imported bodies (verbatim, else with whitespace
   runs treated as equal);
3. runs the linker (`find_mentions`) and the extractor (`extract_events`) on those articles
   and matches their output to the items by place and surface.

Links: precision = right links / links made on annotated places; recall = right links /
(annotated `right` + `missed`). A link on a `right` or `missed` place to another concept counts
as a wrong link and a miss. Events: of the events a timeline page would show (resolved, with a
year) that match an annotated sentence, the share labelled `event`, and the share whose date is
the annotated one.

Usage: python scripts/eval.py [--corpora ../shared/corpora] [--list] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from gardener.garden.concepts.matcher import ConceptMatcher, find_mentions, matcher_for  # noqa: E402
from gardener.garden.loading import load_garden  # noqa: E402
from gardener.garden.timeline.extract import extract_events  # noqa: E402

DATA = ROOT / "scripts" / "eval"
# ../shared/corpora seen from the main checkout, which is also two levels above a worktree.
_PLACES = (ROOT.parent / "shared" / "corpora", ROOT.parent.parent / "shared" / "corpora")
DEFAULT_CORPORA = next((p for p in _PLACES if p.is_dir()), _PLACES[0])

# Alias families: concepts whose aliases share a word or a confusion, reported together.
FAMILIES = {
    "对齐 alignment": ["alignment"],
    "幻觉 hallucination": ["hallucination"],
    "token": ["token"],
    "prompt": ["prompt", "prompt-engineering"],
    "CNN": ["cnn"],
    "CLIP": ["clip"],
    "Claude": ["claude"],
    "GPT versions": ["gpt", "gpt-1", "gpt-2", "gpt-3", "gpt-3-5", "gpt-4", "chatgpt", "instructgpt"],
    "attention": ["attention", "efficient-attention", "linear-attention", "flash-attention"],
    "推理 reasoning/inference": ["reasoning", "inference"],
    "模型 …model": ["large-language-model", "language-model", "foundation-model", "open-source-model",
                  "reward-model", "generative-ai", "diffusion-model"],
    "训练 training stages": ["pre-training", "fine-tuning", "instruction-tuning", "supervised-fine-tuning"],
    "Transformer": ["transformer", "vit"],
    "embedding": ["embedding"],
    "LLaMA": ["llama"],
    "reinforcement learning": ["reinforcement-learning", "rlhf", "ppo"],
    "训练数据/语料库": ["training-data"],
}
FAMILY_OF = {slug: name for name, slugs in FAMILIES.items() for slug in slugs}


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# --------------------------------------------------------------------------
# Importing the referenced sources


def gardener(*args: str) -> None:
    # The CLI is the stable contract while the importer's modules are being reshaped.
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))
    command = shutil.which("gardener")
    if command is None:
        sys.exit("the gardener command is not installed (pip install -e .)")
    run = subprocess.run([command, *args], env=env, capture_output=True, text=True)
    if run.returncode not in (0, 1):  # 1: some files failed; their items are reported as not found
        sys.exit(f"gardener {args[0]} failed:\n{run.stderr or run.stdout}")


def build_garden(items: list[dict], corpora: Path, work: Path) -> Path:
    """A fresh garden holding every referenced source, one articles folder per corpus."""
    garden = work / "garden"
    gardener("new", str(garden))
    by_corpus: dict[str, set[str]] = defaultdict(set)
    for item in items:
        by_corpus[item["corpus"]].add(item["path"])
    for corpus, paths in sorted(by_corpus.items()):
        sources = [str(corpora / corpus / p) for p in sorted(paths)]
        gardener("import", *sources, "--into", str(garden / "docs" / "articles" / corpus))
    return garden / "docs"


# --------------------------------------------------------------------------
# Finding the items again


@dataclass
class Place:
    article: object  # gardener Article
    start: int
    end: int
    line: int


def locate(body: str, context: str) -> int | None:
    at = body.find(context)
    if at >= 0:
        return at
    # The importer may rewrap or respace a line; keep the words, loosen the spaces.
    pattern = r"\s+".join(re.escape(part) for part in context.split())
    found = re.search(pattern, body)
    return found.start() if found else None


def place(item: dict, articles: list) -> Place | None:
    """Where the item's surface sits in the imported article that holds its context."""
    for article in articles:
        at = locate(article.body, item["context"])
        if at is None:
            continue
        start = surface_at(article.body, at, item)
        if start is not None:
            return Place(article, start, start + len(item["surface"]), article.body.count("\n", 0, start) + 1)
    return None


def surface_at(body: str, at: int, item: dict) -> int | None:
    """The surface's start: at its offset in the context, else (spacing changed) the occurrence
    within the context's span nearest to that offset."""
    surface, expected = item["surface"], at + item["offset"]
    if body.startswith(surface, expected):
        return expected
    span_end = at + len(item["context"]) + 2 * item["context"].count(" ") + 8
    found = [m.start() for m in re.finditer(re.escape(surface), body[at:span_end])]
    return at + min(found, key=lambda x: abs(x - item["offset"])) if found else None


def candidates(docs: Path) -> tuple[object, dict[tuple[str, str], list]]:
    """The loaded garden, and (corpus, source file name) -> articles imported from it."""
    garden = load_garden(docs)
    by_origin: dict[tuple[str, str], list] = defaultdict(list)
    by_corpus: dict[str, list] = defaultdict(list)
    for article in garden.articles:
        corpus = article.path.split("/")[1]
        by_corpus[corpus].append(article)
        if article.origin:
            by_origin[(corpus, article.origin.split("#")[0])].append(article)
    # Without a recorded origin an item is searched in its whole corpus.
    lookup = dict(by_origin)
    lookup.update({(corpus, "*"): arts for corpus, arts in by_corpus.items()})
    return garden, lookup


def articles_for(item: dict, lookup: dict) -> list:
    return lookup.get((item["corpus"], Path(item["path"]).name)) or lookup.get((item["corpus"], "*"), [])


# --------------------------------------------------------------------------
# Links


@dataclass
class Tally:
    right_links: int = 0
    wrong_links: int = 0
    should_link: int = 0  # annotated right + missed
    items: int = 0

    @property
    def precision(self) -> float | None:
        made = self.right_links + self.wrong_links
        return self.right_links / made if made else None

    @property
    def recall(self) -> float | None:
        return self.right_links / self.should_link if self.should_link else None


@dataclass
class LinkResult:
    overall: Tally = field(default_factory=Tally)
    by_family: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_label: Counter = field(default_factory=Counter)
    lost: list[dict] = field(default_factory=list)
    errors: list[tuple[str, dict, str | None]] = field(default_factory=list)


def judge_link(item: dict, linked: str | None) -> tuple[int, int, int, str]:
    """(right link, wrong link, should link, outcome) for one annotated place."""
    if item["label"] == "wrong":
        return (0, 1, 0, "linked") if linked else (0, 0, 0, "not linked")
    if linked == item["concept"]:
        return 1, 0, 1, "linked"
    return (0, 1, 1, "other concept") if linked else (0, 0, 1, "not linked")


def evaluate_links(items: list[dict], lookup: dict, matcher: ConceptMatcher) -> LinkResult:
    result = LinkResult()
    mentions: dict[str, list] = {}
    for item in items:
        where = place(item, articles_for(item, lookup))
        if where is None:
            result.lost.append(item)
            continue
        found = mentions.get(where.article.path)
        if found is None:
            found = mentions[where.article.path] = find_mentions(where.article.body, matcher)
        overlap = [m for m in found if m.start < where.end and where.start < m.end]
        linked = overlap[0].concept if overlap else None
        right, wrong, should, outcome = judge_link(item, linked)
        result.by_label[(item["label"], outcome)] += 1
        family = FAMILY_OF.get(item["concept"], "other")
        for tally in (result.overall, result.by_family[family]):
            tally.right_links += right
            tally.wrong_links += wrong
            tally.should_link += should
            tally.items += 1
        if wrong or (should and not right):
            result.errors.append((outcome, item, linked))
    return result


# --------------------------------------------------------------------------
# Events

_NON_WORD = re.compile(r"[\W_]+")


def bigrams(text: str) -> set[str]:
    letters = _NON_WORD.sub("", text).casefold()
    return {letters[i:i + 2] for i in range(len(letters) - 1)}


def similarity(a: str, b: str) -> float:
    x, y = bigrams(a), bigrams(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class EventResult:
    shown: int = 0  # shown events that match an annotated sentence
    unannotated: int = 0  # shown events in the referenced articles that match none
    labels: Counter = field(default_factory=Counter)  # label or reason of each matched shown event
    dates: Counter = field(default_factory=Counter)  # right / coarser / wrong / no date annotated
    issues: Counter = field(default_factory=Counter)
    kept: int = 0  # annotated events shown
    annotated_events: int = 0
    lost: list[dict] = field(default_factory=list)
    errors: list[tuple[str, dict, str]] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)  # annotated events not shown


def match_event(event, annotated: list[tuple[dict, Place]]) -> tuple[dict, Place] | None:
    """The annotated sentence an extracted event retells: same line, its date in the event text,
    the most alike wording."""
    text = squeeze(event.text)
    best, score = None, 0.0
    for item, where in annotated:
        if where.line != event.line:
            continue
        value = similarity(item["context"], event.text) + (1.0 if squeeze(item["surface"]) in text else 0.0)
        if value > score:
            best, score = (item, where), value
    return best if score >= 0.4 else None


def judge_date(item: dict, event) -> str:
    if not item.get("date"):
        return "no date annotated"
    got = event.date.iso()
    if got == item["date"]:
        return "right"
    return "coarser" if item["date"].startswith(got + "-") else "wrong"


def evaluate_events(items: list[dict], lookup: dict, matcher: ConceptMatcher) -> EventResult:
    result = EventResult()
    per_article: dict[str, list[tuple[dict, Place]]] = defaultdict(list)
    articles = {}
    for item in items:
        where = place(item, articles_for(item, lookup))
        if where is None:
            result.lost.append(item)
            continue
        per_article[where.article.path].append((item, where))
        articles[where.article.path] = where.article
        result.annotated_events += item["label"] == "event"
    shown_items: set[str] = set()
    for path, annotated in per_article.items():
        for event in extract_events(articles[path], matcher):
            if not event.resolved or event.date.year is None:
                continue  # never on a page
            hit = match_event(event, annotated)
            if hit is None or hit[0]["id"] in shown_items:
                result.unannotated += 1
                continue
            item = hit[0]
            shown_items.add(item["id"])
            result.shown += 1
            result.labels[item["reason"] or item["label"]] += 1
            verdict = judge_date(item, event)
            result.dates[verdict] += 1
            result.issues.update(item.get("issues") or [])
            if item["label"] == "event":
                result.kept += 1
            if item["label"] != "event" or verdict == "wrong":
                result.errors.append((item["reason"] or f"date {event.date.iso()}", item, event.text))
    result.missed = [item for annotated in per_article.values() for item, _ in annotated
                     if item["label"] == "event" and item["id"] not in shown_items]
    return result


# --------------------------------------------------------------------------
# Report


def pad(text: str, width: int) -> str:
    """Left-justify for a terminal, where a Chinese character takes two columns."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - columns)


def pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def print_links(result: LinkResult, items: int) -> None:
    t = result.overall
    print(f"\nConcept links ({items} annotated places, {items - len(result.lost)} found again)")
    made = t.right_links + t.wrong_links
    print(f"  precision {pct(t.precision)}  ({t.right_links} right of {made} links made)")
    print(f"  recall    {pct(t.recall)}  ({t.right_links} of {t.should_link} places that mean a concept)")
    for (label, outcome), count in sorted(result.by_label.items()):
        print(f"    {label:6} {outcome:14} {count}")
    print(f"\n  {pad('family', 28)} {'items':>5} {'links':>5} {'precision':>9} {'recall':>7}")
    for name, tally in sorted(result.by_family.items(), key=lambda kv: -kv[1].items):
        made = tally.right_links + tally.wrong_links
        print(f"  {pad(name, 28)} {tally.items:5} {made:5} {pct(tally.precision):>9} {pct(tally.recall):>7}")
    empty = [name for name in FAMILIES if name not in result.by_family]
    if empty:
        print(f"  (no annotated places in these corpora for: {', '.join(empty)})")


def print_events(result: EventResult, items: int) -> None:
    print(f"\nTimeline events ({items} annotated sentences, {items - len(result.lost)} found again)")
    shown = result.shown
    good = result.labels["event"]
    print(f"  shown and annotated: {shown} (plus {result.unannotated} shown events the set does not cover)")
    print(f"  share that are events     {pct(good / shown if shown else None)}  ({good} of {shown})")
    right = result.dates["right"]
    dated = shown - result.dates["no date annotated"]
    print(f"  share with the right date {pct(right / dated if dated else None)}  ({right} of {dated}; "
          f"{result.dates['coarser']} coarser, {result.dates['wrong']} wrong)")
    wanted = result.annotated_events
    print(f"  annotated events shown    {pct(result.kept / wanted if wanted else None)}"
          f"  ({result.kept} of {wanted})")
    print("  shown, by label / reason:")
    for name, count in result.labels.most_common():
        print(f"    {name:14} {count:4}  {pct(count / shown)}")
    if result.issues:
        print("  shown with a text problem: " + ", ".join(f"{k} {v}" for k, v in result.issues.most_common()))


def print_errors(links: LinkResult, events: EventResult) -> None:
    print("\nLink errors:")
    for outcome, item, linked in sorted(links.errors, key=lambda e: (e[0], e[1]["concept"])):
        print(f"  {outcome:13} {item['concept']:22} {linked or '':22} {item['surface']!r:24} "
              f"{item['context'][:70]!r}")
    print("\nShown events that are not events or have a wrong date:")
    for reason, _item, text in sorted(events.errors, key=lambda e: e[0]):
        print(f"  {reason:14} {text[:90]}")
    print("\nAnnotated events not shown:")
    for item in events.missed:
        print(f"  {item['id']} {item['context'][:100]}")
    for item in links.lost + events.lost:
        print(f"  not found after import: {item['id']} {item['path']} {item['context'][:50]!r}")


def metrics(links: LinkResult, events: EventResult) -> dict:
    t = links.overall
    return {
        "links": {"precision": t.precision, "recall": t.recall, "right_links": t.right_links,
                  "wrong_links": t.wrong_links, "should_link": t.should_link, "lost": len(links.lost),
                  "families": {name: {"items": f.items, "precision": f.precision, "recall": f.recall}
                               for name, f in links.by_family.items()}},
        "events": {"shown": events.shown, "events": events.labels["event"],
                   "labels": dict(events.labels), "dates": dict(events.dates),
                   "kept": events.kept, "annotated_events": events.annotated_events,
                   "unannotated": events.unannotated, "lost": len(events.lost)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="folder holding the corpora")
    parser.add_argument("--list", action="store_true", help="list every wrong link, miss and bad event")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if not args.corpora.is_dir():
        sys.exit(f"{args.corpora}: no such folder (pass --corpora)")
    mentions = read_jsonl(DATA / "mentions.jsonl")
    events = read_jsonl(DATA / "events.jsonl")
    began = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="gardener-eval-"))
    try:
        docs = build_garden(mentions + events, args.corpora, work)
        imported = time.perf_counter()
        garden, lookup = candidates(docs)
        matcher = matcher_for(garden.concepts)
        link_result = evaluate_links(mentions, lookup, matcher)
        event_result = evaluate_events(events, lookup, matcher)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(garden.articles)} articles imported from "
          f"{len({(i['corpus'], i['path']) for i in mentions + events})} source files; "
          f"import {imported - began:.1f} s, evaluation {time.perf_counter() - imported:.1f} s")
    print_links(link_result, len(mentions))
    print_events(event_result, len(events))
    if args.list:
        print_errors(link_result, event_result)
    if args.json:
        args.json.write_text(json.dumps(metrics(link_result, event_result), ensure_ascii=False, indent=2),
                             encoding="utf-8")


if __name__ == "__main__":
    main()
