"""The home page of the imported garden: newest and recently updated articles, the concepts
most connected to the rest, and counts, all read from the garden."""

from __future__ import annotations

import re

from gardener.options import read_options
from gardener.pages import home
from gardener.pages.site import GardenSite
from tests.connections.conftest import append, article_file


def home_page(root) -> str:
    options = read_options(root / "mkdocs.yml")
    return GardenSite(options.docs_dir, options).generated(set())[home.PATH]


def test_recently_updated_most_connected_and_counts(garden, n):
    path = article_file(garden, n.graphql)
    path.write_text(path.read_text(encoding="utf-8").replace("---\n", "---\nupdated: 2023-05-02\n", 1),
                    encoding="utf-8")
    append(article_file(garden, n.tc39), "\n\n见 [[词元]] 与 [[token]]，以及 [[成为 TC39 代表]]。\n")
    text = home_page(garden)
    updated = text.split("## 最近更新", 1)[1].split("##", 1)[0]
    assert re.findall(r"\((articles/[^)]+)\.md\)", updated) == [f"articles/{n.graphql}"]
    assert "2023-05-02 更新" in updated
    connected = text.split("## 连接最多的概念", 1)[1]
    token = next(line for line in connected.splitlines() if "(concepts/token.md)" in line)
    assert "1 个页面链接" in token  # one page links to it, however many times
    assert re.search(r"页面之间有 \*\*\d+\*\* 条链接", text)
    newest = text.split("## 最新文章", 1)[1].split("##", 1)[0]
    assert newest.index(n.tc39) > newest.index("a-first-look-at-gpt-4")  # 2021 after 2023
