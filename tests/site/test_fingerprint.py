"""Fingerprints of build state: every reachable value counts, and nothing else does."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from gardener.site.mkdocs.fingerprint import Fingerprint, Unstable


def digest(value, **kwargs) -> bytes:
    return Fingerprint(**kwargs).add(value).digest()


def page(tmp_path: Path, name: str = "a.md", title: str = "标题") -> Page:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    file = File(name, str(tmp_path / "docs"), str(tmp_path / "site"), use_directory_urls=True)
    built = Page(None, file, config)
    built.markdown, built.meta = f"# {title}\n", {"title": title, "tags": ["一", "二"]}
    return built


def test_a_change_anywhere_in_an_object_changes_its_fingerprint(tmp_path):
    first, second = page(tmp_path), page(tmp_path)
    assert digest(first) == digest(second)
    second.meta["tags"].append("三")
    assert digest(first) != digest(second)
    second = page(tmp_path)
    second.content = "<p>x</p>"
    assert digest(first) != digest(second)


def test_cached_properties_count_whether_or_not_they_were_asked_for(tmp_path):
    first, second = page(tmp_path), page(tmp_path)
    assert "url" not in vars(second.file)
    second.file.url  # noqa: B018 - MkDocs caches it in the object's state
    assert "url" in vars(second.file)
    assert digest(first) == digest(second)
    other = page(tmp_path, "b.md")
    assert digest(first) != digest(other)  # and the value itself counts


def test_sets_count_by_content_not_by_order():
    # 0 and 8 share a slot in a small set, so the one added first is iterated first
    first, second = {0, 8}, {8, 0}
    assert list(first) != list(second)
    assert digest(first) == digest(second)
    assert digest({"甲", "乙", "丙"}) == digest(set(reversed(["甲", "乙", "丙"])))
    assert digest({"甲", "乙"}) != digest({"甲", "丙"})
    assert digest(frozenset({(1, "a"), (2, "b")})) == digest(frozenset({(2, "b"), (1, "a")}))


def test_skipped_attributes_count_only_on_the_object_fingerprinted(tmp_path):
    first, second = page(tmp_path), page(tmp_path)
    second.content = "<p>其他页面的正文</p>"
    skip = frozenset({"content"})
    assert digest([first], skip=skip) == digest([second], skip=skip)
    assert digest(first, skip=skip) != digest(second, skip=skip)


def test_a_known_object_is_named_not_walked_again(tmp_path):
    shared = page(tmp_path)
    site = Fingerprint().add([shared])
    known = site.references((Page,))
    before = Fingerprint(known=known).add({"page": shared}).digest()
    shared.meta["title"] = "改过"
    after = Fingerprint(known=known).add({"page": shared}).digest()
    assert before == after  # the page is named by its place in `site`, whose digest changed
    assert Fingerprint().add([shared]).digest() != site.digest()


class Lazy:
    def __init__(self, base: int) -> None:
        self.base = base

    @cached_property
    def doubled(self) -> int:
        return self.base * 2


def test_functions_count_by_name_and_captured_values():
    def make(n):
        return lambda: n

    assert digest(make(1)) == digest(make(1))
    assert digest(make(1)) != digest(make(2))
    assert digest(Lazy(2)) != digest(Lazy(3))


def test_an_object_known_only_by_its_address_cannot_be_fingerprinted():
    with pytest.raises(Unstable):
        digest([object()])


def test_a_cycle_is_walked_once():
    a: dict = {"name": "a"}
    a["self"] = a
    assert digest(a) == digest(a)
