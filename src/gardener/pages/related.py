""""相关文章": the articles most like this one, with the concepts they share."""

from __future__ import annotations

from typing import Mapping, Sequence

from gardener.articles.model import Article, Concept
from gardener.garden.similarity import Related
from gardener.pages.common import article_date, md_text, rel_link

HEADING = "相关文章"


def emit_related(page_path: str, related: Sequence[Related], articles: Mapping[str, Article],
                 concepts: Mapping[str, Concept]) -> str:
    """A Markdown section, or "" when no article is close enough to name."""
    rows = [r for r in related if r.path in articles]
    if not rows:
        return ""
    lines = [f"## {HEADING} {{data-search-exclude}}", "", '<div class="gd-related" markdown>', ""]
    for row in rows:
        article = articles[row.path]
        shared = [md_text(concepts[s].title) for s in row.concepts if s in concepts]
        why = f' <span class="gd-related__why">共同概念：{"、".join(shared)}</span>' if shared else ""
        lines.append(f"- {article_date(article)} · "
                     f"[{md_text(article.title)}]({rel_link(page_path, article.path)}){why}")
    lines += ["", "</div>", ""]
    return "\n".join(lines)
