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
  - when each such record of the pair has no other candidate scoring `match`, it is that
    person or a new one: `match_partial_unique` (unless the crowd below forbids it);
  - else, when a record has no birth year at all (no `keys_year`), the names alone speak:
    `match_undated`;
  - else, when they share `keys_year`: how many persons hold that value says how many
    namesakes compete, counted as the distinct full dates and sexes among its records
    (records would count a person seen by several holders and years many times). At most
    `rare_key_persons`: `match_partial`; up to `frequent_key_persons`: `match_undated`;
    more: never merged automatically (review), even a unique candidate;
  - otherwise `match_partial`;
- both have full dates that differ but share a `keys_year` whose records hold no other
  date (at most `rare_key_persons` + 1: these two): a typo in the date of one person;
  merged from `match_date_typo` despite the exclusive token (`overrides_exclusive`).

Persons are counted over the records being linked, in a few array operations.
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
    def match_partial_unique(self) -> float: ...
    @property
    def match_date_typo(self) -> float: ...
    @property
    def rare_key_persons(self) -> int: ...
    @property
    def frequent_key_persons(self) -> int: ...


@dataclass(frozen=True)
class PairEvidence:
    """Per candidate pair: the least score that merges it and whether it may join different dates."""

    required: np.ndarray  # float32; NEVER: only for review
    overrides_exclusive: np.ndarray  # bool


def persons_per_key(keys: np.ndarray, dates: np.ndarray) -> np.ndarray:
    """Return, for each record, how many distinct known `dates` the records of its key hold (0: unknown key)."""
    known = (keys != 0) & (dates != 0)
    combined = np.unique((keys[known].astype(np.uint64) << np.uint64(32)) | dates[known].astype(np.uint64))
    key_values, persons = np.unique((combined >> np.uint64(32)).astype(np.uint32), return_counts=True)
    if key_values.size == 0:
        return np.zeros(keys.size, dtype=np.int64)
    at = np.minimum(np.searchsorted(key_values, keys), key_values.size - 1)
    result: np.ndarray = np.where((keys != 0) & (key_values[at] == keys), persons[at], 0)
    return result


def pair_evidence(
    index_a: np.ndarray,
    index_b: np.ndarray,
    scores: np.ndarray,
    exclusive: np.ndarray | None,
    names_year: np.ndarray | None,
    thresholds: EvidenceThresholds,
) -> PairEvidence:
    """Return the score each pair (index_a, index_b), scoring `scores`, needs to merge.

    `exclusive`: the codes of the full date of birth and sex (0 unknown), None when no record
    has one; `names_year`: the codes of the names' keys with the birth year (`keys_year`).
    """
    required = np.full(index_a.size, thresholds.match, dtype=np.float32)
    overrides = np.zeros(index_a.size, dtype=bool)
    if exclusive is None:
        return PairEvidence(required, overrides)
    ex_a, ex_b = exclusive[index_a], exclusive[index_b]
    partial = (ex_a == 0) | (ex_b == 0)
    required[partial] = max(thresholds.match, thresholds.match_partial)
    if names_year is None:
        return PairEvidence(required, overrides)
    ny_a, ny_b = names_year[index_a], names_year[index_b]
    shares_key = (ny_a != 0) & (ny_a == ny_b)
    undated = (ny_a == 0) | (ny_b == 0)
    persons = persons_per_key(names_year, exclusive)[index_a]
    crowded = shares_key & (persons > thresholds.rare_key_persons)
    required[partial & (undated | crowded)] = thresholds.match_undated
    required[partial & unique_candidates(index_a, index_b, scores, exclusive, thresholds.match)] = (
        thresholds.match_partial_unique
    )
    required[partial & shares_key & (persons > thresholds.frequent_key_persons)] = NEVER
    required[~partial & (ex_a == ex_b) & shares_key] = min(thresholds.match, thresholds.match_corroborated)
    typo = ~partial & (ex_a != ex_b) & shares_key & (persons <= thresholds.rare_key_persons + 1)
    required[typo] = thresholds.match_date_typo
    overrides[typo] = True
    return PairEvidence(required, overrides)


def unique_candidates(
    index_a: np.ndarray, index_b: np.ndarray, scores: np.ndarray, exclusive: np.ndarray, bar: float
) -> np.ndarray:
    """Tell, per pair, whether each of its records lacking the exclusive code has no other candidate scoring `bar`.

    A record without a full date of birth that resembles one record only is that record's
    person or a new one; resembling several, it could be any of them.
    """
    strong = scores >= bar
    n = exclusive.size
    candidates = np.bincount(index_a[strong], minlength=n) + np.bincount(index_b[strong], minlength=n)
    alone_a = (exclusive[index_a] != 0) | (candidates[index_a] <= 1)
    alone_b = (exclusive[index_b] != 0) | (candidates[index_b] <= 1)
    result: np.ndarray = alone_a & alone_b
    return result


def token_column(tokens: Mapping[str, Sequence[str]], name: str | None) -> np.ndarray | None:
    """Return the nonzero codes of token `name`, or None when absent or unknown everywhere."""
    if name is None or name not in tokens:
        return None
    codes = token_codes(tokens[name])
    return codes if codes.any() else None
