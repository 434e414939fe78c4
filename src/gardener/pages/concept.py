"""What a concept page shows below its own note: names, related concepts, and the articles."""

from __future__ import annotations

from gardener.garden.concepts.index import ConceptIndex, related_concepts
from gardener.articles.model import Garden
from gardener.articles.model import Concept
from gardener.pages.common import article_date, md_text, rel_link


# The snippets repeat the articles' own sentences, which search already finds in the articles.
BACKLINKS_HEADING = "## 提到它的文章 {data-search-exclude}"
# A concept that most articles mention would otherwise list thousands of them on one page.
BACKLINKS_SHOWN = 100


def emit_concept_sections(concept: Concept, garden: Garden, index: ConceptIndex) -> str:
    sections = [_aliases(concept), _related(concept, garden, index), _articles(concept, index)]
    return "\n\n".join(s for s in sections if s) + "\n"


def _aliases(concept: Concept) -> str:
    return "## 别名\n\n" + " · ".join(md_text(a) for a in concept.aliases)


def _related(concept: Concept, garden: Garden, index: ConceptIndex) -> str:
    known = {c.slug: c for c in garden.concepts}
    rows = related_concepts(concept.slug, concept.related, index, set(known))
    if not rows:
        return ""
    lines = ["## 相关概念", ""]
    for slug, why in rows:
        other = known[slug]
        note = "" if why == "declared" else f" · {why}"
        lines.append(f"- [{md_text(other.title)}]({rel_link(concept.path, other.path)}){note}")
    return "\n".join(lines)


def _articles(concept: Concept, index: ConceptIndex) -> str:
    links = index.backlinks.get(concept.slug, ())
    if not links:
        return f"{BACKLINKS_HEADING}\n\n还没有文章提到这个概念。"
    lines = [BACKLINKS_HEADING, ""]
    if len(links) > BACKLINKS_SHOWN:
        lines += [f"共 {len(links)} 篇，以下是最新的 {BACKLINKS_SHOWN} 篇，其余的可以用搜索找到。", ""]
    for link in links[:BACKLINKS_SHOWN]:
        before, term, after = link.snippet
        quote = f"{md_text(before)}**{md_text(term)}**{md_text(after)}"
        lines.append(
            f"- {article_date(link.article)} · "
            f"[{md_text(link.article.title)}]({rel_link(concept.path, link.article.path)})"
            f"（{link.count} 次）<br><small>{quote}</small>"
        )
    return "\n".join(lines)
