"""PDFs: every character of the text layer in order, sentences rejoined across lines and pages,
Title/Author/CreationDate from the info dict with their evidence, bad files named and skipped."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from itertools import pairwise

import pypdf
import pytest

from gardener.sources.importing import import_sources
from tests.conftest import outside_git
from tests.sources.formats_support import FIXTURES, read_article

CHINESE = FIXTURES / "hex-vs-rgb-vs-hsl.pdf"
ENGLISH = FIXTURES / "shared-mime-info-spec.pdf"
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    into = tmp_path_factory.mktemp("pdf") / "articles"
    copy = outside_git([FIXTURES], into.parent)[0]  # images beside the pages come along
    result = import_sources([copy / p.name for p in (CHINESE, ENGLISH)], into)
    assert result.failures == []
    return {a.origin: a for a in result.articles}


def text_layer(path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_every_chinese_character_is_kept_in_order(imported):
    _front, body = read_article(imported[CHINESE.name].path)
    assert CJK.findall(body) == CJK.findall(text_layer(CHINESE))


def test_no_line_break_is_left_between_two_chinese_characters(imported):
    _front, body = read_article(imported[CHINESE.name].path)
    source = text_layer(CHINESE)
    assert len(re.findall(r"[\u3400-\u9fff]\n[\u3400-\u9fff]", source)) > 20  # it was wrapped
    assert not re.search(r"[\u3400-\u9fff]\n[\u3400-\u9fff]", body)
    spaced = r"[\u3400-\u9fff] [\u3400-\u9fff]"  # joining put no space between two characters
    assert len(re.findall(spaced, body)) <= len(re.findall(spaced, source))


def test_a_sentence_split_by_a_page_break_is_one_paragraph(imported):
    _front, body = read_article(imported[CHINESE.name].path)
    pages = [p.extract_text().strip() for p in pypdf.PdfReader(CHINESE).pages]
    for before, after in pairwise(pages):
        last, first = before.split("\n")[-1], after.split("\n")[0]
        if CJK.match(last[-1]) and CJK.match(first[0]):  # broken mid-sentence
            assert last.strip().lstrip("• ") + first.strip() in body


def test_bullets_become_list_items(imported):
    _front, body = read_article(imported[CHINESE.name].path)
    bullets = text_layer(CHINESE).count("•")
    assert bullets and "•" not in body
    assert len(re.findall(r"^\s*- \S", body, re.MULTILINE)) == bullets


def test_info_dict_gives_title_and_author_with_evidence(imported):
    article = imported[CHINESE.name]
    front, _body = read_article(article.path)
    info = pypdf.PdfReader(CHINESE).metadata
    assert front["title"] == info.title
    assert front["authors"] == [info.author]
    assert article.inferred.provenance["title"] == "PDF info /Title"
    assert article.inferred.provenance["authors"] == "PDF info /Author"


def test_creation_date_is_reported_but_never_written(imported):
    # The fixture was converted long after its article was published: CreationDate is the day
    # of conversion, so writing it would invent a publication date.
    article = imported[CHINESE.name]
    front, _body = read_article(article.path)
    stamp = pypdf.PdfReader(CHINESE).metadata["/CreationDate"]  # D:YYYYMMDD...
    assert "date" not in front
    value, where = article.inferred.withheld["date"]
    assert value.iso() == f"{stamp[2:6]}-{stamp[6:8]}-{stamp[8:10]}"
    assert where == "PDF info /CreationDate"


def test_empty_info_fields_leave_the_title_to_the_text(imported):
    article = imported[ENGLISH.name]
    info = pypdf.PdfReader(ENGLISH).metadata
    assert not info.title and not info.author
    front, body = read_article(article.path)
    assert "PDF" not in article.inferred.provenance["title"]
    assert front["title"] in text_layer(ENGLISH).split("\n")[0]
    # Every word of the first page survives (the cleaners only drop furniture between pages).
    first_page = pypdf.PdfReader(ENGLISH).pages[0].extract_text()
    words = re.findall(r"[A-Za-z]{4,}", first_page)
    assert all(word in body for word in words)


def test_broken_pdfs_are_named_and_the_rest_imports(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(CHINESE, src / "good.pdf")
    (src / "truncated.pdf").write_bytes(CHINESE.read_bytes()[:3000])
    (src / "notes.pdf").write_text("just some text, saved with the wrong extension\n", encoding="utf-8")
    # A PDF saved as .txt is still read as a PDF.
    shutil.copy(ENGLISH, src / "spec.txt")
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "gardener.site.cli", "import", str(src), "--into", str(out)],
                         capture_output=True, text=True)
    text = run.stdout + run.stderr
    assert run.returncode == 1 and "Traceback" not in text
    assert "truncated.pdf" in text and "notes.pdf" in text and "not a PDF" in text
    written = sorted(p.name for p in out.glob("*.md"))
    assert len(written) == 2
    assert any("Shared MIME-info" in p.read_text(encoding="utf-8") for p in out.glob("*.md"))
