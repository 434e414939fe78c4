"""Chinese words as jieba reads them, for the whole build: the analysis and search.

gardener reads Chinese with jieba's dictionary and jieba's choice among readings, and the search
index must hold the words Material's search would have found with jieba. The reading itself is
done by jieba-rs (the `rjieba` binding): a port of jieba that loads the same dictionary and
chooses the same words, about seventeen times faster than jieba in Python and with a quarter of
its memory (~25 MB a reader instead of ~84 MB). tests/text/test_segmenter.py holds both to the
same reading on every Chinese run of the fixtures, with and without the garden's words.

Two readers exist at most: the stock one (jieba's dictionary alone: the analysis reads every
text as a fresh process would, whatever a build taught) and the search reader, which has been
taught the garden's Chinese aliases so that search keeps "缩放定律" whole. Words are taught with
the frequency jieba in Python would give them (`add_word` without a frequency), so both readers
agree word for word.

jieba-rs differs from jieba in one place: with its character model on, it keeps a run of Latin
letters and digits whole ("0.3B") where jieba splits it ("0.3", "B"). The build reads runs of
Chinese only, or with the model off, where both agree; slugs, which name published pages and
must not change between versions, are still read by jieba in Python (`sources/slugs.py`).

jieba in Python is also loaded for `gardener suggest` (its part-of-speech model and TF-IDF
table add about 100 MB, so a site build never loads them: `jieba_tagger`, `jieba_keywords`), and
for Material's search when it is given a dictionary of its own.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from gardener.forks import begun

if TYPE_CHECKING:
    import rjieba


@lru_cache(maxsize=1)
def jieba():
    """jieba in Python, quiet: `suggest`, and Material's search given its own dictionary."""
    import jieba as segmenter

    segmenter.setLogLevel(logging.WARNING)  # no "Building prefix dict" lines in reports
    return segmenter


@lru_cache(maxsize=1)
def jieba_tagger():
    """jieba.posseg: words with their part-of-speech tags."""
    jieba()
    from jieba import posseg

    return posseg


@lru_cache(maxsize=1)
def jieba_keywords():
    """jieba.analyse: the TF-IDF keyword extractor and its IDF table."""
    jieba()
    from jieba import analyse

    return analyse


_stock_reader: list[rjieba.Jieba] = []  # the reader of jieba's dictionary alone


def _stock() -> rjieba.Jieba:
    if not _stock_reader or _stock_reader[0] is _reader:
        # rjieba loads a reader of jieba's dictionary when it is imported: the first stock
        # reader. Imported here, so a process that reads no Chinese never loads it. Once the
        # search reader has taken it over (see `_reader_for_taught`), a new one is made.
        import rjieba

        first = rjieba._DEFAULT_JIEBA
        _stock_reader[:] = [first if first is not _reader else rjieba.Jieba()]
    return _stock_reader[0]


def cut(text: str, hmm: bool = True) -> list[str]:
    """jieba's reading of text with its own dictionary alone. `hmm`: guess words the dictionary
    lacks from jieba's character model, as `jieba.cut` does by default."""
    return _stock().cut(text, hmm)


# -- jieba's dictionary

def _dictionary_file() -> Path:
    # jieba's own file, found without importing jieba (its import costs time, not memory)
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise RuntimeError("jieba is not installed: its dictionary gives the words' counts")
    return Path(spec.origin).parent / "dict.txt"


def _total() -> int:
    """The sum of the dictionary's counts (jieba's `total`, which a taught word's frequency is
    measured against)."""
    return _reading(frozenset())[0]


def _counts(wanted: frozenset[str]) -> dict[str, int]:
    """The dictionary's count of each wanted word, and 0 for the start of a longer word that is
    not a word itself, as jieba keeps it."""
    return _reading(wanted)[1]


# The readings of the dictionary kept (a few: a rebuild asks about the same words again): the
# words asked about, jieba's total, their counts. A reading for more words answers for fewer.
_readings: list[tuple[frozenset[str], int, dict[str, int]]] = []
_READINGS_KEPT = 4


def _reading(wanted: frozenset[str]) -> tuple[int, dict[str, int]]:
    for words, total, counts in _readings:
        if wanted <= words:
            return total, counts if words == wanted else \
                {word: count for word, count in counts.items() if word in wanted}
    total, counts = _read_dictionary(wanted)
    _keep_reading(wanted, total, counts)
    return total, counts


def _keep_reading(wanted: frozenset[str], total: int, counts: dict[str, int]) -> None:
    _readings.insert(0, (wanted, total, counts))
    del _readings[_READINGS_KEPT:]


def _read_dictionary(wanted: frozenset[str]) -> tuple[int, dict[str, int]]:
    """jieba's total and the counts of the wanted words, in one pass over the file, keeping
    only the lines that start as a wanted word does: the whole table as a Python dict would
    cost the memory jieba-rs saves."""
    counts: dict[str, int] = {}
    total = 0
    firsts = {word[0] for word in wanted if word}
    longest = max(map(len, wanted), default=0)
    with _dictionary_file().open(encoding="utf-8") as lines:
        for line in lines:
            word, count = line.split(" ", 2)[:2]  # word, count, part of speech
            total += int(count)
            if word[0] not in firsts:
                continue
            if word in wanted:
                counts[word] = int(count)
            for end in range(1, min(len(word), longest + 1)):
                if word[:end] in wanted:
                    counts.setdefault(word[:end], 0)
    return total, counts


def dictionary_counts(words: Iterable[str]) -> dict[str, int]:
    """How often jieba's dictionary counts each of words; 0 for the start of a longer word that
    is not a word itself; words it holds neither way are left out."""
    return dict(_counts(frozenset(words)))


def dictionary_begun(words: Iterable[str]) -> Callable[[], None]:
    """Read the dictionary for these words, and every piece of them (what teaching them asks),
    in a child started now: the function returned waits for it and keeps the reading, so
    `dictionary_counts` and the search reader then ask nothing of the file. (In a process that
    cannot fork, nothing is read ahead.)"""
    words = frozenset(words)
    if words in _read_ahead:
        return lambda: None  # read for these very words already (a rebuild)
    wanted = frozenset(_substrings(words))
    if any(wanted <= known for known, _total, _counts in _readings):
        return lambda: None
    reading = begun(_read_dictionary, wanted, unforked=_nothing)

    def keep() -> None:
        found = reading()
        if found is not None:
            _keep_reading(wanted, *found)
            _read_ahead[:] = [words]
    return keep


_read_ahead: list[frozenset[str]] = []  # the words of the last reading begun ahead


def _nothing(_wanted: frozenset[str]) -> None:
    return None


# -- the search reader

_taught: list[str] = []  # words taught since the last `forget`, in order
_reader: rjieba.Jieba | None = None  # the stock dictionary and `_reader_words`
_reader_words: list[str] = []
_given: dict[str, int] = {}  # frequency given to each of `_reader_words`
_python_taught: dict[str, tuple[int | None, int]] = {}  # jieba in Python: before, given


def teach(words: Iterable[str], *, python_jieba: bool = False) -> None:
    """Give the search reader the garden's own words (search then keeps "缩放定律" whole).
    `forget` undoes it, so what a reader makes of a text never depends on what an earlier build
    taught it. `python_jieba`: teach jieba in Python too (Material's search reads with it when it
    has a dictionary of its own)."""
    _current.clear()
    known = set(_taught)
    for word in words:
        if word not in known:
            known.add(word)
            _taught.append(word)
            if python_jieba:
                _teach_python(word)


def forget() -> None:
    """Every reader as jieba's dictionary alone has it. The search reader is kept: taught the
    same words again (a served rebuild), it is not made again."""
    _taught.clear()
    _current.clear()
    if _python_taught:
        tokenizer = jieba().dt
        for word, (before, given) in _python_taught.items():
            tokenizer.FREQ[word] = before or 0  # a zero entry is a prefix, never a word
            tokenizer.total -= given
        _python_taught.clear()


def taught() -> tuple[tuple[str, int], ...]:
    """The words taught since the last `forget`, with their frequencies: with jieba's
    dictionary, what decides how the search reader segments a text."""
    _search_reader()
    return tuple(sorted((word, _given[word]) for word in _taught))


def search_cut(text: str, hmm: bool = True) -> list[str]:
    """The search reader's reading: jieba's dictionary and the words taught to it."""
    # Material's search asks once per run of Chinese: the reader in use is kept at hand
    reader = _current[0] if _current else _search_reader()
    return reader.cut(text, hmm)


_current: list[rjieba.Jieba] = []  # the search reader while no word is taught or forgotten


def _search_reader() -> rjieba.Jieba:
    _current.clear()
    reader = _reader_for_taught()
    _current.append(reader)
    return reader


def _reader_for_taught() -> rjieba.Jieba:
    global _reader
    if not _taught:
        return _stock()
    if _reader is None or _reader_words != _taught[:len(_reader_words)]:
        # The first search reader is the stock reader itself, taught: a build reads with the
        # stock reader only before its search does, so one reader's memory (~25 MB) is saved.
        # A stock reading asked for later gets a reader of its own (`_stock`).
        stock = _stock()
        _reader = stock if _reader is None else type(stock)()
        _reader_words.clear()
        _given.clear()
    missing = _taught[len(_reader_words):]
    if missing:
        counts = _counts(frozenset(_substrings(_taught)))
        total = _total() + sum(_given.values())
        for word in missing:
            given = _suggested(word, _reader, counts, total)
            _reader.add_word(word, given, None)
            _given[word] = given
            _reader_words.append(word)
            total += given
    return _reader


def _substrings(words: Iterable[str]) -> set[str]:
    return {word[i:j] for word in words for i in range(len(word))
            for j in range(i + 1, len(word) + 1)}


def prepare_search_reader() -> None:
    """Make the search reader now, before the build forks the processes that search pages:
    each would otherwise make its own."""
    if _taught:
        _search_reader()


def _suggested(word: str, reader: rjieba.Jieba, counts: dict[str, int], total: int) -> int:
    """The frequency `jieba.add_word(word)` gives a word, computed as it does (the same float
    operations in the same order): just enough for the word to outweigh the reading that
    splits it, and never less than its own count."""
    frequency = 1.0
    for piece in reader.cut(word, False):
        frequency *= _count(piece, counts) / float(total)
    return max(int(frequency * total) + 1, _count(word, counts))


def _count(word: str, counts: dict[str, int]) -> int:
    """What jieba's `FREQ.get(word, 1)` says, the words taught so far included."""
    if word in _given:
        return _given[word]
    if any(taught.startswith(word) and taught != word for taught in _given):
        return counts.get(word, 0)  # a prefix of a taught word is a zero entry if no word
    return counts.get(word, 1)


def _teach_python(word: str) -> None:
    tokenizer = jieba().dt
    tokenizer.check_initialized()
    before = tokenizer.FREQ.get(word)
    tokenizer.add_word(word)
    _python_taught[word] = (before, tokenizer.FREQ[word])
