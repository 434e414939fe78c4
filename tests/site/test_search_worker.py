"""gardener's search worker run by Node against a real sharded index, its fetches answered from
the files: what a query fetches, what it answers, in Material's message format."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from gardener.site import search_shards
from gardener.site.search_shards import INDEX, rewrite_index

NODE = shutil.which("node")
WORKER = Path(search_shards.__file__).parent.parent / "assets" / "search" / "worker.js"
# Loads the worker in a sandbox whose fetch reads the site's files and notes each one.
HARNESS = r"""
const fs = require("fs"), path = require("path"), vm = require("vm")
const [worker, site, queries] = [process.argv[1], process.argv[2], JSON.parse(process.argv[3])]
const fetched = [], out = []
let listener
const sandbox = {
  self: { location: { href: "http://site.test/assets/gardener/search-worker.js" } },
  URL, console,
  fetch: async url => {
    const file = path.join(site, decodeURIComponent(new URL(url).pathname))
    if (!fs.existsSync(file)) return { ok: false, status: 404 }
    const size = fs.statSync(file).size
    fetched.push([new URL(url).pathname, size])
    return { ok: true, status: 200, headers: { get: () => String(size) }, clone() { return this },
             json: async () => JSON.parse(fs.readFileSync(file, "utf8")) }
  },
  addEventListener: (type, fn) => { listener = fn },
  postMessage: message => out.push(message),
}
vm.createContext(sandbox)
vm.runInContext(fs.readFileSync(worker, "utf8"), sandbox)
const index = JSON.parse(fs.readFileSync(path.join(site, "search/search_index.json"), "utf8"))
const settle = async count => {
  while (out.length < count) await new Promise(resolve => setTimeout(resolve, 5))
}
listener({ data: { type: 0, data: { ...index, options: { suggest: true } } } })
const answers = []
;(async () => {
  await settle(1)
  for (const query of queries) {
    fetched.length = 0
    listener({ data: { type: 2, data: query } })
    await settle(out.length + 1)
    answers.push({ query, message: out[out.length - 1], fetched: [...fetched] })
  }
  process.stdout.write(JSON.stringify({ ready: out[0], answers }))
})()
"""


def ask(site: Path, *queries: str) -> tuple[dict, list[dict]]:
    if NODE is None:
        pytest.skip("node is not installed")
    run = subprocess.run([NODE, "-e", HARNESS, str(WORKER), str(site), json.dumps(queries)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    return data["ready"], data["answers"]


@pytest.fixture(scope="module")
def sharded(material_search_site, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("worker") / "site"
    shutil.copytree(material_search_site / "search", site / "search")
    rewrite_index(site)
    return site


@pytest.fixture(scope="module")
def finely_sharded(material_search_site, tmp_path_factory) -> Path:
    """The same entries in many small shards, with a small budget per query."""
    site = tmp_path_factory.mktemp("worker-fine") / "site"
    shutil.copytree(material_search_site / "search", site / "search")
    patch = pytest.MonkeyPatch()
    patch.setattr(search_shards, "SHARD_BYTES", 2_000)
    patch.setattr(search_shards, "QUERY_BYTES", 30_000)
    patch.setattr(search_shards, "PAGE_BYTES", 1)
    try:
        rewrite_index(site)
    finally:
        patch.undo()
    return site


def pages_of(message: dict) -> list[str]:
    return [group[0]["location"].split("#")[0] for group in message["data"]["items"]]


def test_answers_in_materials_message_format(sharded):
    ready, [answer] = ask(sharded, "scaling law")
    assert ready == {"type": 1}
    message = answer["message"]
    assert message["type"] == 3
    groups = message["data"]["items"]
    assert groups and len(groups) <= json.loads((sharded / INDEX).read_text(encoding="utf-8"))[
        "config"]["gardener"]["results"]
    for group in groups:
        page = group[0]["location"].split("#")[0]
        # every group holds its page's own entry, and only entries of that page
        assert any(item["location"] == page for item in group)
        assert all(item["location"].split("#")[0] == page for item in group)
        assert all(set(item) >= {"location", "title", "text", "score", "terms"} for item in group)
    assert "concepts/scaling-law/" in pages_of(message)[:3]
    assert any("<mark>" in item["title"] + item["text"] for item in groups[0])
    _ready, [typing] = ask(sharded, "transf")
    # the word being typed, completed from the best title holding it
    assert typing["message"]["data"]["suggest"] == ["transformer"]


def test_a_query_fetches_its_shards_and_shown_pages_only(sharded):
    _ready, [answer] = ask(sharded, "scaling")
    table = json.loads((sharded / INDEX).read_text(encoding="utf-8"))["config"]["gardener"]
    shards = [path for path, _size in answer["fetched"] if "/shards/" in path]
    pages = [path for path, _size in answer["fetched"] if "/pages/" in path]
    assert 0 < len(shards) < len(table["shards"])
    assert len(pages) == len(answer["message"]["data"]["items"])


def test_required_and_excluded_words(sharded):
    _ready, (required, excluded) = ask(sharded, "+scaling +gpt", "scaling -gpt")
    assert required["message"]["data"]["items"] and excluded["message"]["data"]["items"]
    for group in required["message"]["data"]["items"]:
        found = [item["terms"] for item in group if item["terms"]]
        assert found and all(terms == {"scaling": True, "gpt": True} for terms in found)
    words = search_shards.Words(r"[\s\u200b\u3000\-、。，．？！；]+", frozenset())
    entries = {e["location"]: e for e in search_shards.read_entries(sharded)}
    for group in excluded["message"]["data"]["items"]:
        for item in group:
            if item["terms"]:  # a matching section, not the page added for context
                entry = entries[item["location"]]
                assert "gpt" not in set(words(entry["title"])) | set(words(entry["text"]))


def test_a_long_pasted_sentence_stays_within_the_query_budget(finely_sharded):
    text = next(entry["text"] for entry in search_shards.read_entries(finely_sharded)
                if len(entry["text"]) > 400 and "对齐" in entry["text"])
    sentence = "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")[:200]
    manifest = json.loads((finely_sharded / INDEX).read_text(encoding="utf-8"))["config"]["gardener"]
    assert len(manifest["shards"]) > 100
    _ready, [answer] = ask(finely_sharded, sentence)
    shard_bytes = sum(size for path, size in answer["fetched"] if "/shards/" in path)
    assert 0 < shard_bytes <= manifest["query_bytes"]
    assert answer["message"]["type"] == 3 and answer["message"]["data"]["items"]


def test_chinese_words_are_cut_by_the_index_vocabulary(finely_sharded):
    _ready, [answer] = ask(finely_sharded, "缩放定律")
    items = answer["message"]["data"]["items"]
    assert "concepts/scaling-law/" in pages_of(answer["message"])[:3]
    assert {key for group in items for item in group for key in item["terms"]} == {"缩放定律"}


@pytest.mark.parametrize("query", ["scaling law", "对齐", "缩放定律", "transf", "+scaling -gpt"])
def test_materials_whole_index_is_answered_as_the_shards_answer(material_search_site, sharded,
                                                                 query):
    """A served site keeps Material's whole index; the worker indexes it itself and gives the
    answers a built site's shards give."""
    _ready, [whole] = ask(material_search_site, query)
    _ready, [shards] = ask(sharded, query)
    assert not [path for path, _size in whole["fetched"] if "/search/" in path]
    assert whole["message"]["data"]["items"]
    assert whole["message"] == shards["message"]


def test_pages_past_the_first_ten_only_while_within_the_budget(sharded, finely_sharded):
    _ready, [generous] = ask(sharded, "模型")
    _ready, [frugal] = ask(finely_sharded, "模型")
    assert len(generous["message"]["data"]["items"]) > 10
    assert len(frugal["message"]["data"]["items"]) == 10
    assert len([p for p, _size in frugal["fetched"] if "/pages/" in p]) == 10
    assert pages_of(frugal["message"]) == pages_of(generous["message"])[:10]


def test_required_and_excluded_words_are_not_prefixes(sharded):
    """Material adds no wildcard to a +word or a -word: "+scal" asks for the word "scal"."""
    _ready, (prefix, required) = ask(sharded, "scal", "+scal")
    assert "concepts/scaling-law/" in pages_of(prefix["message"])
    assert required["message"]["data"]["items"] == []


@pytest.mark.parametrize("sharded_index", [False, True])
def test_words_named_like_javascript_internals_are_words(tmp_path, sharded_index):
    separator = "[\\s\\-]+"
    docs = [{"location": "js/", "title": "Prototypes", "text": "<p>__proto__ and constructor</p>"},
            {"location": "other/", "title": "Other", "text": "<p>nothing here</p>"}]
    config = {"lang": ["en"], "separator": separator, "pipeline": ["stopWordFilter"],
              "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}}}
    (tmp_path / "search").mkdir()
    if sharded_index:
        search_shards.write_sharded_index(tmp_path, config, docs)
    else:
        (tmp_path / INDEX).write_text(json.dumps({"config": config, "docs": docs}))
    _ready, answers = ask(tmp_path, "__proto__", "constructor", "toString")
    assert [pages_of(a["message"]) for a in answers] == [["js/"], ["js/"], []]
