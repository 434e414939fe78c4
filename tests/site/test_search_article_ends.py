"""An article's last words are searchable: every paragraph of a built article, its last one
too, is in the page's search entries, whether gardener's footer follows it or nothing does, in
Material's single index and in the sharded one, from a build on one core and on two."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from ruamel.yaml import YAML

from gardener.site.search_shards import INDEX, Words, read_entries
from tests.conftest import ROOT, build_site
from tests.site.conftest import ARTICLES, garden_config
from tests.site.test_search_shards import manifest, postings

CONCEPT = ROOT / "docs" / "concepts" / "scaling-law.md"
# Last paragraphs added to real articles: the words a reader would search for, and whether the
# paragraph names the garden's one concept (so that the concepts footer follows it).
ENDINGS = {
    "self-llm-bge-m3-finetune.md": ("最后谈谈窗口扩展术和缩放定律。", ["缩放定律"], True),
    "gold-miner-how-to-run-an-online-meeting.md": (
        "Quokkas hum zephyrine lullabies about the Scaling Law.",
        ["quokkas", "zephyrine", "lullabies"], True),
    "self-llm-digital-life-readme.md": ("木星上的沙丁鱼会唱歌。", ["木星", "沙丁鱼"], False),
    # under a "参考文献" heading, where no concept is linked
    "gold-miner-latent-factor-model.md": ("Marmosets juggle tangerines at dusk.",
                                          ["marmosets", "tangerines"], False),
}
BUILDS = {
    # everything on: footers of concepts, related articles and backlinks; a forked worker
    "sharded-parallel": {},
    # Material's own index, one core, and no footer but the concepts'
    "material-sequential": {"search_shards": False, "parallel_build": False, "related": 0,
                            "backlinks": False, "graph": False},
}


def config_with(root: Path, options: dict) -> str:
    yaml = YAML(typ="rt")
    config = yaml.load(garden_config(root))
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "gardener" in entry:
            entry["gardener"].update(options)
    buffer = io.StringIO()
    yaml.dump(config, buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module", params=sorted(BUILDS))
def built(request, tmp_path_factory):
    """(site folder, build name) of the render garden with ENDINGS added, built for real."""
    root = tmp_path_factory.mktemp(request.param)
    (root / "mkdocs.yml").write_text(config_with(root, BUILDS[request.param]), encoding="utf-8")
    articles, concepts = root / "docs" / "articles", root / "docs" / "concepts"
    articles.mkdir(parents=True)
    concepts.mkdir()
    shutil.copy(CONCEPT, concepts / CONCEPT.name)
    for source in ARTICLES:
        body = source.read_text(encoding="utf-8")
        if source.name in ENDINGS:
            body = body.rstrip("\n") + "\n\n" + ENDINGS[source.name][0] + "\n"
        (articles / source.name).write_text(f"---\ntitle: {source.stem}\n---\n\n{body}",
                                            encoding="utf-8")
    run = build_site(root, "-v")
    assert run.returncode == 0, run.stderr
    # the builds differ in the way they were meant to
    assert ("pages built by a worker" in run.stderr) == (request.param == "sharded-parallel")
    yield root / "site", request.param
    shutil.rmtree(root, ignore_errors=True)


def flat(markup: str) -> str:
    """Text as compared: no tags, no entities, no spaces or word marks."""
    return re.sub(r"[\s\u200b]+", "", html.unescape(re.sub(r"<[^>]*>", "", markup)))


def content(site: Path, location: str) -> str:
    page = (site / location / "index.html").read_text(encoding="utf-8")
    return page[page.index("<article"):page.index("</article>")]


def sections(site: Path) -> dict[str, list[dict]]:
    """Each page's search entries, by the page's folder in the site (addresses are quoted)."""
    found: dict[str, list[dict]] = {}
    for entry in read_entries(site):
        found.setdefault(unquote(entry["location"].split("#")[0]), []).append(entry)
    return found


def article_pages(site: Path) -> list[str]:
    return sorted(f"articles/{p.parent.name}/" for p in (site / "articles").glob("*/index.html"))


def test_every_paragraph_of_every_article_is_in_its_search_entries(built):
    site, _name = built
    entries = sections(site)
    pages = article_pages(site)
    assert len(pages) == len(ARTICLES)
    for location in pages:
        searched = flat(" ".join(e["title"] + " " + e["text"] for e in entries[location]))
        paragraphs = [flat(p) for p in re.findall(r"<p>(.*?)</p>", content(site, location), re.S)]
        assert paragraphs, location
        for paragraph in filter(None, paragraphs):
            assert paragraph in searched, (location, paragraph[:80])


def test_an_articles_last_words_are_searchable(built):
    site, name = built
    entries = sections(site)
    config = json.loads((site / INDEX).read_text(encoding="utf-8"))["config"]
    words = Words(config["separator"], frozenset(config.get("gardener", {}).get("stopwords", ())))
    order = list(entries)
    for source, (ending, terms, named) in ENDINGS.items():
        location = f"articles/{Path(source).stem.lower()}/"
        page = content(site, location)
        (last,) = [p for p in re.finditer(r"<p>(.*?)</p>", page, re.S)
                   if flat(p.group(1)) == flat(ending)]  # concept links may be inside
        after = page[last.end():]
        # the ending is the article's last paragraph, with a footer after it or nothing
        assert "<p>" not in after.split("<h2", 1)[0]
        assert ("本文涉及的概念" in after) == named
        if name == "material-sequential" and not named:
            assert "<h2" not in after
        holder = next(i for i, e in enumerate(entries[location]) if flat(ending) in flat(e["text"]))
        for term in terms:
            assert term in set(words(entries[location][holder]["text"])), (location, term)
            if name == "sharded-parallel":
                table = manifest(site)["shards"]
                assert (order.index(location), holder) in postings(site, table, term), term
