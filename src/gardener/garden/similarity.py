"""Related articles: the articles most alike in words and concepts, by sparse TF-IDF.

Each article becomes a weighted bag of terms: jieba's words for Chinese, words for English, the
concepts it mentions and its tags. Only its strongest terms are kept, so the similarity product
touches only pairs of articles sharing a distinctive term (an inverted index, done as one sparse
matrix product per block of rows): never all pairs. The terms of an article depend only on its
text and are cached with it; the ranking is cached for the garden as a whole.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Hashable, Mapping, Sequence

import numpy as np
from scipy import sparse

from gardener.articles.model import Article
from gardener.garden.cache import AnalysisCache, digest
from gardener.text.cjk import CJK_RUN
from gardener.text.markdown import protected_spans
from gardener.text.segmenter import jieba

RELATED_COUNT = 5
# Reading the start of an article is enough to know what it is about, and bounds the time jieba
# takes on very long ones.
TEXT_CHARS = 4000
TERMS_KEPT = 60  # the strongest terms of each article
MIN_SCORE = 0.08  # below this, two articles share only incidental words
CONCEPT_WEIGHT = 2.0
TAG_WEIGHT = 1.5
TITLE_REPEAT = 3
ROWS_PER_BLOCK = 512
CONCEPT, TAG = "concept:", "tag:"

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-+.][A-Za-z0-9]+)*\+*")
# Words that say nothing about a subject; rare ones are discounted by their document frequency.
_ENGLISH_FILLER = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers him his how i if in into is it its itself just me more most my
no nor not now of off on once only or other our out over own same she should so some such than
that the their them then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your yours image images figure
http https www com html png jpg
""".split())


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
    # Single characters are mostly particles; a two-character word or longer carries meaning.
    words.extend(w for w in jieba().lcut(chinese, HMM=False) if len(w) > 1)
    return words


def related_articles(articles: Sequence[Article], concept_counts: Mapping[str, Mapping[str, int]],
                     *, cache: AnalysisCache | None = None, digests: Mapping[str, str] | None = None,
                     count: int = RELATED_COUNT, signature: str = "") -> dict[str, tuple[Related, ...]]:
    """path -> up to `count` related listed articles, best first, for every article. An article
    is never related to itself, nor to an article it duplicates or that duplicates it.
    `signature` names the concept aliases the counts come from: a ranking made with other
    aliases is never reused."""
    cache = cache or AnalysisCache()
    digests = digests or {}
    terms = [_terms(a, cache, digests) for a in articles]
    concepts = [dict(concept_counts.get(a.path, {})) for a in articles]
    key = ("related", count, signature, digest(repr([
        (a.path, a.slug, a.listed, a.duplicate_of, digests.get(a.path) or sorted(t.items()),
         sorted(c.items())) for a, t, c in zip(articles, terms, concepts, strict=True)])))
    bags = [[t, {CONCEPT + slug: n for slug, n in c.items()}] for t, c in zip(terms, concepts, strict=True)]
    return cache.get(key, lambda: _rank(articles, bags, count))


def _terms(article: Article, cache: AnalysisCache, digests: Mapping[str, str]) -> Counter:
    key: Hashable = ("related-terms", digests.get(article.path) or digest(
        repr((article.title, article.summary, article.tags, article.body))))
    return cache.get(key, lambda: article_terms(article))


def _rank(articles: Sequence[Article], bags: list[list[Mapping[str, int]]],
          count: int) -> dict[str, tuple[Related, ...]]:
    """`bags`: each article's terms, as one or more mappings of term -> count."""
    matrix, vocabulary = _weights(bags)
    listed = np.array([a.listed for a in articles])
    candidates = matrix[listed]
    candidate_index = np.flatnonzero(listed)
    family = _families(articles)
    concept_columns = {i: t[len(CONCEPT):] for t, i in vocabulary.items() if t.startswith(CONCEPT)}
    related: dict[str, tuple[Related, ...]] = {}
    for first in range(0, len(articles), ROWS_PER_BLOCK):
        block = matrix[first:first + ROWS_PER_BLOCK]
        scores = (block @ candidates.T).tocsr()
        for offset in range(block.shape[0]):
            row = first + offset
            found = _best(scores, offset, candidate_index, row, family, articles, count)
            related[articles[row].path] = tuple(
                Related(articles[j].path, round(score, 4),
                        _shared_concepts(matrix, row, j, concept_columns)) for j, score in found)
    return related


def _weights(bags: list[list[Mapping[str, int]]]) -> tuple[sparse.csr_matrix, dict[str, int]]:
    """Rows of (1 + log tf) * idf, each cut to its TERMS_KEPT strongest terms, unit length."""
    documents = Counter(term for parts in bags for part in parts for term in part)
    n = len(bags)
    # A term in one article links nothing; one in most articles says nothing.
    useful = sorted(t for t, df in documents.items() if 1 < df and (n < 20 or df <= n // 2))
    vocabulary = {t: i for i, t in enumerate(useful)}
    rows, cols, counts = [], [], []
    for r, parts in enumerate(bags):
        for part in parts:
            for term, tf in part.items():
                column = vocabulary.get(term)
                if column is not None:
                    rows.append(r)
                    cols.append(column)
                    counts.append(tf)
    rows_a, cols_a = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
    df = np.array([documents[t] for t in useful], dtype=np.float64)
    boost = np.array([_boost(t) for t in useful], dtype=np.float64)
    idf = np.log((1 + n) / (1 + df)) + 1.0
    weights = (1.0 + np.log(np.array(counts, dtype=np.float64))) * idf[cols_a] * boost[cols_a]
    kept = _strongest(rows_a, weights, cols_a)
    rows_a, cols_a, weights = rows_a[kept], cols_a[kept], weights[kept]
    norms = np.sqrt(np.bincount(rows_a, weights=weights * weights, minlength=n))
    weights = weights / np.where(norms > 0, norms, 1.0)[rows_a]
    shape = (n, len(vocabulary))
    return sparse.csr_matrix((weights.astype(np.float32), (rows_a, cols_a)), shape=shape), vocabulary


def _boost(term: str) -> float:
    if term.startswith(CONCEPT):
        return CONCEPT_WEIGHT
    return TAG_WEIGHT if term.startswith(TAG) else 1.0


def _strongest(rows: np.ndarray, weights: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Indices of each row's TERMS_KEPT heaviest entries (ties broken by column)."""
    order = np.lexsort((cols, -weights, rows))
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
    order = np.argsort(-values, kind="stable")
    found = []
    for k in order:
        score = float(values[k])
        if score < MIN_SCORE or len(found) == count:
            break
        j = int(candidate_index[columns[k]])
        if j == row or family[j] == family[row] or articles[j].slug == articles[row].duplicate_of:
            continue
        found.append((j, score))
    return found


def _shared_concepts(matrix: sparse.csr_matrix, a: int, b: int,
                     columns: Mapping[int, str]) -> tuple[str, ...]:
    weights_b = dict(_row(matrix, b))
    shared = [(w * weights_b[c], columns[c]) for c, w in _row(matrix, a)
              if c in columns and c in weights_b]
    return tuple(slug for _, slug in sorted(shared, reverse=True)[:3])


def _row(matrix: sparse.csr_matrix, r: int):
    start, end = matrix.indptr[r], matrix.indptr[r + 1]
    return zip(matrix.indices[start:end].tolist(), matrix.data[start:end].tolist(), strict=True)
