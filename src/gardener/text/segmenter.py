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
