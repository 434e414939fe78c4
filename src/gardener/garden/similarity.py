"""Related articles: the articles most alike in words and concepts, by sparse TF-IDF.

Each article becomes a weighted bag of terms: jieba's words for Chinese, words for English, the
concepts it mentions and its tags. Only its strongest terms are kept, so the similarity product
touches only pairs of articles sharing a distinctive term (an inverted index, done as one sparse
matrix product per block of rows): never all pairs. The terms of an article depend only on its
text and are cached with it; the ranking is cached for the garden as a whole.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from importlib import resources
from typing import TYPE_CHECKING

from gardener.articles.model import Article
from gardener.forks import LazyNumpy, begun, can_fork
from gardener.garden.cache import AnalysisCache, digest
from gardener.garden.sidework import MIN_ITEMS, SideWork
from gardener.text.cjk import CJK_RUN
from gardener.text.markdown import protected_spans
from gardener.text.segmenter import cut

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse
else:
    np = LazyNumpy(globals())

RELATED_COUNT = 5
# Reading the start of an article is enough to know what it is about, and bounds the time jieba
# takes on very long ones.
TEXT_CHARS = 4000
TERMS_KEPT = 60  # the strongest terms of each article
MIN_SCORE = 0.08  # below this, two articles share only incidental words
# A concept counts as one more word, not more: its alias is a word of the text already, and a
# heavier weight let one concept both articles mention often ("GPU") outweigh all their words.
CONCEPT_WEIGHT = 1.0
# Articles with the same words are one text twice (short copies the duplicate finder leaves).
SAME_TEXT = 0.995
# A shared concept is named as a reason only when it carries this share of the similarity.
REASON_SHARE = 0.1
VERSION = 3  # of the terms and the ranking: cached ones of another version are not reused
TAG_WEIGHT = 1.5
TITLE_REPEAT = 3
ROWS_PER_BLOCK = 512
CONCEPT, TAG = "concept:", "tag:"

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-+.][A-Za-z0-9]+)*\+*")
# Words that say nothing about a subject (the list `gardener suggest` uses, and what pictures
# and addresses leave in text); rare ones are discounted by their document frequency anyway.
_ENGLISH_FILLER = frozenset(
    w for line in resources.files("gardener.garden.concepts").joinpath("words").joinpath("en-stop.txt")
    .read_text(encoding="utf-8").splitlines() if not line.startswith("#") for w in line.split()
) | {"image", "images", "figure", "http", "https", "www", "com", "html", "png", "jpg"}


@dataclass(frozen=True)
class Related:
    path: str
    score: float
    concepts: tuple[str, ...]  # concept slugs both articles mention, strongest first


def article_terms(article: Article) -> Counter:
    """Words of the title (counted thrice), summary, tags and the start of the body."""
    body = _prose(article.body[: TEXT_CHARS * 2])[:TEXT_CHARS]
    head = " ".join([article.title] * TITLE_REPEAT + [article.summary or ""])
    terms = Counter(_words(head + "\n" + body))
    terms.update({TAG + tag.casefold(): 1 for tag in article.tags})
    return terms


def _prose(markdown: str) -> str:
    """The text outside code, math, links, HTML and URLs (what the scanner protects)."""
    pieces, pos = [], 0
    for start, end in protected_spans(markdown, headings=False):
        pieces.append(markdown[pos:start])
        pos = end
    pieces.append(markdown[pos:])
    return " ".join(pieces)


def _words(text: str) -> list[str]:
    words = [w.lower() for w in _LATIN_WORD.findall(text)]
    words = [w for w in words if len(w) > 1 and w not in _ENGLISH_FILLER]
    # One call over the Chinese runs joined by a separator: jieba's cost per call is high.
    chinese = "\n".join(CJK_RUN.findall(text))
    # jieba's best reading, not its full mode: full mode also yields every dictionary word
    # inside or across others (开发人员 gives 开发, 发人, 人员; 历史记录 gives 史记), so one
    # generic compound counted three times and fragments matched unrelated articles. The
    # reading without its model for unknown words is 1.5 times slower than full mode.
    # Single characters are mostly particles; a two-character word or longer carries meaning.
    words.extend(w for w in cut(chinese, hmm=False) if len(w) > 1)
    return words


@dataclass(frozen=True)
class TermVector:
    """An article's terms as stable 64-bit hashes with their counts (and a weight factor per
    term: tags count more), so a whole garden's vocabulary is built by numpy, not term by term."""

    # Kept as bytes: a build's own process holds the vectors its worker read, and only the
    # child that ranks them needs numpy (~14 MB a process).
    hash_bytes: bytes
    count_bytes: bytes
    boost_bytes: bytes

    @classmethod
    def of(cls, terms: Mapping[str, int]) -> TermVector:
        names = list(terms)
        return cls(array("q", [term_hash(t) for t in names]).tobytes(),
                   array("d", [terms[t] for t in names]).tobytes(),
                   array("d", [TAG_WEIGHT if t.startswith(TAG) else 1.0 for t in names]).tobytes())

    @property
    def hashes(self) -> np.ndarray:
        return np.frombuffer(self.hash_bytes, dtype=np.int64)

    @property
    def counts(self) -> np.ndarray:
        return np.frombuffer(self.count_bytes, dtype=np.float64)

    @property
    def boosts(self) -> np.ndarray:
        return np.frombuffer(self.boost_bytes, dtype=np.float64)


@lru_cache(maxsize=1 << 16)
def term_hash(term: str) -> int:
    """The same number for the same term in every process (the disk cache keeps them)."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little",
                          signed=True)


def related_articles(articles: Sequence[Article], concept_counts: Mapping[str, Mapping[str, int]],
                     *, cache: AnalysisCache | None = None, digests: Mapping[str, str] | None = None,
                     count: int = RELATED_COUNT, signature: str = "") -> dict[str, tuple[Related, ...]]:
    """path -> up to `count` related listed articles, best first, for every article. An article
    is never related to itself, nor to an article it duplicates or that duplicates it.
    `signature` names the concept aliases the counts come from: a ranking made with other
    aliases is never reused."""
    return related_begun(articles, concept_counts, cache=cache, digests=digests, count=count,
                         signature=signature)()


def related_begun(articles: Sequence[Article], concept_counts: Mapping[str, Mapping[str, int]],
                  *, cache: AnalysisCache | None = None, digests: Mapping[str, str] | None = None,
                  count: int = RELATED_COUNT, signature: str = ""
                  ) -> Callable[[], dict[str, tuple[Related, ...]]]:
    """As `related_articles`, a garden's ranking started now in a child process: the function
    returned waits for it. The build goes on with the rest of its analysis meanwhile."""
    cache = cache or AnalysisCache()
    digests = digests or {}
    keys = [_terms_key(a, digests) for a in articles]
    concepts = [tuple(sorted(concept_counts.get(a.path, {}).items())) for a in articles]
    key = ("related", VERSION, count, signature, digest(repr([
        (a.path, a.slug, a.listed, a.duplicate_of, k, c)
        for a, k, c in zip(articles, keys, concepts, strict=True)])))

    # A garden's ranking is made in a child process when one can be forked: scipy (15 MB)
    # and the product's arrays stay out of the build, which goes on meanwhile. A few articles
    # are ranked here, sooner than a child would import scipy; and so is every ranking while
    # serving (no fork beside a server's threads), from the ranking of the build before,
    # redoing only the rows an edit reaches.
    def ranked() -> dict[str, tuple[Related, ...]]:
        vectors = [cache.get(k, partial(_vector, a)) for a, k in zip(articles, keys, strict=True)]
        before = cache.held(RANKING)
        return cache.latest(RANKING, key, lambda: rank(
            articles, vectors, concepts, count,
            before=before if isinstance(before, Ranking) else None)).by_path()

    if key not in cache and len(articles) >= MIN_ITEMS and can_fork():
        vectors = [cache.get(k, partial(_vector, a)) for a, k in zip(articles, keys, strict=True)]
        found = begun(_fresh, articles, vectors, concepts, count)
        return partial(cache.get, key, found)
    return partial(cache.get, key, ranked)


def _fresh(articles: Sequence[Article], vectors: Sequence[TermVector],
           concepts: Sequence[tuple[tuple[str, int], ...]], count: int
           ) -> dict[str, tuple[Related, ...]]:
    return rank(articles, vectors, concepts, count).by_path()


def _vector(article: Article) -> TermVector:
    return TermVector.of(article_terms(article))


def read_terms(articles: Sequence[Article], cache: AnalysisCache,
               digests: Mapping[str, str]) -> Callable[[], None]:
    """Start reading the terms of every article not in the cache, on the second core; the
    function returned waits for them and puts them in the cache, where `related_articles`
    finds them. The analysis goes on meanwhile: the terms depend on nothing else."""
    missing = {_terms_key(a, digests): a for a in articles}
    missing = {key: a for key, a in missing.items() if key not in cache}
    # jieba's dictionary is loaded before the fork: the analysis needs it here anyway.
    work = SideWork(_vector, list(missing.values()), before_fork=partial(cut, ""))

    def collect() -> None:
        for key, vector in zip(missing, work.results(), strict=True):
            cache.put(key, vector)
    return collect


def _terms_key(article: Article, digests: Mapping[str, str]) -> Hashable:
    return ("related-terms", VERSION, digests.get(article.path) or digest(
        repr((article.title, article.summary, article.tags, article.body))))


Part = tuple["np.ndarray", "np.ndarray", "np.ndarray"]  # an article's term hashes, counts, factors
Kept = tuple["np.ndarray", "np.ndarray"]  # an article's strongest term hashes and unit weights
RANKING = "related-ranking"  # the cache slot holding the latest ranking


@dataclass(frozen=True)
class Ranking:
    """A ranking and what it was made from. The ranking after an edit starts from it and redoes
    only the rows the edit can reach, giving what a ranking made from nothing gives: a row's
    weights depend on its own terms and on how many articles hold each of them, its list on
    its weights and those of the articles it shares a term with."""

    articles: tuple[tuple[str, str, bool, str | None], ...]  # path, slug, listed, duplicate_of
    count: int
    vectors: tuple[TermVector, ...]
    concepts: tuple[tuple[tuple[str, int], ...], ...]
    vocabulary: np.ndarray  # the hashes of every article's terms, sorted
    documents: np.ndarray  # how many articles hold each
    kept: tuple[Kept, ...]
    related: tuple[tuple[Related, ...], ...]

    def by_path(self) -> dict[str, tuple[Related, ...]]:
        return {article[0]: found for article, found in zip(self.articles, self.related,
                                                             strict=True)}


def rank(articles: Sequence[Article], vectors: Sequence[TermVector],
         concepts: Sequence[tuple[tuple[str, int], ...]], count: int,
         before: Ranking | None = None) -> Ranking:
    """Every article's related articles; `concepts`: each article's (concept slug, mentions).
    With `before`, the rows it holds for the same articles are kept where nothing they depend
    on changed."""
    identity = tuple((a.path, a.slug, a.listed, a.duplicate_of) for a in articles)
    if before is not None and (before.articles != identity or before.count != count):
        before = None  # other articles, or other duplicates: every row depends on them
    n = len(articles)
    edited = _edited(before, vectors, concepts)
    # made again each time rather than kept: they would hold every article's terms twice
    parts = [_with_concepts(v, c) for v, c in zip(vectors, concepts, strict=True)]
    hashes, rows = _entries([p[0] for p in parts])
    if before is None:
        vocabulary, columns = np.unique(hashes, return_inverse=True)
        documents = np.bincount(columns, minlength=len(vocabulary))
        redo = np.arange(n)
    else:  # a term in more or fewer articles than before weighs differently in every row
        vocabulary, documents, changed = _recount(before, parts, sorted(edited))
        redo = np.union1d(np.array(sorted(edited), dtype=np.int64),
                          rows[np.isin(hashes, changed)])
    kept = list(before.kept) if before is not None else [_empty()] * n
    for row, weights in zip(redo.tolist(), _row_weights([parts[r] for r in redo], vocabulary,
                                                        documents, n), strict=True):
        kept[row] = weights
    matrix, kept_hashes, kept_rows = _assemble(kept, vocabulary)
    if before is None:
        rescore = np.arange(n)
    else:
        moved = [r for r in redo.tolist() if not _same_kept(kept[r], before.kept[r])]
        rescore = _sharing(moved, kept, before.kept, kept_hashes, kept_rows)
    related: list[tuple[Related, ...]] = list(before.related) if before is not None else [()] * n
    _score(rescore, matrix, vocabulary, articles, concepts, count, related)
    return Ranking(identity, count, tuple(vectors), tuple(concepts), vocabulary, documents,
                   tuple(kept), tuple(related))


def _empty() -> Kept:
    return np.array([], dtype=np.int64), np.array([], dtype=np.float32)


def _edited(before: Ranking | None, vectors: Sequence[TermVector],
            concepts: Sequence[tuple[tuple[str, int], ...]]) -> set[int]:
    if before is None:
        return set(range(len(vectors)))
    return {r for r, (v, c) in enumerate(zip(vectors, concepts, strict=True))
            if c != before.concepts[r] or not _same_vector(v, before.vectors[r])}


def _same_vector(a: TermVector, b: TermVector) -> bool:
    return a is b or a == b


def _same_kept(a: Kept, b: Kept) -> bool:
    return np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


def _entries(hashes: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """All rows' hashes in one array, and the row of each."""
    if not hashes:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    return (np.concatenate(hashes),
            np.repeat(np.arange(len(hashes)), [len(h) for h in hashes]))


def _recount(before: Ranking, parts: Sequence[Part], edited: list[int]
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The terms and how many articles hold each, from the counts before and the edited rows'
    terms then and now (as counting them all would give); and the terms whose count changed."""
    old = [_with_concepts(before.vectors[r], before.concepts[r])[0] for r in edited]
    new = [parts[r][0] for r in edited]
    terms = np.concatenate(old + new) if edited else np.array([], dtype=np.int64)
    signs = np.repeat([-1.0] * len(old) + [1.0] * len(new), [len(h) for h in old + new])
    unique, at = np.unique(terms, return_inverse=True)
    delta = np.rint(np.bincount(at, weights=signs, minlength=len(unique))).astype(np.int64)
    changed, delta = unique[delta != 0], delta[delta != 0]
    vocabulary = np.union1d(before.vocabulary, changed)
    documents = _count_of(before.vocabulary, before.documents, vocabulary)
    documents[np.searchsorted(vocabulary, changed)] += delta
    present = documents > 0
    return vocabulary[present], documents[present], changed


def _count_of(terms: np.ndarray, counts: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    if not len(terms):
        return np.zeros(len(wanted), dtype=np.int64)
    at = np.minimum(np.searchsorted(terms, wanted), len(terms) - 1)
    return np.where(terms[at] == wanted, counts[at], 0)


def _row_weights(parts: Sequence[Part], vocabulary: np.ndarray, documents: np.ndarray,
                 n: int) -> list[Kept]:
    """Each row's terms weighed (1 + log tf) * idf, cut to its TERMS_KEPT strongest, unit
    length. Every step is row by row, so a row comes out the same whichever rows are with it."""
    if not parts:
        return []
    hashes, rows = _entries([p[0] for p in parts])
    counts = np.concatenate([p[1] for p in parts])
    boosts = np.concatenate([p[2] for p in parts])
    columns = np.searchsorted(vocabulary, hashes)
    # A term in one article links nothing; one in most articles says nothing.
    useful = (documents > 1) & ((n < 20) | (documents <= n // 2))
    keep = useful[columns]
    rows, hashes, columns, counts, boosts = (rows[keep], hashes[keep], columns[keep],
                                             counts[keep], boosts[keep])
    idf = np.log((1 + n) / (1 + documents)) + 1.0
    weights = (1.0 + np.log(counts)) * idf[columns] * boosts
    kept = _strongest(rows, weights)
    rows, hashes, weights = rows[kept], hashes[kept], weights[kept]
    norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=len(parts)))
    weights = (weights / np.where(norms > 0, norms, 1.0)[rows]).astype(np.float32)
    bounds = np.searchsorted(rows, np.arange(1, len(parts)))
    return list(zip(np.split(hashes, bounds), np.split(weights, bounds), strict=True))


def _assemble(kept: Sequence[Kept], vocabulary: np.ndarray
              ) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """The rows as one matrix whose columns are the vocabulary's terms; and every entry's term
    and row."""
    from scipy import sparse

    hashes, rows = _entries([k[0] for k in kept])
    weights = np.concatenate([k[1] for k in kept]) if kept else np.array([], dtype=np.float32)
    columns = np.searchsorted(vocabulary, hashes)
    matrix = sparse.csr_matrix((weights, (rows, columns)), shape=(len(kept), len(vocabulary)))
    return matrix, hashes, rows


def _sharing(moved: list[int], kept: Sequence[Kept], before: Sequence[Kept],
             hashes: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The rows whose weights changed, and every row sharing a term with one of them before or
    after: the only rows whose scores can differ."""
    if not moved:
        return np.array([], dtype=np.int64)
    terms = np.unique(np.concatenate([kept[r][0] for r in moved] + [before[r][0] for r in moved]))
    return np.union1d(np.array(moved, dtype=np.int64), rows[np.isin(hashes, terms)])


def _score(rows: np.ndarray, matrix: sparse.csr_matrix, vocabulary: np.ndarray,
           articles: Sequence[Article], concepts: Sequence[tuple[tuple[str, int], ...]],
           count: int, related: list[tuple[Related, ...]]) -> None:
    """The related articles of the given rows, into `related`."""
    if not len(rows):
        return
    by_hash = {term_hash(CONCEPT + slug): slug for found in concepts for slug, _ in found}
    listed = np.array([a.listed for a in articles])
    candidates = matrix[listed]
    candidate_index = np.flatnonzero(listed)
    family = _families(articles)
    shares = _concept_weights(matrix, vocabulary, by_hash)
    for first in range(0, len(rows), ROWS_PER_BLOCK):
        chunk = rows[first:first + ROWS_PER_BLOCK].tolist()
        # each row's scores are its own product: the same in any block of rows
        scores = (matrix[chunk] @ candidates.T).tocsr()
        for offset, row in enumerate(chunk):
            found = _best(scores, offset, candidate_index, row, family, articles, count)
            related[row] = tuple(
                Related(articles[j].path, round(float(score), 4),
                        _shared(shares[row], shares[j], score))
                for j, score in found)


def _with_concepts(vector: TermVector, found: tuple[tuple[str, int], ...]):
    if not found:
        return vector.hashes, vector.counts, vector.boosts
    extra = np.array([term_hash(CONCEPT + slug) for slug, _ in found], dtype=np.int64)
    return (np.concatenate([vector.hashes, extra]),
            np.concatenate([vector.counts, np.array([n for _, n in found], dtype=np.float64)]),
            np.concatenate([vector.boosts, np.full(len(found), CONCEPT_WEIGHT)]))


def _strongest(rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Indices of each row's TERMS_KEPT heaviest entries (ties in the order the terms came)."""
    order = np.lexsort((-weights, rows))
    sorted_rows = rows[order]
    starts = np.searchsorted(sorted_rows, sorted_rows, side="left")
    rank = np.arange(len(order)) - starts
    return order[rank < TERMS_KEPT]


def _families(articles: Sequence[Article]) -> list[str]:
    """An article and its duplicates share one family name: the original's slug."""
    return [a.duplicate_of or a.slug for a in articles]


def _best(scores: sparse.csr_matrix, offset: int, candidate_index: np.ndarray, row: int,
          family: list[str], articles: Sequence[Article], count: int) -> list[tuple[int, float]]:
    start, end = scores.indptr[offset], scores.indptr[offset + 1]
    columns, values = scores.indices[start:end], scores.data[start:end]
    strong = values >= MIN_SCORE
    columns, values = columns[strong], values[strong]
    wanted = count + 4  # room for the article itself and its duplicates
    while True:
        chosen = _top(values, wanted)
        found = []
        for k in chosen:
            j = int(candidate_index[columns[k]])
            if (j == row or family[j] == family[row] or values[k] >= SAME_TEXT
                    or articles[j].slug == articles[row].duplicate_of):
                continue
            found.append((j, float(values[k])))
            if len(found) == count:
                return found
        if len(chosen) == len(values):
            return found
        wanted *= 4


def _top(values: np.ndarray, wanted: int) -> np.ndarray:
    """Indices of the `wanted` largest values (and any equal to the last), largest first, equal
    ones in their order: a partial sort, as a row can hold a score for every article."""
    if len(values) > wanted:
        threshold = np.partition(values, len(values) - wanted)[len(values) - wanted]
        kept = np.flatnonzero(values >= threshold)
    else:
        kept = np.arange(len(values))
    return kept[np.argsort(-values[kept], kind="stable")]


def _concept_weights(matrix: sparse.csr_matrix, vocabulary: np.ndarray,
                     by_hash: Mapping[int, str]) -> list[dict[str, float]]:
    """Each row's concepts (slug -> weight) among its kept terms."""
    where = np.searchsorted(vocabulary, list(by_hash)) if by_hash else np.array([], dtype=np.int64)
    columns = {int(i): slug for i, (h, slug) in zip(where, by_hash.items(), strict=True)
               if i < len(vocabulary) and vocabulary[i] == h}
    kept = np.array(sorted(columns), dtype=np.int64)
    from scipy import sparse

    part = matrix[:, kept].tocsr() if len(kept) else sparse.csr_matrix((matrix.shape[0], 0))
    slugs = [columns[int(c)] for c in kept]
    return [{slugs[c]: w for c, w in zip(part.indices[part.indptr[r]:part.indptr[r + 1]].tolist(),
                                          part.data[part.indptr[r]:part.indptr[r + 1]].tolist(),
                                          strict=True)}
            for r in range(matrix.shape[0])]


def _shared(a: Mapping[str, float], b: Mapping[str, float], score: float) -> tuple[str, ...]:
    """The concepts two articles share that account for much of their similarity, those
    weighing most in both first (at most three): a concept both merely mention is no reason."""
    shared = sorted(((w * b[slug], slug) for slug, w in a.items() if slug in b), reverse=True)
    return tuple(slug for part, slug in shared[:3] if part >= REASON_SHARE * score)
