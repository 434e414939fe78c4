"""Data loss: every way a hostile or unlucky run could destroy or lose what the user has.

Each case runs the real CLI (in-process or as a real process) against a real garden made by
`gardener new`, and compares the bytes of the user's files before and after.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gardener
from gardener.articles import matter
from gardener.site.export import listed_files
from tests.conftest import SEEDS, build_site
from tests.hostile.hostile_support import BODY, HOSTILE_ARTICLES, error_line, invoke, snapshot

SEED_FILES = sorted(SEEDS.glob("*.txt"))
ONE = "# 大模型的对齐问题\n\n作者：张三\n\n对齐让模型的行为符合人类的意图。这是一篇完整的文章。\n"
OTHER = "# 缩放定律\n\n作者：李四\n\n损失随算力按幂律下降。这是另一篇完整的文章。\n"
# Processes run the same gardener as the tests themselves.
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(Path(gardener.__file__).parents[1]))




def gardener(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    """The CLI as a real process."""
    return subprocess.run([sys.executable, "-m", "gardener.site.cli", *args], cwd=cwd,
                          capture_output=True, text=True, env=dict(ENV, **env), timeout=600)


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Bytes of every file below root by its path from root, so two trees compare."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture()
def garden(tmp_path) -> Path:
    """A fresh `gardener new` garden with the seed articles imported and one hand edit."""
    root = tmp_path / "garden"
    assert invoke("new", str(root)).exit_code == 0
    assert invoke("import", *map(str, SEED_FILES), "--into", str(root / "docs" / "articles")
                  ).exit_code == 0
    return root


# ---------------------------------------------------------------------------------------------
# 1. export never overwrites the garden
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", [".", "docs", "docs/articles", "docs/new", "..", "foreign"])
def test_export_refuses_the_garden_its_docs_and_foreign_folders(garden, target):
    (garden.parent / "foreign").mkdir()
    (garden.parent / "foreign" / "notes.txt").write_text("mine\n", encoding="utf-8")
    (garden / "foreign").symlink_to(garden.parent / "foreign")
    before = tree_bytes(garden.parent)
    result = invoke("export", target, cwd=garden)
    assert result.exit_code == 1, result.output
    assert "export to a" in result.output
    assert tree_bytes(garden.parent) == before


def test_export_force_overwrites_only_an_earlier_export(garden, tmp_path):
    out = tmp_path / "out"
    assert invoke("export", str(out), cwd=garden).exit_code == 0
    assert (out / "mkdocs.yml").is_file() and (out / ".gardener-export").is_file()
    again = invoke("export", str(out), cwd=garden)
    assert again.exit_code == 1 and "--force" in again.output
    assert invoke("export", str(out), "--force", cwd=garden).exit_code == 0
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.md").write_text("# mine\n", encoding="utf-8")
    refused = invoke("export", str(other), "--force", cwd=garden)
    assert refused.exit_code == 1 and "not written by `gardener export`" in refused.output
    assert (other / "keep.md").read_text(encoding="utf-8") == "# mine\n"


def test_export_force_removes_what_an_earlier_export_wrote_and_this_one_does_not(garden,
                                                                                 tmp_path):
    out = tmp_path / "out"
    extra = garden / "docs" / "notes" / "draft.md"
    extra.parent.mkdir()
    extra.write_text("# 草稿\n\n一页笔记。\n", encoding="utf-8")
    assert invoke("export", str(out), cwd=garden).exit_code == 0
    article = sorted((garden / "docs" / "articles").glob("*.md"))[0]
    exported = out / "docs" / "articles" / article.name
    assert exported.is_file() and (out / "docs" / "notes" / "draft.md").is_file()
    (out / "mine.txt").write_text("mine\n", encoding="utf-8")  # the user's own, and a built site
    (out / "site").mkdir()
    (out / "site" / "index.html").write_text("built\n", encoding="utf-8")
    article.unlink()
    extra.unlink()
    extra.parent.rmdir()
    result = invoke("export", str(out), "--force", cwd=garden)
    assert result.exit_code == 0 and "removed 2 an earlier export wrote" in result.output
    assert not exported.exists() and not (out / "docs" / "notes").exists()
    assert article.stem not in (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert (out / "mine.txt").read_text(encoding="utf-8") == "mine\n"
    assert (out / "site" / "index.html").read_text(encoding="utf-8") == "built\n"
    # every file the export holds now is one it wrote, the marker aside
    ours = {p.relative_to(out).as_posix() for p in out.rglob("*")
            if p.is_file() and p.parts[len(out.parts)] not in ("site", "mine.txt", ".gardener-export")}
    assert ours == set(listed_files(out)) and ours


# ---------------------------------------------------------------------------------------------
# 2. a full disk leaves every file whole
# ---------------------------------------------------------------------------------------------

@pytest.fixture()
def small_disk(tmp_path):
    """A 1 MB tmpfs: a real full disk. Needs root (and a kernel that lets it mount)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path, leave: int) -> None:
    """Take all but about `leave` bytes of the disk."""
    free = shutil.disk_usage(disk).free
    with contextlib.suppress(OSError), open(disk / "filler", "wb", buffering=0) as out:
        out.write(b"\0" * max(free - leave, 0))


def test_fmt_on_a_full_disk_keeps_the_hand_edited_article(garden, small_disk):
    root = small_disk / "garden"
    shutil.copytree(garden, root, symlinks=True)
    article = root / "docs" / "articles" / "hand.md"
    article.write_text("---\ntitle: 手写\nauthor: 张三\n---\n\n" + "手写的正文。" * 2000 + "\n",
                       encoding="utf-8")
    before = article.read_bytes()
    _fill(small_disk, 4096)
    result = invoke("fmt", str(article), "--config", str(root / "mkdocs.yml"))
    assert result.exit_code == 1
    assert f"{article}: error: not written (No space left on device)" in result.output
    assert article.read_bytes() == before
    assert [p.name for p in article.parent.iterdir() if p.name.startswith(".")] == []


def test_import_force_on_a_full_disk_keeps_the_old_article(small_disk, tmp_path):
    out = small_disk / "articles"
    src = tmp_path / "src"
    src.mkdir()
    (src / "post.md").write_text(ONE, encoding="utf-8")
    assert invoke("import", str(src), "--into", str(out)).exit_code == 0
    (written,) = out.glob("*.md")
    before = written.read_bytes()
    (src / "post.md").write_text(ONE + "新增的段落。" * 50_000 + "\n", encoding="utf-8")
    _fill(small_disk, 8192)
    result = invoke("import", str(src), "--into", str(out), "--force")
    assert result.exit_code == 1
    assert "not written (No space left on device)" in result.output
    assert written.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [written.name]


class _Interrupted(Exception):
    pass


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=st.binary(max_size=2000), new=st.binary(min_size=1, max_size=2000), cut=st.data())
def test_an_interrupted_write_leaves_the_old_file_or_the_new_never_a_mix(tmp_path, old, new, cut):
    path = tmp_path / f"{uuid.uuid4().hex}.md"
    path.write_bytes(old)
    os.chmod(path, 0o640)
    stop = cut.draw(st.integers(0, len(new)))

    def writer(out):
        out.write(new[:stop])
        if stop < len(new):
            raise _Interrupted  # the process dies here, mid-write
        out.write(new[stop:])

    from gardener.files import write_atomic

    with contextlib.suppress(_Interrupted):
        write_atomic(path, writer)
    assert path.read_bytes() in (old, new)
    assert path.read_bytes() == (new if stop == len(new) else old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# ---------------------------------------------------------------------------------------------
# 3. a killed import is finished by the next one, under the same names
# ---------------------------------------------------------------------------------------------

def test_sigkill_during_import_then_rerun_keeps_one_article_per_source(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    for seed in SEED_FILES:
        shutil.copy(seed, src / seed.name)
    expected = gardener("import", str(src), "--into", str(tmp_path / "clean"))
    assert expected.returncode == 0, expected.stderr
    names = sorted(p.name for p in (tmp_path / "clean").glob("*.md"))
    for delay in (0.5, 1.0, 1.5, 2.5):
        shutil.rmtree(out, ignore_errors=True)
        run = subprocess.Popen([sys.executable, "-m", "gardener.site.cli", "import", str(src),
                                "--into", str(out)], env=ENV, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        time.sleep(delay)
        run.send_signal(signal.SIGKILL)
        run.wait()
        for article in out.glob("*.md"):  # what the killed run left is whole
            doc = matter.load(article.read_text(encoding="utf-8"), str(article))
            assert doc.front and doc.front.get("origin"), article
        rerun = gardener("import", str(src), "--into", str(out))
        assert rerun.returncode == 0, rerun.stderr
        assert sorted(p.name for p in out.glob("*.md")) == names, delay
        assert tree_bytes(out) == tree_bytes(tmp_path / "clean"), delay


def test_an_empty_file_left_at_the_slug_is_reused_not_sidestepped(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "post.md").write_text(ONE, encoding="utf-8")
    assert invoke("import", str(src), "--into", str(out)).exit_code == 0
    (article,) = out.glob("*.md")
    whole = article.read_bytes()
    article.write_bytes(b"")  # what a write cut short by SIGKILL used to leave
    result = invoke("import", str(src), "--into", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(out.glob("*.md")) == [article]
    assert article.read_bytes() == whole


def test_two_sources_of_the_same_name_keep_their_own_articles(tmp_path):
    out = tmp_path / "out"
    for folder, text in (("a", ONE), ("b", OTHER)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "index.md").write_text(text, encoding="utf-8")
    sources = [str(tmp_path / "a"), str(tmp_path / "b")]
    assert invoke("import", *sources, "--into", str(out)).exit_code == 0
    first = tree_bytes(out)
    assert len(first) == 2
    again = invoke("import", *sources, "--into", str(out))
    assert again.exit_code == 0
    assert tree_bytes(out) == first
    assert "kept (edited" not in again.output


# ---------------------------------------------------------------------------------------------
# 4. two imports at once lose nothing
# ---------------------------------------------------------------------------------------------

def test_concurrent_imports_into_one_folder_keep_every_article(tmp_path):
    out = tmp_path / "out"
    runs = []
    for side in ("left", "right"):
        src = tmp_path / side
        src.mkdir()
        for i in range(12):  # the same titles on both sides, different file names and bodies
            (src / f"{side}-{i}.md").write_text(
                f"# 同一个标题 {i}\n\n这是 {side} 一侧的第 {i} 篇文章，正文各不相同。\n", encoding="utf-8")
        runs.append(subprocess.Popen([sys.executable, "-m", "gardener.site.cli", "import",
                                      str(src), "--into", str(out)], env=ENV,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for run in runs:
        stdout, stderr = run.communicate(timeout=600)
        assert run.returncode == 0, stdout + stderr
    origins = []
    for article in out.glob("*.md"):
        doc = matter.load(article.read_text(encoding="utf-8"), str(article))
        origins.append(doc.front["origin"])
        assert doc.front["origin"].split("-")[0] in doc.body
    assert sorted(origins) == sorted(f"{side}-{i}.md" for side in ("left", "right")
                                     for i in range(12))


def test_a_held_folder_is_reported_not_waited_for_forever(tmp_path):
    from gardener.files import FolderBusy, folder_lock

    with folder_lock(tmp_path / "out"), pytest.raises(FolderBusy) as busy, \
            folder_lock(tmp_path / "out", timeout=0.2):
        pass
    assert "in use by another gardener run" in str(busy.value)


# ---------------------------------------------------------------------------------------------
# 5. a page of the user's own is never replaced by a generated one
# ---------------------------------------------------------------------------------------------

OWN = {"timeline.md": "# 我自己的时间线\n\n手写的内容。\n",
       "glossary.md": "# 我自己的术语表\n\n手写的内容。\n",
       "assets/gardener/gardener.css": "/* my own stylesheet */\n.own { color: red; }\n"}


def test_own_timeline_glossary_and_stylesheet_win_over_generated_ones(garden, tmp_path):
    for rel, text in OWN.items():
        (garden / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (garden / "docs" / rel).write_text(text, encoding="utf-8")
    run = build_site(garden, "--verbose")
    assert run.returncode == 0, run.stderr
    site = garden / "site"
    assert "我自己的时间线" in (site / "timeline" / "index.html").read_text(encoding="utf-8")
    assert "我自己的术语表" in (site / "glossary" / "index.html").read_text(encoding="utf-8")
    assert (site / "assets/gardener/gardener.css").read_text(encoding="utf-8") == OWN[
        "assets/gardener/gardener.css"]
    for rel in OWN:
        assert f"warning: {rel} is the site's own file" in run.stderr, rel
    exported = invoke("export", str(tmp_path / "out"), cwd=garden)
    assert exported.exit_code == 0
    for rel, text in OWN.items():
        assert (tmp_path / "out" / "docs" / rel).read_text(encoding="utf-8") == text


# ---------------------------------------------------------------------------------------------
# 6. importing a folder into itself does not import its own output again
# ---------------------------------------------------------------------------------------------

def test_import_into_a_folder_inside_the_source_is_stable(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for seed in SEED_FILES[:2]:
        shutil.copy(seed, src / seed.name)
    runs = []
    for _ in range(3):
        result = invoke("import", str(src), "--into", str(src / "out"))
        assert result.exit_code == 0, result.output
        runs.append(tree_bytes(src / "out"))
    assert runs[0] and runs[1] == runs[0] and runs[2] == runs[0]
    origins = {matter.load(text.decode(), name).front["origin"] for name, text in runs[0].items()}
    assert {origin.split("#")[0] for origin in origins} == {seed.name for seed in SEED_FILES[:2]}


# ---------------------------------------------------------------------------------------------
# 17. the same sources give the same bytes, whatever the hash seed
# ---------------------------------------------------------------------------------------------

def test_import_is_the_same_under_every_hash_seed(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    text = SEED_FILES[1].read_text(encoding="utf-8")
    # Five near-copies (a repost with a line added), each shorter than the one before: each
    # later copy is a duplicate of several earlier ones, so the choice among them is tested.
    for i in range(5):
        (src / f"copy-{i}.md").write_text(text + f"\n转载附记 {i}：" + "补充" * (5 - i) + "\n",
                                          encoding="utf-8")
    outputs = []
    for seed in ("0", "1", "2", "3", "4", "5"):
        out = tmp_path / f"out-{seed}"
        run = gardener("import", str(src), "--into", str(out), PYTHONHASHSEED=seed)
        assert run.returncode == 0, run.stderr
        outputs.append(tree_bytes(out))
        rerun = gardener("import", str(src), "--into", str(out), PYTHONHASHSEED=str(int(seed) + 7))
        assert "kept (edited" not in rerun.stdout, rerun.stdout
    assert any(b"duplicate_of" in data for data in outputs[0].values())
    assert all(output == outputs[0] for output in outputs)


# ---------------------------------------------------------------------------------------------
# 24. the compacted search index is as readable as every other page
# ---------------------------------------------------------------------------------------------

def test_search_index_has_the_mode_of_every_other_file(garden):
    old = os.umask(0o022)
    try:
        run = build_site(garden)
    finally:
        os.umask(old)
    assert run.returncode == 0, run.stderr
    site = garden / "site"
    index = site / "search" / "search_index.json"
    assert "，".encode() in index.read_bytes()  # compacted: UTF-8, not \\u escapes
    modes = {stat.S_IMODE(p.stat().st_mode) for p in site.rglob("*") if p.is_file()}
    assert modes == {stat.S_IMODE((site / "index.html").stat().st_mode)} == {0o644}


# ---------------------------------------------------------------------------------------------
# fmt and import change no file they cannot rewrite as it was
# ---------------------------------------------------------------------------------------------

def test_fmt_reports_hostile_articles_and_changes_none(hostile_garden):
    articles = hostile_garden / "docs" / "articles"
    before = snapshot(hostile_garden / "docs")
    result = invoke("fmt", "--config", str(hostile_garden / "mkdocs.yml"), cwd=hostile_garden)
    assert result.exit_code == 1
    for _name, (_content, where, reason) in HOSTILE_ARTICLES.items():
        assert reason in error_line(result.output, where), (where, result.output)
    assert "not UTF-8" in error_line(result.output, "gbk.md")
    assert snapshot(hostile_garden / "docs") == before
    assert not list(hostile_garden.parent.glob("evil*")) and not (articles.parent.parent / "evil.md").exists()


def test_fmt_check_bom_and_crlf_keeps_them(repo_copy):
    articles = repo_copy / "docs" / "articles"
    (articles / "bom.md").write_bytes(b"\xef\xbb\xbf---\r\ntitle: BOM\r\nauthor: A\r\n---\r\nbody\r\n")
    before = snapshot(articles / "bom.md")
    result = invoke("fmt", "--check", str(articles / "bom.md"), "--config", str(repo_copy / "mkdocs.yml"))
    assert result.exit_code == 1 and "would reformat" in result.output
    assert snapshot(articles / "bom.md") == before
    result = invoke("fmt", str(articles / "bom.md"), "--config", str(repo_copy / "mkdocs.yml"))
    assert result.exit_code == 0
    data = (articles / "bom.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf---\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert data.endswith(b"---\r\nbody\r\n") and b"authors:" in data


def test_symlink_is_read_but_never_written_through(odd_garden, tmp_path):
    # Decided: a linked article is read (MkDocs builds it too), but fmt and import never write
    # through a link, so the file outside docs/ never changes.
    root, outside = odd_garden
    before = snapshot(outside)
    result = invoke("fmt", "--config", str(root / "mkdocs.yml"), cwd=root)
    assert result.exit_code == 1
    assert "is reached through a symbolic link; not rewritten" in error_line(result.output, "linked.md")
    assert snapshot(outside) == before
    src = tmp_path / "src"
    src.mkdir()
    # Re-importing the source the linked article came from would overwrite it (--force).
    (src / "new.md").write_text("---\ntitle: 新的\n---\n" + BODY, encoding="utf-8")
    result = invoke("import", str(src), "--into", str(root / "docs" / "articles"), "--force")
    assert result.exit_code == 0
    assert "warning: kept (a symbolic link; not written)" in result.output
    assert "articles/linked.md" in result.output
    assert snapshot(outside) == before
    assert (root / "docs" / "articles" / "linked.md").is_symlink()
