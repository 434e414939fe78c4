"""A Python-Markdown extension that puts back the HTML gardener packs into its pages.

gardener writes the lists it adds to every page (concepts, related articles, backlinks, the
local graph) as HTML, packed into one HTML comment each (`pages.common.packed_html`):
Python-Markdown would otherwise parse every tag of that HTML only to pass it through unchanged,
most of the cost of rendering a page. This extension's last step replaces each packed comment by
the HTML it holds, so the rendered page is the one the HTML itself would have given.

The gardener MkDocs plugin adds it to `markdown_extensions` and packs the HTML only then; for
any other builder (`gardener export`) the Markdown holds the HTML itself. With `unsearched:
false` the blocks in sections search leaves out stay packed: the plugin unpacks them once
Material's search has read the page (see `pages.common.packed_html`).
"""

from __future__ import annotations

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

from gardener.pages.common import unpacked_html

NAME = "gardener.site.packed_html"


class _Unpack(Postprocessor):
    def __init__(self, md: Markdown, unsearched: bool) -> None:
        super().__init__(md)
        self.unsearched = unsearched

    def run(self, text: str) -> str:
        return unpacked_html(text, unsearched=self.unsearched)


class PackedHtmlExtension(Extension):
    def __init__(self, **kwargs) -> None:
        self.config = {"unsearched": [True, "unpack the blocks search leaves out too"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # after every other step: the raw HTML is back in place (30) and unescaped (10)
        md.postprocessors.register(_Unpack(md, bool(self.getConfig("unsearched"))),
                                   "gardener_packed_html", 1)


def makeExtension(**kwargs) -> PackedHtmlExtension:  # noqa: N802 (Python-Markdown's name)
    return PackedHtmlExtension(**kwargs)
