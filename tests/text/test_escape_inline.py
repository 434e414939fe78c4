"""escape_inline: user text (titles, names, events) written into generated Markdown shows as
exactly that text through the site's own Markdown, wherever it lands, formulas included: a
title "GPT-3.5 (text-davinci-002)" is no formula, nor is "$5 to $10" or "[Draft] … [v2]"."""

from __future__ import annotations

import lxml.html
import markdown
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gardener.text.markdown import escape_inline, one_line
from tests.conftest import ROOT


def site_markdown() -> markdown.Markdown:
    """The site's Markdown as mkdocs.yml sets it up (gardener's own extension aside: it only
    changes how articles' own text is read)."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.Loader)
    names, configs = [], {}
    for item in config["markdown_extensions"]:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, {})
        if not name.startswith("gardener."):
            names.append(name)
            configs[name] = options or {}
    return markdown.Markdown(extensions=names, extension_configs=configs)


MD = site_markdown()
texts = st.text(st.sampled_from(list("ab 中文()[]{}$\\`*_#+-.!>|&<\"'")), min_size=1, max_size=30)
PLACES = ("- {}", "- [{}](x.md)", "## {}", "| {} |\n|---|\n| x |", "段落里的 {} 一句")


@settings(max_examples=300, deadline=None)
@given(texts)
@example("GPT-3.5 (text-davinci-002) 发布")
@example("价格 $5 到 $10，公式 $a$ 与 \\(b\\)")
@example("[Draft] GPT-4 report [v2]")
def test_escaped_text_shows_as_itself_wherever_it_lands(text):
    shown = one_line(text)
    if not shown:
        return
    for place in PLACES:
        MD.reset()
        html = MD.convert(place.format(escape_inline(text)))
        assert "arithmatex" not in html, (place, text, html)
        element = lxml.html.fragment_fromstring(html, create_parent="div")
        found = element.xpath("(//li | //h2 | //th | //p)[1]")[0]
        assert found.text_content().replace("¶", "") == (
            f"段落里的 {shown} 一句" if place.startswith("段落") else shown), (place, html)
