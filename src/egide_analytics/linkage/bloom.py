"""Build CLK Bloom filters fast: keyed bit positions computed once per feature, filters filled by numba.

A record's features are the q-grams (and whole values) of its fields; each distinct
(field, feature, salt) is hashed once with HMAC-SHA256 and its k positions kept in a table.
Per record, the only Python work is a few dictionary look-ups by raw value (the same
family name, date or country recurs across a file); a compiled kernel then sets the bits,
applies the hardening (balancing, keyed permutation, XOR-folding) and packs the bytes.
"""

import hmac
from collections.abc import Callable, Sequence
from functools import partial
from itertools import chain, filterfalse
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from egide_analytics.linkage.normalise import (
    birth_date_parts,
    country_code,
    family_tokens,
    fold,
    given_tokens,
    phonetic,
)
from egide_analytics.linkage.normalise import sex_code as _sex_code

IntArray = npt.NDArray[np.int32]
# Extra identifying fields (an address, a document number…) are hashed under this prefix.
EXTRA_PREFIX = "x:"
# Caches keyed by raw values are emptied beyond this size, to bound memory.
_CACHE_LIMIT = 1_000_000


@numba.njit(cache=True, nogil=True)
def _fill(
    offsets: IntArray,
    rows: IntArray,
    positions: IntArray,
    ks: IntArray,
    base_bits: int,
    source1: IntArray,
    source2: IntArray,
    flip: npt.NDArray[np.uint8],
    out: npt.NDArray[np.uint8],
) -> None:  # pragma: no cover - compiled; exercised through BloomBuilder
    base = np.zeros(base_bits, np.uint8)
    for record in range(offsets.shape[0] - 1):
        base[:] = 0
        for j in range(offsets[record], offsets[record + 1]):
            row = rows[j]
            for t in range(ks[row]):
                base[positions[row, t]] = 1
        for byte in range(out.shape[1]):
            value = 0
            for bit in range(8):
                index = byte * 8 + bit
                b = base[source1[index]] ^ flip[index]
                if source2[index] >= 0:
                    b ^= base[source2[index]]
                value = (value << 1) | b
            out[record, byte] = value


def lookup(cache: dict[str, Any], keys: Sequence[str], compute: Callable[[str], Any]) -> list[Any]:
    """Return `cache[key]` for each key, computing and remembering the missing ones.

    Only the distinct missing keys are visited in Python; the per-key work is mapped in C
    (a per-record Python loop cost more than the encoding itself with a large vocabulary).
    """
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    for key in filterfalse(cache.__contains__, dict.fromkeys(keys)):
        cache[key] = compute(key)
    return list(map(cache.__getitem__, keys))


def qgrams(text: str, q: int) -> list[str]:
    """Return the q-grams of `text` padded with « _ » at both ends."""
    padded = "_" * (q - 1) + text + "_" * (q - 1)
    return [padded[i : i + q] for i in range(len(padded) - q + 1)]


class BloomBuilder:
    """Turn identity columns into hardened, bit-packed filters; caches grow with the vocabulary."""

    def __init__(
        self,
        bloom_key: bytes,
        permutation_seed: int,
        *,
        base_bits: int,
        qgram: int,
        field_hashes: dict[str, int],
        balance: bool,
        xor_fold: bool,
        salted: bool,
        extra_fields: Sequence[str] = (),
    ) -> None:
        self._key = bloom_key
        self._m = base_bits
        self._q = qgram
        self._hashes = field_hashes
        self._by_year = salted
        self._feature_ids: dict[str, dict[str, int]] = {}
        self._features: list[tuple[str, str]] = []
        self._extra = tuple(extra_fields)
        self._by_raw: tuple[dict[str, IntArray], ...] = tuple({} for _ in range(5 + len(self._extra)))
        self._salts: dict[str, int] = {"": 0}
        self._salt_names = [""]
        self._dates: dict[str, tuple[IntArray, int]] = {}
        # Row of the position table of each (feature id, salt id); -1 until first met.
        self._row_index = np.full((0, 0), -1, dtype=np.int32)
        self._positions = np.zeros((0, max(field_hashes.values(), default=1)), dtype=np.int32)
        self._ks = np.zeros(0, dtype=np.int32)
        self._source1, self._source2, self._flip = _hardening(base_bits, permutation_seed, balance, xor_fold)

    @property
    def filter_bytes(self) -> int:
        return len(self._source1) // 8

    # --- Features of raw values (unsalted) ------------------------------------------------------

    def _ids(self, field: str, features: list[str]) -> list[int]:
        """Return the id of each feature of `field`, numbering those met for the first time."""
        ids = self._feature_ids.get(field)
        if ids is None:
            ids = self._feature_ids[field] = {}
        found = list(map(ids.get, features))
        if None in found:
            for index, feature in enumerate(features):
                if found[index] is None:
                    known = ids.get(feature)
                    if known is None:
                        known = ids[feature] = len(self._features)
                        self._features.append((field, feature))
                    found[index] = known
        return found  # type: ignore[return-value]  # no None is left

    def _name_ids(self, tokens: tuple[str, ...], field: str) -> list[int]:
        # A feature met twice in a record sets the same bits: no need to remove repeats.
        result: list[int] = []
        whole = "".join(tokens) if field == "family" else (tokens[0] if tokens else "")
        if whole:
            if field in self._hashes:
                result += self._ids(field, qgrams(whole, self._q))
            if field + "_key" in self._hashes:
                result += self._ids(field + "_key", qgrams(phonetic(whole), self._q))
        if "name_tokens" in self._hashes:
            for token in tokens:
                result += self._ids("name_tokens", qgrams(token, self._q))
        return result

    def _features_of(self, kind: int, raw: str) -> IntArray:
        found = self._by_raw[kind].get(raw)
        if found is None:
            if kind == 0:
                ids = self._name_ids(family_tokens(raw), "family")
            elif kind == 1:
                ids = self._name_ids(given_tokens(raw), "given")
            else:
                if kind == 2:
                    pairs = list(zip(("year", "month", "day"), birth_date_parts(raw), strict=True))
                elif kind == 3:
                    pairs = [("sex", _sex_code(raw))]
                elif kind == 4:
                    pairs = [("country", country_code(raw))]
                else:
                    field = EXTRA_PREFIX + self._extra[kind - 5]
                    folded = fold(raw).replace(" ", "")
                    pairs = [(field, g) for g in qgrams(folded, self._q)] if folded else []
                ids = [self._ids(f, [v])[0] for f, v in dict.fromkeys(pairs) if v and f in self._hashes]
            found = self._by_raw[kind][raw] = np.array(ids, dtype=np.int32)
        return found

    def _date(self, raw: str) -> tuple[IntArray, int]:
        year = birth_date_parts(raw)[0] if self._by_year else ""
        salt = self._salts.get(year)
        if salt is None:
            salt = self._salts[year] = len(self._salt_names)
            self._salt_names.append(year)
        return (self._features_of(2, raw), salt)

    # --- Rows of the position table (salted) -----------------------------------------------------

    def _rows_of(self, features: IntArray, salts: IntArray) -> IntArray:
        """Return the position-table row of each (feature, salt), hashing the pairs met for the first time."""
        needed = (len(self._features), len(self._salt_names))
        if needed[0] > self._row_index.shape[0] or needed[1] > self._row_index.shape[1]:
            grown = np.full((max(needed[0] * 2, 1024), max(needed[1] * 2, 16)), -1, dtype=np.int32)
            grown[: self._row_index.shape[0], : self._row_index.shape[1]] = self._row_index
            self._row_index = grown
        rows = self._row_index[features, salts]
        missing = rows < 0
        if missing.any():
            # Mark the new pairs in the small dense index rather than sorting millions of keys.
            self._row_index[features[missing], salts[missing]] = -2
            new_features, new_salts = np.nonzero(self._row_index == -2)
            first = len(self._ks)
            self._row_index[new_features, new_salts] = np.arange(first, first + len(new_features), dtype=np.int32)
            self._hash(new_features.tolist(), new_salts.tolist())
            rows = self._row_index[features, salts]
        return rows

    def _hash(self, features: list[int], salts: list[int]) -> None:
        """Append the k positions of each (feature, salt) to the position table."""
        m, k_max = self._m, self._positions.shape[1]
        count = len(features)
        h1 = np.empty(count, dtype=np.int64)
        h2 = np.empty(count, dtype=np.int64)
        ks = np.empty(count, dtype=np.int32)
        for i, (feature_id, salt_id) in enumerate(zip(features, salts, strict=True)):
            field, feature = self._features[feature_id]
            digest = hmac.digest(self._key, f"{field}\x1f{self._salt_names[salt_id]}\x1f{feature}".encode(), "sha256")
            h1[i] = int.from_bytes(digest[:8], "big") % m
            h2[i] = int.from_bytes(digest[8:16], "big") % m | 1
            ks[i] = self._hashes[field]
        steps = np.arange(k_max, dtype=np.int64)
        positions = ((h1[:, None] + steps[None, :] * h2[:, None]) % m).astype(np.int32)
        self._positions = np.concatenate((self._positions, positions))
        self._ks = np.concatenate((self._ks, ks))

    # --- Filters ---------------------------------------------------------------------------------

    def build(
        self,
        family_names: Sequence[str],
        given_names: Sequence[str],
        birth_dates: Sequence[str],
        sexes: Sequence[str],
        countries: Sequence[str],
        extra_columns: Sequence[Sequence[str]] = (),
    ) -> npt.NDArray[np.uint8]:
        """Return the packed filters of the records given column by column (extra fields in their order)."""
        kinds = [partial(self._features_of, kind) for kind in range(5 + len(self._extra))]
        dates = lookup(self._dates, birth_dates, self._date)
        columns = (
            lookup(self._by_raw[0], family_names, kinds[0]),
            lookup(self._by_raw[1], given_names, kinds[1]),
            [date[0] for date in dates],
            lookup(self._by_raw[3], sexes, kinds[3]),
            lookup(self._by_raw[4], countries, kinds[4]),
            *(lookup(self._by_raw[5 + i], column, kinds[5 + i]) for i, column in enumerate(extra_columns)),
        )
        arrays: list[IntArray] = list(chain.from_iterable(zip(*columns, strict=True)))
        salts = [date[1] for date in dates]
        n = len(salts)
        counts = np.fromiter(map(len, arrays), dtype=np.int32, count=len(arrays)).reshape(n, len(columns)).sum(axis=1)
        offsets = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(counts, out=offsets[1:])
        features = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int32)
        rows = self._rows_of(features, np.repeat(np.array(salts, dtype=np.int32), counts))
        out = np.empty((n, self.filter_bytes), dtype=np.uint8)
        _fill(offsets, rows, self._positions, self._ks, self._m, self._source1, self._source2, self._flip, out)
        return out


def _hardening(
    base_bits: int, seed: int, balance: bool, xor_fold: bool
) -> tuple[IntArray, IntArray, npt.NDArray[np.uint8]]:
    """Return, for each output bit, its one or two source bits in the base filter and whether it is flipped.

    Balancing appends the complement and shuffles the 2m bits with a keyed permutation;
    folding XORs the first half with the second.
    """
    if balance:
        permutation = np.random.default_rng(seed).permutation(2 * base_bits)
        sources, flips = permutation % base_bits, (permutation >= base_bits).astype(np.uint8)
    else:
        sources, flips = np.arange(base_bits), np.zeros(base_bits, dtype=np.uint8)
    if not xor_fold:
        return sources.astype(np.int32), np.full(len(sources), -1, dtype=np.int32), flips
    half = len(sources) // 2
    return sources[:half].astype(np.int32), sources[half:].astype(np.int32), flips[:half] ^ flips[half:]
