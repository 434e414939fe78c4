"""A concept page that many articles mention: the newest are quoted, older ones only listed."""

from __future__ import annotations

import re

from gardener.garden.cache import AnalysisCache
from gardener.options import Options
from gardener.pages import concept
from gardener.pages.common import unpacked_html
from gardener.pages.site import GardenSite
from tests.site.test_navigation import add_articles


def test_only_the_newest_citations_carry_quotes(repo_copy):
    add_articles(repo_copy)  # 66 more articles, each with a real seed article's text
    site = GardenSite(repo_copy / "docs", Options(timeline_file=str(repo_copy / "timeline.yml")),
                      AnalysisCache())
    busiest = max(site.garden.concepts, key=lambda c: len(site.concepts.backlinks.get(c.slug, ())))
    cited = len(site.concepts.backlinks[busiest.slug])
    assert cited > concept.QUOTED
    page = concept.inputs(site.view, busiest, busiest.body)
    section = unpacked_html(concept._articles(page))  # as the page shows it
    entries = re.findall(r"<li>(.*?)</li>", section)
    assert len(entries) == min(cited, concept.BACKLINKS_SHOWN)
    quoted = [line for line in entries if "<small>" in line]
    assert quoted == entries[:concept.QUOTED]
    # newest first, as the quotes are of the newest
    dates = [re.match(r"(\S+) ·", line).group(1) for line in entries]
    assert [d for d in dates if d != "日期不详"] == sorted((d for d in dates if d != "日期不详"), reverse=True)
