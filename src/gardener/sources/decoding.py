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
# Control characters other than tab, newline, carriage return and form feed: no page can show
# them. A stray one (a pasted backspace, a terminal colour code) is dropped; text with many of
# them is binary data. U+FFFE and U+FFFF are no characters at all (what a byte-swapped BOM
# decodes to) and XML, hence lxml, refuses them like the control characters.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffe\uffff]")
# Without a BOM, every encoding read here keeps these bytes for these characters alone.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
BINARY_SHARE = 0.01
REPORTED_LINES = 5
# UTF-16 without a BOM shows itself by its zero bytes: every ASCII character (newlines, spaces,
# Markdown marks) has one, always on the same side of the pair. Chinese text has few ASCII
# characters, but its lines still end in one.
UTF16_ZERO_SHARE = 0.05


def decode(data: bytes, path: str, warnings: list[Diagnostic] | None = None) -> tuple[str, str]:
    """(text with LF line endings and no BOM, encoding name); GardenError if it is not text.

    An empty file raises a warning-severity GardenError: there is nothing to import, and nothing
    wrong. Stray control characters are dropped, each line that had some named in `warnings`."""
    if not data.strip():
        raise GardenError(Diagnostic(path, "empty file; nothing imported", "warning"))
    text, encoding = _decode(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(text):
        text = screen_control(text, path, warnings if warnings is not None else [])
    return text, encoding


def screen_control(text: str, path: str, warnings: list[Diagnostic]) -> str:
    """The text without stray control characters, each line that had some reported; binary
    data (too many of them) is a GardenError."""
    if len(_CONTROL.findall(text)) > max(1, len(text) * BINARY_SHARE):
        raise GardenError(Diagnostic(path, "binary data, not text (control bytes found)", "error"))
    hit = control_lines(text)
    for n, codes in hit[:REPORTED_LINES]:
        warnings.append(Diagnostic(path, f"dropped control characters ({codes})", "warning", n))
    if len(hit) > REPORTED_LINES:
        warnings.append(Diagnostic(path, f"dropped control characters on {len(hit) - REPORTED_LINES} "
                                   "more lines", "warning", hit[REPORTED_LINES][0]))
    return drop_control(text)


def _decode(data: bytes, path: str) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff"), encoding.removesuffix("-sig")
            except UnicodeDecodeError as exc:
                raise _undecodable(path, data, exc, encoding) from None
    head = data[:65536]
    utf16 = _utf16_without_bom(head)
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError as exc:
            raise _undecodable(path, data, exc, f"{utf16} (it has no BOM)") from None
    if len(_CONTROL_BYTES.findall(head)) > max(1, len(head) * BINARY_SHARE):
        raise GardenError(Diagnostic(path, "binary data, not text (control bytes found)", "error"))
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


def _utf16_without_bom(head: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when zero bytes sit on one side of the byte pairs only."""
    pairs = len(head) // 2
    if pairs == 0:
        return None
    even, odd = head[0:pairs * 2:2].count(0), head[1:pairs * 2:2].count(0)
    if odd >= pairs * UTF16_ZERO_SHARE and even <= odd // 20:
        return "utf-16-le"
    if even >= pairs * UTF16_ZERO_SHARE and odd <= even // 20:
        return "utf-16-be"
    return None


def control_lines(text: str) -> list[tuple[int, str]]:
    """(line, "U+0000, …") for each line holding control characters no page can show."""
    if not _CONTROL.search(text):
        return []
    return [(n, ", ".join(sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(line)})))
            for n, line in enumerate(text.split("\n"), 1) if _CONTROL.search(line)]


def drop_control(text: str) -> str:
    """Text without the control characters no page can show (tab, newlines, form feed stay)."""
    return _CONTROL.sub("", text)


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
