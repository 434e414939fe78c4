"""Article navigation: years, newest first, and months inside a large year, in a real build and
in `gardener export`'s mkdocs.yml."""

import re

from mkdocs.utils.yaml import yaml_load

from gardener.articles import matter
from gardener.pages.common import MONTHS_ABOVE
from gardener.site.export import export
from tests.conftest import build_site

# 2021 gets more articles than one section should hold; 2019 stays a plain year section
MONTHS = [3] * 30 + [5] * 30 + [None] * 5
YEAR = 2021


def add_articles(root):
    """Real seed prose under new titles and dates, written as clippings with front-matter."""
    source = sorted((root / "docs" / "articles").glob("*.md"))[0]
    body = matter.split(source.read_text(encoding="utf-8"))[1]
    for i, month in enumerate(MONTHS):
        date = f"{YEAR}-{month:02d}-{i % 28 + 1:02d}" if month else str(YEAR)
        text = f"---\ntitle: 导航测试 {i}\nslug: nav-{i}\ndate: '{date}'\n---\n{body}"
        (root / "docs" / "articles" / f"nav-{i}.md").write_text(text, encoding="utf-8")
    (root / "docs" / "articles" / "old.md").write_text(
        f"---\ntitle: 较早的文章\nslug: old\ndate: '2019-04-01'\n---\n{body}", encoding="utf-8")


def nav_labels(html: str) -> list[str]:
    """The section titles in a page's navigation, in order."""
    nav = html[html.index('<nav class="md-nav md-nav--primary"'):]
    nav = nav[:nav.index("</nav>\n</div>") if "</nav>\n</div>" in nav else len(nav)]
    labels = re.findall(r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>', nav)
    return labels


def test_large_year_is_divided_into_months(repo_copy):
    assert len(MONTHS) > MONTHS_ABOVE
    add_articles(repo_copy)
    run = build_site(repo_copy)
    assert run.returncode == 0, run.stderr
    site = repo_copy / "site"
    march = (site / "articles" / "nav-0" / "index.html").read_text(encoding="utf-8")
    labels = nav_labels(march)
    assert str(YEAR) in labels and "3 月" in labels and "5 月" in labels and "月份不详" in labels
    assert labels.index("5 月") < labels.index("3 月") < labels.index("月份不详")  # newest first
    # navigation.prune: a page lists the articles of its own month, not those of other months
    assert "../nav-1/" in march
    assert "../nav-40/" not in march
    old = (site / "articles" / "old" / "index.html").read_text(encoding="utf-8")
    assert "2019" in nav_labels(old) and "4 月" not in nav_labels(old)  # a small year stays flat


def test_export_writes_the_same_tree(repo_copy, tmp_path):
    add_articles(repo_copy)
    export(repo_copy / "mkdocs.yml", tmp_path / "out")
    config = yaml_load((tmp_path / "out" / "mkdocs.yml").read_text(encoding="utf-8"))
    (articles,) = [entry["文章"] for entry in config["nav"] if isinstance(entry, dict) and "文章" in entry]
    years = [next(iter(entry)) for entry in articles]
    assert years.index(str(YEAR)) < years.index("2019")
    months = next(entry[str(YEAR)] for entry in articles if str(YEAR) in entry)
    assert [next(iter(m)) for m in months] == ["5 月", "3 月", "月份不详"]
    assert len(months[0]["5 月"]) == 30 and len(months[2]["月份不详"]) == 5
    flat = next(entry["2019"] for entry in articles if "2019" in entry)
    assert flat == [{"较早的文章": "articles/old.md"}]
