"""The hand-made evaluation set in scripts/eval/ stays well-formed and anchored in its corpora."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "scripts" / "eval"
STARTER_CONCEPTS = {p.stem for p in (ROOT / "src" / "gardener" / "starter" / "concepts").glob("*.md")}
# ../shared/corpora from the main checkout; a worktree sits one level deeper.
CORPORA = next((p for p in (ROOT.parent / "shared" / "corpora", ROOT.parent.parent / "shared" / "corpora")
                if p.is_dir()), None)

COMMON = {"id": str, "corpus": str, "path": str, "context": str, "offset": int, "surface": str, "note": str}
MENTION = COMMON | {"concept": str, "label": str}
EVENT = COMMON | {"label": str, "reason": (str, type(None)), "date": (str, type(None)), "issues": list,
                  "extracted": (str, type(None)), "shown": bool, "date_ok": (bool, type(None))}
REASONS = {"statistic", "forecast", "self-reference", "caption", "opinion", "anecdote", "fiction",
           "question", "plan", "other"}
ISSUES = {"subject_lost", "cut_short"}
ISO = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?")


def load(name: str) -> list[dict]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


MENTIONS = load("mentions.jsonl")
EVENTS = load("events.jsonl")


def field_problems(item: dict, schema: dict) -> list[str]:
    if set(item) != set(schema):
        return [f"fields {sorted(set(item) ^ set(schema))}"]
    problems = [f"{key} is not {kind}" for key, kind in schema.items() if not isinstance(item[key], kind)]
    if problems:
        return problems
    context, offset, surface = item["context"], item["offset"], item["surface"]
    if item["corpus"] not in {"gold-miner", "self-llm"}:
        problems.append(f"corpus {item['corpus']}")
    if not surface or "\n" in context or context != context.strip():
        problems.append("context must be one trimmed line around a non-empty surface")
    if context[offset:offset + len(surface)] != surface:
        problems.append("surface is not at offset in context")
    return problems


def mention_problems(item: dict) -> list[str]:
    problems = field_problems(item, MENTION)
    if not problems and item["label"] not in {"right", "wrong", "missed"}:
        problems.append(f"label {item['label']}")
    if not problems and item["concept"] not in STARTER_CONCEPTS:
        problems.append(f"unknown concept {item['concept']}")
    return problems


def event_problems(item: dict) -> list[str]:
    problems = field_problems(item, EVENT)
    if problems:
        return problems
    if item["label"] not in {"event", "not_event"}:
        problems.append(f"label {item['label']}")
    wants_reason = item["label"] == "not_event"
    if (item["reason"] in REASONS) != wants_reason or (not wants_reason and item["reason"] is not None):
        problems.append(f"reason {item['reason']} for {item['label']}")
    if not set(item["issues"]) <= ISSUES:
        problems.append(f"issues {item['issues']}")
    problems += [f"{key} {item[key]} is not an ISO date" for key in ("date", "extracted")
                 if item[key] is not None and not ISO.fullmatch(item[key])]
    if item["date_ok"] is not None and not item["shown"]:
        problems.append("date_ok given for an event that was not shown")
    return problems


def test_counts() -> None:
    labels = Counter(m["label"] for m in MENTIONS)
    assert len(MENTIONS) >= 300 and labels["missed"] >= 60
    assert labels["right"] and labels["wrong"]
    assert len(EVENTS) >= 200
    assert Counter(e["label"] for e in EVENTS).keys() == {"event", "not_event"}
    for items in (MENTIONS, EVENTS):
        assert len({i["id"] for i in items}) == len(items)
    assert {m["corpus"] for m in MENTIONS} == {"gold-miner", "self-llm"}


def test_mentions_are_well_formed() -> None:
    bad = {m["id"]: p for m in MENTIONS if (p := mention_problems(m))}
    assert not bad


def test_events_are_well_formed() -> None:
    bad = {e["id"]: p for e in EVENTS if (p := event_problems(e))}
    assert not bad


def test_a_broken_item_is_reported() -> None:
    item = dict(MENTIONS[0], offset=MENTIONS[0]["offset"] + 1, concept="no-such-concept")
    assert mention_problems(item) == ["surface is not at offset in context"]
    event = dict(EVENTS[0], label="not_event", reason=None, date="2021-3")
    assert event_problems(event) == ["reason None for not_event", "date 2021-3 is not an ISO date"]


@pytest.mark.skipif(CORPORA is None, reason="../shared/corpora is not here")
def test_contexts_are_in_their_source_once() -> None:
    texts: dict[tuple[str, str], str] = {}
    missing = []
    for item in MENTIONS + EVENTS:
        key = (item["corpus"], item["path"])
        if key not in texts:
            texts[key] = (CORPORA / item["corpus"] / item["path"]).read_text(encoding="utf-8")
        if texts[key].count(item["context"]) != 1:
            missing.append(item["id"])
    assert not missing
