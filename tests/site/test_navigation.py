"""Article navigation: years, newest first, and months inside a large year, in a real build and
in `gardener export`'s mkdocs.yml."""

import re

from mkdocs.utils.yaml import yaml_load

from gardener.articles import matter
from gardener.garden.loading import load_garden
from gardener.pages.common import UNDATED
from gardener.pages.nav_tree import SECTION_MAX, nav_tree
from gardener.site.export import export
from gardener.text.natural import natural_titles
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
    assert len(MONTHS) > SECTION_MAX
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


# Undated articles: by folder when they sit in several, in labelled runs of titles when a list
# is too long for one section.


def write_undated(root, folders: dict[str, int], prefix: str = "第{i}章 笔记") -> None:
    """Articles without a date (real seed prose), `count` of them in each folder below
    docs/articles ("" for the folder itself)."""
    source = sorted((root / "docs" / "articles").glob("*.md"))[0]
    body = matter.split(source.read_text(encoding="utf-8"))[1]
    for folder, count in folders.items():
        where = root / "docs" / "articles" / folder
        where.mkdir(parents=True, exist_ok=True)
        for i in range(1, count + 1):
            slug = "-".join(["u", *folder.lower().split("/"), str(i)]).replace("--", "-")
            title = prefix.format(i=i) + (f"（{folder}）" if folder else "")
            (where / f"{slug}.md").write_text(f"---\ntitle: {title}\nslug: {slug}\n---\n{body}",
                                              encoding="utf-8")


def sections(tree):
    """Every (label, entries) section of a nav_tree, at any depth."""
    for label, entries in tree:
        yield label, entries
        yield from sections([e for e in entries if isinstance(e, tuple)])


def leaves(entries):
    for entry in entries:
        if isinstance(entry, tuple):
            yield from leaves(entry[1])
        else:
            yield entry


def test_a_thousand_undated_articles_in_bounded_runs(repo_copy):
    write_undated(repo_copy, {"": 1000}, prefix="第{i}篇 读书笔记")
    garden = load_garden(repo_copy / "docs")
    undated = [a for a in garden.articles if a.date is None]
    assert len(undated) >= 1000
    tree = nav_tree(garden.articles)
    assert max(len(entries) for _, entries in sections(tree)) <= SECTION_MAX
    label, runs = tree[-1]
    assert label == UNDATED and all(isinstance(run, tuple) for run in runs)
    # every undated article once, still in the natural order of its title
    assert list(leaves(runs)) == natural_titles(undated)
    # a run is labelled by where its first and last titles differ from the neighbouring runs
    labels = [run[0] for run in runs]
    assert len(set(labels)) == len(labels)
    for run_label, entries in runs:
        first, last = entries[0].title, entries[-1].title
        start, _, end = run_label.partition(" – ")
        assert first.startswith(start.rstrip("…")) and last.startswith((end or start).rstrip("…"))
    sizes = [len(list(leaves(entries))) for _, entries in runs]
    assert len(runs) == -(-len(undated) // SECTION_MAX) and max(sizes) - min(sizes) <= 1


def test_undated_articles_go_by_folder(repo_copy):
    write_undated(repo_copy, {"models/Qwen": SECTION_MAX + 10, "models/GLM": 3, "examples": 2, "": 2})
    run = build_site(repo_copy)
    assert run.returncode == 0, run.stderr
    site = repo_copy / "site" / "articles"
    page = (site / "models" / "Qwen" / "u-models-qwen-1" / "index.html").read_text(encoding="utf-8")
    labels = nav_labels(page)
    assert labels.index(UNDATED) < labels.index("models") < labels.index("Qwen")
    assert "GLM" in labels and "examples" in labels
    assert labels.index("GLM") < labels.index("Qwen")  # folders in natural order
    links = re.findall(r'href="([^"]*u-models-qwen-\d+/)"', page)
    assert 0 < len(set(links)) <= SECTION_MAX
    config = yaml_load(export_nav(repo_copy))
    (articles,) = [e["文章"] for e in config["nav"] if isinstance(e, dict) and "文章" in e]
    undated = next(e[UNDATED] for e in articles if UNDATED in e)
    assert [next(iter(e)) for e in undated[:2]] == ["examples", "models"]
    # then the undated articles of the folder itself, as pages, not sections
    loose = [next(iter(e.values())) for e in undated[2:]]
    assert all(isinstance(path, str) for path in loose)
    assert {"articles/u-1.md", "articles/u-2.md"} <= set(loose)
    models = undated[1]["models"]
    assert [next(iter(e)) for e in models] == ["GLM", "Qwen"]
    # the Qwen folder holds more than a section may: two runs of titles, labelled by their ends
    runs = models[1]["Qwen"]
    assert [len(next(iter(run.values()))) for run in runs] == [35, 35]
    first, second = (next(iter(run)) for run in runs)
    assert first.startswith("第1章") and " – 第35章" in first and second.startswith("第36章")


def export_nav(root) -> str:
    export(root / "mkdocs.yml", root / "exported")
    return (root / "exported" / "mkdocs.yml").read_text(encoding="utf-8")


def test_a_crowded_month_is_cut_into_runs_of_days(repo_copy):
    source = sorted((repo_copy / "docs" / "articles").glob("*.md"))[0]
    body = matter.split(source.read_text(encoding="utf-8"))[1]
    for i in range(130):
        (repo_copy / "docs" / "articles" / f"day-{i}.md").write_text(
            f"---\ntitle: 日报 {i}\nslug: day-{i}\ndate: '2024-03-{i % 28 + 1:02d}'\n---\n{body}",
            encoding="utf-8")
    tree = nav_tree(load_garden(repo_copy / "docs").articles)
    months = dict(tree)["2024"]
    (label, runs), = [m for m in months if m[0] == "3 月"]
    assert max(len(entries) for _, entries in sections(tree)) <= SECTION_MAX
    assert len(runs) == 3 and sum(len(run[1]) for run in runs) == 130
    for run_label, entries in runs:  # newest first, labelled by the days they cover
        days = [a.date.day for a in entries]
        assert days == sorted(days, reverse=True)
        assert run_label == f"{min(days)}–{max(days)} 日"
