"""jieba, loaded once and quietly: slugs, alias checks, `suggest` and search share one instance."""

from __future__ import annotations

import logging
from functools import lru_cache


@lru_cache(maxsize=1)
def jieba():
    import jieba as segmenter
    import jieba.analyse  # noqa: F401  (attribute access below needs the submodules loaded)
    import jieba.posseg  # noqa: F401

    segmenter.setLogLevel(logging.WARNING)  # no "Building prefix dict" lines in reports
    return segmenter
