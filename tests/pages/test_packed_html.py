"""The HTML gardener adds to pages travels through Python-Markdown packed in a comment and comes
out as the HTML itself would have: the same page, byte for byte, for every page of the garden."""

from __future__ import annotations

import markdown
from mkdocs.config import load_config

from gardener.options import Options
from gardener.pages.common import html_list, packed_html, unpacked_html
from gardener.pages.site import GardenSite
from gardener.site import packed_html as extension
from tests.conftest import ROOT


def test_a_packed_block_holds_any_html():
    block = ('<div class="gd-x"><ul>\n<li>GPT-3 -- 对比 --> 100%2D <a href="a?b=1&amp;c">链接</a>'
             '</li>\n</ul></div>\n\n')
    packed = packed_html(block)
    assert packed.endswith("-->\n\n") and packed.count("--") == 2  # only its own ends
    assert unpacked_html(f"前文\n\n{packed}后文") == f"前文\n\n{block}后文"
    assert unpacked_html(html_list("gd-y", ["一", "二"])) == \
        '<div class="gd-y"><ul>\n<li>一</li>\n<li>二</li>\n</ul></div>\n'
    for text in ("%", "%25", "%2D", "-%2D-", "%%2D25", "--->"):  # every escape comes back
        assert unpacked_html(packed_html(text)) == text


def test_every_page_renders_the_same_packed_or_not():
    """Each article and concept page of the repository's garden, through the repository's
    Markdown extensions: packed and unpacked with the extension, the HTML as written without."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    names = [n for n in config.markdown_extensions if n != extension.NAME]
    site = GardenSite(ROOT / "docs", Options(timeline_file=str(ROOT / "timeline.yml")))
    pages = [(a.path, a.body) for a in site.garden.articles] + \
            [(c.path, c.body) for c in site.garden.concepts]
    packed_pages = 0
    for path, body in pages:
        packed = site.page_markdown(path, body, packed=True)
        plain = site.page_markdown(path, body)
        assert plain == unpacked_html(packed)
        packed_pages += packed != plain
        with_html = markdown.Markdown(extensions=names, extension_configs=config.mdx_configs)
        with_packs = markdown.Markdown(extensions=[*names, extension.NAME],
                                      extension_configs=config.mdx_configs)
        assert with_packs.convert(packed) == with_html.convert(plain), path
    assert packed_pages >= len(site.garden.articles)  # every article carries packed lists
