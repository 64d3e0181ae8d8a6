"""Link records of one or several sources into persons: blocking, Dice comparisons, clustering.

All records of all sources (data holders, years) are one set: duplicates inside a source,
across sources and across years are found by the same single clustering.

>>> from egide_analytics.linkage import Encoder, LinkageKey, PersonIdentity, Source, link
>>> encoder = Encoder(LinkageKey.from_bytes(b"a secret shared by the data holders only"))
>>> a = encoder.encode([PersonIdentity("Dupont", "Marie", "1990-04-12", "F", "FRA"),
...                     PersonIdentity("Okafor", "Chinedu", "1987-02-03", "M", "NGA")])
>>> b = encoder.encode([PersonIdentity("Dupond", "Marie", "1990-04-12", "femme", "FRA")])
>>> result = link([Source("asso-a", ["a1", "a2"], a), Source("asso-b", ["b1"], b)])
>>> [clusters.tolist() for clusters in result.cluster_of], result.clusters
([[0, 1], [0]], 2)
"""

import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol, overload

import numba
import numpy as np

from egide_analytics.linkage.blocking import BlockingConfig, blocking_keys, blocks_of
from egide_analytics.linkage.clustering import cluster_pairs
from egide_analytics.linkage.dice_kernel import FilterSet, _grow, _popcount64, dice_within
from egide_analytics.linkage.evidence import pair_evidence, token_column

# The exact token of the full date of birth and sex: two records with different known values
# are two persons, however similar their names (a typo in a date goes to review instead).
EXCLUSIVE_TOKEN = "dob_sex"  # noqa: S105 (a token's name, not a secret)
# The exact token of the names' phonetic keys and the birth year: the evidence of `evidence`.
NAMES_YEAR_TOKEN = "keys_year"  # noqa: S105
# Clusters merged by corroborated pairs (swapped names: Dice about 0.7) hold records less
# alike than the review threshold; 0.65 still refuses unrelated ones (about 0.5 hardened).
DEFAULT_COHESION = 0.65


class EncodingsLike(Protocol):
    """What linking needs of `Encodings`: the bit-packed filters and the exact keyed tokens."""

    @property
    def clks(self) -> np.ndarray: ...

    @property
    def tokens(self) -> dict[str, list[str]]: ...


@dataclass(frozen=True)
class Thresholds:
    """Dice thresholds: merged at `match` and above; kept for review in [review, match).

    `match_partial` applies instead of `match` (when higher) if a record of the pair lacks
    the exclusive token (no full date of birth and sex): nothing then stops it from joining
    another person with the same common name and birth year. When no record at all has the
    token (FEBRL has no sex), neither the exclusion nor `match_partial` applies.

    The other thresholds weigh the exact tokens a pair shares (see `evidence`, measured at a
    million records in bench/README.md): `match_corroborated` for the same full date, sex and
    names' keys; `match_partial_unique` for a partial pair whose partial record has no other
    candidate scoring `match`; `match_undated` when a record has no birth year, or for a
    partial pair whose names' keys and year more than `rare_key_persons` persons share (more
    than `frequent_key_persons`: review only); `match_date_typo` for full dates that differ
    when no other person shares the names' keys and year.

    `cohesion` (default: the review threshold, at most `DEFAULT_COHESION`) is the least
    similarity allowed between any two records of a cluster when two clusters merge;
    `max_cluster_size` bounds a cluster (see `clustering`).
    """

    match: float = 0.82
    review: float = 0.75
    match_partial: float = 0.9
    cohesion: float | None = None
    max_cluster_size: int = 20
    match_corroborated: float = 0.6
    match_undated: float = 0.95
    match_partial_unique: float = 0.85
    match_date_typo: float = 0.9
    rare_key_persons: int = 1
    frequent_key_persons: int = 2

    def __post_init__(self) -> None:
        if not 0.0 < self.review <= self.match <= 1.0 or not 0.0 < self.match_partial <= 1.0:
            raise ValueError("les seuils doivent vérifier 0 < revue ≤ appariement ≤ 1 et 0 < appariement partiel ≤ 1")
        others = (self.match_corroborated, self.match_undated, self.match_partial_unique, self.match_date_typo)
        if not all(0.0 < value <= 1.0 for value in others):
            raise ValueError("les seuils fondés sur les jetons exacts doivent être compris entre 0 (exclu) et 1")
        if not 1 <= self.rare_key_persons <= self.frequent_key_persons:
            raise ValueError("il faut 1 ≤ personnes d'une clé rare ≤ personnes d'une clé fréquente")
        if self.max_cluster_size < 2:
            raise ValueError("la taille maximale d'un groupe doit être au moins 2")

    @property
    def cohesion_or_review(self) -> float:
        return min(self.review, DEFAULT_COHESION) if self.cohesion is None else self.cohesion


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


class ReviewPairs(Sequence[ReviewPair]):
    """The possible duplicates, best first, held as arrays: there may be millions."""

    def __init__(self, source_a: np.ndarray, index_a: np.ndarray, source_b: np.ndarray, index_b: np.ndarray,
                 scores: np.ndarray) -> None:  # fmt: skip
        self.source_a, self.index_a, self.source_b, self.index_b = source_a, index_a, source_b, index_b
        self.scores = scores

    def __len__(self) -> int:
        return int(self.scores.size)

    @overload
    def __getitem__(self, position: int) -> ReviewPair: ...

    @overload
    def __getitem__(self, position: slice) -> list[ReviewPair]: ...

    def __getitem__(self, position: int | slice) -> ReviewPair | list[ReviewPair]:
        if isinstance(position, slice):
            return [self[k] for k in range(*position.indices(len(self)))]
        return ReviewPair(int(self.source_a[position]), int(self.index_a[position]), int(self.source_b[position]),
                          int(self.index_b[position]), round(float(self.scores[position]), 6))  # fmt: skip


@dataclass
class LinkResult:
    """Person cluster of each record, per source, and the pairs left for review."""

    cluster_of: list[np.ndarray]
    review_pairs: ReviewPairs
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
    low: float, first: np.ndarray, second: np.ndarray,
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
                kept = (denominator > 0) & (2 * shared >= threshold * denominator)
                if not kept and denominator > 0 and 2 * shared >= low * denominator:
                    # Below the threshold, kept only when both corroborating codes agree.
                    ra, rb = order[start + a], order[start + b]
                    kept = first[ra] != 0 and first[ra] == first[rb] and second[ra] != 0 and second[ra] == second[rb]
                n_hits += kept
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
    filters: FilterSet,
    tokens: dict[str, list[str]],
    clks: np.ndarray,
    threshold: float,
    config: BlockingConfig,
    corroborated: tuple[float, np.ndarray, np.ndarray] | None = None,
) -> ScoredPairs:
    """Compare every candidate pair once; keep those scoring at least `threshold`.

    `corroborated` (low, first, second): also keep pairs scoring at least `low` whose records
    share a known code in both arrays (per record, 0 unknown): exact agreements that let a
    lower score merge (`evidence`).

    The blocks of every key are formed first (dropping oversize blocks changes the codes
    later keys read), then the keys are compared on `config.workers` threads: the compiled
    kernel releases the GIL.
    """
    n = len(filters)
    low, first, second = corroborated or (threshold, np.zeros(n, np.uint32), np.zeros(n, np.uint32))
    low = min(low, threshold)
    if n * (n - 1) // 2 <= config.exhaustive_pairs:
        scores, index_a, index_b = dice_within(filters, low)
        keep = (scores >= threshold) | ((first[index_a] != 0) & (first[index_a] == first[index_b])
                                        & (second[index_a] != 0) & (second[index_a] == second[index_b]))  # fmt: skip
        return ScoredPairs(index_a[keep], index_b[keep], scores[keep], n * (n - 1) // 2, n * (n - 1) // 2, 0)
    keys = blocking_keys(tokens, clks, filters.counts, config)
    all_blocks = [blocks_of(keys.codes, key, config.max_block_size) for key in range(len(keys.names))]
    dropped = sum(blocks.dropped_blocks for blocks in all_blocks)

    def compare(key: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
        blocks = all_blocks[key]
        result: tuple[np.ndarray, np.ndarray, np.ndarray, int, int] = _compare_blocks(
            blocks.order, blocks.starts, blocks.sizes, keys.codes, key, filters.words, filters.counts,
            float(threshold), int(blocks.sizes.max()), float(low), first, second,
        )  # fmt: skip
        return result

    wanted = [key for key, blocks in enumerate(all_blocks) if blocks.starts.size]
    with ThreadPoolExecutor(max_workers=config.workers or os.cpu_count() or 1) as pool:
        parts = list(pool.map(compare, wanted))
    candidates = sum(int(part[3]) for part in parts)
    comparisons = sum(int(part[4]) for part in parts)
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return ScoredPairs(empty, empty, np.zeros(0, dtype=np.float32), candidates, comparisons, dropped)
    return ScoredPairs(np.concatenate([part[0] for part in parts]), np.concatenate([part[1] for part in parts]),
                       np.concatenate([part[2] for part in parts]), candidates, comparisons, dropped)  # fmt: skip


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
    exclusive = token_column(tokens, exclusive_token)
    names_year = token_column(tokens, NAMES_YEAR_TOKEN) if exclusive is not None else None
    corroborated = None
    if names_year is not None and exclusive is not None:
        corroborated = (min(thresholds.match_corroborated, thresholds.match), exclusive, names_year)
    started = time.perf_counter()
    scored = score_candidates(filters, tokens, clks, thresholds.review, blocking, corroborated)
    timings["block_and_compare_s"] = time.perf_counter() - started
    started = time.perf_counter()
    sizes = [len(source.record_ids) for source in sources]
    offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    source_of = np.repeat(np.arange(len(sources)), sizes) if deduplicated_sources else None
    evidence = pair_evidence(scored.index_a, scored.index_b, scored.scores, exclusive, names_year, thresholds)
    order = np.argsort(-scored.scores, kind="stable")
    clusters = cluster_pairs(filters, scored.index_a, scored.index_b, scored.scores, match=thresholds.match,
                             cohesion=thresholds.cohesion_or_review, max_cluster_size=thresholds.max_cluster_size,
                             source=source_of, exclusive=exclusive, order=order, required=evidence.required,
                             overrides_exclusive=evidence.overrides_exclusive)  # fmt: skip
    labels = clusters.labels
    review = _review_pairs(scored, order, clusters.refused, labels, thresholds, offsets)
    timings["cluster_s"] = time.perf_counter() - started
    return LinkResult(
        cluster_of=[labels[offsets[s] : offsets[s + 1]] for s in range(len(sources))],
        review_pairs=review,
        records=int(offsets[-1]),
        candidate_pairs=scored.candidate_pairs,
        comparisons=scored.comparisons,
        matches=int(np.count_nonzero(scored.scores >= evidence.required)),
        clusters=int(labels.max()) + 1 if labels.size else 0,
        refused_merges=int(clusters.refused.size),
        dropped_blocks=scored.dropped_blocks,
        timings=timings,
    )


def _review_pairs(
    scored: ScoredPairs,
    order: np.ndarray,
    refused: np.ndarray,
    labels: np.ndarray,
    thresholds: Thresholds,
    offsets: np.ndarray,
) -> ReviewPairs:
    """Pairs from the review threshold not in one cluster, plus the refused merges, best first (`order`).

    Pairs kept below the review threshold for their exact agreements and not merged are dropped.
    """
    wanted = scored.scores >= thresholds.review
    wanted[refused] = True
    wanted &= labels[scored.index_a] != labels[scored.index_b]
    keep = order[wanted[order]]
    index_a, index_b = scored.index_a[keep], scored.index_b[keep]
    source_a = np.searchsorted(offsets, index_a, side="right") - 1
    source_b = np.searchsorted(offsets, index_b, side="right") - 1
    return ReviewPairs(
        source_a, index_a - offsets[source_a], source_b, index_b - offsets[source_b], scored.scores[keep]
    )
