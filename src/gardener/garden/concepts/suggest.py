"""`gardener suggest`: terms the articles keep using that have no concept note yet.

Chinese and Latin text are mined differently because they fail differently. Chinese has no spaces,
so candidates are jieba's noun-like words, weighted by TF-IDF against jieba's general-Chinese IDF
table: a corpus of a few dozen articles is far too small to tell "团队" from "算力" by itself.
Latin terms in these articles are mostly names and jargon sitting inside Chinese sentences, so
they are taken as runs of 1-3 words and judged by their shape (capitals, digits, hyphens) instead.

Anything an existing alias already matches is left out: the point is to find what is missing.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from gardener.garden.concepts.matcher import ConceptMatcher, normalise
from gardener.garden.loading import Garden
from gardener.sources.slugs import slugify
from gardener.text.cjk import CJK_RUN, has_cjk
from gardener.text.markdown import plain_text
from gardener.text.segmenter import jieba, jieba_keywords, jieba_tagger

STUB_SUMMARY = "TODO 用一两句话说明它是什么。"
MAX_WORDS = 3
LATIN, NAME = "latin", "name"  # kinds of Latin hits: any phrase, a whole capitalised phrase
NAME_WEIGHT = 3.0
MIN_IDF = 8.0  # below this a word is everyday Chinese ("能力" 4.9, "论文" 7.3, "芯片" 9.0)
IDF_POWER = 4

# jieba tags kept: common, other proper, organisation, person and transliterated names, and
# verbal nouns ("微调" is tagged vn). Place names (ns) are left out: "中国" is not a concept.
_NOUN_TAGS = frozenset({"n", "nz", "nt", "nr", "nrt", "nrfg", "vn"})
_WORD = r"[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*"
# Words joined by spaces only: any other character, a CJK one included, ends a phrase.
_LATIN_RUN = re.compile(rf"(?<![A-Za-z0-9]){_WORD}(?:[ \t]+{_WORD})*(?![A-Za-z0-9])")
_LATIN_WORD = re.compile(_WORD)
# Amounts and labels, not terms: 175B, 40G, 10x, Q1, A3, V3.1
_QUANTITY = re.compile(r"\d+(?:\.\d+)?[a-z]{0,2}|[a-z]\d{1,2}|v\d+(?:\.\d+)*", re.I)
_KEY_SEPARATORS = re.compile(r"[\s\-]+")
_GLUE = frozenset("的了和与及对其把被给这那该此每")
_CONNECTORS = frozenset({"of", "and", "for", "the", "to", "in", "on", "as"})



def _word_list(name: str) -> frozenset[str]:
    """A whitespace-separated word list shipped in words/ ("#" starts a comment line)."""
    words = resources.files("gardener.garden.concepts").joinpath("words")
    text = words.joinpath(name).read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


_ZH_STOP = _word_list("zh-stop.txt")  # nouns to jieba, never a concept
_EN_STOP = _word_list("en-stop.txt")
_EN_GENERIC = _word_list("en-generic.txt")  # concepts only inside a phrase


@dataclass(frozen=True)
class Suggestion:
    term: str
    score: float
    articles: tuple[str, ...]  # slugs, most occurrences first
    occurrences: int
    variants: tuple[str, ...] = ()  # other surface forms, most frequent first
    counts: tuple[int, ...] = ()  # occurrences in each of `articles`, same order

    @property
    def slug(self) -> str:
        return slugify(self.term, fallback="concept")

    def stub(self) -> str:
        names = "".join(f"  - {_yaml_scalar(n)}\n" for n in (self.term, *self.variants))
        seen = ", ".join(f"{slug} ({n} 次)" for slug, n in zip(self.articles, self.counts, strict=True))
        return (
            f"---\ntitle: {_yaml_scalar(self.term)}\naliases:\n{names}"
            f"summary: {STUB_SUMMARY}\nrelated: []\n---\n\n<!-- 出现在: {seen} -->\n"
        )


def _yaml_scalar(text: str) -> str:
    """Plain when YAML reads it back unchanged ("Flash Attention"), quoted when it would not
    ("true", "1e5", "a: b")."""
    try:
        plain = yaml.safe_load(text) == text
    except yaml.YAMLError:
        plain = False
    return text if plain and text == text.strip() else json.dumps(text, ensure_ascii=False)


def suggest(garden: Garden, top: int = 20) -> list[Suggestion]:
    """The `top` best candidates, best first. Only listed articles count: a duplicate or a draft
    would make every term it shares look twice as common as it is."""
    known = _KnownNames(c.aliases for c in garden.concepts)
    tally = _Tally()
    for article in garden.listed:
        text = prose(article.body)
        for term, kind in _uncovered_terms(text, known.matcher):
            tally.add(term, kind, article.slug)
    found = sorted(tally.suggestions(known.covers), key=lambda s: (-s.score, s.term))
    return found[:top]


# --------------------------------------------------------------------------
# Text: only prose is mined
# --------------------------------------------------------------------------

# Addresses are not terms, though the page shows them.
_ADDRESS = re.compile(
    r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
    r"|[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"
)


def prose(body: str) -> str:
    """What is mined of an article body: its plain text without code, web or e-mail addresses.

    Removed parts become line breaks so that the words on either side never join into a phrase.
    """
    return _ADDRESS.sub("\n", plain_text(body, keep_code=False, gap="\n"))


# --------------------------------------------------------------------------
# Terms
# --------------------------------------------------------------------------


def _uncovered_terms(text: str, matcher: ConceptMatcher) -> Iterator[tuple[str, str]]:
    """(term, kind) for every candidate occurrence not inside an existing alias's match; kind is
    jieba's part-of-speech tag for a Chinese word and LATIN for a Latin phrase."""
    mentions = matcher.find(text)  # sorted and non-overlapping: leftmost-longest
    starts = [m.start for m in mentions]
    for term, start, kind in (*_chinese_terms(text), *_latin_terms(text)):
        index = bisect_right(starts, start) - 1
        if index < 0 or mentions[index].end < start + len(term):
            yield term, kind


@lru_cache(maxsize=512)
def _chinese_terms(text: str) -> tuple[tuple[str, int, str], ...]:
    """Segmenting is most of the run time, and an unchanged article segments the same way."""
    found, offset = [], 0
    for pair in jieba_tagger().cut(text):
        word, tag = pair.word, pair.flag
        if tag in _NOUN_TAGS and _is_chinese_term(word):
            found.append((word, offset, tag))
        offset += len(word)
    return tuple(found)


def _is_chinese_term(word: str) -> bool:
    if len(word) < 2 or not CJK_RUN.fullmatch(word) or word in _ZH_STOP:
        return False
    # jieba sometimes glues a preposition or pronoun onto a noun ("对模型", "其本质").
    glued = len(word) >= 3 and word[0] in _GLUE and word[1:] in jieba().dt.FREQ
    return not glued and _idf(word) >= MIN_IDF


def _latin_terms(text: str) -> list[tuple[str, int, str]]:
    found = []
    for run in _LATIN_RUN.finditer(text):
        spans = [(run.start() + m.start(), run.start() + m.end())
                 for m in _LATIN_WORD.finditer(run.group())]
        words = [text[s:e] for s, e in spans]
        for i in range(len(words)):
            for j in range(i + 1, min(i + MAX_WORDS, len(words)) + 1):
                if _is_latin_term(words[i:j]):
                    kind = NAME if _is_name(words, i, j) else LATIN
                    found.append((text[spans[i][0]:spans[j - 1][1]], spans[i][0], kind))
    return found


def _is_latin_term(words: list[str]) -> bool:
    edges = (words[0].lower(), words[-1].lower())
    if any(w in _EN_STOP or _QUANTITY.fullmatch(w) for w in edges):
        return False
    if len(words) == 1:
        word = words[0]
        # two letters ("AI", "VC") match inside too much text to be linked safely; see `check`
        long_enough = len(word) >= 3
        return long_enough and edges[0] not in _EN_GENERIC
    return True


def _is_name(words: list[str], i: int, j: int) -> bool:
    """words[i:j] is a whole capitalised phrase ("Chain of Thought"), not a piece of a longer one
    ("NVIDIA H100 Tensor" out of "NVIDIA H100 Tensor Core GPU")."""
    if j - i < 2:
        return False
    inner = all(_marked(w) or (i < k < j - 1 and w.lower() in _CONNECTORS)
                for k, w in enumerate(words[i:j], i))
    return inner and not any(_marked(words[k]) for k in (i - 1, j) if 0 <= k < len(words))


def _marked(word: str) -> bool:
    if word.lower() in _EN_STOP:
        return False
    return any(c.isupper() or c.isdigit() for c in word)


def _shape(term: str, named: bool) -> float:
    """How term-like a Latin phrase looks. The articles are Chinese, so writing a phrase in Latin
    is already a deliberate choice, and a whole capitalised phrase ("Scalable Oversight") is nearly
    always a name worth a note even when it is used once. A single capitalised word is weaker: it
    may just start an English aside ("Objective")."""
    words = term.split()
    if len(words) > 1:
        return NAME_WEIGHT if named else 0.5
    word = words[0]
    if any(c.isdigit() or c in "-." for c in word) or any(c.isupper() for c in word[1:]):
        return 1.0  # GPT4, text-davinci-003, Copy.ai, NVIDIA, DeepMind
    return 0.7 if _marked(word) else 0.35


def _key(term: str) -> str:
    """Case variants, and spellings that differ only by spaces and hyphens, share a key."""
    return _KEY_SEPARATORS.sub("", normalise(term))


# --------------------------------------------------------------------------
# Counting and scoring
# --------------------------------------------------------------------------


@dataclass
class _Entry:
    forms: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    per_article: Counter = field(default_factory=Counter)

    @property
    def latin(self) -> bool:
        return LATIN in self.kinds or self.named

    @property
    def named(self) -> bool:
        return NAME in self.kinds

    @property
    def person(self) -> bool:
        kind = min(self.kinds, key=lambda k: (-self.kinds[k], k))
        return kind.startswith("nr")

    @property
    def total(self) -> int:
        return sum(self.per_article.values())

    @property
    def term(self) -> str:
        """The most frequent spelling; on a tie, one that is neither all lower case nor a
        shouted phrase ("Mixture of Experts", not "MIXTURE OF EXPERTS")."""
        def rank(form: str) -> tuple:
            flat = form.islower() or (" " in form and form.isupper())
            return -self.forms[form], flat, form
        return min(self.forms, key=rank)


class _Tally:
    def __init__(self) -> None:
        self.entries: dict[str, _Entry] = {}

    def add(self, term: str, kind: str, slug: str) -> None:
        entry = self.entries.setdefault(_key(term), _Entry())
        entry.forms[term] += 1
        entry.kinds[kind] += 1
        entry.per_article[slug] += 1

    def suggestions(self, known: Callable[..., bool]) -> Iterator[Suggestion]:
        # Known names go first, so that "GPT-4 Transformer" (two notes side by side) cannot hide
        # the phrases inside it.
        entries = {k: e for k, e in self.entries.items() if not known(*e.forms)}
        hidden = _only_inside_longer(entries)
        for key, entry in entries.items():
            if key not in hidden and _frequent_enough(entry):
                yield _suggestion(entry)


def _only_inside_longer(entries: dict[str, _Entry]) -> set[str]:
    """Keys of shorter phrases mostly used as part of one longer phrase: "Flash" when most
    "Flash" are in "Flash Attention", "Ilya" when he is mostly "Ilya Sutskever"."""
    hidden = set()
    for entry in entries.values():
        words = entry.term.split()
        if not entry.latin or len(words) < 2 or not _frequent_enough(entry):
            continue
        for n in range(1, len(words)):
            for i in range(len(words) - n + 1):
                key = _key(" ".join(words[i:i + n]))
                shorter = entries.get(key)
                if shorter is not None and shorter.total <= 2 * entry.total:
                    hidden.add(key)
    return hidden


def _frequent_enough(entry: _Entry) -> bool:
    """Chinese words seen in one article only are mostly segmentation accidents or passing
    remarks; a Latin phrase seen once is kept when it is a whole capitalised name."""
    spread = len(entry.per_article)
    if not entry.latin:
        # A name used in one article is usually someone quoted there, not a topic.
        return spread >= 2 or (entry.total >= 3 and not entry.person)
    return entry.total >= 3 or spread >= 2 or entry.named


def _suggestion(entry: _Entry) -> Suggestion:
    ranked = sorted(entry.per_article.items(), key=lambda kv: (-kv[1], kv[0]))
    term = entry.term
    others = (f for f in entry.forms if f != term)
    variants = tuple(sorted(others, key=lambda f: (-entry.forms[f], f)))
    return Suggestion(
        term=term,
        score=round(_score(entry, term), 4),
        articles=tuple(slug for slug, _ in ranked),
        occurrences=entry.total,
        variants=variants,
        counts=tuple(n for _, n in ranked),
    )


def _score(entry: _Entry, term: str) -> float:
    """Log frequency times log spread times specificity: a word used 40 times in one article
    should not bury one used in every article, and neither should outrank real jargon."""
    frequency = 1 + math.log(entry.total)
    spread = 1 + math.log(len(entry.per_article))
    specificity = _shape(term, entry.named) if entry.latin else _idf_weight(term)
    return frequency * spread * specificity


def _idf(word: str) -> float:
    """jieba's IDF for the word; the median for words its table lacks, since new jargon such as
    "算力" is exactly what is missing from a table trained on general Chinese."""
    tfidf = jieba_keywords().default_tfidf
    return tfidf.idf_freq.get(word, tfidf.median_idf)


def _idf_weight(word: str) -> float:
    """0..1, steep: everyday words ("场景", "论文") must not outrank jargon just by being
    frequent, and the IDF of the two differs by less than a half."""
    return min(_idf(word) / jieba_keywords().default_tfidf.median_idf, 1.0) ** IDF_POWER


# --------------------------------------------------------------------------
# What the garden already has a note for
# --------------------------------------------------------------------------


class _KnownNames:
    def __init__(self, alias_lists: Iterable[Iterable[str]]) -> None:
        aliases = [a for names in alias_lists for a in names if a.strip()]
        self.matcher = ConceptMatcher({str(i): [a] for i, a in enumerate(aliases)})
        self.keys = {_key(a) for a in aliases}
        self.cjk = [normalise(a) for a in aliases if has_cjk(a)]

    def covers(self, *forms: str) -> bool:
        return any(self._covers(form) for form in forms)

    def _covers(self, term: str) -> bool:
        if _key(term) in self.keys or self._matched_through(term):
            return True
        if not has_cjk(term):
            return False
        norm = normalise(term)
        return any(alias in norm or norm in alias for alias in self.cjk)

    def _matched_through(self, term: str) -> bool:
        """Every letter and digit of the term lies inside some alias match ("GPT-4 Transformer"
        is two known concepts side by side, not a new one)."""
        covered = [False] * len(term)
        for m in self.matcher.find(term):
            covered[m.start:m.end] = [True] * (m.end - m.start)
        return all(c for ch, c in zip(term, covered, strict=True) if ch.isalnum())
