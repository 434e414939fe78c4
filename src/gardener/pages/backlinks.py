"""The pages that link to a page, listed at its end with the sentence around each link."""

from __future__ import annotations

from typing import Mapping, Sequence

from gardener.garden.backlinks import Citation
from gardener.pages.common import md_text, rel_link

ARTICLE_HEADING = "链接到本文"
CONCEPT_HEADING = "引用本页"
# A page half the garden links to would otherwise carry thousands of quotes.
SHOWN = 50


def emit_backlinks(page_path: str, citations: Sequence[Citation], titles: Mapping[str, str],
                   *, concept: bool = False) -> str:
    """A Markdown section, or "" when nothing links here. The quotes repeat other pages' text,
    which search finds there already, so the section stays out of the search index."""
    if not citations:
        return ""
    heading = CONCEPT_HEADING if concept else ARTICLE_HEADING
    lines = [f"## {heading} {{data-search-exclude}}", "", '<div class="gd-backlinks" markdown>', ""]
    if len(citations) > SHOWN:
        lines += [f"共 {len(citations)} 个页面链接到这里，以下是其中 {SHOWN} 个。", ""]
    for citation in citations[:SHOWN]:
        before, words, after = citation.context
        quote = f"{md_text(before)}**{md_text(words)}**{md_text(after)}"
        title = md_text(titles.get(citation.source, citation.source))
        lines.append(f"- [{title}]({rel_link(page_path, citation.source)})<br><small>{quote}</small>")
    lines += ["", "</div>", ""]
    return "\n".join(lines)
