"""Rendered pages kept in memory while serving: under keys hashed once per build, and only for
as long as a build still asks for them."""

from __future__ import annotations

from dataclasses import dataclass, field

from gardener.garden.cache import AnalysisCache


@dataclass(frozen=True)
class PageKey:
    """A page's inputs, counting how often they are hashed (a page's whole text and all it
    shows: costly)."""

    text: str
    hashed: list = field(default_factory=list, compare=False, hash=False)

    def __hash__(self) -> int:
        self.hashed.append(1)
        return hash(self.text)


def serving() -> AnalysisCache:
    cache = AnalysisCache()
    cache.keep_volatile = True
    return cache


def test_a_page_key_is_hashed_once_per_build():
    cache = serving()
    rendered = []
    for build in range(3):
        cache.reset_counts()
        key = PageKey("第一篇的正文")  # each build makes its keys anew
        page = cache.get(key, lambda: rendered.append(1) or "页面", persist=False)
        assert page == "页面"
        assert len(key.hashed) == 1, f"build {build}: hashed {len(key.hashed)} times"
    cache.reset_counts()
    assert len(rendered) == 1  # made once, taken from memory since
    assert cache.hits == 0 and cache.misses == 0


def test_a_page_no_build_asks_for_is_let_go():
    cache = serving()
    cache.reset_counts()
    cache.get(PageKey("甲"), lambda: "甲页", persist=False)
    cache.get(PageKey("乙"), lambda: "乙页", persist=False)
    cache.reset_counts()
    cache.get(PageKey("甲"), lambda: "甲页", persist=False)  # 乙 was deleted
    cache.reset_counts()
    assert len(cache.volatile) == 1
    made = []
    cache.get(PageKey("乙"), lambda: made.append(1) or "乙页", persist=False)
    assert made == [1]


def test_outside_serve_pages_are_not_kept():
    cache = AnalysisCache()
    cache.get(PageKey("甲"), lambda: "甲页", persist=False)
    cache.reset_counts()
    assert not cache.volatile
