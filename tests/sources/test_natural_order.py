"""Undated articles in the navigation follow their titles' natural order: 第2章 before 第12章."""

from __future__ import annotations

from mkdocs.utils.yaml import yaml_load

from gardener.articles import matter
from gardener.site.export import export
from gardener.text.natural import natural_key
from tests.conftest import build_site

CHAPTERS = [f"第{n}章 大模型部署" for n in (12, 1, 10, 2, 9)]
ISSUES = ["周刊第 60 期", "周刊第 9 期", "周刊第十二期"]
NATURAL = ([f"第{n}章 大模型部署" for n in (1, 2, 9, 10, 12)], ["周刊第 9 期", "周刊第十二期", "周刊第 60 期"])


def test_natural_key_orders_numbers_as_numbers():
    titles = ["Part 10", "part 9", "第十二章", "第九章", "第１１章", "附录"]
    assert sorted(titles, key=natural_key) == ["part 9", "Part 10", "第九章", "第１１章", "第十二章", "附录"]


def add_undated(root) -> None:
    """Real seed prose under chapter titles, without dates."""
    source = sorted((root / "docs" / "articles").glob("*.md"))[0]
    body = matter.split(source.read_text(encoding="utf-8"))[1]
    for i, title in enumerate(CHAPTERS + ISSUES):
        text = f"---\ntitle: {title}\nslug: undated-{i}\n---\n{body}"
        (root / "docs" / "articles" / f"undated-{i}.md").write_text(text, encoding="utf-8")


def test_undated_articles_in_natural_order(repo_copy, tmp_path):
    add_undated(repo_copy)
    run = build_site(repo_copy)
    assert run.returncode == 0, run.stderr
    page = (repo_copy / "site" / "articles" / "undated-0" / "index.html").read_text(encoding="utf-8")
    nav = page[page.index('<nav class="md-nav md-nav--primary"'):]
    for series in NATURAL:
        positions = [nav.index(title) for title in series]
        assert positions == sorted(positions), series

    export(repo_copy / "mkdocs.yml", tmp_path / "out")
    config = yaml_load((tmp_path / "out" / "mkdocs.yml").read_text(encoding="utf-8"))
    (articles,) = [e["文章"] for e in config["nav"] if isinstance(e, dict) and "文章" in e]
    (undated,) = [next(iter(e.values())) for e in articles if "日期不详" in e]
    titles = [next(iter(entry)) for entry in undated]
    for series in NATURAL:
        assert [t for t in titles if t in series] == series
