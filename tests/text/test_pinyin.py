"""Pinyin for the glossary, spelled in a child process so a build never holds pypinyin."""

import subprocess
import sys
import threading
from contextlib import contextmanager

from gardener.text import pinyin
from tests.conftest import ROOT, fresh_python

POLYPHONES = ["长期记忆（Long-term Memory）", "重新训练", "银行", "调整学习率", "Transformer"]


def test_child_process_reads_phrases():
    spelled = pinyin.spellings(POLYPHONES)
    assert spelled == {
        "长期记忆（Long-term Memory）": "changqijiyi（Long-term Memory）",
        "重新训练": "chongxinxunlian",
        "银行": "yinhang",
        "调整学习率": "tiaozhengxuexilv",
    }  # English-only names need no pinyin


@contextmanager
def other_thread():
    """A second thread, as `mkdocs serve` has while it rebuilds: this process is not forked."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def test_same_answer_from_a_new_process_when_this_one_cannot_fork(monkeypatch):
    expected = pinyin.spellings(POLYPHONES)
    started = []
    run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: started.append(a) or run(*a, **k))
    with other_thread():
        assert pinyin.spellings(POLYPHONES) == expected
    assert len(started) == 1  # a new interpreter


def test_same_answer_in_process_when_no_child_can_start(monkeypatch):
    expected = pinyin.spellings(POLYPHONES)
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    with other_thread():
        assert pinyin.spellings(POLYPHONES) == expected


def test_a_build_process_loads_neither_pypinyin_nor_jieba_extras():
    """The garden and every generated page, as a build makes them, in a fresh interpreter."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from gardener.options import Options\n"
        "from gardener.pages.site import GardenSite\n"
        "from gardener.site.mkdocs.plugin import teach_segmenter\n"
        f"site = GardenSite(Path({str(ROOT / 'docs')!r}), Options())\n"
        "files = site.generated(set())\n"
        "teach_segmenter(site)\n"
        "assert 'concepts/long-term-memory.md' in files['glossary.md'], 'glossary incomplete'\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'pypinyin' "
        "or m in ('jieba.posseg', 'jieba.analyse'))\n"
        "print(loaded)\n"
    )
    assert fresh_python(code).strip() == "[]"
