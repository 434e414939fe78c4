"""Near-duplicate articles by MinHash over character shingles.

Reposts of one essay differ in punctuation width, whitespace and page furniture, so texts are
compared on their letters and digits only; character shingles work for Chinese, which has no
spaces to split words on. LSH keeps this linear in the number of articles: no all-pairs step.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH

SHINGLE = 5
NUM_PERM = 128
THRESHOLD = 0.7
MIN_CHARS = 200  # short notes share boilerplate too easily to call them duplicates
_NOISE = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class DuplicatePair:
    first: str
    second: str
    similarity: float  # estimated Jaccard similarity of the shingle sets


def fingerprint(text: str) -> MinHash | None:
    letters = _NOISE.sub("", text).casefold()
    if len(letters) < MIN_CHARS:
        return None
    shingles = {letters[i:i + SHINGLE] for i in range(len(letters) - SHINGLE + 1)}
    digest = MinHash(num_perm=NUM_PERM, seed=1)
    digest.update_batch([s.encode("utf-8") for s in shingles])
    return digest


def find_duplicates(texts: Iterable[tuple[str, str]], threshold: float = THRESHOLD) -> list[DuplicatePair]:
    """Pairs of keys whose texts are near-duplicates, each pair once, in input order."""
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    digests: dict[str, MinHash] = {}
    order: dict[str, int] = {}
    pairs = []
    for key, text in texts:
        digest = fingerprint(text)
        if digest is None:
            continue
        # The LSH answers with a set, whose order changes from run to run with the string hash
        # seed: earlier texts first, so the pairs (and what callers choose from them) never do.
        for other in sorted(lsh.query(digest), key=order.__getitem__):
            similarity = digest.jaccard(digests[other])
            if similarity >= threshold:
                pairs.append(DuplicatePair(other, key, round(similarity, 3)))
        lsh.insert(key, digest)
        digests[key] = digest
        order.setdefault(key, len(order))
    return pairs
