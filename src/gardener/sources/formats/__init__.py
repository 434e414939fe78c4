"""Which kind of file a source is, and its text as Markdown for the cleaners.

The content decides before the extension: a PDF saved as .txt is still a PDF, and a page saved
without an extension is still HTML. Markdown and plain text (with YAML or TOML front-matter)
pass through unchanged.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from gardener.articles import matter
from gardener.articles.model import Diagnostic, GardenError
from gardener.sources.decoding import decode, screen_control
from gardener.sources.findings import Fact

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
SOURCE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES
_HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
                         re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
# The PDF header may follow a little junk (some writers put a few bytes before it).
PDF_HEADER_WINDOW = 1024


@dataclass
class Source:
    """A source file read as text: Markdown (front-matter included, if it had any) plus what its
    format said about it."""

    text: str
    kind: str  # "text", "html" or "pdf"
    facts: list[Fact] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the import report

    @property
    def single(self) -> bool:
        """A page or a PDF is one article: its level-1 headings do not split it."""
        return self.kind != "text"


def kind_of(path: Path, data: bytes) -> str:
    if b"%PDF-" in data[:PDF_HEADER_WINDOW] or path.suffix.lower() in PDF_SUFFIXES:
        return "pdf"
    if path.suffix.lower() in HTML_SUFFIXES or _HTML_START.match(data[:4096]):
        return "html"
    return "text"


def read_source(path: Path) -> Source:
    """The file's text and facts; GardenError naming the file (and line or page) if unreadable."""
    name = str(path)
    data = path.read_bytes()
    kind = kind_of(path, data)
    if kind == "pdf":
        from gardener.sources.formats.pdf import read_pdf  # pypdf loads only for PDFs

        if b"%PDF-" not in data[:PDF_HEADER_WINDOW]:
            raise GardenError(Diagnostic(name, "not a PDF (no %PDF- header); file skipped", "error", 1))
        text, facts, pdf_warnings = read_pdf(data, name)
        return Source(text, kind, facts, pdf_warnings)
    warnings: list[Diagnostic] = []  # stray control characters dropped while decoding
    text = _decode_html(data, name, warnings) if kind == "html" else decode(data, name, warnings)[0]
    if kind == "text":
        return Source(text, kind, warnings=warnings)
    from gardener.sources.formats.html import read_html  # trafilatura takes a second to import

    front_text, body, _line, _newline = matter.split(text)
    head = text[: len(text) - len(body)] if front_text is not None else ""
    markdown, facts, page_warnings, notes = read_html(body, name, path.parent)
    return Source(head + markdown, kind, facts, warnings + page_warnings, notes)


def _decode_html(data: bytes, name: str, warnings: list[Diagnostic]) -> str:
    """The charset the page declares, if it reads cleanly; otherwise the usual decoding chain."""
    declared = _CHARSET.search(data[:4096])
    if declared:
        try:
            encoding = codecs.lookup(declared.group(1).decode("ascii")).name
            text = data.decode(encoding).lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
            return screen_control(text, name, warnings)  # lxml refuses text holding them
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data, name, warnings)[0]
