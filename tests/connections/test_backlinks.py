"""Links between pages, both ways, on the imported gold-miner garden."""

from __future__ import annotations

from gardener.garden.backlinks import link_pages, local_target, page_references
from gardener.garden.loading import load_garden
from gardener.garden.wikilinks import WikiIndex
from tests.connections.conftest import append, article_file


def links_of(root):
    garden = load_garden(root / "docs")
    pages = [p.path for p in (*garden.articles, *garden.concepts)]
    bodies = {a.path: a.body for a in garden.articles} | {c.path: c.body for c in garden.concepts}
    references = {path: page_references(path, body) for path, body in bodies.items()}
    listed = [a.path for a in garden.articles if a.listed] + [c.path for c in garden.concepts]
    return link_pages(references, WikiIndex(garden.articles, garden.concepts), pages, listed)


def test_markdown_links_and_wikilinks_count_both_ways(garden, n):
    append(article_file(garden, n.graphql), f"\n更多细节见[这篇文章]({n.features}.md)。\n")
    append(article_file(garden, n.tc39), f"\n标准化流程与 [[{n.features}|GraphQL 的小众特性]] 无关。\n")
    append(article_file(garden, n.features), f"\n回到 [[{n.graphql}]]，另见 [[RLHF]]。\n")
    links = links_of(garden)
    target = f"articles/{n.features}.md"
    sources = [c.source for c in links.incoming[target]]
    assert sorted(sources) == sorted([f"articles/{n.graphql}.md", f"articles/{n.tc39}.md"])
    assert links.outgoing[target] == (f"articles/{n.graphql}.md", "concepts/rlhf.md")
    assert [c.source for c in links.incoming["concepts/rlhf.md"]] == [target]
    quote = next(c for c in links.incoming[target] if c.source.endswith(f"{n.tc39}.md")).context
    assert quote[1] == "GraphQL 的小众特性" and "标准化流程与" in quote[0] and "无关" in quote[2]


def test_self_links_code_and_unknown_pages_are_not_links(garden, n):
    append(article_file(garden, n.graphql),
           f"\n本文 [[{n.graphql}]]；`[[{n.features}]]`；[[没有这篇]]；[外链](https://graphql.org/x.md)\n")
    links = links_of(garden)
    assert links.outgoing[f"articles/{n.graphql}.md"] == ()
    assert f"articles/{n.features}.md" not in links.incoming


def test_line_numbers_and_targets():
    refs = page_references("articles/a.md", "第一行\n\n见[[甲]]与[乙](../concepts/b.md#x)。\n")
    assert [(r.line, r.path, r.wiki and r.wiki.target) for r in refs] == [
        (3, None, "甲"), (3, "concepts/b.md", None)]
    assert local_target("articles/a.md", "../../outside.md") is None
    assert local_target("articles/a.md", "%E4%B8%AD.md") == "articles/中.md"
    assert local_target("articles/a.md", "img.png") is None


def test_a_link_the_source_already_had_is_found(garden_template, n):
    """One TC39 article links to another with a relative Markdown link in the original text."""
    incoming = links_of(garden_template).incoming[f"articles/{n.notes}.md"]
    assert [c.source for c in incoming] == [f"articles/{n.meetings}.md"]
    assert incoming[0].line > 1 and incoming[0].context[1]
