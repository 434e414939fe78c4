"""Which alias matches mean their concept: placement and sense decided from the text around them.

The matcher finds every place an alias is written; this module throws out the places a reader
would not read as the concept:

* **placement**: an alias glued into an identifier or a file name (``llama.cpp``,
  ``gpt-oss-20b``, ``huggingface_hub``, ``--num-prompts``), a family name followed by a version
  (``Llama 3``, ``GPT 4V``: the specific concept or none, never the family), a short acronym in
  lower case amid Latin text (``rag on``, ``video clip``), a Chinese match that starts inside a
  word (计【算力】), words of another name's spelled-out expansion ("Reinforcement Learning from
  AI Feedback (RLAIF)"), and anything under a reference or bibliography heading;
* **sense**: an *ambiguous* alias (declared in the note's ``ambiguous`` list, or detected: a
  Chinese everyday word by jieba's frequency, a single Latin word common in English by wordfreq)
  is kept only in an article that names some concept by an unambiguous alias, outside a longer
  capitalised name ("ML Kit", "Claude Mellan"), and when its context is about the concept: for
  a declared alias of a note with ``context`` words, one of those words in the paragraph; else
  a context word or a related concept in the paragraph, or an article naming at least
  ``PROFILE_MIN`` other concepts unambiguously. An alias claimed by several notes goes to the
  one with the most evidence on its line, and to none on a tie.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources

from gardener.forks import apart, begun, can_fork
from gardener.text.cjk import has_cjk
from gardener.text.segmenter import cut, dictionary_begun, dictionary_counts

__all__ = ["AMBIGUOUS_FREQ", "ENGLISH_ZIPF", "PROFILE_MIN", "Sense", "SenseFilter", "detected_ambiguous",
           "english_zipfs", "release_word_lists", "word_scores"]

# jieba counts a word this often in general Chinese (out of ~60 million words) when it has an
# everyday sense: 对齐 22, 微调 50, 幻觉 239, 推理 614; terms of art (预训练, 语料库) are rarer or absent.
AMBIGUOUS_FREQ = 20
# A single Latin word at least this common in English (wordfreq's Zipf scale: "token" 3.8,
# "clip" 4.3, "llama" 3.0) has senses of its own outside the garden's field.
ENGLISH_ZIPF = 2.8
# An article naming this many distinct concepts by unambiguous aliases is about the field.
PROFILE_MIN = 2
# How far (characters, within the paragraph) context words and related concepts count.
WINDOW = 160
# Choosing between two notes that claim one alias (推理: inference or reasoning) looks closer.
NEAR = 40


@dataclass(frozen=True)
class Sense:
    """What a concept note says about telling its senses apart (normalised words)."""

    ambiguous: frozenset[str] = frozenset()
    context: tuple[str, ...] = ()
    related: frozenset[str] = frozenset()


_ZIPF: dict[str, float] = {}  # each word ever asked about (bounded): a rebuild asks again
_ZIPF_MAX = 4096


def english_zipfs(words: Iterable[str]) -> dict[str, float]:
    """wordfreq's Zipf score of each word (0 without wordfreq). Read in a forked child: the
    English list costs ~48 MB and 0.2 s, and ~22 MB of it stays in a process that has let it
    go; a build process never loads it (one serving pages reads it itself, then lets it go)."""
    words = set(words)
    wanted = sorted(words - _ZIPF.keys())
    if wanted:
        _remember(apart(_zipfs, wanted, unforked=_zipfs_let_go))
    return {word: _ZIPF[word] for word in words}


def _remember(scores: dict[str, float]) -> None:
    if len(_ZIPF) + len(scores) > _ZIPF_MAX:
        _ZIPF.clear()
    _ZIPF.update(scores)


def _zipfs(words: list[str]) -> dict[str, float]:
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # without the word list only declared ambiguity applies
        return dict.fromkeys(words, 0.0)
    return {word: zipf_frequency(word, "en") for word in words}


def _zipfs_let_go(words: list[str]) -> dict[str, float]:
    found = _zipfs(words)
    release_word_lists()
    return found


def release_word_lists() -> None:
    """Let go of wordfreq's English list (about 27 MB, which it keeps for the life of the
    process once asked)."""
    try:
        import wordfreq
    except ImportError:
        return
    for table in (wordfreq.get_frequency_dict, wordfreq.get_frequency_list):
        table.cache_clear()


_LATIN_WORD = re.compile(r"[A-Za-z][a-z]*")  # one word, capitalised at most: "token", "Claude"


def word_scores_begun(aliases: Iterable[str]) -> Callable[[], None]:
    """What `word_scores` will ask about these aliases, found by children started now (jieba's
    dictionary and wordfreq's list take a few tenths of a second each to read): the function
    returned waits for them and keeps their answers, so `word_scores` finds them at hand."""
    if not can_fork():
        return lambda: None  # nothing would work beside this process (a served rebuild)
    chinese, latin = _asked(aliases)
    dictionary = dictionary_begun(chinese)
    english = sorted(set(latin) - _ZIPF.keys())
    scores = begun(_zipfs, english, unforked=_nothing) if english else _nothing

    def keep() -> None:
        dictionary()
        found = scores()
        if found is not None:
            _remember(found)
    return keep


def _nothing(*_args) -> None:
    return None


def word_scores(aliases: Iterable[str]) -> tuple[dict[str, int], dict[str, float]]:
    """What `detected_ambiguous` reads of many aliases, asked for all at once: jieba's counts
    of the Chinese ones and wordfreq's scores of the single Latin words."""
    chinese, latin = _asked(aliases)
    return dictionary_counts(chinese), english_zipfs(latin)


def _asked(aliases: Iterable[str]) -> tuple[list[str], list[str]]:
    """The aliases jieba's counts are asked for, and the words wordfreq's scores are."""
    texts = [alias.strip() for alias in aliases]
    return ([t for t in texts if has_cjk(t)],
            [t.lower() for t in texts if _LATIN_WORD.fullmatch(t)])


def detected_ambiguous(alias: str, counts: Mapping[str, int] | None = None,
                       zipfs: Mapping[str, float] | None = None) -> str | None:
    """Why an alias reads as an everyday word, or None. `counts`, `zipfs`: jieba's dictionary
    counts and wordfreq's scores of the aliases (`segmenter.dictionary_counts`,
    `english_zipfs`), asked for all at once."""
    text = alias.strip()
    if has_cjk(text):
        if counts is None:
            counts = dictionary_counts([text])
        frequency = counts.get(text) or 0
        if frequency >= AMBIGUOUS_FREQ:
            return f"an everyday Chinese word ({frequency} in jieba's counts)"
        return None
    # Acronyms and names with inner capitals are held to their case instead (see wrong_case):
    # "rag" is not "RAG", "cot" is not "CoT". Compounds are left alone: wordfreq scores a
    # hyphenated word by its parts.
    if not _LATIN_WORD.fullmatch(text):
        return None
    word = text.lower()
    if zipfs is None or word not in zipfs:
        zipfs = english_zipfs([word])
    if zipfs[word] >= ENGLISH_ZIPF:
        return "a common English word or name"
    return None


# --------------------------------------------------------------------------
# Placement

_GLUE = frozenset("_-.\\@#$")
_ALNUM = re.compile(r"[A-Za-z0-9]")
_VERSION_AFTER = re.compile(r"[ \t]?[0-9]")
# A heading that names a list of sources: "参考资料", "References", "3. 延伸阅读".
_REFERENCE_HEADING = re.compile(
    r"[\d.、\s]*(?:参考(?:文献|资料|链接|来源)?|引用|文献|延伸阅读|扩展阅读|相关(?:链接|阅读)|资料来源"
    r"|references?|bibliography|further reading|sources|citations?|see also)[\s:：]*", re.I)
_EXPANSION_END = re.compile(r"[(（,，]")
_ACRONYM = re.compile(r"[ \t]*[(（,，]?[ \t]*([A-Z][A-Za-z0-9]*[A-Z])")


def _latin(ch: str) -> bool:
    return bool(ch) and _ALNUM.match(ch) is not None


def glued(text: str, start: int, end: int) -> bool:
    """Whether the match is part of an identifier, a file name or a versioned name."""
    before, after = text[start - 1:start] if start else "", text[end:end + 1]
    if _latin(text[start]):
        if before in _GLUE and _latin(text[start - 2:start - 1]):
            return True
        if before == "/" and _path_part(text[max(0, start - 3):start - 1]):  # "models/finetune"
            return True
    if _latin(text[end - 1]):
        if after in _GLUE and _latin(text[end + 1:end + 2]):
            return True
        if after == "/" and _path_part(text[end + 1:end + 3]):  # but "100 token/s" is a unit
            return True
        if " " not in text[start:end] and text[end - 1].isalpha() and _VERSION_AFTER.match(text, end):
            return True  # "Llama 3", "GPT 4V": a version of the family, not the family
    return before == "_" or after == "_"


def _path_part(two: str) -> bool:
    """Whether the two characters beside a slash read as a path segment."""
    return len(two) == 2 and two.isascii() and two.isalnum() and any(c.islower() for c in two)


_CAPITALISED = re.compile(r"[A-Z][a-z]+")


def in_name(text: str, start: int, end: int) -> bool:
    """Whether a Latin word sits inside a longer proper name: "Claude Mellan", "Miniforge
    Prompt", "JSON Web Token"."""
    if not _latin(text[start]):
        return False
    before = re.search(r"([A-Za-z]+)[ \t]$", text[max(0, start - 30):start])
    after = re.match(r"[ \t]([A-Za-z]+)", text[end:end + 30])
    return any(w is not None and _CAPITALISED.fullmatch(w.group(1)) and w.group(1).lower() not in _STOP
               for w in (before, after))


def _stop_words() -> frozenset[str]:
    """English function words ("In", "The" open sentences; they are not part of a name)."""
    words = resources.files("gardener.garden.concepts").joinpath("words").joinpath("en-stop.txt")
    text = words.read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


_STOP = _stop_words()


def wrong_case(alias: str, text: str, start: int, end: int) -> bool:
    """A short acronym declared in capitals ("CNN", "RAG") written otherwise in Latin text is
    another word ("rag on", "video clip"); Chinese text often writes the term in lower case
    ("造数据的llm"). A one-word name with inner capitals ("OpenAI") written all in lower case
    is a package or an identifier ("pip install openai")."""
    written = text[start:end]
    if has_cjk(alias) or written.isupper():
        return False
    letters = [c for c in alias if c.isascii() and c.isalpha()]
    if 2 <= len(letters) <= 4 and alias.isupper():
        return not (has_cjk(text[start - 1:start]) or has_cjk(text[end:end + 1]))
    inner = " " not in alias and any(c.isupper() for c in alias[1:]) and any(c.islower() for c in alias)
    return inner and written.islower()


def expanded_acronym(text: str, start: int, end: int) -> str | None:
    """The acronym whose spelled-out expansion holds the match: the words from here to the next
    bracket or comma spell the acronym that follows ("Reinforcement Learning with Human
    Feedback, RLHF"), or the bracket holding the match spells the word before it
    ("RLHF (Reinforcement …)")."""
    if not _latin(text[start]):
        return None
    stop = _EXPANSION_END.search(text, end, end + 120)
    if stop is not None:
        following = _ACRONYM.match(text, stop.start())
        if following and _initials(text[start:stop.start()]) == following.group(1):
            return following.group(1)
    opening = max(text.rfind("(", max(0, start - 80), start), text.rfind("（", max(0, start - 80), start))
    if opening > 0:
        closing = _EXPANSION_END.search(text, opening + 1)
        inner = text[opening + 1:closing.start() if closing else start + 120]
        word = re.search(r"([A-Z][A-Za-z0-9]*[A-Z])[ \t]*$", text[max(0, opening - 12):opening])
        if word and _initials(inner) == word.group(1):
            return word.group(1)
    return None


def _initials(phrase: str) -> str:
    """The capitals an expansion contributes: a word's initial, an acronym's every letter
    ("Reinforcement Learning from AI Feedback" gives RLAIF)."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9]*", phrase)
    return "".join(w if w.isupper() else w[0] for w in words if w[0].isupper())


_CJK_EDGE = 8  # characters of context each side that jieba reads to find word boundaries


def splits_word(text: str, start: int, end: int) -> bool:
    """Whether a Chinese match starts inside a word (计【算力】, 稍【微调】整): jieba reads the
    clause around it and must put a word boundary where the match starts. A match may end inside
    a longer word: "推理模型" is still about 推理, and its sense is decided from context."""
    if not has_cjk(text[start]) or not has_cjk(text[start - 1:start]):
        return False
    left, right = max(0, start - _CJK_EDGE), min(len(text), end + _CJK_EDGE)
    at = left
    for word in cut(text[left:right], hmm=False):
        at += len(word)
        if at >= start:
            return at != start
    return True


def reference_heading(heading: str | None) -> bool:
    return heading is not None and _REFERENCE_HEADING.fullmatch(heading.strip()) is not None


# --------------------------------------------------------------------------
# Sense


@dataclass(frozen=True)
class _Reading:
    """One article as the sense decisions see it."""

    raw: str  # the Markdown as written (capitals tell names apart)
    text: str  # normalised, same offsets
    plain: tuple  # mentions of unambiguous aliases
    profile: frozenset[str]  # the concepts those mentions name


@dataclass(frozen=True)
class SenseFilter:
    """Sense data of one alias set; `choose` decides per article."""

    senses: Mapping[str, Sense]
    owners: Mapping[str, Sequence[str]]  # normalised alias -> concepts claiming it
    detected: Mapping[str, str] = field(default_factory=dict)  # normalised alias -> why
    ambiguous: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        declared = {a for sense in self.senses.values() for a in sense.ambiguous}
        shared = {a for a, claimed in self.owners.items() if len(claimed) > 1}
        object.__setattr__(self, "ambiguous", frozenset(declared | shared | set(self.detected)))

    def choose(self, raw: str, norm_text: str, mentions: Iterable, normalise) -> tuple[list, list]:
        """(kept mentions, each with the concept it was given; skipped ambiguous mentions)."""
        mentions = list(mentions)
        plain = tuple(m for m in mentions if normalise(m.alias) not in self.ambiguous)
        reading = _Reading(raw, norm_text, plain, frozenset(m.concept for m in plain))
        kept, skipped = [], []
        for mention in mentions:
            norm = normalise(mention.alias)
            concept = self._sense(norm, mention, reading) if norm in self.ambiguous else mention.concept
            if concept is None:
                skipped.append(mention)
            else:
                kept.append(mention if concept == mention.concept else replace(mention, concept=concept))
        return kept, skipped

    def _sense(self, norm: str, mention, reading: _Reading) -> str | None:
        if not reading.profile:
            return None  # an article that names no concept plainly is not about the field
        owners = list(self.owners.get(norm) or (mention.concept,))
        if len(owners) > 1:
            return self._pick_owner(owners, mention, reading)
        concept = owners[0]
        sense = self.senses.get(concept, Sense())
        named = in_name(reading.raw, mention.start, mention.end)  # "ML Kit", "Claude Mellan"
        # A note that lists context words for an alias it marks ambiguous asks for them: a
        # related concept nearby is not enough (Hugging Face next to "Transformers" means the
        # library). Otherwise a related concept or an article about the field will do.
        if norm in sense.ambiguous and sense.context:
            evidence = self._evidence(concept, mention, reading, WINDOW, related=False)
            return concept if evidence and not named else None
        if self._evidence(concept, mention, reading, WINDOW):
            return concept
        return concept if not named and len(reading.profile - {concept}) >= PROFILE_MIN else None

    def _pick_owner(self, owners: Sequence[str], mention, reading: _Reading) -> str | None:
        """The sense with the most evidence close by; none on a tie: a wrong link is worse
        than none."""
        scores = sorted(((self._evidence(c, mention, reading, NEAR, line=True), c) for c in owners),
                        reverse=True)
        (best, concept), (second, _) = scores[0], scores[1]
        return concept if best > second else None

    def _evidence(self, concept: str, mention, reading: _Reading, width: int, *,
                  related: bool = True, line: bool = False) -> int:
        """How many of the note's context words (and related concepts) occur around a mention,
        within its paragraph or, with ``line``, its line."""
        sense = self.senses.get(concept, Sense())
        start, end = _paragraph(reading.text, mention.start, mention.end, width, "\n" if line else "\n\n")
        window = reading.text[start:mention.start] + " " + reading.text[mention.end:end]
        words = sum(1 for word in sense.context if _occurs(word, window))
        if not related:
            return words
        return words + len({m.concept for m in reading.plain
                            if m.concept in sense.related and start <= m.start and m.end <= end})


def _occurs(word: str, window: str) -> bool:
    """A context word in a window; a Latin one only as a whole word ("ai" not in "said")."""
    at = window.find(word)
    while at >= 0:
        if not (_latin(word[0]) and _latin(window[at - 1:at]) or _latin(word[-1])
                and _latin(window[at + len(word):at + len(word) + 1])):
            return True
        at = window.find(word, at + 1)
    return False


def _paragraph(text: str, start: int, end: int, width: int, stop: str = "\n\n") -> tuple[int, int]:
    """The stretch around a match that counts as its context: its paragraph (or line), at most
    width characters each side."""
    top = text.rfind(stop, max(0, start - width), start)
    bottom = text.find(stop, end, end + width)
    return (max(0, start - width) if top < 0 else top, min(len(text), end + width) if bottom < 0 else bottom)

