"""Security: what a hostile source, front-matter value or cache file could make the site or the
build do. Every case builds or imports for real and reads what came out."""

from __future__ import annotations

import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import markdown
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import gardener
from gardener.articles import matter
from gardener.site.search_shards import read_entries
from tests.conftest import build_site
from tests.hostile.hostile_support import error_line, invoke, snapshot

# Processes run the same gardener as the tests themselves.
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(Path(gardener.__file__).parents[1]))
# Markup that runs script if a page prints it as written.
PAYLOADS = ['"><script>alert(1)</script>', "<img src=x onerror=alert(2)>",
            "'><svg onload=alert(3)>", "</title><script>alert(4)</script>"]
RAW = re.compile(r"<script>alert|<img src=x onerror|<svg onload", re.I)




@pytest.fixture()
def garden(tmp_path) -> Path:
    root = tmp_path / "garden"
    assert invoke("new", str(root)).exit_code == 0
    return root


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _injected_article(payload: str, n: int) -> str:
    """An article whose every front-matter value, known or not, holds the payload."""
    fields = ["title", "subtitle", "description", "author", "status", "publisher", "comment",
              "summary"]
    lines = [f"{name}: {_quoted(payload + ' ' + name)}" for name in fields]
    lines += [f"tags: [{_quoted(payload)}]", f"keywords: [{_quoted(payload + ' k')}]",
              f"authors: [{_quoted(payload + ' a')}]", f"date: 2023-0{n + 1}-01",
              f"extra: {{nested: {_quoted(payload)}}}"]
    body = f"2023 年 {n + 1} 月，RLHF 让模型对齐人类意图。这是第 {n} 篇文章的正文。\n"
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body


def _raw_markup(site: Path) -> list[str]:
    found = []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        found += [f"{page.relative_to(site)}: {m.group()}" for m in RAW.finditer(text)]
    return found


# ---------------------------------------------------------------------------------------------
# 7. no front-matter value reaches a page unescaped
# ---------------------------------------------------------------------------------------------

def test_every_front_matter_value_is_escaped_on_every_page(garden):
    articles, concepts = garden / "docs" / "articles", garden / "docs" / "concepts"
    for n, payload in enumerate(PAYLOADS):
        (articles / f"x{n}.md").write_text(_injected_article(payload, n), encoding="utf-8")
    (concepts / "xss.md").write_text(
        f"---\ntitle: {_quoted(PAYLOADS[0])}\naliases: [RLHF]\nsubtitle: {_quoted(PAYLOADS[1])}\n"
        f"summary: {_quoted(PAYLOADS[2])}\ndescription: {_quoted(PAYLOADS[3])}\n---\n\n概念。\n",
        encoding="utf-8")
    (garden / "docs" / "about.md").write_text(
        f"---\ntitle: {_quoted(PAYLOADS[1])}\ndescription: {_quoted(PAYLOADS[0])}\n"
        f"template: redirect.html\nlocation: 'javascript:alert(5)'\n---\n\n关于。\n",
        encoding="utf-8")
    run = build_site(garden)
    assert run.returncode == 0, run.stderr
    site = garden / "site"
    assert _raw_markup(site) == []
    assert "javascript:" not in (site / "about" / "index.html").read_text(encoding="utf-8")
    page = (site / "articles" / "x1" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="&lt;img src=x onerror=alert(2)&gt; description">' in page
    assert '<meta name="author" content="&lt;img src=x onerror=alert(2)&gt; author">' in page
    assert "&lt;img src=x onerror=alert(2)&gt; subtitle" in page  # shown, as text


FIELD_NAMES = st.sampled_from(["title", "subtitle", "description", "author", "summary",
                               "status", "publisher", "note"])
HOSTILE_TEXT = st.lists(st.sampled_from(['<', '>', '"', "'", '&', 'script', 'img', ' ', '=',
                                         'onerror', 'x', '/', '大', '&lt;', '&#60;']),
                        min_size=1, max_size=12).map("".join)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.tuples(FIELD_NAMES, HOSTILE_TEXT), min_size=3, max_size=8))
def test_any_front_matter_value_never_reaches_a_page_as_markup(tmp_path_factory, values):
    root = tmp_path_factory.mktemp("fuzz-garden")
    assert invoke("new", str(root / "g")).exit_code == 0
    root = root / "g"
    for n, (name, value) in enumerate(values):
        marker = f"<b id=m{n}>"  # a tag no escaping could leave as it is
        text = f"---\n{name}: {_quoted(value + marker)}\n---\n\n第 {n} 篇的正文。\n"
        (root / "docs" / "articles" / f"f{n}.md").write_text(text, encoding="utf-8")
    run = build_site(root)
    assert "Traceback" not in run.stderr
    if run.returncode != 0:
        assert "error" in run.stderr.lower()  # refused with a message, never built raw
        return
    for page in (root / "site").rglob("*.html"):
        tree = lxml.html.fromstring(page.read_bytes())
        assert not tree.xpath("//b[starts-with(@id, 'm')]"), page


# ---------------------------------------------------------------------------------------------
# 8. imported clippings lose their active content, and say so
# ---------------------------------------------------------------------------------------------

CLIPPING = """# 一篇剪藏

正文开始，<span onclick="steal()">点这里</span>，还有 <a href="&#106;avascript:alert(1)">实体链接</a>。

<script>alert(document.cookie)</script>

<iframe src="https://tracker.example/frame"></iframe>

<img src="pic.png" onerror="alert(2)" alt="图">

[内联链接](javascript:alert(3)) 和 [引用链接][evil] 和 [好的链接](https://example.com/ok)。

```html
<script>这段是代码，必须原样保留</script>
```

[evil]: javascript:alert(4)
"""


def _links_and_scripts(html_text: str) -> tuple[list, list, list]:
    tree = lxml.html.fromstring(f"<div>{html_text}</div>")
    scripts = tree.xpath("//script | //iframe")
    handlers = [a for e in tree.iter() if isinstance(e.tag, str) for a in e.attrib
                if a.lower().startswith("on")]
    urls = [v for e in tree.iter() if isinstance(e.tag, str)
            for k, v in e.attrib.items() if k in ("href", "src")
            and re.sub(r"[\x00-\x20]", "", v).lower().startswith(("javascript:", "data:"))]
    return scripts, handlers, urls


def test_import_neutralises_active_content_and_reports_it(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "clip.md").write_text(CLIPPING, encoding="utf-8")
    result = invoke("import", str(src), "--into", str(out))
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.output.splitlines() if "removed active content" in line)
    for named in ("<script>", "<iframe>", "onclick=", "onerror=", "javascript: link"):
        assert named in warning, named
    assert "clip.md:1: warning" in warning and "--trust" in warning
    (article,) = out.glob("*.md")
    body = matter.load(article.read_text(encoding="utf-8"), str(article)).body
    assert _links_and_scripts(markdown.markdown(body, extensions=["fenced_code"])) == ([], [], [])
    assert "<script>这段是代码，必须原样保留</script>" in body
    assert "[好的链接](https://example.com/ok)" in body and '<img src="pic.png" alt="图">' in body
    trusted = invoke("import", str(src), "--into", str(tmp_path / "trusted"), "--trust")
    assert "removed active content" not in trusted.output
    (kept,) = (tmp_path / "trusted").glob("*.md")
    assert "<script>alert(document.cookie)</script>" in kept.read_text(encoding="utf-8")


def test_imported_clipping_builds_without_active_content(garden, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "clip.md").write_text(CLIPPING, encoding="utf-8")
    (src / "page.html").write_text(
        "<html><head><title>网页</title></head><body><article><h1>网页</h1>"
        + "<p>网页正文，足够长的一段文字。</p>" * 5
        + '<p><a href="javascript:alert(5)">坏链接</a><img src="a.png" onerror="alert(6)"></p>'
        "<script>alert(7)</script></article></body></html>", encoding="utf-8")
    assert invoke("import", str(src), "--into", str(garden / "docs" / "articles")).exit_code == 0
    run = build_site(garden)
    assert run.returncode == 0, run.stderr
    for page in (garden / "site" / "articles").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        content = lxml.html.fromstring(text).xpath("//article")[0]
        scripts, handlers, urls = _links_and_scripts(lxml.html.tostring(content, encoding="unicode"))
        assert (scripts, handlers, urls) == ([], [], []), page


ACTIVE_PIECES = ["<script>alert(1)</script>", "<iframe src=x></iframe>", "<img src=x onerror=y>",
                 '<a href="javascript:z">a</a>', "[l](javascript:q)", "[r][d]\n\n[d]: vbscript:w\n",
                 '<div onmouseover="m">\n\ntext\n\n</div>', "<svg/onload=s>", "<b>bold</b>",
                 '<a href=" java&#9;script:t">x</a>', "`<script>code</script>`", "\n\n", "文字 ",
                 "<details open ontoggle=u><summary>s</summary></details>", "<span>", "</span>",
                 "\n    <script>indented code</script>\n", "<object data=o></object>",
                 # fenced code inside an HTML block is code (superfences takes it out first);
                 # the same without its closing fence is HTML
                 "\n\n<details><summary>s</summary>\n\n```\n<script>f()</script>\n```\n\n"
                 "</details>\n\n",
                 "\n\n<details><summary>s</summary>\n\n```\n<script>g()</script>\n\n</details>\n\n"]


@settings(max_examples=300, deadline=None)
# A stray fence marker left by the first pass: the scanner reads code to the end, the renderer text.
@example("<svg/onload=s>`<script>code</script>``<script>code</script>`\n\n[l](javascript:q)")
@example("<svg/onload=s>`<script>code</script>``<script>code</script>`\n\n[r][d]\n\n[d]: vbscript:w\n")
@given(st.lists(st.sampled_from(ACTIVE_PIECES), max_size=12).map("".join))
def test_sanitised_markdown_renders_no_active_content(text):
    """Rendered as the site renders fences (pymdownx.superfences)."""
    from gardener.sources.sanitizing import sanitize

    clean, _removed = sanitize(text)
    rendered = markdown.markdown(clean, extensions=["md_in_html", "pymdownx.superfences"])
    scripts, handlers, urls = _links_and_scripts(rendered)
    # Code stays code: a <script> shown inside <code> is text, not an element.
    assert (scripts, handlers, urls) == ([], [], []), (text, clean)
    assert sanitize(clean) == (clean, [])  # nothing left to remove


# ---------------------------------------------------------------------------------------------
# 9. a cache file planted in the repository runs no code
# ---------------------------------------------------------------------------------------------

class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_planted_cache_file_is_never_unpickled(garden, tmp_path):
    marker = tmp_path / "pwned"
    cache = garden / ".cache" / "gardener" / "analysis.pickle"
    cache.parent.mkdir(parents=True)
    from gardener.garden.cache import FORMAT, MAGIC

    for planted in (pickle.dumps((FORMAT, _Payload(marker))),
                    MAGIC + b"\0" * 32 + pickle.dumps((FORMAT, _Payload(marker)))):
        cache.write_bytes(planted)
        run = build_site(garden)
        assert run.returncode == 0, run.stderr
        assert not marker.exists()
    assert cache.read_bytes().startswith(MAGIC)  # the build replaced it with a signed cache
    warm = build_site(garden, "--verbose")
    hits = re.search(r"gardener: cache (\d+) hits, (\d+) misses", warm.stderr)
    assert hits and int(hits.group(1)) > 0 and int(hits.group(2)) == 0, warm.stderr[-2000:]


# ---------------------------------------------------------------------------------------------
# 10. links in a source folder do not lead out of it
# ---------------------------------------------------------------------------------------------

def test_links_out_of_the_source_folder_are_not_imported(garden, tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    secret = tmp_path / "secret.md"
    secret.write_text("# 机密\n\n这是不应被发布的私人笔记。\n", encoding="utf-8")
    (src / "passwd.txt").symlink_to("/etc/passwd")
    (src / "secret.md").symlink_to(secret)
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "diary.md").write_text("# 日记\n\n私人日记。\n", encoding="utf-8")
    (src / "sub" / "linked-folder").symlink_to(tmp_path / "private")
    (src / "own.md").write_text("# 自己的文章\n\n正文。\n", encoding="utf-8")
    (src / "alias.md").symlink_to(src / "own.md")  # a link inside the tree is fine
    articles = garden / "docs" / "articles"
    result = invoke("import", str(src), "--into", str(articles))
    assert result.exit_code == 0, result.output
    for name in ("passwd.txt", "secret.md"):
        assert f"{name}: warning: a symbolic link leading out of the source folder" in result.output
    texts = "".join(p.read_text(encoding="utf-8") for p in articles.glob("*.md"))
    assert "root:" not in texts and "私人" not in texts and "自己的文章" in texts
    run = build_site(garden)
    assert run.returncode == 0, run.stderr
    published = "".join(p.read_text(encoding="utf-8", errors="replace")
                        for p in (garden / "site").rglob("*") if p.is_file())
    assert "root:x:0:0" not in published and "私人" not in published


def test_import_as_a_process_follows_no_link_out(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "passwd.md").symlink_to("/etc/passwd")
    run = subprocess.run([sys.executable, "-m", "gardener.site.cli", "import", str(src), "--into",
                          str(tmp_path / "out")], capture_output=True, text=True, env=ENV)
    assert run.returncode == 0 and "Traceback" not in run.stderr
    assert "passwd.md: warning: a symbolic link leading out" in run.stderr
    assert not list((tmp_path / "out").glob("*.md"))
    shutil.rmtree(tmp_path / "out")


def test_a_real_article_about_xss_imports_without_a_crash(tmp_path):
    # gold-miner's article on cross-site scripting quotes tags whose sanitising edits share a
    # span; sorting them once compared a replacement with None.
    from gardener.sources.importing import import_sources
    from tests.conftest import ROOT, outside_git

    source = ROOT / "tests" / "fixtures" / "hostile" / "cross-site-scripting.md"
    (copy,) = outside_git([source], tmp_path / "src")
    result = import_sources([copy], tmp_path / "out")
    assert result.failures == [] and len(result.articles) == 1
    body = result.articles[0].path.read_text(encoding="utf-8")
    # Its code samples keep their <script> as text; the page runs none.
    rendered = markdown.markdown(body, extensions=["md_in_html", "pymdownx.superfences"])
    assert _links_and_scripts(rendered) == ([], [], [])
    assert any("removed active content" in w.message for w in result.warnings)


# ---------------------------------------------------------------------------------------------
# Slugs that point out of the garden, markup in a title
# ---------------------------------------------------------------------------------------------

def test_export_with_hostile_articles_writes_only_inside_out(hostile_garden, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "out"
    before = snapshot(hostile_garden)
    result = invoke("export", str(out), "--config", str(hostile_garden / "mkdocs.yml"),
                    cwd=hostile_garden)
    assert result.exit_code == 1
    assert "is not a slug" in error_line(result.output, "articles/slug.md:3")
    assert "alias bomb" in error_line(result.output, "articles/bomb.md:2")
    assert snapshot(hostile_garden) == before
    assert (out / "docs" / "articles" / "yanlun.md").is_file()
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve())
    assert not list(out.parent.glob("evil*")) and not list(hostile_garden.rglob("evil*"))


SCRIPT = "<script>alert(1)</script>"


def test_script_in_title_is_escaped_everywhere(repo_copy):
    article = repo_copy / "docs" / "articles" / "xss.md"
    article.write_text(
        f"---\ntitle: '{SCRIPT} \"引号\" 标题'\ndate: 2023-03-01\nsummary: '{SCRIPT} 摘要'\n"
        f"tags: ['{SCRIPT}']\nauthors: ['<img src=x onerror=alert(1)>']\n---\n\n"
        "2023 年 3 月 1 日，OpenAI 发布了 ChatGPT，RLHF 让模型对齐人类意图。这是正文。\n",
        encoding="utf-8")
    before = snapshot(repo_copy / "docs")
    run = build_site(repo_copy)
    assert run.returncode == 0, run.stderr
    assert snapshot(repo_copy / "docs") == before
    site = repo_copy / "site"
    pages = list(site.rglob("*.html"))
    raw = sorted(str(p.relative_to(site)) for p in pages
                 if "<script>alert(1)" in (text := p.read_text(encoding="utf-8"))
                 or "<img src=x" in text)
    assert raw == [], f"raw title HTML in {len(raw)} pages, e.g. {raw[:5]}"
    page = (site / "articles" / "xss" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for name in ("glossary", "timeline"):
        assert "<script>alert(1)" not in (site / name / "index.html").read_text(encoding="utf-8")
    entries = read_entries(site)
    for doc in entries:
        assert "<script>alert(1)" not in doc["title"] and "<script>alert(1)" not in doc["text"]
    assert any("alert(1)" in doc["title"] for doc in entries)


def test_code_fenced_inside_an_html_block_is_kept_as_written():
    from gardener.sources.sanitizing import sanitize

    code = "```python\ndef f(x) -> str:\n    return '<tools>' + \"<script>\"\n```"
    text = f"<details><summary>代码</summary>\n\n{code}\n\n<img src=x onerror=y>\n\n</details>\n"
    clean, removed = sanitize(text)
    assert code in clean and removed == ["onerror="]
    assert clean.endswith("</details>\n")
