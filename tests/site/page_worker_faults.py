"""`mkdocs build` as its command line runs it, with one fault put into the build first; run as
`python page_worker_faults.py FAULT mkdocs-arguments...`.

Faults, each in real code the build runs:
- `die`: the process that builds part of the pages ends abruptly at its first page;
- `raise`: building a page raises in that process only;
- `slow`: that process takes a second longer over each page, so the build is done with its
  own pages long before and takes back those the worker has not started;
- `render-dies`: the process that renders part of the pages' Markdown ends abruptly at its
  third page;
- `slow-reading`: this process takes 20 ms longer to read each page, so the Markdown worker,
  done with its share, renders this process's last pages before it reaches them;
- `slow-reading-render-dies`: the same, and the Markdown worker ends abruptly at the second
  page it takes from this process's share;
- `markdown-differs`: Material's tags plugin changes every page's Markdown in that process only
  (an HTML comment, which Python-Markdown keeps), so its HTML must not be used;
- `source-differs`: every page's source reads with an HTML comment more in that process only,
  so gardener's Markdown made there must not be used either;
- `warn`: Material's tags plugin logs a warning for every article page (in either process;
  the pages the worker warned of are listed in the file named by WORKER_MARKS);
- `die-third`: the process that builds part of the pages ends abruptly at its third page,
  when it has sent two pages' search entries to the indexing process;
- `index-dies`, `index-raises`: the process that indexes pages for the sharded search index,
  as they are built, ends abruptly or fails at its third page;
- `no-index-stream`: no process indexes pages as they are built (the build writes the index
  from Material's entries after the last page);
- `none`: no fault.
"""

from __future__ import annotations

import logging
import os
import sys
import time

from material.plugins.tags.plugin import TagsPlugin
from mkdocs.__main__ import cli
from mkdocs.commands import build
from mkdocs.structure.pages import Page

from gardener.site import search_stream

BUILD = os.getpid()


def _in_worker() -> bool:
    return os.getpid() != BUILD


def fault(kind: str) -> None:
    build_page = build._build_page
    if kind.startswith("index-"):
        put, taken = search_stream._InOrder.put, []

        def failing(self, slot, entries):
            taken.append(slot)
            if len(taken) == 3:
                if kind == "index-dies":
                    os._exit(3)
                raise RuntimeError("fault while indexing")
            return put(self, slot, entries)
        search_stream._InOrder.put = failing
    elif kind == "no-index-stream":
        search_stream.IndexStream.start = classmethod(lambda cls, *args: None)
    elif kind == "die-third":
        built = []

        def dying(page, *args, **kwargs):
            if _in_worker():
                built.append(page)
                if len(built) == 3:
                    os._exit(3)
            return build_page(page, *args, **kwargs)
        build._build_page = dying
    elif kind in ("die", "raise", "slow"):
        def faulty(page, *args, **kwargs):
            if _in_worker():
                if kind == "slow":
                    time.sleep(1)
                    return build_page(page, *args, **kwargs)
                if kind == "die":
                    os._exit(3)
                raise RuntimeError(f"fault while building {page.file.src_uri}")
            return build_page(page, *args, **kwargs)
        build._build_page = faulty
    elif kind == "render-dies":
        render, rendered = Page.render, []

        def dying(page, *args, **kwargs):
            if _in_worker():
                rendered.append(page)
                if len(rendered) == 3:
                    os._exit(3)
            return render(page, *args, **kwargs)
        Page.render = dying
    elif kind.startswith("slow-reading"):
        read_source, render, rendered = Page.read_source, Page.render, []

        def slow_reading(page, config):
            if not _in_worker():
                time.sleep(0.02)
            read_source(page, config)

        def dying_beyond_share(page, config, files):
            if _in_worker():
                rendered.append(page)
                share = len(files.documentation_pages()) // 2
                if len(rendered) == share + 2:
                    os._exit(3)
            return render(page, config, files)
        Page.read_source = slow_reading
        if kind.endswith("render-dies"):
            Page.render = dying_beyond_share
    elif kind == "markdown-differs":
        markdown = TagsPlugin.on_page_markdown

        def differing(self, text, *, page, **kwargs):
            text = markdown(self, text, page=page, **kwargs)
            return text + "\n\n<!-- read elsewhere -->\n" if _in_worker() else text
        TagsPlugin.on_page_markdown = differing
    elif kind == "source-differs":
        read_source = Page.read_source

        def reading(page, config):
            read_source(page, config)
            if _in_worker():
                page.markdown = (page.markdown or "") + "\n\n<!-- read elsewhere -->\n"
        Page.read_source = reading
    elif kind == "warn":
        context = TagsPlugin.on_page_context

        def warning(self, context_, *, page, **kwargs):
            if page.file.src_uri.startswith("articles/"):
                if _in_worker() and os.environ.get("WORKER_MARKS"):
                    with open(os.environ["WORKER_MARKS"], "a", encoding="utf-8") as marks:
                        marks.write(page.file.src_uri + "\n")
                logging.getLogger("mkdocs.plugins.material.tags").warning(
                    f"a page of tags: {page.file.src_uri}")
            return context(self, context_, page=page, **kwargs)
        TagsPlugin.on_page_context = warning


if __name__ == "__main__":
    fault(sys.argv[1])
    sys.argv = ["mkdocs", *sys.argv[2:]]
    cli()
