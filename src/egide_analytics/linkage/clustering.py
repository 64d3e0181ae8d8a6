"""Clustering scored pairs into persons: union-find with a guard against chaining.

Pairs at or above the match threshold are merged from the most similar down (a greedy,
Kruskal-like order). Merging on single pairs alone chains: A≈B and B≈C would put A and C
together however different they are. So two clusters are merged only when

- the merged cluster stays within `max_cluster_size` records,
- (only when asked: sources known to hold no duplicates) no source appears in both, and
- every record of one is at least `cohesion` similar (Dice) to every record of the other
  (complete linkage at the cohesion threshold, by default the review threshold: the two
  clusters contain no pair of records plainly of different persons).

A refused merge is not lost: its pair is handed to human review like the « possible
duplicates » of the review band.
"""

from dataclasses import dataclass

import numba
import numpy as np

from egide_analytics.linkage.dice_kernel import FilterSet, _popcount64


@dataclass(frozen=True)
class Clusters:
    """Dense cluster ids (from 0, in order of first record) and the refused merges."""

    labels: np.ndarray  # (n,) int64
    refused: np.ndarray  # indices, into the pairs given, of merges the guard refused
    merges: int


@numba.njit(cache=True, nogil=True)
def _find(parent: np.ndarray, node: int) -> int:
    root = node
    while parent[root] != root:
        root = parent[root]
    while parent[node] != root:
        up = parent[node]
        parent[node] = root
        node = up
    return root


@numba.njit(cache=True, nogil=True)
def _cohesive(
    first_a: int, first_b: int, following: np.ndarray, words: np.ndarray, counts: np.ndarray, cohesion: float
) -> bool:
    """Tell whether every record of one circular member list is `cohesion`-similar to every one of the other."""
    a = first_a
    while True:
        b = first_b
        while True:
            shared = 0
            for w in range(words.shape[1]):
                shared += _popcount64(words[a, w] & words[b, w])
            denominator = counts[a] + counts[b]
            if denominator == 0 or 2.0 * shared < cohesion * denominator:
                return False
            b = following[b]
            if b == first_b:
                break
        a = following[a]
        if a == first_a:
            return True


@numba.njit(cache=True, nogil=True)
def _share_a_source(first_a: int, first_b: int, following: np.ndarray, source: np.ndarray) -> bool:
    """Tell whether two circular member lists hold records of the same source."""
    a = first_a
    while True:
        b = first_b
        while True:
            if source[a] == source[b]:
                return True
            b = following[b]
            if b == first_b:
                break
        a = following[a]
        if a == first_a:
            return False


@numba.njit(cache=True, nogil=True)
def _cluster(
    n: int, index_a: np.ndarray, index_b: np.ndarray, scores: np.ndarray, match: float, cohesion: float,
    max_size: int, words: np.ndarray, counts: np.ndarray, source: np.ndarray, one_per_source: bool,
    exclusive: np.ndarray, required: np.ndarray, overrides: np.ndarray, order: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, int]:  # fmt: skip
    parent = np.arange(n)
    size = np.ones(n, dtype=np.int64)
    # Each cluster's members form a circular list: merging two lists is swapping two links.
    following = np.arange(n)
    # The known exclusive code of each cluster, at its root: a cluster never holds two.
    cluster_code = exclusive.copy()
    refused = np.empty(index_a.shape[0], dtype=np.int64)
    n_refused = 0
    merges = 0
    for k in order:
        # `order` is by decreasing score: below the least requirement nothing merges.
        if scores[k] < match:
            break
        if scores[k] < required[k]:
            continue
        root_a = _find(parent, index_a[k])
        root_b = _find(parent, index_b[k])
        if root_a == root_b:
            continue
        code_a = cluster_code[root_a]
        code_b = cluster_code[root_b]
        if (
            size[root_a] + size[root_b] > max_size
            or (code_a != 0 and code_b != 0 and code_a != code_b and not overrides[k])
            or (one_per_source and _share_a_source(root_a, root_b, following, source))
            or (
                (size[root_a] > 1 or size[root_b] > 1)
                and not _cohesive(root_a, root_b, following, words, counts, cohesion)
            )
        ):
            refused[n_refused] = k
            n_refused += 1
            continue
        if size[root_a] < size[root_b]:
            root_a, root_b = root_b, root_a
        parent[root_b] = root_a
        size[root_a] += size[root_b]
        cluster_code[root_a] = max(code_a, code_b)
        following[root_a], following[root_b] = following[root_b], following[root_a]
        merges += 1
    for node in range(n):
        parent[node] = _find(parent, node)
    return parent, refused[:n_refused], merges


def dense_labels(roots: np.ndarray) -> np.ndarray:
    """Renumber cluster roots 0, 1, 2… in the order of each cluster's first record."""
    _, first, inverse = np.unique(roots, return_index=True, return_inverse=True)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    labels: np.ndarray = rank[inverse.reshape(-1)]
    return labels


def cluster_pairs(
    filters: FilterSet, index_a: np.ndarray, index_b: np.ndarray, scores: np.ndarray, *,
    match: float, cohesion: float, max_cluster_size: int, source: np.ndarray | None = None,
    exclusive: np.ndarray | None = None, match_partial: float | None = None, order: np.ndarray | None = None,
    required: np.ndarray | None = None, overrides_exclusive: np.ndarray | None = None,
) -> Clusters:  # fmt: skip
    """Merge the pairs scoring at least `match` into clusters over all `len(filters)` records.

    With `source` (the source of each record), a cluster never holds two records of one
    source: for sources known to be free of duplicates, as the two files of FEBRL4. With
    `exclusive` (a nonzero code per record where known, e.g. a keyed token of the full date
    of birth and sex), a cluster never holds two records with different known codes, and a
    pair where a record has no code merges only from `match_partial` (default: `match`).
    `order`: the pairs' indices by decreasing score, when the caller has it already.
    `required` (per pair) replaces `match` and `match_partial`: the least score that merges
    the pair (`evidence.pair_evidence`); a pair flagged in `overrides_exclusive` may join
    clusters with different exclusive codes.
    """
    n = len(filters)
    if n == 0:
        return Clusters(labels=np.zeros(0, dtype=np.int64), refused=np.zeros(0, dtype=np.int64), merges=0)
    exclusive = np.zeros(n, dtype=np.uint32) if exclusive is None else np.asarray(exclusive, dtype=np.uint32)
    index_a, index_b = np.asarray(index_a, dtype=np.int64), np.asarray(index_b, dtype=np.int64)
    if required is None:
        # A record without an exclusive code is not protected by the exclusion: stricter.
        partial = ((exclusive[index_a] == 0) | (exclusive[index_b] == 0)) & bool(exclusive.any())
        strict = match if match_partial is None else max(match, match_partial)
        required = np.where(partial, strict, match).astype(np.float32)
    least = float(np.min(required)) if required.size else float(match)
    roots, refused, merges = _cluster(
        n, index_a, index_b, np.asarray(scores, dtype=np.float32), least, float(cohesion), int(max_cluster_size),
        filters.words, filters.counts,
        np.zeros(n, dtype=np.int64) if source is None else np.asarray(source, dtype=np.int64), source is not None,
        exclusive, np.ascontiguousarray(required, dtype=np.float32),
        np.zeros(index_a.size, dtype=np.bool_) if overrides_exclusive is None
        else np.asarray(overrides_exclusive, dtype=np.bool_),
        np.argsort(-np.asarray(scores), kind="stable") if order is None else np.asarray(order, dtype=np.int64),
    )  # fmt: skip
    return Clusters(labels=dense_labels(roots), refused=refused, merges=int(merges))
