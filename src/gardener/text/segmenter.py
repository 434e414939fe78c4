"""jieba, loaded once and quietly: slugs, alias checks, `suggest` and search share one instance.

Only the tokenizer is loaded by default. jieba's part-of-speech model and TF-IDF table add about
100 MB to a process, and only `gardener suggest` needs them (`jieba_tagger`, `jieba_keywords`):
a site build must not pay for them.
"""

from __future__ import annotations

import logging
from functools import lru_cache


@lru_cache(maxsize=1)
def jieba():
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


# Words taught to jieba for this build: word -> (its frequency before, the frequency given).
_TAUGHT: dict[str, tuple[int | None, int]] = {}


def teach(words) -> None:
    """Give jieba the garden's own words (search then keeps "缩放定律" whole). `forget` undoes it
    exactly, so what jieba makes of a text never depends on what an earlier build taught it."""
    tokenizer = jieba().dt
    tokenizer.check_initialized()
    for word in words:
        if word in _TAUGHT:
            continue
        before = tokenizer.FREQ.get(word)
        tokenizer.add_word(word)
        _TAUGHT[word] = (before, tokenizer.FREQ[word])


def forget() -> None:
    """jieba's dictionary as it was before `teach`: a build taught new names while serving
    must segment like a fresh process."""
    tokenizer = jieba().dt
    for word, (before, given) in _TAUGHT.items():
        tokenizer.FREQ[word] = before or 0  # a zero entry is a prefix, never a word
        tokenizer.total -= given
    _TAUGHT.clear()


def taught() -> tuple[tuple[str, int], ...]:
    """The words `teach` gave jieba since the last `forget`, with their frequencies: with the
    dictionary jieba loaded, what decides how a text is segmented."""
    return tuple(sorted((word, given) for word, (_before, given) in _TAUGHT.items()))
