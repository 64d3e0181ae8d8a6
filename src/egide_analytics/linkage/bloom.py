"""Build CLK Bloom filters fast: keyed bit positions computed once per feature, filters filled by numba.

A record's features are the q-grams (and whole values) of its fields; each distinct
(field, feature, salt) is hashed once with HMAC-SHA256 and its k positions kept in a table.
Per record, the only Python work is a few dictionary look-ups by raw value (the same
family name, date or country recurs across a file); a compiled kernel then sets the bits,
applies the hardening (balancing, keyed permutation, XOR-folding) and packs the bytes.
"""

import hmac
from collections.abc import Sequence

import numba
import numpy as np
import numpy.typing as npt

from egide_analytics.linkage.normalise import birth_date_parts, country_code, family_tokens, given_tokens, phonetic
from egide_analytics.linkage.normalise import sex_code as _sex_code

IntArray = npt.NDArray[np.int32]


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
    ) -> None:
        self._key = bloom_key
        self._m = base_bits
        self._q = qgram
        self._hashes = field_hashes
        self._by_year = salted
        self._feature_ids: dict[tuple[str, str], int] = {}
        self._features: list[tuple[str, str]] = []
        self._by_raw: tuple[dict[str, IntArray], ...] = ({}, {}, {}, {}, {})
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

    def _intern(self, pairs: list[tuple[str, str]]) -> IntArray:
        ids = self._feature_ids
        result = []
        for pair in dict.fromkeys(pairs):
            found = ids.get(pair)
            if found is None:
                found = ids[pair] = len(self._features)
                self._features.append(pair)
            result.append(found)
        return np.array(result, dtype=np.int32)

    def _name_pairs(self, tokens: tuple[str, ...], field: str) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        whole = "".join(tokens) if field == "family" else (tokens[0] if tokens else "")
        if whole:
            pairs += [(field, g) for g in qgrams(whole, self._q)]
            pairs += [(field + "_key", g) for g in qgrams(phonetic(whole), self._q)]
        pairs += [("name_tokens", g) for token in tokens for g in qgrams(token, self._q)]
        return [pair for pair in pairs if pair[0] in self._hashes]

    def _features_of(self, kind: int, raw: str) -> IntArray:
        found = self._by_raw[kind].get(raw)
        if found is None:
            if kind == 0:
                pairs = self._name_pairs(family_tokens(raw), "family")
            elif kind == 1:
                pairs = self._name_pairs(given_tokens(raw), "given")
            elif kind == 2:
                pairs = [(f, v) for f, v in zip(("year", "month", "day"), birth_date_parts(raw), strict=True) if v]
            elif kind == 3:
                pairs = [("sex", _sex_code(raw))]
            else:
                pairs = [("country", country_code(raw))]
            found = self._by_raw[kind][raw] = self._intern([p for p in pairs if p[1] and p[0] in self._hashes])
        return found

    def _date(self, raw: str) -> tuple[IntArray, int]:
        found = self._dates.get(raw)
        if found is None:
            year = birth_date_parts(raw)[0] if self._by_year else ""
            salt = self._salts.get(year)
            if salt is None:
                salt = self._salts[year] = len(self._salt_names)
                self._salt_names.append(year)
            found = self._dates[raw] = (self._features_of(2, raw), salt)
        return found

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
            keys = np.unique(features[missing].astype(np.int64) * needed[1] + salts[missing])
            new_features, new_salts = keys // needed[1], keys % needed[1]
            first = len(self._ks)
            self._row_index[new_features, new_salts] = np.arange(first, first + len(keys), dtype=np.int32)
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
    ) -> npt.NDArray[np.uint8]:
        """Return the packed filters of the records given column by column."""
        families, givens, _, sex_cache, country_cache = self._by_raw
        dates, features_of = self._dates, self._features_of
        arrays: list[IntArray] = []
        salts: list[int] = []
        append, append_salt = arrays.append, salts.append
        for family, given, date, sex, country in zip(
            family_names, given_names, birth_dates, sexes, countries, strict=True
        ):
            found = families.get(family)
            append(found if found is not None else features_of(0, family))
            found = givens.get(given)
            append(found if found is not None else features_of(1, given))
            date_found = dates.get(date)
            if date_found is None:
                date_found = self._date(date)
            append(date_found[0])
            append_salt(date_found[1])
            found = sex_cache.get(sex)
            append(found if found is not None else features_of(3, sex))
            found = country_cache.get(country)
            append(found if found is not None else features_of(4, country))
        n = len(salts)
        counts = np.fromiter(map(len, arrays), dtype=np.int32, count=len(arrays)).reshape(n, 5).sum(axis=1)
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
