"""Link records of one or several sources into persons: blocking, Dice comparisons, clustering.

All records of all sources (data holders, years) are one set: duplicates inside a source,
across sources and across years are found by the same single clustering.
"""

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numba
import numpy as np

from egide_analytics.linkage.blocking import BlockingConfig, blocking_keys, blocks_of, token_codes
from egide_analytics.linkage.clustering import cluster_pairs
from egide_analytics.linkage.dice import FilterSet, _grow, _popcount64


# The exact token of the full date of birth and sex: two records with different known values
# are two persons, however similar their names (a typo in a date goes to review instead).
EXCLUSIVE_TOKEN = "dob_sex"  # noqa: S105 (a token's name, not a secret)


class EncodingsLike(Protocol):
    """What linking needs of `Encodings`: the bit-packed filters and the exact keyed tokens."""

    @property
    def clks(self) -> np.ndarray: ...

    @property
    def tokens(self) -> dict[str, list[str]]: ...


@dataclass(frozen=True)
class Thresholds:
    """Dice thresholds: merged at `match` and above; kept for review in [review, match).

    `cohesion` (default: `review`) is the least similarity allowed between any two records
    of a cluster when two clusters merge; `max_cluster_size` bounds a cluster (see
    `clustering`).
    """

    match: float = 0.85
    review: float = 0.75
    cohesion: float | None = None
    max_cluster_size: int = 50

    def __post_init__(self) -> None:
        if not 0.0 < self.review <= self.match <= 1.0:
            raise ValueError("les seuils doivent vérifier 0 < revue ≤ appariement ≤ 1")
        if self.max_cluster_size < 2:
            raise ValueError("la taille maximale d'un groupe doit être au moins 2")

    @property
    def cohesion_or_review(self) -> float:
        return self.review if self.cohesion is None else self.cohesion


@dataclass
class Source:
    """One data holder's records (for one year, when known) and their encodings."""

    name: str
    record_ids: list[str]
    encodings: EncodingsLike
    year: int | None = None


@dataclass(frozen=True)
class ReviewPair:
    """A possible duplicate left for a person to decide: never merged automatically."""

    source_a: int
    index_a: int
    source_b: int
    index_b: int
    score: float


@dataclass
class LinkResult:
    """Person cluster of each record, per source, and the pairs left for review."""

    cluster_of: list[np.ndarray]
    review_pairs: list[ReviewPair]
    records: int
    candidate_pairs: int
    comparisons: int
    matches: int
    clusters: int
    refused_merges: int = 0
    dropped_blocks: int = 0
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ScoredPairs:
    """Pairs compared and kept (score ≥ the threshold), with the blocking's counts."""

    index_a: np.ndarray
    index_b: np.ndarray
    scores: np.ndarray
    candidate_pairs: int
    comparisons: int
    dropped_blocks: int


@numba.njit(cache=True, nogil=True)
def _compare_blocks(
    order: np.ndarray, starts: np.ndarray, sizes: np.ndarray, codes: np.ndarray, key: int,
    words: np.ndarray, counts: np.ndarray, threshold: float, max_block: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:  # fmt: skip
    n_words = words.shape[1]
    # Each block's filters are copied side by side first: the comparisons then stay in cache.
    local = np.empty((max_block, n_words), dtype=np.uint64)
    local_counts = np.empty(max_block, dtype=np.int64)
    local_codes = np.empty((max_block, max(key, 1)), dtype=np.uint32)
    hits = np.empty(max_block, dtype=np.int64)
    hit_shared = np.empty(max_block, dtype=np.int64)
    capacity = 1024
    out_a = np.empty(capacity, dtype=np.int64)
    out_b = np.empty(capacity, dtype=np.int64)
    out_s = np.empty(capacity, dtype=np.float32)
    found = 0
    candidates = 0
    comparisons = 0
    for block in range(starts.shape[0]):
        start = starts[block]
        size = sizes[block]
        candidates += size * (size - 1) // 2
        for m in range(size):
            record = order[start + m]
            local[m] = words[record]
            local_counts[m] = counts[record]
            for k in range(key):
                local_codes[m, k] = codes[record, k]
        for a in range(size - 1):
            row = local[a]
            count_a = local_counts[a]
            n_hits = 0
            for b in range(a + 1, size):
                # Compared already under an earlier key that put both in one block.
                seen = False
                for k in range(key):
                    code = local_codes[a, k]
                    if code != 0 and code == local_codes[b, k]:
                        seen = True
                        break
                if seen:
                    continue
                comparisons += 1
                other = local[b]
                shared = 0
                for w in range(n_words):
                    shared += _popcount64(row[w] & other[w])
                denominator = count_a + local_counts[b]
                hits[n_hits] = b
                hit_shared[n_hits] = shared
                n_hits += (denominator > 0) & (2 * shared >= threshold * denominator)
            if found + n_hits > capacity:
                capacity = 2 * (found + n_hits)
                out_a = _grow(out_a, capacity)
                out_b = _grow(out_b, capacity)
                out_s = _grow(out_s, capacity)
            record_a = order[start + a]
            for h in range(n_hits):
                b = hits[h]
                record_b = order[start + b]
                out_a[found] = min(record_a, record_b)
                out_b[found] = max(record_a, record_b)
                out_s[found] = 2.0 * hit_shared[h] / (count_a + local_counts[b])
                found += 1
    return out_a[:found], out_b[:found], out_s[:found], candidates, comparisons


def score_candidates(
    filters: FilterSet, tokens: dict[str, list[str]], clks: np.ndarray, threshold: float, config: BlockingConfig
) -> ScoredPairs:
    """Compare every candidate pair once; keep those scoring at least `threshold`."""
    keys = blocking_keys(tokens, clks, filters.counts, config)
    parts_a, parts_b, parts_s = [], [], []
    candidates = comparisons = dropped = 0
    for key in range(len(keys.names)):
        blocks = blocks_of(keys.codes, key, config.max_block_size)
        dropped += blocks.dropped_blocks
        if blocks.starts.size == 0:
            continue
        index_a, index_b, scores, key_candidates, key_comparisons = _compare_blocks(
            blocks.order, blocks.starts, blocks.sizes, keys.codes, key, filters.words, filters.counts,
            float(threshold), int(blocks.sizes.max()),
        )  # fmt: skip
        parts_a.append(index_a)
        parts_b.append(index_b)
        parts_s.append(scores)
        candidates += int(key_candidates)
        comparisons += int(key_comparisons)
    if not parts_a:
        empty = np.zeros(0, dtype=np.int64)
        return ScoredPairs(empty, empty, np.zeros(0, dtype=np.float32), candidates, comparisons, dropped)
    return ScoredPairs(np.concatenate(parts_a), np.concatenate(parts_b), np.concatenate(parts_s),
                       candidates, comparisons, dropped)  # fmt: skip


def _concatenate(sources: Sequence[Source]) -> tuple[np.ndarray, dict[str, list[str]]]:
    """Stack the sources' filters and tokens; a token missing from a source is unknown there."""
    widths = {source.encodings.clks.shape[1] for source in sources if len(source.record_ids)}
    if len(widths) > 1:
        raise ValueError("les sources n'ont pas des filtres de même longueur : paramètres d'encodage différents")
    for source in sources:
        if source.encodings.clks.shape[0] != len(source.record_ids):
            raise ValueError(f"la source « {source.name} » n'a pas un encodage par enregistrement")
    width = widths.pop() if widths else 0
    clks = np.concatenate([np.asarray(s.encodings.clks, dtype=np.uint8).reshape(-1, width) for s in sources])
    names = sorted({name for source in sources for name in source.encodings.tokens})
    tokens: dict[str, list[str]] = {}
    for name in names:
        column: list[str] = []
        for source in sources:
            column.extend(source.encodings.tokens.get(name, [""] * len(source.record_ids)))
        tokens[name] = column
    return clks, tokens


def link(
    sources: Sequence[Source],
    thresholds: Thresholds | None = None,
    blocking: BlockingConfig | None = None,
    *,
    deduplicated_sources: bool = False,
    exclusive_token: str | None = EXCLUSIVE_TOKEN,
) -> LinkResult:
    """Cluster the records of all `sources` into persons.

    `deduplicated_sources`: each source is known to hold each person at most once (a
    one-to-one linkage); a cluster then never takes two records of one source.
    `exclusive_token`: two records whose values of this exact token are both known and
    differ (by default: full date of birth and sex) are never put in one cluster; their
    pair, if it scores a match, goes to review instead.
    """
    thresholds = thresholds or Thresholds()
    blocking = blocking or BlockingConfig()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    clks, tokens = _concatenate(sources)
    filters = FilterSet.from_packed(clks)
    timings["prepare_s"] = time.perf_counter() - started
    started = time.perf_counter()
    scored = score_candidates(filters, tokens, clks, thresholds.review, blocking)
    timings["block_and_compare_s"] = time.perf_counter() - started
    started = time.perf_counter()
    sizes = [len(source.record_ids) for source in sources]
    offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    source_of = np.repeat(np.arange(len(sources)), sizes) if deduplicated_sources else None
    exclusive = token_codes(tokens[exclusive_token]) if exclusive_token in tokens else None
    clusters = cluster_pairs(filters, scored.index_a, scored.index_b, scored.scores, match=thresholds.match,
                             cohesion=thresholds.cohesion_or_review, max_cluster_size=thresholds.max_cluster_size,
                             source=source_of, exclusive=exclusive)  # fmt: skip
    labels = clusters.labels
    review = _review_pairs(scored, clusters.refused, labels, thresholds, offsets)
    timings["cluster_s"] = time.perf_counter() - started
    return LinkResult(
        cluster_of=[labels[offsets[s] : offsets[s + 1]] for s in range(len(sources))],
        review_pairs=review,
        records=int(offsets[-1]),
        candidate_pairs=scored.candidate_pairs,
        comparisons=scored.comparisons,
        matches=int(np.count_nonzero(scored.scores >= thresholds.match)),
        clusters=int(labels.max()) + 1 if labels.size else 0,
        refused_merges=int(clusters.refused.size),
        dropped_blocks=scored.dropped_blocks,
        timings=timings,
    )


def _review_pairs(
    scored: ScoredPairs, refused: np.ndarray, labels: np.ndarray, thresholds: Thresholds, offsets: np.ndarray
) -> list[ReviewPair]:
    """Pairs in the review band not already in one cluster, plus the refused merges, best first."""
    in_band = np.flatnonzero(scored.scores < thresholds.match)
    candidates = np.union1d(in_band, refused)
    keep = candidates[labels[scored.index_a[candidates]] != labels[scored.index_b[candidates]]]
    keep = keep[np.argsort(-scored.scores[keep], kind="stable")]
    source_a = np.searchsorted(offsets, scored.index_a[keep], side="right") - 1
    source_b = np.searchsorted(offsets, scored.index_b[keep], side="right") - 1
    return [
        ReviewPair(int(sa), int(a - offsets[sa]), int(sb), int(b - offsets[sb]), round(float(score), 6))
        for sa, a, sb, b, score in zip(source_a, scored.index_a[keep], source_b, scored.index_b[keep],
                                       scored.scores[keep], strict=True)
    ]  # fmt: skip
