"""The lists in sections search leaves out (backlinks, related articles, the local graph) stay
packed until Material's search has read the page: search reads them as one comment each, and
the site is the one a build unpacking them straight after rendering makes."""

from __future__ import annotations

from pathlib import Path

from gardener.pages.common import html_list, packed_html, unpacked_html
from tests.conftest import fresh_python

# Builds the garden in a fresh process and says how many pages search read with blocks still
# packed. "render" unpacks every block straight after rendering, as builds did before.
SCRIPT = """
import sys
from material.plugins.search import plugin as search
from mkdocs.commands.build import build
from mkdocs.config import load_config
from gardener.site.mkdocs import plugin
read_packed = []
add_entry = search.SearchIndex.add_entry_from_context
def reading(self, page):
    read_packed.append("<!--gardener-html-unsearched:" in (page.content or ""))
    add_entry(self, page)
search.SearchIndex.add_entry_from_context = reading
if sys.argv[3] == "render":
    on_config = plugin.GardenerPlugin.on_config
    def unpacking_at_render(self, config):
        config = on_config(self, config)
        self.only_known_readers = False
        config.mdx_configs[plugin.packed_html.NAME]["unsearched"] = True
        return config
    plugin.GardenerPlugin.on_config = unpacking_at_render
config = load_config(sys.argv[1], site_dir=sys.argv[2])
config.plugins["gardener"].config.parallel_build = False
build(config)
print("read packed:", sum(read_packed))
"""


def build(root: Path, site: Path, unpacked: str) -> int:
    output = fresh_python(SCRIPT, str(root / "mkdocs.yml"), str(site), unpacked, cwd=root)
    return int(output.split("read packed: ")[1].split()[0])


def test_search_reads_left_out_lists_packed_and_the_site_is_the_same(repo_copy):
    after = build(repo_copy, repo_copy / "site-after", "search")
    at_render = build(repo_copy, repo_copy / "site-render", "render")
    assert after > 20 and at_render == 0
    made = sorted(p.relative_to(repo_copy / "site-after")
                  for p in (repo_copy / "site-after").rglob("*") if p.is_file())
    assert made == sorted(p.relative_to(repo_copy / "site-render")
                          for p in (repo_copy / "site-render").rglob("*") if p.is_file())
    for path in made:  # every page and the search index, byte for byte
        ours = (repo_copy / "site-after" / path).read_bytes()
        assert ours == (repo_copy / "site-render" / path).read_bytes(), path
        assert b"<!--gardener-html" not in ours, path


def test_a_left_out_block_is_kept_packed_only_when_asked():
    block = html_list("gd-related", ['<a href="../a/">A -- 1%</a>'], searched=False)
    assert block.startswith("<!--gardener-html-unsearched:")
    kept = unpacked_html("text " + block, unsearched=False)
    assert kept == "text " + block
    assert unpacked_html(kept) == "text " + unpacked_html(block)
    assert "A -- 1%" in unpacked_html(block) and "<!--" not in unpacked_html(block)


def test_a_block_holding_search_attributes_is_never_kept_for_later():
    # Material's search takes `data-search-*` attributes out of the HTML it has read
    block = packed_html('<div data-search-boost="2">x</div>', searched=False)
    assert not block.startswith("<!--gardener-html-unsearched:")
    assert unpacked_html(block, unsearched=False) == '<div data-search-boost="2">x</div>'
