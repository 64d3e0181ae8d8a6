"""The Dice score each candidate pair needs to merge, from the exact tokens it shares.

One threshold for every pair wastes what the exact tokens tell. At a million records
(`bench/linkage.py`) the false merges were namesakes: common names, the same birth year, a
record lacking the full date of birth; the missed true pairs were duplicates whose names
were swapped or misspelt although their dates agreed. So the threshold of a pair depends on
its evidence (`Thresholds` holds the values):

- both records share the full date of birth and sex (`dob_sex`) and the names' phonetic
  keys with the birth year (`keys_year`): two independent exact agreements, merged from
  `match_corroborated` (a swapped or misspelt name lowers the Dice, not these);
- both have the full date and sex: `match` (different ones never merge: the exclusive token);
- a record lacks the full date and sex (`partial`), so nothing stops a namesake:
  - it has no birth year at all (no `keys_year`): `match_undated`, as the names alone speak;
  - they share `keys_year`: how many records hold that value says how many namesakes
    compete. At most `rare_key_records`: `match_partial_rare`; up to
    `frequent_key_records`: `match_undated`; more: never merged automatically (review);
  - otherwise `match_partial`;
- both have full dates that differ but share a `keys_year` held by at most
  `rare_key_records` records: a typo in the date of one person; merged from
  `match_date_typo` despite the exclusive token (`overrides_exclusive`).

Frequencies are counted over the records being linked: the blocking already groups them.
When no record has the exclusive token (FEBRL has no sex), every pair needs `match`.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from egide_analytics.linkage.blocking import token_codes

NEVER = np.float32(2.0)  # above any Dice: the pair is never merged automatically


class EvidenceThresholds(Protocol):
    """The thresholds read here (`matching.Thresholds` has them)."""

    @property
    def match(self) -> float: ...
    @property
    def match_partial(self) -> float: ...
    @property
    def match_corroborated(self) -> float: ...
    @property
    def match_undated(self) -> float: ...
    @property
    def match_partial_rare(self) -> float: ...
    @property
    def match_date_typo(self) -> float: ...
    @property
    def rare_key_records(self) -> int: ...
    @property
    def frequent_key_records(self) -> int: ...


@dataclass(frozen=True)
class PairEvidence:
    """Per candidate pair: the least score that merges it and whether it may join different dates."""

    required: np.ndarray  # float32; NEVER: only for review
    overrides_exclusive: np.ndarray  # bool


def value_counts(codes: np.ndarray) -> np.ndarray:
    """Return, for each record, how many records hold its code (0 for an unknown code)."""
    _, inverse, counts = np.unique(codes, return_inverse=True, return_counts=True)
    result: np.ndarray = np.where(codes != 0, counts[inverse.reshape(-1)], 0)
    return result


def pair_evidence(
    index_a: np.ndarray,
    index_b: np.ndarray,
    exclusive: np.ndarray | None,
    names_year: np.ndarray | None,
    thresholds: EvidenceThresholds,
) -> PairEvidence:
    """Return the score each pair (index_a, index_b) needs to merge.

    `exclusive`: the codes of the full date of birth and sex (0 unknown), None when no record
    has one; `names_year`: the codes of the names' keys with the birth year (`keys_year`).
    """
    n_pairs = index_a.size
    required = np.full(n_pairs, thresholds.match, dtype=np.float32)
    overrides = np.zeros(n_pairs, dtype=bool)
    if exclusive is None:
        return PairEvidence(required, overrides)
    ex_a, ex_b = exclusive[index_a], exclusive[index_b]
    partial = (ex_a == 0) | (ex_b == 0)
    required[partial] = max(thresholds.match, thresholds.match_partial)
    if names_year is None:
        return PairEvidence(required, overrides)
    ny_a, ny_b = names_year[index_a], names_year[index_b]
    shares_key = (ny_a != 0) & (ny_a == ny_b)
    holders = value_counts(names_year)[index_a]
    corroborated = ~partial & (ex_a == ex_b) & shares_key
    required[corroborated] = min(thresholds.match, thresholds.match_corroborated)
    partial_key = partial & shares_key
    required[partial_key & (holders <= thresholds.rare_key_records)] = thresholds.match_partial_rare
    middle = (holders > thresholds.rare_key_records) & (holders <= thresholds.frequent_key_records)
    required[partial_key & middle] = thresholds.match_undated
    required[partial_key & (holders > thresholds.frequent_key_records)] = NEVER
    required[partial & ((ny_a == 0) | (ny_b == 0))] = thresholds.match_undated
    typo = ~partial & (ex_a != ex_b) & shares_key & (holders <= thresholds.rare_key_records)
    required[typo] = thresholds.match_date_typo
    overrides[typo] = True
    return PairEvidence(required, overrides)


def token_column(tokens: Mapping[str, Sequence[str]], name: str | None) -> np.ndarray | None:
    """Return the nonzero codes of token `name`, or None when absent or unknown everywhere."""
    if name is None or name not in tokens:
        return None
    codes = token_codes(tokens[name])
    return codes if codes.any() else None
