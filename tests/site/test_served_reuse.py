"""Served rebuilds that reuse unchanged pages give the site a fresh build gives.

The garden is served as `mkdocs serve` builds it (one plugin object, `on_startup(command="serve")`,
a config loaded per build) through a random sequence of edits: article bodies, titles and dates,
concept notes' aliases and summaries, timeline.yml, renames, deletions and new articles. After
every edit each HTML file and the search index are compared with a fresh `mkdocs build` of the
same files in a new process: every file of the served folder (pages, assets, data files), the
search index as a build writes it. Any input the reuse missed leaves a page as it was before the
edit, and a file the kept served folder failed to write or remove is named too.

More sequences: GARDENER_SERVE_SEEDS=1,2,3 (each about ten fresh builds).
"""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
from pathlib import Path

import pytest

from gardener.articles import matter
from gardener.site.mkdocs.reuse import page_kept_between, steady_after_render
from gardener.site.mkdocs.search_index import INDEX, compact_search_index
from gardener.site.search_shards import rewrite_index
from tests.site.test_warm_rebuilds import append, edit_front, fresh_build, html_files

pytestmark = pytest.mark.slow

SEEDS = [int(s) for s in os.environ.get("GARDENER_SERVE_SEEDS", "7").split(",")]
STEPS = 9


def articles(root: Path) -> list[Path]:
    return sorted((root / "docs" / "articles").glob("*.md"))


def concepts(root: Path) -> list[Path]:
    return sorted((root / "docs" / "concepts").glob("*.md"))


def front(path: Path) -> dict:
    return matter.load(path.read_text(encoding="utf-8"), str(path)).front


def some_alias(rng: random.Random, root: Path) -> str:
    note = rng.choice(concepts(root))
    return rng.choice(front(note).get("aliases") or [front(note)["title"]])


def edit_body(rng, root):
    article = rng.choice(articles(root))
    year = rng.randint(2015, 2025)
    sentence = rng.choice([
        f"{year} 年 {rng.randint(1, 12)} 月 {rng.randint(1, 28)} 日，{some_alias(rng, root)}有了新进展。",
        f"这一段说的是{some_alias(rng, root)}和{some_alias(rng, root)}。",
        f"一句与概念无关的话，编号 {rng.randint(1, 10**6)}。",
    ])
    append(article, f"\n{sentence}\n")
    return f"body of {article.name}"


def edit_title(rng, root):
    article = rng.choice(articles(root))
    edit_front(article, title=f"改过的标题 {rng.randint(1, 10**6)}")
    return f"title of {article.name}"


def edit_date(rng, root):
    article = rng.choice(articles(root))
    edit_front(article, date=f"{rng.randint(2010, 2025)}-{rng.randint(1, 12):02d}-"
                             f"{rng.randint(1, 28):02d}")
    return f"date of {article.name}"


def edit_concept(rng, root):
    note = rng.choice(concepts(root))
    doc = matter.load(note.read_text(encoding="utf-8"), str(note))
    if rng.random() < 0.5 and len(doc.front.get("aliases") or []) > 1:
        doc.front["aliases"] = doc.front["aliases"][:-1]
        what = "alias dropped"
    elif rng.random() < 0.5:
        doc.front["aliases"] = [*(doc.front.get("aliases") or []), f"新别名{rng.randint(1, 999)}"]
        what = "alias added"
    else:
        doc.front["summary"] = f"改写过的定义，第 {rng.randint(1, 10**6)} 版。"
        what = "summary"
    note.write_text(matter.render(doc.front, doc.body, doc.newline), encoding="utf-8")
    return f"{what} in {note.name}"


def edit_timeline(rng, root):
    append(root / "timeline.yml", f"- date: {rng.randint(2015, 2025)}-0{rng.randint(1, 9)}-1"
                                  f"{rng.randint(0, 9)}\n  text: 手写的事件 {rng.randint(1, 999)}。\n")
    return "timeline.yml"


def rename(rng, root):
    article = rng.choice(articles(root))
    article.rename(article.with_name(f"renamed-{rng.randint(1, 10**6)}.md"))
    return f"rename of {article.name}"


def delete(rng, root):
    if len(articles(root)) <= 3:
        return add(rng, root)
    article = rng.choice(articles(root))
    article.unlink()
    return f"deletion of {article.name}"


def add(rng, root):
    source = rng.choice(articles(root))
    doc = matter.load(source.read_text(encoding="utf-8"), str(source))
    paragraphs = [p for p in doc.body.split("\n\n") if p.strip()]
    body = "\n\n".join(rng.sample(paragraphs, min(3, len(paragraphs))))
    target = source.with_name(f"new-{rng.randint(1, 10**6)}.md")
    target.write_text(f"---\ntitle: 新文章 {target.stem}\ndate: 2024-0{rng.randint(1, 9)}-15\n"
                      f"---\n\n{body}\n", encoding="utf-8")
    return f"new article {target.name}"


EDITS = [edit_body, edit_title, edit_date, edit_concept, edit_timeline, rename, delete, add]


def search_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted((site / INDEX.parent).rglob("*.json"))}


def as_built(served: Path, fresh: Path, scratch: Path) -> Path:
    """A copy of the served search index, written as the fresh build wrote its own: a served
    site keeps Material's whole index, which a build shards (or compacts)."""
    if scratch.exists():
        shutil.rmtree(scratch)
    (scratch / INDEX).parent.mkdir(parents=True)
    shutil.copy(served / INDEX, scratch / INDEX)
    if "gardener" in json.loads((fresh / INDEX).read_text(encoding="utf-8"))["config"]:
        rewrite_index(scratch)
    else:
        compact_search_index(scratch)
    return scratch


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site but the search index (`search_files`, compared as a build
    writes it) and hidden entries (MkDocs never writes one, nor removes one)."""
    index = set(search_files(site))
    found = (p.relative_to(site) for p in sorted(site.rglob("*")) if p.is_file())
    return {p.as_posix(): (site / p).read_bytes() for p in found
            if p.as_posix() not in index and not p.parts[0].startswith(".")}


def assert_same(warm: Path, fresh: Path, step: str, scratch: Path) -> None:
    served, built = site_files(warm), site_files(fresh)
    assert sorted(served) == sorted(built), (
        f"after {step}: only served {sorted(set(served) - set(built))}, "
        f"only built {sorted(set(built) - set(served))}")
    assert html_files(warm).keys() == html_files(fresh).keys() and html_files(fresh), step
    stale = [path for path in built if served[path] != built[path]]
    assert not stale, f"after {step}: files differ from a fresh build: {stale}"
    served_index = search_files(as_built(warm, fresh, scratch))
    built_index = search_files(fresh)
    assert sorted(served_index) == sorted(built_index), step
    assert served_index == built_index, f"after {step}: the search index differs from a fresh build's"


@pytest.mark.parametrize("seed", SEEDS)
def test_served_rebuilds_equal_fresh_builds_over_random_edits(server, tmp_path, caplog, seed):
    caplog.set_level(logging.ERROR)
    rng = random.Random(seed)
    root = server.root
    assert_same(server.build(), fresh_build(root, tmp_path / "fresh"), "the first build",
                tmp_path / "scratch")
    edits = EDITS + [rng.choice(EDITS) for _ in range(STEPS - len(EDITS))]
    rng.shuffle(edits)
    reused = {}
    for edit in edits:
        step = edit(rng, root)
        warm = server.build()
        counts = server.plugin.served.counts
        reused[step] = counts["reused_template"], counts["template"]
        assert_same(warm, fresh_build(root, tmp_path / "fresh"), step, tmp_path / "scratch")
    bodies = [counts for step, counts in reused.items() if step.startswith("body")]
    # an edit that leaves the navigation alone re-renders a few pages, not the site
    assert bodies and all(kept > made for kept, made in bodies), reused


def test_a_served_rebuild_without_edits_renders_nothing(server):
    server.build()
    server.build()
    counts = server.plugin.served.counts
    assert counts["render"] == counts["search"] == counts["template"] == 0, counts
    assert counts["front_matter"] == 0, counts
    assert counts["reused_template"] > 100 and counts["reused_front_matter"] > 100, counts


def test_the_sites_own_plugins_let_a_page_be_fingerprinted_once_for_its_template(server):
    # search, tags and gardener's own content-only handler sit between gardener's two
    # page_context handlers; an unknown one would make every page be walked again
    assert page_kept_between(server._config())
    # and between a page's render and its context only gardener, search and tags act
    assert steady_after_render(server._config())


SAID = '''(Path(config.config_file_path).parent / "said.txt").read_text(encoding="utf-8").strip()'''
# Hooks that change one page outside its content, Markdown and front-matter (the title of its
# first heading in the table of contents), from a file no page reads, at three places between
# its render and its template
HOOKS = {
    "page_context": f'''
def on_page_context(context, page, config, nav):
    if page.file.src_uri == "{{target}}":
        page.toc.items[0].title = {SAID}
    return context
''',
    "page_content": f'''
def on_page_content(html, page, config, files):
    if page.file.src_uri == "{{target}}":
        page.toc.items[0].title = {SAID}
    return html
''',
    "env": f'''
def on_env(env, config, files):
    page = files.get_file_from_path("{{target}}").page
    page.toc.items[0].title = {SAID}
    return env
''',
}


def add_hook(root: Path, code: str) -> None:
    """A hook of the site's own (page_hook.py), saying what said.txt first says."""
    (root / "said.txt").write_text("第一种说法", encoding="utf-8")
    (root / "page_hook.py").write_text("from pathlib import Path\n" + code, encoding="utf-8")
    (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text(encoding="utf-8") +
                                     "\nhooks:\n  - page_hook.py\n", encoding="utf-8")


@pytest.mark.parametrize("event", sorted(HOOKS))
def test_a_plugin_that_changes_pages_between_render_and_template_is_seen(server, tmp_path,
                                                                        caplog, event):
    caplog.set_level(logging.ERROR)
    root = server.root
    target = articles(root)[-1]
    add_hook(root, HOOKS[event].format(target=f"articles/{target.name}"))
    server.build()
    config = server._config()
    assert not (page_kept_between(config) and steady_after_render(config))
    (root / "said.txt").write_text("第二种说法", encoding="utf-8")
    warm = server.build()
    page = warm / "articles" / target.stem / "index.html"
    assert "第二种说法" in page.read_text(encoding="utf-8")
    fresh = fresh_build(root, tmp_path / "fresh", extra=("page_hook.py", "said.txt"))
    assert_same(warm, fresh, "what the hook says", tmp_path / "scratch")


def test_the_themes_files_are_listed_again_only_when_its_folders_change(server, tmp_path):
    root = server.root
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "theme:\n  name: material\n" in text
    config.write_text(text.replace("theme:\n  name: material\n",
                                   "theme:\n  name: material\n  custom_dir: overrides\n"),
                      encoding="utf-8")
    assets = root / "overrides" / "assets"
    assets.mkdir(parents=True)
    (assets / "first.txt").write_text("一", encoding="utf-8")

    def counts() -> tuple[int, int]:
        done = server.plugin.served.counts
        return done["theme_listed"], done["theme_reused"]

    served = server.build()
    assert counts() == (1, 0) and (served / "assets" / "first.txt").is_file()
    server.build()
    assert counts() == (0, 1)
    (assets / "second.txt").write_text("二", encoding="utf-8")
    served = server.build()
    assert counts() == (1, 0) and (served / "assets" / "second.txt").is_file()
    (assets / "first.txt").unlink()
    warm = server.build()
    assert counts() == (1, 0) and not (warm / "assets" / "first.txt").exists()
    fresh = fresh_build(root, tmp_path / "fresh", extra=("overrides",))
    assert_same(warm, fresh, "theme files added and removed", tmp_path / "scratch")


def test_a_page_whose_search_is_reused_loses_what_search_drops_from_it(server, tmp_path):
    # Material's search drops `data-search-*="..."` attributes from a page's HTML; a page whose
    # entries are reused gets the content it had after search in the build before
    root = server.root
    target = articles(root)[0]
    append(target, '\n一段要在搜索里加权的说明。\n{: data-search-boost="2" }\n')
    server.build()
    append(articles(root)[-1], "\n另一篇文章里新写的一句话。\n")
    warm = server.build()
    assert server.plugin.served.counts["reused_search"] > 100
    html = (warm / "articles" / target.stem / "index.html").read_text(encoding="utf-8")
    assert "一段要在搜索里加权的说明" in html and "data-search-boost" not in html
    assert_same(warm, fresh_build(root, tmp_path / "fresh"), "an edit elsewhere",
                tmp_path / "scratch")


def test_a_plugin_that_changes_a_reused_pages_html_as_it_is_written_is_seen(server, tmp_path,
                                                                             caplog):
    # a reused page's file is kept unencoded only while gardener alone handles post_page
    caplog.set_level(logging.ERROR)
    root = server.root
    add_hook(root, f'''
def on_post_page(output, page, config):
    return output.replace("</body>", "<p>" + {SAID} + "</p></body>")
''')
    server.build()
    (root / "said.txt").write_text("第二种说法", encoding="utf-8")
    warm = server.build()
    assert server.plugin.served.counts["reused_template"] > 100
    page = warm / "articles" / articles(root)[0].stem / "index.html"
    assert "第二种说法" in page.read_text(encoding="utf-8")
    fresh = fresh_build(root, tmp_path / "fresh", extra=("page_hook.py", "said.txt"))
    assert_same(warm, fresh, "what the hook says", tmp_path / "scratch")
