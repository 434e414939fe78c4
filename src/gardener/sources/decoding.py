"""Bytes to text for Chinese and English sources.

Charset detection guesses badly on short Chinese text, so the chain is deliberate: a BOM decides;
otherwise strict UTF-8; otherwise strict GB18030 (a superset of GBK and GB2312), accepted only if
it yields no private-use characters, which is what GB18030 produces when fed another encoding.
"""

from __future__ import annotations

import codecs
import re

from gardener.model import Diagnostic, GardenError

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
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise _undecodable(path, data, utf8_error, "utf-8 or gb18030") from None
        if _PRIVATE_USE.search(text):
            raise _undecodable(path, data, utf8_error, "utf-8 or gb18030") from None
        return text, "gb18030"


def _undecodable(path: str, data: bytes, exc: UnicodeDecodeError, tried: str) -> GardenError:
    line = data.count(b"\n", 0, exc.start) + 1
    return GardenError(
        Diagnostic(path, f"cannot decode as {tried} (byte offset {exc.start}); file skipped",
                   "error", line)
    )
