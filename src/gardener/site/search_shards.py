"""A search index the browser reads in pieces: the first query fetches kilobytes, not the whole
site's text.

Material's search sends one file with every page's text to the reader's browser before the
first result (72 MB at 10,000 articles). This module writes the same entries (location, title,
text, tags, boost, as Material's search plugin makes them, jieba's word marks included) as:

- `search/search_index.json`: Material's `config` (separator, fields, pipeline) plus a small
  table of shards under `config.gardener`, and no documents. Material's page script fetches it
  and hands it to the search worker, which is gardener's (`assets/search/worker.js`);
- `search/shards/N.json`: the terms in one alphabetical range, each with the sections holding
  it and a precomputed score. A query fetches only the ranges its words (and the longer words
  they begin) fall in;
- `search/pages/N.json`: one page's sections (title, text, location, tags), fetched for the
  pages a query shows.

Terms are cut exactly as Material's worker cuts them (the configured separator, lower case,
lunr's stop words), and scored as lunr scores them with `b = 0` (BM25 without length
normalisation, field and page boosts), so the ranking matches what readers see today.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from gardener.files import write_atomic
from gardener.forks import Handed, LazyNumpy, handed
from gardener.site.mkdocs.search_index import redundant_marks

if TYPE_CHECKING:
    import numpy as np
else:
    np = LazyNumpy(globals())  # the index is written by a child of the build (see the plugin)

INDEX = Path("search") / "search_index.json"
SHARDS = Path("search") / "shards"
PAGES = Path("search") / "pages"
WORKER = "assets/gardener/search-worker.js"
FORMAT = 1
# lunr's BM25 saturation constant; Material sets b (length normalisation) to 0.
K1 = 1.2
# A shard's size in bytes of JSON, before compression: big enough that a word's longer forms
# usually share its shard, small enough that a query fetches little.
SHARD_BYTES = 48_000
# The best-scored sections kept for one term. A word in most sections of a large garden would
# otherwise cost a reader megabytes for matches never shown; sections holding it rarely rank
# below these.
MAX_POSTINGS = 2_000
# Pages a query shows (Material shows ten, then more as the reader scrolls).
RESULT_PAGES = 30
# What a query may fetch to expand a word into the longer words it begins ("sca" -> "scaling").
PREFIX_BYTES = 400_000
# What one query may fetch of shards in all; a shard beyond it counts as holding no word.
QUERY_BYTES = 900_000
# Pages are fetched ten at a time (Material shows ten); the next ten only while a query's pages
# have cost less than this.
PAGE_BYTES = 400_000
# The pipeline steps gardener reproduces; a site asking for others keeps Material's index.
SUPPORTED_PIPELINE = {"stopWordFilter"}
_TAG = re.compile(r"<[^>]*>")


class Unsupported(Exception):
    """The site's search settings ask for something only Material's own index does."""


class _Postings:
    """Every (term, section) pair of the index, as flat arrays: a Python object per posting
    would cost ten times the memory at 10,000 articles, and the arrays invert with numpy. A
    section's postings are added together, so its page and number are kept once per section,
    with where its postings end."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = _Numbering()
        self.terms = array("I")
        self.weights = array("d")  # double, as the worker computes them when it indexes
        self.in_fields = array("I")  # a term once per field holding it: lunr's frequency
        self.ends = array("q")  # per section: where its postings end
        self.pages = array("I")  # per section: its page
        self.sections = array("I")  # per section: its number in the page

    def add(self, page: int, indexed: Indexed) -> None:
        """One page's postings, their terms numbered for the whole index."""
        base, number = len(self.terms), self.vocabulary.__getitem__
        self.terms.extend(map(number, _split(indexed.terms)))
        self.weights.extend(indexed.weights)
        self.in_fields.extend(map(number, _split(indexed.in_fields)))
        self.ends.extend(base + end for end in indexed.ends)
        self.pages.extend([page] * len(indexed.ends))
        self.sections.extend(range(len(indexed.ends)))

    def of(self, chosen) -> tuple:
        """The page and the section number of these postings."""
        holder = np.searchsorted(np.frombuffer(self.ends, dtype=np.int64), chosen, side="right")
        return (np.frombuffer(self.pages, dtype=np.uint32)[holder],
                np.frombuffer(self.sections, dtype=np.uint32)[holder])


class Indexed(NamedTuple):
    """One page's share of the index: what its entries give the postings, and its file."""

    locations: tuple[str, ...]  # its entries' addresses: the entries it was made from
    # Each posting's term, section after section; joined by TERM_JOIN (when no term holds it)
    # for a share sent between processes: one string to send, not a string per term.
    terms: str | list[str]
    weights: array  # per posting: the term's weight in its section
    in_fields: str | list[str]  # a section's term once per field holding it, joined as terms
    ends: array  # per indexed section: where its postings end
    shown: bytes  # the page's file


TERM_JOIN = "\x00"


class PageIndexer:
    """Makes a page's share of the index from its entries, under the site's search settings."""

    def __init__(self, config: Mapping) -> None:
        self.words = Words(config.get("separator") or r"[\s\-]+", stop_words() or frozenset())
        self.boosts = {name: float((spec or {}).get("boost", 1.0))
                       for name, spec in (config.get("fields") or {"title": {}, "text": {}}).items()}
        self.marks = redundant_marks(config.get("separator"))

    def __call__(self, sections: list[Mapping], *, joined: bool = False) -> Indexed:
        terms: list[str] = []
        in_fields: list[str] = []
        weighted, ends = array("d"), array("I")
        for doc in sections[:65535]:
            boost = float(doc.get("boost", 1.0) or 1.0)
            weights: dict[str, float] = {}
            for name, field_boost in self.boosts.items():
                counts = self.words.counts(doc.get(name))
                if not counts:
                    continue
                factor = field_boost * boost * (K1 + 1)
                scored = {term: factor * tf / (K1 + tf) for term, tf in counts.items()}
                if weights:  # a term's fields add up in the fields' order, from 0.0
                    for term, score in scored.items():
                        weights[term] = weights.get(term, 0.0) + score
                else:
                    weights = scored
                in_fields += counts
            terms += weights
            weighted.extend(weights.values())
            ends.append(len(terms))
        shown = json.dumps([_shown(doc, self.marks) for doc in sections], ensure_ascii=False,
                           separators=(",", ":")).encode("utf-8")
        if joined:
            return Indexed(tuple(str(doc.get("location", "")) for doc in sections),
                           _joined(terms), weighted, _joined(in_fields), ends, shown)
        return Indexed(tuple(str(doc.get("location", "")) for doc in sections), terms, weighted,
                       in_fields, ends, shown)


def _joined(terms: list[str]) -> str | list[str]:
    joined = TERM_JOIN.join(terms)
    if joined.count(TERM_JOIN) != max(len(terms) - 1, 0):  # a term holds TERM_JOIN itself
        return terms
    return joined


def _split(terms: str | list[str]) -> list[str]:
    if isinstance(terms, list):
        return terms
    return terms.split(TERM_JOIN) if terms else []


class _Numbering(dict):
    """Term -> its number, a new term numbered when first asked for (in C, through map)."""

    def __missing__(self, term: str) -> int:
        number = self[term] = len(self)
        return number


def settings_problem(config: Mapping, plugins: Iterable[str]) -> str | None:
    """Why the sharded index cannot stand in for Material's, or None when it can."""
    lang = config.get("lang") or ["en"]
    if (lang if isinstance(lang, list) else [lang]) != ["en"]:
        return "search languages other than English need lunr's own stemmers"
    extra = set(config.get("pipeline") or ()) - SUPPORTED_PIPELINE
    if extra:
        return f"the search pipeline's {', '.join(sorted(extra))} runs only in lunr"
    if any(name.split("/")[-1] == "offline" for name in plugins):
        return "the offline plugin reads the whole index from one file"
    try:
        re.compile(config.get("separator") or r"[\s\-]+")
    except re.error:
        return "the search separator is a JavaScript expression Python does not read"
    if stop_words() is None:
        return "lunr's stop words were not found in Material's search worker"
    return None


class Helper(NamedTuple):
    """A forked process that makes the shares of the pages whose entries start at `start` or
    later, and writes their files, while the index's writer makes those before (see
    `start_helper`)."""

    start: int
    handed: Handed


def write_sharded_index(site_dir: Path, config: Mapping, docs: Iterable[Mapping],
                        helper: Helper | None = None) -> dict:
    """Write the manifest, shards and page files for these entries (Material's `docs`, in
    its order: each page's own entry, then its sections). Returns figures for the build log.

    The one seam between whoever produces the entries and the files the browser reads."""
    indexer = PageIndexer(config)
    # a helper's folder is emptied before it starts
    writer = IndexWriter(site_dir, config, pages_ready=helper is not None)
    helped = _Helped(helper)
    for sections in pages_of(docs):
        indexed = helped.share(writer.count, sections)
        writer.add(indexed or indexer(sections), written=indexed is not None)
    return {**writer.finish(), "pages_helped": helped.taken}


class IndexWriter:
    """The index's files, from each page's share taken in page order: the page's file, its
    postings kept; then the shards and the manifest."""

    def __init__(self, site_dir: Path, config: Mapping, *, pages_ready: bool = False) -> None:
        self.site_dir, self.config = site_dir, config
        self.pages_dir, self.shards_dir = site_dir / PAGES, site_dir / SHARDS
        # no stale piece of an earlier build stays
        for folder in (self.shards_dir,) if pages_ready else (self.pages_dir, self.shards_dir):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        self.postings = _Postings()
        self.count = self.pages = 0  # sections and pages so far
        # Every file's bytes: the version the worker asks for, so a browser never mixes a
        # cached page or shard of an earlier build with this manifest.
        self.digest = hashlib.sha256()

    def add(self, indexed: Indexed, *, written: bool = False) -> None:
        """The next page's share (`written`: its file is written already)."""
        if not written:
            _write_bytes(self.pages_dir / f"{self.pages}.json", indexed.shown)
        self.postings.add(self.pages, indexed)
        self.digest.update(indexed.shown)
        self.count += len(indexed.locations)
        self.pages += 1

    def finish(self) -> dict:
        """Write the shards and the manifest; figures for the build log."""
        terms = len(self.postings.vocabulary)
        shards = _write_shards(self.shards_dir, self.postings, self.count, self.digest) or \
            [["", 0]]
        manifest = {"format": FORMAT, "pages": self.pages, "shards": shards,
                    "stopwords": sorted(stop_words() or ()), "results": RESULT_PAGES,
                    "prefix_bytes": PREFIX_BYTES, "query_bytes": QUERY_BYTES,
                    "page_bytes": PAGE_BYTES,
                    "build": self.digest.hexdigest()[:12]}
        index = {"config": {**self.config, "gardener": manifest}, "docs": []}
        _write_json(self.site_dir / INDEX, index)
        return {"sections": self.count, "terms": terms, "shards": len(shards),
                "shard_bytes": sum(size for _first, size in shards)}


# The share of the entries' text a helper indexes: the writer also adds every page to the
# postings and writes the shards, so it takes the smaller share.
HELPER_SHARE = 0.55
# Below this many entries a helper saves less than forking it costs.
HELPER_ENTRIES = 200


def start_helper(site_dir: Path, config: Mapping, docs: Sequence[Mapping]) -> Helper | None:
    """Fork a helper for the index about to be written from these entries (by a process forked
    after it): it makes the later pages' shares and writes their files. None for too few
    entries."""
    if len(docs) < HELPER_ENTRIES:
        return None
    start, number = _share_start(docs, HELPER_SHARE)
    if not start:
        return None
    pages_dir = site_dir / PAGES
    shutil.rmtree(pages_dir, ignore_errors=True)
    pages_dir.mkdir(parents=True)
    return Helper(start, handed(_help, pages_dir, config, docs, start, number))


def _share_start(docs: Sequence[Mapping], share: float) -> tuple[int, int]:
    """(the first entry, the number) of the page from which on about `share` of these
    entries' text lies; (0, 0) when none does."""
    sizes = [len(str(doc.get("text", ""))) for doc in docs]
    wanted, seen, start = sum(sizes) * (1 - share), 0, 0
    for number, sections in enumerate(pages_of(docs)):
        if seen >= wanted and number:
            return start, number
        seen += sum(sizes[start:start + len(sections)])
        start += len(sections)
    return 0, 0


def _help(pages_dir: Path, config: Mapping, docs: Sequence[Mapping], start: int,
          first: int) -> Iterator[tuple[int, Indexed]]:
    """The helper: each page's share (with where its entries start), its file written."""
    indexer = PageIndexer(config)
    for number, sections in enumerate(pages_of(docs[start:]), start=first):
        indexed = indexer(sections, joined=True)
        _write_bytes(pages_dir / f"{number}.json", indexed.shown)
        yield start, indexed
        start += len(sections)


class _Helped:
    """The helper's shares, taken as the writer reaches their pages."""

    def __init__(self, helper: Helper | None) -> None:
        self.helper = helper
        self.items: Generator[tuple[int, Indexed], None, None] | None = None
        self.taken = 0

    def share(self, start: int, sections: list[Mapping]) -> Indexed | None:
        """The share of the page whose entries begin at `start`, if the helper made it of
        exactly these entries (and wrote its file)."""
        if self.helper is None or start < self.helper.start:
            return None
        if self.items is None:
            self.items = self.helper.handed.items()
        for made_at, indexed in self.items:
            if made_at == start:
                if not _made_of(indexed, sections):
                    break
                self.taken += 1
                return indexed
            if made_at > start:
                break
        # the helper failed or grouped the entries otherwise: the rest are made here
        self.items.close()
        self.helper = None
        return None


def _made_of(indexed: Indexed, sections: list[Mapping]) -> bool:
    return len(indexed.locations) == len(sections) and all(
        location == str(doc.get("location", ""))
        for location, doc in zip(indexed.locations, sections, strict=True))


def rewrite_index(site_dir: Path) -> dict | None:
    """Replace Material's search_index.json in a built site by the sharded index. None when
    the site has no index."""
    path = site_dir / INDEX
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return None
    return write_sharded_index(site_dir, data.get("config") or {}, data.get("docs") or ())


def shard_built_site(site_dir: Path) -> dict:
    """Give a site already built with Material's search (by MkDocs without gardener's plugin,
    as `gardener export` leaves it, or another builder) the sharded index: the index, the
    worker, and every page's worker address. Raises Unsupported, naming the reason, when the
    site's search settings need Material's own index."""
    try:
        index = json.loads((site_dir / INDEX).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Unsupported(f"{site_dir / INDEX}: no search index (is this a built site with "
                          "Material's search?)") from None
    except ValueError as exc:
        raise Unsupported(f"{site_dir / INDEX}: not a search index ({exc})") from None
    config = index.get("config") or {}
    if "gardener" in config:
        raise Unsupported(f"{site_dir / INDEX}: already sharded")
    problem = settings_problem(config, ())
    if problem:
        raise Unsupported(f"{site_dir}: {problem}")
    figures = write_sharded_index(site_dir, config, index.get("docs") or ())
    del index
    (site_dir / WORKER).parent.mkdir(parents=True, exist_ok=True)
    write_atomic(site_dir / WORKER, worker_script(), durable=False)
    pages = 0
    for page in site_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        changed = use_worker(html)
        if changed != html:
            write_atomic(page, changed, durable=False)
            pages += 1
    return {**figures, "pages_rewritten": pages}


def read_entries(site_dir: Path) -> list[dict]:
    """A built site's search entries (location, title, text, tags) whichever index it has:
    Material's, or the sharded one's page files in page order."""
    index = json.loads((site_dir / INDEX).read_text(encoding="utf-8"))
    manifest = index.get("config", {}).get("gardener")
    if not manifest:
        return index.get("docs", [])
    entries = []
    for number in range(manifest["pages"]):
        path = site_dir / PAGES / f"{number}.json"
        for location, title, text, tags in json.loads(path.read_text(encoding="utf-8")):
            entry = {"location": location, "title": title, "text": text}
            if tags is not None:
                entry["tags"] = tags
            entries.append(entry)
    return entries


class Words:
    """Cuts text into search terms as Material's worker does: HTML tags are markup, the rest is
    split on the configured separator and lower-cased, and lunr's stop words are dropped."""

    def __init__(self, separator: str, stop: frozenset[str]):
        pattern = re.compile(separator)
        self.split = pattern.split
        self.stop = stop
        # When a space separates words, markup can become a space and the whole value be split
        # at once, which is several times faster than splitting between every two tags.
        self.space_splits = bool(pattern.fullmatch(" "))

    def counts(self, value) -> Counter[str]:
        """How often each term occurs in a field's value (a string, or a list of tags)."""
        if isinstance(value, list):
            return sum((self.counts(item) for item in value), Counter())
        if not isinstance(value, str):
            return Counter()
        if self.space_splits:
            found = Counter(map(str.lower, filter(None, self.split(_TAG.sub(" ", value)))))
        else:
            found = Counter(word.lower() for text in _TAG.split(value)
                            for word in self.split(text) if word)
        for word in self.stop.intersection(found):
            del found[word]
        return found

    def __call__(self, value) -> Iterator[str]:
        if isinstance(value, list):
            for item in value:
                yield from self(item)
            return
        if not isinstance(value, str):
            return
        for text in _TAG.split(value):
            for word in self.split(text):
                if word:
                    word = word.lower()
                    if word not in self.stop:
                        yield word


def pages_of(docs: Iterable[Mapping]) -> Iterator[list[Mapping]]:
    """Entries grouped by page, as Material's worker groups them: a page's first entry is the
    page itself, the entries after it with the same address before `#` are its sections."""
    current: list[Mapping] = []
    path = None
    for doc in docs:
        location = str(doc.get("location", ""))
        page = location.split("#", 1)[0]
        if current and page != path:
            yield current
            current = []
        path = page
        current.append(doc)
    if current:
        yield current


def _shown(doc: Mapping, marks: re.Pattern | None) -> list:
    """What a result shows of one entry: [location, title, text, tags], without the word marks
    that split nothing the separator does not already split."""
    tags = doc.get("tags")
    title, text = str(doc.get("title", "")), str(doc.get("text", ""))
    if marks is not None:
        title, text = marks.sub("", title), marks.sub("", text)
    return [str(doc.get("location", "")), title, text,
            [str(t) for t in tags] if isinstance(tags, list) else None]


def _write_shards(folder: Path, postings: _Postings, count: int, digest) -> list:
    """Terms in JavaScript's string order, cut into shards of about SHARD_BYTES. Returns
    [[first term, bytes], ...] for the manifest."""
    written = sorted(postings.vocabulary, key=_js_order)
    rank = np.empty(len(written), dtype=np.uint32)  # term number -> place in the shards
    rank[[postings.vocabulary[term] for term in written]] = np.arange(len(written))
    places = rank[np.frombuffer(postings.terms, dtype=np.uint32)]
    order = np.argsort(places, kind="stable")  # each term's postings together, in page order
    starts = np.searchsorted(places[order], np.arange(len(written) + 1)).tolist()
    del places
    frequency = np.bincount(np.frombuffer(postings.in_fields, dtype=np.uint32),
                            minlength=len(written)).astype(np.float64)
    # lunr's idf, by place
    idf = np.log(1 + np.abs((count - frequency + 0.5) / (frequency + 0.5)))[np.argsort(rank)]
    shards: list = []
    pending: dict[str, list[int]] = {}
    size = 0

    def flush() -> None:
        nonlocal pending, size
        if pending:
            data = _write_json(folder / f"{len(shards)}.json", pending, digest, new=True)
            shards.append([next(iter(pending)), data])
        pending, size = {}, 0

    for block in _blocks(starts):
        table, weights = _postings_table(postings, order, idf, starts, block)
        base = starts[block.start]
        for place in range(block.start, block.stop):
            first, last = starts[place] - base, starts[place + 1] - base
            if last - first > MAX_POSTINGS:
                encoded = _best(table[first:last], weights[first:last])
            else:
                encoded = table[first:last].ravel().tolist()
            term = written[place]
            cost = len(term.encode()) + 6 + 4 * len(encoded)  # about what JSON spends on it
            if size and size + cost > SHARD_BYTES:
                flush()
            pending[term] = encoded
            size += cost
    flush()
    return shards


# Postings encoded at a time: numpy spends more on a call than on a term's few postings, and a
# table for every posting at once would be the build's largest allocation.
BLOCK_POSTINGS = 1 << 16


def _blocks(starts: list[int]) -> Iterator[range]:
    """Runs of consecutive places whose postings number about BLOCK_POSTINGS (one place at
    least)."""
    first = 0
    while first < len(starts) - 1:
        last = bisect_right(starts, starts[first] + BLOCK_POSTINGS, first + 2) - 1
        yield range(first, last)
        first = last


def _postings_table(postings: _Postings, order, idf, starts: list[int], block: range):
    """The postings of the terms at these places, one row [page step, section, score] each, in
    page order per term: the page as the difference from the term's posting before (the first
    from 0), the score as lunr computes it (idf times the field weights) times 10 and rounded
    as the worker's Math.round rounds (halves up); and the scores before rounding."""
    base = starts[block.start]
    chosen = order[base:starts[block.stop]]
    pages, sections = postings.of(chosen)
    pages = pages.astype(np.int64)
    table = np.empty((len(chosen), 3), dtype=np.int64)
    table[:, 0] = np.diff(pages, prepend=0)
    firsts = np.array(starts[block.start:block.stop], dtype=np.int64) - base
    table[firsts, 0] = pages[firsts]
    table[:, 1] = sections
    bounds = starts[block.start:block.stop + 1]
    lengths = [after - before for before, after in pairwise(bounds)]
    weights = np.frombuffer(postings.weights, dtype=np.float64)[chosen]
    weights *= np.repeat(idf[block.start:block.stop], lengths) * 10
    table[:, 2] = np.maximum(1, np.floor(weights + 0.5))
    return table, weights


def _best(rows, weights) -> list[int]:
    """The rows of the best MAX_POSTINGS sections of one term (by the score before rounding),
    still in page order, with page steps counted between the rows kept."""
    best = np.sort(np.argsort(-weights, kind="stable")[:MAX_POSTINGS])
    kept = rows[best]
    pages = np.cumsum(rows[:, 0])[best]
    kept[:, 0] = np.diff(pages, prepend=0)
    return kept.ravel().tolist()


def _js_order(term: str) -> bytes:
    """JavaScript compares strings by UTF-16 code units; the worker's binary search needs the
    shards in that order, which differs from Python's for characters beyond U+FFFF."""
    return term.encode("utf-16-be")


def _write_json(path: Path, value, digest=None, *, new: bool = False) -> int:
    """Write value as compact JSON."""
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if digest is not None:
        digest.update(data)
    if new:
        return _write_bytes(path, data)
    write_atomic(path, data, durable=False)
    return len(data)


def _write_bytes(path: Path, data: bytes) -> int:
    """Write a piece of the index into a folder emptied for this build, where no reader can
    find an older version to keep: in place, which costs a tenth of a temporary file renamed
    over it, a thousand times a build. (A page's file the helper wrote may be written again,
    the same, by the writer when the helper failed.)"""
    with open(path, "wb") as out:
        out.write(data)
    return len(data)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str] | None:
    """lunr's English stop words, read from the search worker Material ships, so the index
    drops exactly the words the browser drops from a query."""
    try:
        workers = resources.files("material") / "templates" / "assets" / "javascripts" / "workers"
        for worker in workers.iterdir():
            if worker.name.endswith(".min.js"):
                found = re.search(r"stopWordFilter=\w+\.generateStopWordFilter\((\[[^\]]*\])\)",
                                  worker.read_text(encoding="utf-8"))
                if found:
                    return frozenset(json.loads(found.group(1)))
    except (ModuleNotFoundError, OSError, ValueError):
        return None
    return None


_CONFIG = '<script id="__config" type="application/json">'
_WORKER_URL = re.compile(r'("search":\s*")([^"]*)(")')


def use_worker(html: str) -> str:
    """A page of the built site with Material's search worker replaced by gardener's: in the
    page's `__config`, the worker's address keeps the page's way to the site's root (relative,
    or absolute on the 404 page) and names gardener's worker. The theme writes its `__config`
    after the page's content, so the last one is the theme's (a page's own text may show one)."""

    def address(found: re.Match) -> str:
        old = found.group(2)
        root = old[:old.find("assets/")] if "assets/" in old else ""
        return found.group(1) + root + WORKER + found.group(3)

    start = html.rfind(_CONFIG)  # near the end of the page: found at once from there
    if start < 0:
        return html
    start += len(_CONFIG)
    end = html.find("</script>", start)
    if end < 0:
        return html
    config = html[start:end]
    swapped = _WORKER_URL.sub(address, config, count=1)
    return html if swapped == config else html[:start] + swapped + html[end:]


def worker_script() -> str:
    """The search worker the site loads instead of Material's, with lunr's stop words for when
    it indexes Material's whole index itself (a served site)."""
    script = (resources.files("gardener") / "assets" / "search" / "worker.js").read_text(
        encoding="utf-8")
    words = json.dumps(sorted(stop_words() or ()))
    return script.replace("/* stop words */[]", words, 1)
