"""Near-duplicate articles (syndicated copies) by MinHash over word 3-grams.

The LSH index lives in the store as (band, bucket) rows, so finding candidates is an indexed
query and nothing has to be loaded at start-up. 16 bands of 4 rows catch pairs above
Jaccard ~0.5; candidates are then confirmed on the estimated Jaccard itself.
"""
from __future__ import annotations

import hashlib
import re
from functools import cache

import numpy as np
from datasketch import MinHash

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 3
THRESHOLD = 0.5  # a rewritten copy scores ~0.8, different stories on one event < 0.2

_WORD = re.compile(r"[^\W_]+")


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        return {" ".join(words).encode()}
    return {" ".join(gram).encode() for gram in zip(*(words[i:] for i in range(SHINGLE)))}


@cache
def _template() -> MinHash:
    """The permutations, drawn once per process instead of once per article."""
    return MinHash(num_perm=NUM_PERM, seed=1)


def signature(text: str) -> bytes:
    """datasketch's MinHash with its default 32-bit SHA-1 hash of each shingle (the first four
    bytes, little-endian), hashed here in one pass so that no Python call is made per shingle."""
    t = _template()
    mh = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int, permutations=t.permutations, scheme=t.scheme)
    sha1 = hashlib.sha1
    first4 = b"".join([sha1(s).digest()[:4] for s in shingles(text)])
    mh.update_batch(np.frombuffer(first4, "<u4").tolist())
    return mh.hashvalues.astype("<u8").tobytes()


def buckets(sig: bytes) -> tuple[tuple[int, str], ...]:
    return tuple((b, hashlib.blake2b(sig[b * ROWS * 8:(b + 1) * ROWS * 8], digest_size=8).hexdigest())
                 for b in range(BANDS))


def similarity(a: bytes, b: bytes) -> float:
    return float(np.mean(np.frombuffer(a, "<u8") == np.frombuffer(b, "<u8")))


def best_match(sig: bytes, candidates: list[tuple[str, bytes]]) -> tuple[str, float] | None:
    """The earliest candidate at or above the threshold (candidates come earliest first)."""
    for article_id, other in candidates:
        score = similarity(sig, other)
        if score >= THRESHOLD:
            return article_id, score
    return None
