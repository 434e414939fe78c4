"""What article and concept pages show of their place in the garden: their wikilinks written
out, related articles, the pages linking to them, and their own small graph."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gardener.pages import backlinks, graph, related
from gardener.pages.backlinks import BacklinksInputs
from gardener.pages.related import RelatedInputs
from gardener.pages.urls import page_url
from gardener.pages.wikilinks import write_wikilinks

if TYPE_CHECKING:
    from gardener.pages.view import GardenView


@dataclass(frozen=True)
class Around:
    """What a page shows of its connections; each part None when the site turns it off."""

    wikilinks: tuple | None  # (what a wikilink names, where it goes) for each of the page's
    related: RelatedInputs | None
    backlinks: BacklinksInputs | None
    graph_node: str | None  # the page's URL in the graph's data file

    @classmethod
    def of(cls, view: GardenView, path: str, *, concept: bool = False) -> Around:
        options, connections = view.options, view.connections
        if connections is None:
            return cls(None, None, None, None)
        ranked = connections.related.get(path, ()) if options.related and not concept else None
        return cls(
            wikilinks=connections.wiki_targets(path) if options.wikilinks else None,
            related=None if ranked is None else related.inputs(
                path, ranked, view.article_refs, view.concepts, options.use_directory_urls),
            backlinks=backlinks.inputs(path, connections.citations(path), connections.titles,
                                       concept=concept, directory_urls=options.use_directory_urls)
            if options.backlinks else None,
            graph_node=page_url(path, options.use_directory_urls) if options.graph else None,
        )

    def before(self, path: str, markdown: str) -> str:
        """The page's own text with its wikilinks written out (before concepts are linked)."""
        if self.wikilinks is None:
            return markdown
        return write_wikilinks(markdown, dict(self.wikilinks), path)

    def after(self) -> str:
        """Sections at the end of the page: related articles, backlinks, the local graph."""
        parts = [related.emit(self.related) if self.related else "",
                 backlinks.emit(self.backlinks) if self.backlinks else "",
                 graph.local_graph(self.graph_node) if self.graph_node is not None else ""]
        return "\n".join(p for p in parts if p)
