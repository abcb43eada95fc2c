"""Near-duplicate articles (syndicated copies) by MinHash over word 3-grams.

The LSH index lives in the store as (band, bucket) rows, so finding candidates is an indexed
query and nothing has to be loaded at start-up. 16 bands of 4 rows catch pairs above
Jaccard ~0.5; candidates are then confirmed on the estimated Jaccard itself.

Scheme 2 (``SCHEME``): each word is hashed once (BLAKE2b, cached per process), a 3-gram's
32-bit hash is mixed from its words' hashes, and each of the NUM_PERM hash functions
(a x + b) mod P is applied to all of them at once, in numpy. Scheme 1 (datasketch's MinHash of
each 3-gram's SHA-1, hashed one by one in Python) cost three times as much; a store signed by it
is signed again on open (``store.upgrade``).
"""
from __future__ import annotations

import hashlib
import re
from functools import cache

import numpy as np

SCHEME = 2
NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 3
THRESHOLD = 0.5  # a rewritten copy scores ~0.8, different stories on one event < 0.2

_WORD = re.compile(r"[^\W_]+")
# the largest prime below 2^32: a and b below it and x below 2^32, a x + b never overflows 64 bits
_P = np.uint64(4_294_967_291)
# odd multipliers that spread each word's place in the 3-gram (so "a b c" != "c b a")
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The NUM_PERM pairs (a, b), each drawn from BLAKE2b of its index, so that every process
    and every version of every library draws the same ones."""
    def draw(i: int, part: bytes) -> int:
        digest = hashlib.blake2b(b"sitrep-minhash-%d-%s" % (i, part), digest_size=8).digest()
        return int.from_bytes(digest, "little") % (int(_P) - 1)
    a = np.array([draw(i, b"a") + 1 for i in range(NUM_PERM)], dtype=np.uint64)
    b = np.array([draw(i, b"b") for i in range(NUM_PERM)], dtype=np.uint64)
    return a, b


class _WordHashes(dict):
    """Each word's 64-bit BLAKE2b, computed on first sight; looked up from C (``map``), which
    a cached function call per word is not. Emptied when it grows past ``LIMIT`` words."""

    LIMIT = 1 << 18

    def __missing__(self, word: str) -> int:
        if len(self) >= self.LIMIT:
            self.clear()
        value = self[word] = int.from_bytes(
            hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
        return value


@cache
def _word_hashes() -> _WordHashes:
    return _WordHashes()


def shingle_hashes(text: str) -> np.ndarray:
    """The 32-bit hash of each word 3-gram of the case-folded text (the whole text as one
    "3-gram" when it has fewer words)."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        return np.array([_word_hashes()[" ".join(words)] >> 32], dtype=np.uint64)
    h = np.fromiter(map(_word_hashes().__getitem__, words), dtype=np.uint64, count=len(words))
    n = len(words) - SHINGLE + 1
    mixed = h[:n] * _MIX[0] + h[1:n + 1] * _MIX[1] + h[2:] * _MIX[2]  # wraps mod 2^64
    return mixed >> np.uint64(32)


def signature(text: str) -> bytes:
    """The MinHash signature of the text's 3-grams: NUM_PERM minima, 8 bytes each."""
    a, b = _permutations()
    permuted = (shingle_hashes(text)[:, None] * a + b) % _P
    return permuted.min(axis=0).astype("<u8").tobytes()


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
