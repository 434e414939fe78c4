"""`gardener suggest` proposes other names of existing concepts: bracketed translations and
respellings found in the articles (the misses read in a real LLM course)."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from gardener.articles.model import Article, Concept, Garden
from gardener.garden.concepts.variants import alias_variants
from gardener.site.cli import main


def garden(*bodies: str, concepts: dict[str, tuple[str, ...]]) -> Garden:
    articles = tuple(Article(path=f"articles/a{i}.md", slug=f"a{i}", title=f"a{i}", body=body)
                     for i, body in enumerate(bodies))
    notes = tuple(Concept(path=f"concepts/{slug}.md", slug=slug, title=names[0], aliases=names)
                  for slug, names in concepts.items())
    return Garden(Path("docs"), articles, notes, ())


def names(found) -> set[tuple[str, str]]:
    return {(v.concept, v.name) for v in found}


def test_bracketed_translations_are_proposed_for_the_concept_they_gloss():
    found = alias_variants(garden(
        "OpenAI 在 2019 年提出了 sparse Transformer（稀释 Transformer），降低了注意力的计算量。",
        "论文的标题说明 GPT-3 是少量样本学习器（Few-Shot Learner）。",
        concepts={"efficient-attention": ("sparse Transformer",),
                  "few-shot-learning": ("few-shot learner", "few-shot")}))
    assert names(found) == {("efficient-attention", "稀释 Transformer"),
                            ("few-shot-learning", "少量样本学习器")}
    assert all(v.why == "glossed" and v.occurrences == 1 for v in found)


def test_respellings_of_latin_aliases_are_proposed():
    found = alias_variants(garden("有时候 few shot 指令比微调更省事，few shot 参考句也要换。",
                                  concepts={"few-shot-learning": ("few-shot",)}))
    (variant,) = found
    assert (variant.concept, variant.name, variant.occurrences) == ("few-shot-learning", "few shot", 2)


def test_remarks_known_names_and_ambiguous_words_are_not_proposed():
    found = alias_variants(garden(
        "GPT-2（1.5B 参数）很大。",  # a remark, not a name
        "卷积神经网络（CNN）用于图像。",  # both sides already known
        "把两个框的中心（对齐）放在一起。",  # an everyday word is no evidence
        "常见的做法是模型微调（fine-tuning）。",  # a known alias with a word in front
        concepts={"gpt-2": ("GPT-2",), "cnn": ("卷积神经网络", "CNN"),
                  "alignment": ("对齐",), "fine-tuning": ("微调", "fine-tuning")}))
    assert found == []


def test_cli_lists_variants_after_the_stubs(tmp_path):
    docs = tmp_path / "docs"
    (docs / "articles").mkdir(parents=True)
    (docs / "concepts").mkdir()
    (docs / "articles" / "a.md").write_text(
        "---\ntitle: A\n---\n\nGPT-3 是少量样本学习器（Few-Shot Learner）。\n", encoding="utf-8")
    (docs / "concepts" / "few-shot-learning.md").write_text(
        "---\ntitle: 少样本学习\naliases: [few-shot learner]\n---\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["suggest", "--top", "3", "--docs", str(docs)])
    assert result.exit_code == 0, result.output
    assert re.search(r"^#   few-shot-learning: 少量样本学习器 \(glossed, 1 次: a\)$", result.output, re.M)
