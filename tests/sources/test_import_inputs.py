"""Encodings, bad inputs, idempotent re-import and asset copying, through the real CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys

from gardener.articles import matter
from gardener.sources.importing import import_sources

ESSAY = "# 大模型的对齐问题\n\n作者：张三\n\nDate: 2023-05-04\n\n对齐（Alignment）让模型的行为符合人类的意图。这是第一段，足够长，可以作为摘要使用。\n"


def front_of(path):
    return matter.load(path.read_text(encoding="utf-8"), str(path)).front


def test_gb18030_and_bom_crlf_decode_to_the_same_article(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "utf8.md").write_bytes(ESSAY.encode("utf-8"))
    (src / "gbk.txt").write_bytes(ESSAY.replace("张三", "李四").encode("gb18030"))
    (src / "bom.md").write_bytes(b"\xef\xbb\xbf" + ESSAY.replace("张三", "王五").replace("\n", "\r\n")
                                 .encode("utf-8"))
    result = import_sources([src], tmp_path / "out")
    assert result.failures == []
    bodies = {}
    for article in result.articles:
        front = front_of(article.path)
        assert front["title"] == "大模型的对齐问题"
        assert str(front["date"]) == "2023-05-04"
        bodies[front["authors"][0]] = matter.load(article.path.read_text(encoding="utf-8"), "x").body
        assert "\r" not in article.path.read_text(encoding="utf-8")
    assert set(bodies) == {"张三", "李四", "王五"}
    assert len(set(bodies.values())) == 1


def test_bad_files_are_named_and_the_rest_imports(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.md").write_text(ESSAY, encoding="utf-8")
    (src / "yaml.md").write_text("---\ntitle: [oops\n---\nbody\n", encoding="utf-8")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (src / "empty.md").write_text("  \n\n", encoding="utf-8")
    (src / "date.md").write_text("---\ntitle: 日期错\ndate: 2023-02-30\n---\n正文\n", encoding="utf-8")
    (src / "latin1.txt").write_bytes("caf\xe9 \xff\xfe\xfd\x80".encode("latin-1"))
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "gardener.site.cli", "import", str(src), "--into", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 1
    text = run.stdout + run.stderr
    assert "Traceback" not in text
    expectations = {
        "yaml.md:2": "invalid front-matter YAML",
        "binary.txt": "binary data",
        "date.md:3": "date:",
        "latin1.txt": "cannot decode",
    }
    for where, reason in expectations.items():
        line = next((line for line in text.splitlines() if where in line and "error" in line), "")
        assert reason in line, (where, text)
    # an empty file is nothing to import, not an error
    empty = next((line for line in text.splitlines() if "empty.md" in line), "")
    assert "warning: empty file" in empty, text
    assert [p.name for p in out.glob("*.md")] == ["da-moxing-de-duiqi-wenti.md"]


def test_reimport_is_idempotent_and_keeps_edits(tmp_path, seeds):
    out = tmp_path / "out"
    first = import_sources([seeds], out)
    snapshot = {p.name: p.read_bytes() for p in out.glob("*.md")}
    second = import_sources([seeds], out)
    assert {a.status for a in second.articles} == {"unchanged"}
    assert {p.name: p.read_bytes() for p in out.glob("*.md")} == snapshot
    assert [a.slug for a in first.articles] == [a.slug for a in second.articles]
    edited = out / f"{first.articles[0].slug}.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n读者的批注。\n", encoding="utf-8")
    third = import_sources([seeds], out)
    assert third.articles[0].status.startswith("kept")
    assert "读者的批注" in edited.read_text(encoding="utf-8")
    assert len(list(out.glob("*.md"))) == len(snapshot)


def test_same_title_from_different_sources_gets_distinct_slugs(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text("# 同名文章\n\n第一篇的正文。\n", encoding="utf-8")
    (src / "b.md").write_text("# 同名文章\n\n第二篇，内容完全不同的正文。\n", encoding="utf-8")
    result = import_sources([src], tmp_path / "out")
    assert sorted(a.slug for a in result.articles) == ["tongming-wenzhang", "tongming-wenzhang-2"]


def test_existing_assets_are_copied_and_missing_ones_kept(tmp_path):
    src = tmp_path / "src"
    (src / "img").mkdir(parents=True)
    shutil.copy(__file__, src / "img" / "here.png")  # any bytes will do for an image file
    (src / "post.md").write_text("# 有图\n\n![图一](img/here.png)\n\n![图二](img/gone.png)\n\n"
                                 "![远程](https://example.org/x.png)\n", encoding="utf-8")
    out = tmp_path / "out"
    (article,) = import_sources([src], out).articles
    body = article.path.read_text(encoding="utf-8")
    assert f"![图一](assets/{article.slug}/here.png)" in body
    assert (out / "assets" / article.slug / "here.png").read_bytes() == (src / "img" / "here.png").read_bytes()
    assert front_of(article.path)["missing_assets"] == ["img/gone.png"]
    assert "缺失图片：图二" in body
    assert "![远程](https://example.org/x.png)" in body


def test_slugs_of_titles_mixing_latin_and_chinese_are_jiebas_reading():
    """A slug names a published page, so it must not change between versions: titles from the
    self-llm corpus (model names with versions beside Chinese) are cut as jieba cuts them,
    "0.3B" into "0.3" and "B", which jieba-rs, reading the rest of the build, keeps whole."""
    import unicodedata

    from gardener.sources import slugs
    from gardener.text.segmenter import jieba

    titles = ["01-ERNIE-4.5-0.3B-PT Lora 微调及 SwanLab 可视化记录",
              "02-GLM-4.1V-Thinking Gradio部署", "09-Qwen3-1.7B 医学推理式对话微调"]
    for title in titles:
        words = list(jieba().cut(unicodedata.normalize("NFKC", title)))
        assert slugs._tokens(title) == words
    assert "0-3-b" in slugs.slugify(titles[0]) and "4-1-v" in slugs.slugify(titles[1])
