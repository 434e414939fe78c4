"""What the cleaners learn about an article while they clean it: facts for front-matter, notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Fact:
    field: str
    value: Any
    where: str  # shown in the import report: how the value was found
    # "low": the evidence is weak (a bare date line, a bulk commit); reported, never written
    confidence: str = "high"


@dataclass
class Findings:
    facts: list[Fact] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, value: Any, where: str, confidence: str = "high") -> None:
        self.facts.append(Fact(name, value, where, confidence))

    def first(self, name: str) -> Fact | None:
        return next((f for f in self.facts if f.field == name), None)

    def note(self, text: str) -> None:
        self.notes.append(text)
