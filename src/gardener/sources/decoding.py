"""Bytes to text for Chinese and English sources.

Charset detection guesses badly on short Chinese text, so the chain is deliberate: a BOM decides;
otherwise strict UTF-8; otherwise strict GB18030 (a superset of GBK and GB2312) or strict Big5,
each accepted only if it yields no private-use characters (what GB18030 produces when fed another
encoding), the one whose characters are everyday ones winning.
"""

from __future__ import annotations

import codecs
import re

from gardener.articles.model import Diagnostic, GardenError
from gardener.text.cjk import CJK_CHAR

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff\U000f0000-\U0010ffff]")
# Control characters other than tab, newline, carriage return and form feed mark binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode(data: bytes, path: str) -> tuple[str, str]:
    """(text with LF line endings and no BOM, encoding name); GardenError if it is not text."""
    if not data.strip():
        raise GardenError(Diagnostic(path, "empty file", "error"))
    text, encoding = _decode(data, path)
    if len(_CONTROL.findall(text[:65536])) > 0:
        raise GardenError(Diagnostic(path, "binary data, not text (control bytes found)", "error"))
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _decode(data: bytes, path: str) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff"), encoding.removesuffix("-sig")
            except UnicodeDecodeError as exc:
                raise _undecodable(path, data, exc, encoding) from None
    if b"\x00" in data[:65536]:
        raise GardenError(Diagnostic(path, "binary data, not text (NUL bytes found)", "error"))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        readings = []
        for encoding in ("gb18030", "big5"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not _PRIVATE_USE.search(text):
                readings.append((_common_share(text, encoding), encoding == "gb18030", encoding, text))
        if not readings:
            raise _undecodable(path, data, utf8_error, "utf-8, gb18030 or big5") from None
        # GB18030 accepts almost every Big5 byte pair, as rare characters: short Big5 text can
        # slip past the private-use test as mojibake. The reading made of everyday characters
        # wins; a tie goes to GB18030.
        _share, _gb, encoding, text = max(readings)
        return text, encoding


def _common_share(text: str, encoding: str) -> float:
    """Share of the CJK characters that are everyday ones in this encoding: GB2312 for GB18030,
    Big5's frequently used level 1 (lead bytes A4-C6) for Big5."""
    cjk = CJK_CHAR.findall(text[:20000])
    if not cjk:
        return 0.0
    common = 0
    for char in cjk:
        try:
            if encoding == "gb18030":
                char.encode("gb2312")
                common += 1
            else:
                common += 0xA4 <= char.encode("big5")[0] <= 0xC6
        except UnicodeEncodeError:
            pass
    return common / len(cjk)


def _undecodable(path: str, data: bytes, exc: UnicodeDecodeError, tried: str) -> GardenError:
    line = data.count(b"\n", 0, exc.start) + 1
    return GardenError(
        Diagnostic(path, f"cannot decode as {tried} (byte offset {exc.start}); file skipped",
                   "error", line)
    )
