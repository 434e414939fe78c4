"""Front-matter taken from the build before while serving equals what MkDocs parses."""

from __future__ import annotations

from mkdocs.utils import meta

from gardener.site.mkdocs.front_matter import FrontMatter
from tests.site.conftest import ARTICLES

TEXTS = [
    "---\ntitle: 标题\ndate: 2023-05-18\ntags: [a, b]\n---\n\n正文。\n",
    "---\ntitle: [not, a, mapping\n---\n\nbroken YAML stays text\n",
    "---\n- a list\n---\nbody\n",
    "Title: MultiMarkdown\r\nAuthor: someone\r\n\r\nbody with\r\nCRLF\r\n",
    "no front-matter at all\n",
    "",
    *(path.read_text(encoding="utf-8") for path in ARTICLES[:5]),
]


def test_reused_front_matter_equals_mkdocs_parse():
    parse = meta.get_data
    memo = FrontMatter()
    for _ in range(3):  # parsed, then reused from the build before, twice
        memo.start()
        assert meta.get_data == memo.get_data
        for text in TEXTS:
            assert meta.get_data(text) == parse(text), text[:40]
        memo.finish()
        assert meta.get_data is parse
    assert memo.reused == len(TEXTS) and memo.parsed == 0


def test_each_page_gets_its_own_front_matter():
    memo = FrontMatter()
    memo.start()
    first = meta.get_data(TEXTS[0])[1]
    first["tags"].append("changed by a plugin")
    memo.finish()
    memo.start()
    again = meta.get_data(TEXTS[0])[1]
    memo.finish()
    assert again["tags"] == ["a", "b"]


def test_a_changed_text_is_parsed_again():
    memo = FrontMatter()
    memo.start()
    meta.get_data(TEXTS[0])
    memo.finish()
    memo.start()
    edited = TEXTS[0].replace("title: 标题", "title: 新标题")
    assert meta.get_data(edited)[1]["title"] == "新标题"
    memo.finish()
    assert memo.parsed == 1 and memo.reused == 0


def test_a_failed_build_puts_the_parser_back_and_keeps_what_it_read():
    parse = meta.get_data
    memo = FrontMatter()
    memo.start()
    meta.get_data(TEXTS[0])
    memo.finish(succeeded=False)
    assert meta.get_data is parse
    memo.start()
    meta.get_data(TEXTS[0])
    memo.finish()
    assert memo.reused == 1
