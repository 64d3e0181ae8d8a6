"""Keyed Bloom-filter encodings (CLK) and exact keyed tokens of identities, hardened by default.

**CLK** (Schnell, Bachteler & Reiher 2009): each field's features — padded bigrams of the
names, the phonetic skeletons and every name token; whole values for the birth year,
month, day, sex and country — set `k` bits each (k per field, see `FIELD_HASHES`) in one
filter. Bit positions come from HMAC-SHA256 under a sub-key of the linkage key, by double
hashing (h1 + i·h2 mod m). They are computed once per distinct (field, salt, feature) and
cached — the vocabulary is small — and the filters are built with numpy by chunks.

**Hardening** (Christen, Ranbaduge, Vatsalan & Schnell 2019 on the attacks it resists):
- *salting* by the birth year: the same bigram sets different bits for people born in
  different years, so a frequent bigram or name no longer makes a frequent bit pattern
  across the whole file (pattern-mining attacks count such patterns). The cost: records
  whose birth years differ or are unknown on one side no longer agree on their CLK (the
  exact tokens and blocking still see them);
- *balancing*: the filter is followed by its complement and the 2m bits are shuffled by a
  keyed permutation: every filter has exactly m ones, so the number of ones no longer
  tells the length of the name and the bit frequencies are flattened towards ½;
- *XOR-folding*: the two halves are XOR-ed, so that no output bit is a single feature bit:
  an attacker cannot map a bit back to a bigram. Output length `filter_bits`.
With both, the base filter has m = filter_bits bits. Similarity survives: two close
filters stay close (Dice of unrelated records ≈ ½ instead of ≈ 0: thresholds differ from
plain encodings).

**Tokens**: keyed BLAKE2b (16 bytes, hex) of exact normalised combinations, '' when a part
is missing: `name_dob` (family, first given name, full date), `keys_year` (the two
phonetic skeletons sorted, birth year: survives swapped names and transliteration),
`dob_sex` (full date and sex), `family_dob` (family skeleton and full date).
"""

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from egide_analytics.linkage.keys import LinkageKey
from egide_analytics.linkage.normalise import (
    PersonIdentity,
    birth_date_parts,
    country_code,
    family_tokens,
    given_tokens,
    phonetic,
    sex_code,
)

SCHEME = "egide-clk-1"
TOKEN_NAMES = ("name_dob", "keys_year", "dob_sex", "family_dob")
# Bits set per feature, by field: names weigh most, then the date, then sex and country.
FIELD_HASHES: tuple[tuple[str, int], ...] = (
    ("family", 10),
    ("family_key", 6),
    ("given", 8),
    ("given_key", 5),
    ("name_tokens", 4),
    ("year", 20),
    ("month", 12),
    ("day", 12),
    ("sex", 8),
    ("country", 8),
)
CHUNK = 20_000
# Salts are birth years: far fewer than this.
_MAX_SALTS = 1 << 16

Bits = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class EncodingParameters:
    """How identities are encoded; the defaults are the hardened, recommended setting."""

    filter_bits: int = 1024
    qgram: int = 2
    field_hashes: tuple[tuple[str, int], ...] = FIELD_HASHES
    balance: bool = True
    xor_fold: bool = True
    salt: str | None = "birth_year"
    scheme: str = SCHEME

    def __post_init__(self) -> None:
        if self.filter_bits % 64 or not 64 <= self.filter_bits <= 16384:
            raise ValueError("La longueur du filtre doit être un multiple de 64 entre 64 et 16 384 bits.")
        if self.salt not in (None, "birth_year"):
            raise ValueError(f"Salage « {self.salt} » inconnu : birth_year ou aucun.")
        if self.qgram not in (2, 3):
            raise ValueError("Les q-grammes sont des bigrammes ou des trigrammes.")
        if self.scheme != SCHEME:
            raise ValueError(f"Schéma d'encodage « {self.scheme} » inconnu (attendu : {SCHEME}).")
        if {name for name, _ in self.field_hashes} - {name for name, _ in FIELD_HASHES}:
            raise ValueError("Champ d'encodage inconnu dans field_hashes.")

    @property
    def base_bits(self) -> int:
        """Length of the filter before balancing and folding."""
        return self.filter_bits * (2 if self.xor_fold else 1) // (2 if self.balance else 1)

    @property
    def filter_bytes(self) -> int:
        return self.filter_bits // 8

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["field_hashes"] = dict(self.field_hashes)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "EncodingParameters":
        try:
            values = dict(data)
            values["field_hashes"] = tuple((str(k), int(v)) for k, v in dict(values.get("field_hashes", {})).items())
            return cls(**values)
        except (TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"Paramètres d'encodage invalides : {error}") from error

    def fingerprint(self) -> str:
        """Return 16 hex characters identifying these parameters (two files link only if they agree)."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


HARDENED = EncodingParameters()
PLAIN = EncodingParameters(balance=False, xor_fold=False, salt=None)


@dataclass
class Encodings:
    """The encodings of n records: bit-packed CLKs (np.packbits order) and exact tokens."""

    clks: Bits
    tokens: dict[str, list[str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.clks.shape[0])

    def take(self, indices: Sequence[int] | npt.NDArray[np.intp]) -> "Encodings":
        """Return the encodings of the records at `indices`, in that order."""
        index = np.asarray(indices, dtype=np.intp)
        return Encodings(self.clks[index], {name: [v[i] for i in index] for name, v in self.tokens.items()})

    @classmethod
    def concatenate(cls, parts: Sequence["Encodings"]) -> "Encodings":
        names = list(parts[0].tokens) if parts else list(TOKEN_NAMES)
        clks = np.concatenate([p.clks for p in parts]) if parts else np.zeros((0, 0), np.uint8)
        return cls(clks, {name: [t for p in parts for t in p.tokens[name]] for name in names})


def dice(a: Bits, b: Bits) -> float:
    """Return the Dice coefficient of two bit-packed filters."""
    ones = int(np.unpackbits(a).sum()) + int(np.unpackbits(b).sum())
    return 2.0 * int(np.unpackbits(a & b).sum()) / ones if ones else 0.0


def _qgrams(text: str, q: int) -> list[str]:
    padded = "_" * (q - 1) + text + "_" * (q - 1)
    return [padded[i : i + q] for i in range(len(padded) - q + 1)]


class _Vocabulary:
    """Interns (field, feature) pairs as integers, and lists each raw value's feature ids."""

    def __init__(self, q: int) -> None:
        self.q = q
        self.ids: dict[tuple[str, str], int] = {}
        self.pairs: list[tuple[str, str]] = []
        self.family: dict[str, npt.NDArray[np.int64]] = {}
        self.given: dict[str, npt.NDArray[np.int64]] = {}
        self.dates: dict[str, tuple[npt.NDArray[np.int64], str]] = {}
        self.scalars: dict[tuple[str, str], npt.NDArray[np.int64]] = {}

    def _intern(self, pairs: list[tuple[str, str]]) -> npt.NDArray[np.int64]:
        ids = self.ids
        result = []
        for pair in dict.fromkeys(pairs):
            found = ids.get(pair)
            if found is None:
                found = ids[pair] = len(self.pairs)
                self.pairs.append(pair)
            result.append(found)
        return np.array(result, dtype=np.int64)

    def _names(self, tokens: tuple[str, ...], prefix: str) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        whole = "".join(tokens) if prefix == "family" else (tokens[0] if tokens else "")
        if whole:
            pairs += [(prefix, g) for g in _qgrams(whole, self.q)]
            pairs += [(prefix + "_key", g) for g in _qgrams(phonetic(whole), self.q)]
        for token in tokens:
            pairs += [("name_tokens", g) for g in _qgrams(token, self.q)]
        return pairs

    def family_ids(self, raw: str) -> npt.NDArray[np.int64]:
        found = self.family.get(raw)
        if found is None:
            found = self.family[raw] = self._intern(self._names(family_tokens(raw), "family"))
        return found

    def given_ids(self, raw: str) -> npt.NDArray[np.int64]:
        found = self.given.get(raw)
        if found is None:
            found = self.given[raw] = self._intern(self._names(given_tokens(raw), "given"))
        return found

    def date_ids(self, raw: str) -> tuple[npt.NDArray[np.int64], str]:
        found = self.dates.get(raw)
        if found is None:
            parts = birth_date_parts(raw)
            pairs = [(name, value) for name, value in zip(("year", "month", "day"), parts, strict=True) if value]
            found = self.dates[raw] = (self._intern(pairs), parts[0])
        return found

    def scalar_ids(self, name: str, value: str) -> npt.NDArray[np.int64]:
        found = self.scalars.get((name, value))
        if found is None:
            found = self.scalars[(name, value)] = self._intern([(name, value)] if value else [])
        return found


def _ragged(arrays: list[npt.NDArray[np.int64]]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Return the concatenated ids and the record index of each."""
    lengths = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
    flat = np.concatenate(arrays) if arrays else np.zeros(0, np.int64)
    return flat, np.repeat(np.arange(len(arrays), dtype=np.int64), lengths)


class Encoder:
    """Encode identities with one key and one set of parameters; caches grow with the vocabulary."""

    def __init__(self, key: LinkageKey, parameters: EncodingParameters = HARDENED) -> None:
        self.key = key
        self.parameters = parameters
        self._bloom_key = key.derive("bloom")
        self._token_key = key.derive("tokens")
        self._hashes = dict(parameters.field_hashes)
        self._k_max = max(self._hashes.values())
        self._vocabulary = _Vocabulary(parameters.qgram)
        # Positions of each (feature id, salt) pair seen so far, one row per pair, keyed by
        # feature id × _MAX_SALTS + salt code.
        self._rows: dict[int, int] = {}
        self._salts: dict[str, int] = {}
        self._salt_names: list[str] = []
        self._positions = np.zeros((0, self._k_max), dtype=np.int16)
        seed = int.from_bytes(key.derive("permutation")[:16], "big")
        self._permutation = np.random.default_rng(seed).permutation(2 * parameters.base_bits)

    def encode(self, identities: Sequence[PersonIdentity]) -> Encodings:
        """Return the encodings of `identities`, in order."""
        return self.encode_columns(
            [p.family_name for p in identities],
            [p.given_names for p in identities],
            [p.birth_date for p in identities],
            [p.sex for p in identities],
            [p.birth_country for p in identities],
        )

    def encode_columns(
        self,
        family_names: Sequence[str],
        given_names: Sequence[str],
        birth_dates: Sequence[str],
        sexes: Sequence[str],
        countries: Sequence[str],
    ) -> Encodings:
        """Return the encodings of records given column by column (faster for large files)."""
        n = len(family_names)
        if not all(len(column) == n for column in (given_names, birth_dates, sexes, countries)):
            raise ValueError("Les colonnes d'identité n'ont pas toutes la même longueur.")
        clks = np.zeros((n, self.parameters.filter_bytes), dtype=np.uint8)
        for start in range(0, n, CHUNK):
            stop = min(start + CHUNK, n)
            clks[start:stop] = self._chunk(
                family_names[start:stop], given_names[start:stop], birth_dates[start:stop],
                sexes[start:stop], countries[start:stop],
            )  # fmt: skip
        tokens = self._tokens(family_names, given_names, birth_dates, sexes)
        return Encodings(clks, tokens)

    def _chunk(
        self,
        family_names: Sequence[str],
        given_names: Sequence[str],
        birth_dates: Sequence[str],
        sexes: Sequence[str],
        countries: Sequence[str],
    ) -> Bits:
        vocabulary = self._vocabulary
        salted = self.parameters.salt == "birth_year"
        arrays: list[npt.NDArray[np.int64]] = []
        salts: list[int] = []
        salt_codes = self._salts
        for family, given, date, sex, country in zip(family_names, given_names, birth_dates, sexes, countries,
                                                     strict=True):  # fmt: skip
            date_ids, year = vocabulary.date_ids(date)
            arrays.append(np.concatenate((
                vocabulary.family_ids(family), vocabulary.given_ids(given), date_ids,
                vocabulary.scalar_ids("sex", sex_code(sex)), vocabulary.scalar_ids("country", country_code(country)),
            )))  # fmt: skip
            salt = year if salted else ""
            code = salt_codes.get(salt)
            if code is None:
                code = salt_codes[salt] = len(self._salt_names)
                self._salt_names.append(salt)
            salts.append(code)
        features, records = _ragged(arrays)
        rows = self._rows_of(features, np.array(salts, dtype=np.int64)[records])
        positions = self._positions[rows]
        m = self.parameters.base_bits
        bits = np.zeros((len(arrays), m + 1), dtype=bool)
        bits[np.repeat(records, self._k_max), positions.ravel()] = True
        return self._harden(bits[:, :m])

    def _rows_of(self, features: npt.NDArray[np.int64], salts: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Return the row of `self._positions` of each (feature, salt code), hashing the new pairs."""
        keys, inverse = np.unique(features * _MAX_SALTS + salts, return_inverse=True)
        rows_by_key = self._rows
        new = [key for key in keys.tolist() if key not in rows_by_key]
        if new:
            for key in new:
                rows_by_key[key] = len(rows_by_key)
            self._positions = np.concatenate((self._positions, self._hash(new)))
        rows = np.fromiter((rows_by_key[key] for key in keys.tolist()), dtype=np.int64, count=len(keys))
        found: npt.NDArray[np.int64] = rows[inverse.ravel()]
        return found

    def _hash(self, keys: list[int]) -> npt.NDArray[np.int16]:
        """Return the k bit positions of each (feature id, salt) key, padded with m (a discarded column)."""
        m = self.parameters.base_bits
        names = self._vocabulary.pairs
        pairs = [(key // _MAX_SALTS, self._salt_names[key % _MAX_SALTS]) for key in keys]
        h1 = np.empty(len(pairs), dtype=np.int64)
        h2 = np.empty(len(pairs), dtype=np.int64)
        ks = np.empty(len(pairs), dtype=np.int64)
        for i, (feature_id, salt) in enumerate(pairs):
            name, feature = names[feature_id]
            digest = hmac.digest(self._bloom_key, f"{name}\x1f{salt}\x1f{feature}".encode(), "sha256")
            h1[i] = int.from_bytes(digest[:8], "big") % m
            h2[i] = int.from_bytes(digest[8:16], "big") % m
            ks[i] = self._hashes.get(name, 0)
        steps = np.arange(self._k_max, dtype=np.int64)
        positions = (h1[:, None] + steps[None, :] * (h2[:, None] | 1)) % m
        positions[steps[None, :] >= ks[:, None]] = m
        return positions.astype(np.int16)

    def _harden(self, bits: npt.NDArray[np.bool_]) -> Bits:
        if self.parameters.balance:
            bits = np.concatenate((bits, ~bits), axis=1)[:, self._permutation]
        if self.parameters.xor_fold:
            half = bits.shape[1] // 2
            bits = bits[:, :half] ^ bits[:, half:]
        return np.packbits(bits, axis=1)

    def _token(self, text: str) -> str:
        return hashlib.blake2b(text.encode(), key=self._token_key, digest_size=16).hexdigest()

    def _tokens(
        self, family_names: Sequence[str], given_names: Sequence[str], birth_dates: Sequence[str], sexes: Sequence[str]
    ) -> dict[str, list[str]]:
        tokens: dict[str, list[str]] = {name: [] for name in TOKEN_NAMES}
        token = self._token
        for family_raw, given_raw, date, sex_raw in zip(family_names, given_names, birth_dates, sexes, strict=True):
            family = "".join(family_tokens(family_raw))
            given = given_tokens(given_raw)
            first = given[0] if given else ""
            year, month, day = birth_date_parts(date)
            full = f"{year}-{month}-{day}" if day else ""
            sex = sex_code(sex_raw)
            keys = sorted(phonetic(name) for name in (family, first) if name)
            tokens["name_dob"].append(token(f"n\x1f{family}\x1f{first}\x1f{full}") if family and first and full else "")
            tokens["keys_year"].append(token(f"k\x1f{' '.join(keys)}\x1f{year}") if keys and year else "")
            tokens["dob_sex"].append(token(f"d\x1f{full}\x1f{sex}") if full and sex else "")
            tokens["family_dob"].append(token(f"f\x1f{phonetic(family)}\x1f{full}") if family and full else "")
        return tokens
