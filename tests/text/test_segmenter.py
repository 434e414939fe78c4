"""gardener's readers choose the words jieba in Python chooses, on real text, with and without the
garden's own words; the dictionary counts are jieba's."""

from __future__ import annotations

import re

import pytest

from gardener.garden.loading import load_garden
from gardener.text import segmenter
from tests.conftest import ROOT, fresh_python

CHINESE_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def fixture_texts() -> list[str]:
    paths = (sorted((ROOT / "docs").rglob("*.md"))
             + sorted((ROOT / "tests" / "fixtures" / "corpora").rglob("*.md"))
             + sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*")))
    return [p.read_text(encoding="utf-8", errors="replace") for p in paths if p.is_file()]


def chinese_of(text: str) -> str:
    # the way related articles and Material's search hand text over: runs of Chinese
    return "\n".join(CHINESE_RUN.findall(text))


def garden_words() -> list[str]:
    garden = load_garden(ROOT / "docs")
    return sorted({alias for concept in garden.concepts for alias in concept.aliases
                   if CHINESE_RUN.search(alias) and " " not in alias})


@pytest.fixture()
def python_jieba():
    """jieba in Python, its dictionary put back as it was after the test."""
    jieba = segmenter.jieba()
    tokenizer = jieba.dt
    tokenizer.check_initialized()
    words, total = dict(tokenizer.FREQ), tokenizer.total
    yield jieba
    tokenizer.FREQ, tokenizer.total = words, total
    segmenter.forget()


def test_the_stock_reading_is_jiebas_on_every_fixture(python_jieba):
    texts = [chinese_of(t) for t in fixture_texts()]
    assert sum(map(len, texts)) > 100_000  # enough Chinese to mean something
    for text in texts:
        for hmm in (True, False):
            assert segmenter.cut(text, hmm=hmm) == python_jieba.lcut(text, HMM=hmm)


def test_taught_words_read_as_jieba_reads_them_after_add_word(python_jieba):
    words = garden_words()
    assert len(words) > 50
    segmenter.forget()
    segmenter.teach(words)
    for word in words:  # jieba's own way: add_word without a frequency, in the same order
        python_jieba.add_word(word)
    assert dict(segmenter.taught()) == {w: python_jieba.dt.FREQ[w] for w in words}
    texts = [chinese_of(t) for t in fixture_texts()]
    changed = 0
    for text in texts:
        for hmm in (True, False):
            taught = segmenter.search_cut(text, hmm)
            assert taught == python_jieba.lcut(text, HMM=hmm)
            changed += taught != segmenter.cut(text, hmm=hmm)
    assert changed > 0  # the words taught did change some readings
    assert "缩放定律" in segmenter.search_cut("关于缩放定律的讨论")
    assert "缩放定律" not in segmenter.cut("关于缩放定律的讨论")  # the stock reader is untouched


def test_forget_puts_the_stock_reading_back_and_the_same_words_reuse_the_reader():
    segmenter.forget()
    segmenter.teach(["缩放定律"])
    first = segmenter._search_reader()
    assert segmenter.search_cut("缩放定律") == ["缩放定律"]
    segmenter.forget()
    assert segmenter.taught() == ()
    assert segmenter.search_cut("缩放定律") == segmenter.cut("缩放定律") != ["缩放定律"]
    segmenter.teach(["缩放定律"])
    assert segmenter._search_reader() is first  # a served rebuild teaching the same words
    segmenter.forget()
    segmenter.teach(["缩放定律", "思维链提示"])
    assert segmenter._search_reader() is first  # more words extend it
    segmenter.forget()
    segmenter.teach(["思维链提示"])
    assert segmenter._search_reader() is not first  # other words: a reader of their own
    assert segmenter.search_cut("缩放定律") != ["缩放定律"]
    segmenter.forget()


def test_dictionary_counts_are_jiebas(python_jieba):
    freq = python_jieba.dt.FREQ
    words = ["模型", "推理", "对齐", "注意力", "强化学习", "缩放定律", "提"]
    prefixes = [w for w, n in list(freq.items())[:200_000:997] if n == 0][:20]
    absent = ["缩放定律X", "龘龘龘"]
    counts = segmenter.dictionary_counts(words + prefixes + absent)
    assert prefixes and all(counts[p] == 0 for p in prefixes)
    for word in words:
        assert counts.get(word) == freq.get(word), word
    assert not any(w in counts for w in absent)
    assert segmenter._total() == python_jieba.dt.total


def test_a_reading_begun_ahead_answers_for_the_words_and_their_pieces(monkeypatch):
    words = garden_words()
    fresh_counts = segmenter.dictionary_counts(words)
    segmenter.forget()
    segmenter.teach(words)
    fresh_taught = segmenter.taught()
    segmenter.forget()
    monkeypatch.setattr(segmenter, "_readings", [])
    monkeypatch.setattr(segmenter, "_read_ahead", [])
    keep = segmenter.dictionary_begun(words)  # read by a forked child
    keep()
    assert segmenter._readings, "the child's reading is kept"

    def no_second_reading(wanted):
        raise AssertionError(f"the dictionary was read again for {len(wanted)} words")
    monkeypatch.setattr(segmenter, "_read_dictionary", no_second_reading)
    assert segmenter.dictionary_counts(words) == fresh_counts
    assert segmenter.dictionary_counts(words[:3]) == {
        w: n for w, n in fresh_counts.items() if w in words[:3]}
    segmenter.teach(words)
    segmenter.prepare_search_reader()
    assert segmenter.taught() == fresh_taught  # the same frequencies as read here
    segmenter.forget()


def test_a_reading_for_other_words_reads_the_dictionary_again(monkeypatch):
    monkeypatch.setattr(segmenter, "_readings", [])
    monkeypatch.setattr(segmenter, "_read_ahead", [])
    segmenter.dictionary_begun(["缩放定律"])()
    read = []
    original = segmenter._read_dictionary
    monkeypatch.setattr(segmenter, "_read_dictionary",
                        lambda wanted: read.append(wanted) or original(wanted))
    assert segmenter.dictionary_counts(["缩放"]) == {"缩放": segmenter.dictionary_counts(
        ["缩放定律", "缩放"])["缩放"]}
    assert read == []  # a piece of a word read ahead
    segmenter.dictionary_counts(["对齐"])
    assert read == [frozenset({"对齐"})]


def test_a_build_process_leaves_reading_the_dictionary_and_word_list_to_children():
    """The garden, as a build analyses it, then the search reader made as before the page
    worker's fork: jieba's dictionary file and wordfreq's list are read by children, in a
    fresh interpreter."""
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from gardener.options import Options\n"
        "from gardener.text import segmenter\n"
        "from gardener.pages.site import GardenSite\n"
        "from gardener.site.mkdocs.plugin import teach_segmenter\n"
        "here, read = os.getpid(), []\n"
        "original = segmenter._read_dictionary\n"
        "def reading(wanted):\n"
        "    if os.getpid() == here:\n"
        "        read.append(len(wanted))\n"
        "    return original(wanted)\n"
        "segmenter._read_dictionary = reading\n"
        f"site = GardenSite(Path({str(ROOT / 'docs')!r}), Options())\n"
        "teach_segmenter(site)\n"
        "segmenter.prepare_search_reader()\n"
        "assert segmenter.taught(), 'no word taught'\n"
        "print(read, 'wordfreq' in sys.modules)\n"
    )
    assert fresh_python(code).strip() == "[] False"
