"""Dice similarity of bit-packed Bloom filters, compiled with numba.

A filter of `filter_bytes` bytes (uint8, bit-packed, as `Encodings.clks`) is viewed as
64-bit words, zero-padded: the Dice coefficient 2|A∩B| / (|A| + |B|) is then a few AND and
POPCNT instructions per word. Popcounts of each filter are computed once (`FilterSet`).
Two empty filters have a Dice of 0: an unknown identity matches nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import numba
import numpy as np
from numba import types
from numba.extending import intrinsic

WORD_BYTES = 8


def _ctpop(typingctx: object, value: types.Integer) -> tuple[object, object]:
    """Count the set bits of a uint64 with LLVM's ctpop (one POPCNT instruction)."""
    signature = types.int64(types.uint64)

    def codegen(context: object, builder: object, sig: object, args: list[object]) -> object:
        return builder.ctpop(args[0])  # type: ignore[attr-defined]

    return signature, codegen


# Typed for mypy as what it is inside compiled code: a function of a uint64.
_popcount64 = cast(Callable[[Any], int], intrinsic(_ctpop))


@dataclass(frozen=True)
class FilterSet:
    """Bloom filters as contiguous uint64 words, with each filter's popcount."""

    words: np.ndarray  # (n, n_words) uint64
    counts: np.ndarray  # (n,) int32

    def __len__(self) -> int:
        return int(self.words.shape[0])

    @classmethod
    def from_packed(cls, clks: np.ndarray) -> "FilterSet":
        """Build from bit-packed uint8 filters of shape (n, filter_bytes)."""
        packed = np.ascontiguousarray(clks, dtype=np.uint8)
        if packed.ndim != 2:
            raise ValueError("les filtres doivent former un tableau à deux dimensions (n, octets)")
        padding = (-packed.shape[1]) % WORD_BYTES
        if padding:
            packed = np.pad(packed, ((0, 0), (0, padding)))
        words = np.ascontiguousarray(packed).view(np.uint64)
        return cls(words=words, counts=popcounts(words))

    def subset(self, rows: np.ndarray) -> "FilterSet":
        """Return the filters at `rows`, in that order."""
        return FilterSet(words=np.ascontiguousarray(self.words[rows]), counts=self.counts[rows])


@numba.njit(cache=True, nogil=True)
def popcounts(words: np.ndarray) -> np.ndarray:
    """Return the number of set bits of each row of a (n, n_words) uint64 array."""
    n, n_words = words.shape
    out = np.empty(n, dtype=np.int32)
    for row in range(n):
        total = 0
        for w in range(n_words):
            total += _popcount64(words[row, w])
        out[row] = total
    return out


@numba.njit(cache=True, nogil=True, inline="always")
def _dice(words_a: np.ndarray, count_a: int, words_b: np.ndarray, count_b: int) -> float:
    denominator = count_a + count_b
    if denominator == 0:
        return 0.0
    shared = 0
    for w in range(words_a.shape[0]):
        shared += _popcount64(words_a[w] & words_b[w])
    return 2.0 * shared / denominator


@numba.njit(cache=True, nogil=True)
def dice_pairs(
    words_a: np.ndarray, counts_a: np.ndarray, words_b: np.ndarray, counts_b: np.ndarray,
    index_a: np.ndarray, index_b: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Return the Dice coefficient of each pair (words_a[index_a[k]], words_b[index_b[k]])."""
    out = np.empty(index_a.shape[0], dtype=np.float32)
    for k in range(index_a.shape[0]):
        i = index_a[k]
        j = index_b[k]
        out[k] = _dice(words_a[i], counts_a[i], words_b[j], counts_b[j])
    return out


@numba.njit(cache=True, nogil=True)
def _pairs_above(
    words_a: np.ndarray, counts_a: np.ndarray, words_b: np.ndarray, counts_b: np.ndarray, threshold: float,
    triangle: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    # With triangle (a = b), each unordered pair once (j > i); otherwise every pair of a × b.
    capacity = 1024
    found_a = np.empty(capacity, dtype=np.int64)
    found_b = np.empty(capacity, dtype=np.int64)
    scores = np.empty(capacity, dtype=np.float32)
    found = 0
    hits = np.empty(words_b.shape[0], dtype=np.int64)
    hit_shared = np.empty(words_b.shape[0], dtype=np.int64)
    n_words = words_a.shape[1]
    for i in range(words_a.shape[0]):
        row = words_a[i]
        count_i = counts_a[i]
        n_hits = 0
        for j in range(i + 1 if triangle else 0, words_b.shape[0]):
            other = words_b[j]
            shared = 0
            for w in range(n_words):
                shared += _popcount64(row[w] & other[w])
            # Branchless: always write, advance only on a hit; a branch here halves the speed
            # because the compiler no longer vectorizes the loop. Compared without a division.
            hits[n_hits] = j
            hit_shared[n_hits] = shared
            n_hits += 2 * shared >= threshold * (count_i + counts_b[j])
        if found + n_hits > capacity:
            capacity = 2 * (found + n_hits)
            found_a = _grow(found_a, capacity)
            found_b = _grow(found_b, capacity)
            scores = _grow(scores, capacity)
        for k in range(n_hits):
            j = hits[k]
            denominator = count_i + counts_b[j]
            if denominator > 0:
                found_a[found] = i
                found_b[found] = j
                scores[found] = 2.0 * hit_shared[k] / denominator
                found += 1
    return scores[:found], found_a[:found], found_b[:found]


@numba.njit(cache=True, nogil=True)
def _grow(array: np.ndarray, capacity: int) -> np.ndarray:
    bigger = np.empty(capacity, dtype=array.dtype)
    bigger[: array.shape[0]] = array
    return bigger


def dice_all_pairs(a: FilterSet, b: FilterSet, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Compare every filter of `a` with every filter of `b`; return (scores, index_a, index_b) ≥ threshold.

    No blocking: |a| × |b| comparisons, for small sets and for measuring the kernel.
    """
    if a.words.shape[1] != b.words.shape[1]:
        raise ValueError("les filtres comparés n'ont pas la même longueur")
    result: tuple[np.ndarray, np.ndarray, np.ndarray] = _pairs_above(
        a.words, a.counts, b.words, b.counts, float(threshold), False
    )
    return result


def dice_within(filters: FilterSet, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Compare every pair i < j of one set; return (scores, index_a, index_b) at or above `threshold`."""
    result: tuple[np.ndarray, np.ndarray, np.ndarray] = _pairs_above(
        filters.words, filters.counts, filters.words, filters.counts, float(threshold), True
    )
    return result


def dice(a: np.ndarray, b: np.ndarray) -> float:
    """Return the Dice coefficient of two bit-packed uint8 filters of the same length."""
    filters = FilterSet.from_packed(np.stack([np.asarray(a, dtype=np.uint8), np.asarray(b, dtype=np.uint8)]))
    scores = dice_pairs(filters.words, filters.counts, filters.words, filters.counts,
                        np.zeros(1, dtype=np.int64), np.ones(1, dtype=np.int64))  # fmt: skip
    return float(scores[0])
