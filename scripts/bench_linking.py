"""Throughput benchmark for gardener.garden.concepts.matcher.

Builds a synthetic concept set and a synthetic corpus from the seed articles
in tests/fixtures/seeds, then times, on one core:

  (a) find_mentions
  (b) find_mentions + link_mentions (policy "first", the default)
  (c) find_mentions + link_mentions (policy "all"), for reference

MB/s counts the UTF-8 size of the Markdown, 1 MB = 10**6 bytes.

Usage: python scripts/bench_linking.py [--concepts 500] [--mb 20] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import platform
import pstats
import random
import re
import string
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from gardener.garden.concepts.matcher import ConceptMatcher, find_mentions  # noqa: E402
from gardener.pages.links import link_mentions  # noqa: E402

SEEDS = ROOT / "tests" / "fixtures" / "seeds"

# Real terms keep the alias set honest: these are the mentions that actually
# occur densely in LLM articles.
KNOWN_TERMS = [
    ["大语言模型", "大模型", "LLM", "Large Language Model"],
    ["基于人类反馈的强化学习", "RLHF"],
    ["强化学习", "Reinforcement Learning"],
    ["对齐", "alignment"],
    ["检索增强生成", "RAG", "Retrieval Augmented Generation"],
    ["思维链", "Chain of Thought", "CoT"],
    ["提示词", "Prompt"],
    ["微调", "fine-tuning"],
    ["预训练", "pre-training"],
    ["注意力机制", "attention"],
    ["生成式 AI", "Generative AI", "AIGC"],
    ["人工智能", "AI"],
    ["Transformer"],
    ["ChatGPT"],
    ["GPT-3"],
    ["GPT-3.5"],
    ["GPT-4"],
    ["OpenAI"],
    ["Scaling Law", "规模法则"],
    ["涌现能力", "emergent ability"],
    ["指令微调", "Instruction Tuning"],
    ["搜索引擎"],
    ["奖励模型", "reward model"],
    ["多模态", "multimodal"],
    ["自然语言处理", "NLP"],
    ["Stable Diffusion"],
    ["BERT"],
    ["LoRA"],
    ["A100"],
    ["GPU"],
]


def seed_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]


def make_concepts(count: int, texts: list[str], rng: random.Random) -> dict[str, list[str]]:
    concepts: dict[str, list[str]] = {}
    taken: set[str] = set()

    def add(aliases: list[str]) -> None:
        fresh = [alias for alias in aliases if alias.lower() not in taken]
        if fresh and len(concepts) < count:
            concepts[f"c{len(concepts):04d}"] = fresh
            taken.update(alias.lower() for alias in fresh)

    for aliases in KNOWN_TERMS:
        add(aliases)
    corpus = "\n".join(texts)
    cjk_runs = [run for run in re.findall(r"[\u4e00-\u9fff]{2,}", corpus)]
    words = sorted({w for w in re.findall(r"[A-Za-z][A-Za-z\-]{3,}", corpus)})
    makers = [
        lambda: _cjk_term(cjk_runs, rng),
        lambda: rng.choice(words),
        lambda: f"{rng.choice(words)} {rng.choice(words)}",
        lambda: _abbreviation(rng),
    ]
    weights = [0.45, 0.2, 0.15, 0.2]
    while len(concepts) < count:
        first = rng.choices(makers, weights)[0]()
        aliases = [first]
        if rng.random() < 0.4:
            aliases.append(_abbreviation(rng))
        add(aliases)
    return concepts


def _cjk_term(runs: list[str], rng: random.Random) -> str:
    run = rng.choice(runs)
    size = rng.randint(2, min(8, len(run)))
    start = rng.randint(0, len(run) - size)
    return run[start : start + size]


def _abbreviation(rng: random.Random) -> str:
    letters = "".join(rng.choices(string.ascii_uppercase, k=rng.randint(2, 5)))
    if rng.random() < 0.3:
        letters += f"-{rng.randint(1, 9)}"
    return letters


def make_articles(megabytes: float, texts: list[str], rng: random.Random) -> list[str]:
    paragraphs = [p for text in texts for p in re.split(r"\n\s*\n", text) if p.strip()]
    target = int(megabytes * 1_000_000)
    articles, size = [], 0
    while size < target:
        article = _article(paragraphs, rng)
        articles.append(article)
        size += len(article.encode("utf-8"))
    return articles


def _article(paragraphs: list[str], rng: random.Random) -> str:
    parts = [f"# 文章 {rng.randint(1, 10**6)}"]
    for _ in range(rng.randint(30, 90)):
        roll = rng.random()
        if roll < 0.08:
            parts.append(f"## 第 {rng.randint(1, 99)} 节")
        elif roll < 0.11:
            parts.append("```python\nmodel = load('GPT-4')  # RLHF 对齐\nprint(model)\n```")
        parts.append(_vary(rng.choice(paragraphs), rng))
    return "\n\n".join(parts) + "\n"


def _vary(paragraph: str, rng: random.Random) -> str:
    # Shuffle sentences and renumber digits so repeated paragraphs differ.
    sentences = re.split(r"(?<=[。！？])", paragraph)
    if len(sentences) > 2 and rng.random() < 0.5:
        rng.shuffle(sentences)
        paragraph = "".join(sentences)
    if rng.random() < 0.3:
        paragraph = re.sub(r"\d", lambda _: str(rng.randint(0, 9)), paragraph)
    if rng.random() < 0.1:
        paragraph += " 参见 `RLHF` 与 [RAG](https://example.org/rag)。"
    return paragraph


def run_find(articles: list[str], matcher: ConceptMatcher) -> int:
    return sum(len(find_mentions(text, matcher)) for text in articles)


def run_link(articles: list[str], matcher: ConceptMatcher, policy: str) -> int:
    produced = 0
    for text in articles:
        mentions = find_mentions(text, matcher)
        linked = link_mentions(
            text,
            mentions,
            href=lambda concept: f"../concepts/{concept}/",
            title=lambda concept: f"Summary of {concept}",
            policy=policy,
            exclude=("c0000",),
        )
        produced += len(linked) - len(text)
    return produced


def timed(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def best_of(repeat: int, fn, *args) -> tuple[float, object]:
    runs = [timed(fn, *args) for _ in range(repeat)]
    return min(runs, key=lambda run: run[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concepts", type=int, default=500)
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="cProfile find+link (first)")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    texts = seed_texts()
    concepts = make_concepts(args.concepts, texts, rng)
    articles = make_articles(args.mb, texts, rng)
    total_bytes = sum(len(text.encode("utf-8")) for text in articles)
    alias_count = sum(len(aliases) for aliases in concepts.values())

    build_s, matcher = timed(ConceptMatcher, concepts)
    print(f"Python {platform.python_version()} ({platform.python_implementation()}) on "
          f"{platform.machine()} / {platform.processor() or platform.system()}")
    print(f"{len(concepts)} concepts, {alias_count} aliases, automaton built in {build_s * 1000:.1f} ms")
    print(f"{len(articles)} articles, {total_bytes / 1e6:.2f} MB UTF-8, "
          f"{sum(map(len, articles)) / 1e6:.2f} M characters")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(run_link, articles, matcher, "first")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        return

    rows = [
        ("(a) find_mentions", *best_of(args.repeat, run_find, articles, matcher)),
        ("(b) find + link, policy=first", *best_of(args.repeat, run_link, articles, matcher, "first")),
        ("(c) find + link, policy=all", *best_of(args.repeat, run_link, articles, matcher, "all")),
    ]
    mentions = rows[0][2]
    print(f"{mentions} mentions found\n")
    print(f"{'step':32} {'seconds':>8} {'MB/s':>8}")
    for name, seconds, _ in rows:
        print(f"{name:32} {seconds:8.3f} {total_bytes / 1e6 / seconds:8.1f}")


if __name__ == "__main__":
    main()
