"""The one definition of CJK text, and the stages that count on it."""

from __future__ import annotations

import unicodedata

import pytest

from gardener.articles.model import reading_minutes
from gardener.sources.inference import detect_lang
from gardener.sources.slugs import slugify
from gardener.text.cjk import CJK_RUN, PUNCTUATION_CHAR, count_cjk, has_cjk, is_cjk, is_wide


@pytest.mark.parametrize("char", ["中", "\u3400", "\u4dbf", "\u4e00", "\u9fff", "\uf900", "\ufaff", "﨑"])
def test_ideographs_of_every_range(char):
    assert is_cjk(char) and has_cjk(f"a{char}b") and count_cjk(char * 3) == 3


@pytest.mark.parametrize("char", ["，", "。", "「", "\u3000", "！", "Ａ", "１", "a", "\u4dc0", "\u3099"])
def test_punctuation_full_width_letters_and_hexagrams_are_not_ideographs(char):
    assert not is_cjk(char)


def test_punctuation_is_its_own_class():
    assert all(PUNCTUATION_CHAR.fullmatch(c) for c in "，。、「」《》！？：；（）\u3000")
    assert not any(PUNCTUATION_CHAR.fullmatch(c) for c in "中Ａａ１a,")


def test_wide_is_everything_set_full_width():
    assert all(is_wide(c) for c in "中，。「\u3000Ａ１！\uf900")
    assert not any(is_wide(c) for c in "a1,.-\u00a0é")


def test_every_unicode_ideograph_of_the_bmp_is_counted():
    # unicodedata names every ideograph of these blocks "CJK ... IDEOGRAPH-XXXX".
    named = [chr(c) for c in range(0x3400, 0xFB00)
             if unicodedata.name(chr(c), "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))]
    assert named and all(is_cjk(c) for c in named)
    assert CJK_RUN.fullmatch("".join(named))


def test_compatibility_ideographs_count_everywhere():
    # U+F9xx characters come out of some PDF and Big5 conversions; once only some stages knew them.
    text = "\uf900\uf901\uf902" * 1000 + " model"
    assert reading_minutes(text) == 8  # 3,000 characters at 400 a minute
    assert detect_lang(text) == "zh"
    assert slugify("\uf900\uf901", fallback="x") != "x"
