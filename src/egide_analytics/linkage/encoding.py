"""Keyed Bloom-filter encodings (CLK) and exact keyed tokens of identities, hardened by default.

**CLK** (Schnell, Bachteler & Reiher 2009): each field's features — padded bigrams of the
names, the phonetic skeletons and every name token; whole values for the birth year,
month, day, sex and country — set `k` bits each (k per field, see `FIELD_HASHES`) in one
filter. Bit positions come from HMAC-SHA256 under a sub-key of the linkage key, by double
hashing (h1 + i·h2 mod m). They are computed once per distinct (field, salt, feature) and
cached — the vocabulary is small — and the filters are built with numpy by chunks.

**Hardening** (Christen, Ranbaduge, Vatsalan & Schnell 2019 on the attacks it resists):
balancing and XOR-folding by default (`HARDENED`); salting as an option (`HARDENED_SALTED`):
- *salting* by the birth year (optional): the same bigram sets different bits for people
  born in different years, so a frequent bigram or name no longer makes a frequent bit
  pattern across the whole file (pattern-mining attacks count such patterns). The cost:
  records whose birth years differ or are unknown on one side no longer agree on their CLK
  (FEBRL4 with every field: F1 0.961 salted against 0.997 unsalted), while the attack of
  `attack.py` already re-identifies no one with balancing and folding alone
  (docs/methods/linkage-attack.md): hence not on by default;
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
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from egide_analytics.linkage.bloom import EXTRA_PREFIX, BloomBuilder, lookup
from egide_analytics.linkage.keys import LinkageKey
from egide_analytics.linkage.normalise import (
    PersonIdentity,
    birth_date_parts,
    family_tokens,
    given_tokens,
    phonetic,
    sex_code,
)

SCHEME = "egide-clk-1"
TOKEN_NAMES = ("name_dob", "keys_year", "dob_sex", "family_dob")
# Bits set per feature, by field. The date weighs as much as the names: in a population
# with few frequent names, people with the same names are told apart by their date of birth.
FIELD_HASHES: tuple[tuple[str, int], ...] = (
    ("family", 8),
    ("family_key", 5),
    ("given", 6),
    ("given_key", 4),
    ("name_tokens", 8),
    ("year", 40),
    ("month", 30),
    ("day", 30),
    ("sex", 8),
    ("country", 8),
)
CHUNK = 50_000

Bits = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class EncodingParameters:
    """How identities are encoded; the defaults are the hardened, recommended setting (balanced, folded, unsalted)."""

    filter_bits: int = 1024
    qgram: int = 2
    field_hashes: tuple[tuple[str, int], ...] = FIELD_HASHES
    balance: bool = True
    xor_fold: bool = True
    salt: str | None = None
    scheme: str = SCHEME
    # Other identifying fields a data holder has (postcode, street, document number…), with
    # their bits per bigram; `PersonIdentity.extra` or `encode_columns(extra=…)` give them.
    extra_fields: tuple[tuple[str, int], ...] = ()

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
        for name, k in self.extra_fields:
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,30}", name) or not 1 <= k <= 64:
                raise ValueError(f"Champ supplémentaire « {name} » invalide (nom en minuscules, 1 à 64 bits).")

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
        data["extra_fields"] = dict(self.extra_fields)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "EncodingParameters":
        try:
            values = dict(data)
            for name in ("field_hashes", "extra_fields"):
                values[name] = tuple((str(k), int(v)) for k, v in dict(values.get(name) or {}).items())
            if not values["field_hashes"]:
                del values["field_hashes"]
            return cls(**values)
        except (TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"Paramètres d'encodage invalides : {error}") from error

    def fingerprint(self) -> str:
        """Return 16 hex characters identifying these parameters (two files link only if they agree)."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


# The default: balanced and XOR-folded, not salted. A record whose birth year is unknown or
# mistyped still agrees with its duplicates (salting loses them: FEBRL4 changes the year of
# 8 % of its true pairs), and the pattern-mining attack re-identifies no one without the salt.
HARDENED = EncodingParameters()
# Also salted by the birth year, for data holders who want it whatever the cost in recall.
HARDENED_SALTED = EncodingParameters(salt="birth_year")
PLAIN = EncodingParameters(balance=False, xor_fold=False, salt=None)
# The former name of the default (files written with it carry the same parameters).
HARDENED_UNSALTED = HARDENED


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


class Encoder:
    """Encode identities with one key and one set of parameters; caches grow with the vocabulary."""

    def __init__(self, key: LinkageKey, parameters: EncodingParameters = HARDENED) -> None:
        self.key = key
        self.parameters = parameters
        self._token_hash = hashlib.blake2b(key=key.derive("tokens"), digest_size=16)
        self._bloom = BloomBuilder(
            key.derive("bloom"),
            int.from_bytes(key.derive("permutation")[:16], "big"),
            base_bits=parameters.base_bits,
            qgram=parameters.qgram,
            field_hashes=dict(parameters.field_hashes)
            | {EXTRA_PREFIX + name: k for name, k in parameters.extra_fields},
            balance=parameters.balance,
            xor_fold=parameters.xor_fold,
            salted=parameters.salt == "birth_year",
            extra_fields=[name for name, _ in parameters.extra_fields],
        )
        self._names: dict[str, tuple[str, str]] = {}
        self._given: dict[str, tuple[str, str]] = {}
        self._dates: dict[str, tuple[str, str]] = {}
        self._token_caches: tuple[dict[str, str], ...] = ({}, {}, {})

    def encode(self, identities: Sequence[PersonIdentity]) -> Encodings:
        """Return the encodings of `identities`, in order."""
        names = [name for name, _ in self.parameters.extra_fields]
        extras = [dict(p.extra) for p in identities] if names else []
        return self.encode_columns(
            [p.family_name for p in identities],
            [p.given_names for p in identities],
            [p.birth_date for p in identities],
            [p.sex for p in identities],
            [p.birth_country for p in identities],
            extra={name: [e.get(name, "") for e in extras] for name in names},
        )

    def encode_columns(
        self,
        family_names: Sequence[str],
        given_names: Sequence[str],
        birth_dates: Sequence[str],
        sexes: Sequence[str],
        countries: Sequence[str],
        extra: Mapping[str, Sequence[str]] | None = None,
    ) -> Encodings:
        """Return the encodings of records given column by column (faster for large files).

        `extra` gives the columns of the parameters' `extra_fields`, by name.
        """
        n = len(family_names)
        names = [name for name, _ in self.parameters.extra_fields]
        extra = extra or {}
        if sorted(extra) != sorted(names):
            raise ValueError(f"Champs supplémentaires attendus : {', '.join(names) or 'aucun'}.")
        extra_columns = [extra[name] for name in names]
        if not all(len(column) == n for column in (given_names, birth_dates, sexes, countries, *extra_columns)):
            raise ValueError("Les colonnes d'identité n'ont pas toutes la même longueur.")
        clks = np.empty((n, self.parameters.filter_bytes), dtype=np.uint8)
        for start in range(0, n, CHUNK):
            stop = min(start + CHUNK, n)
            clks[start:stop] = self._bloom.build(
                family_names[start:stop], given_names[start:stop], birth_dates[start:stop],
                sexes[start:stop], countries[start:stop], [column[start:stop] for column in extra_columns],
            )  # fmt: skip
        return Encodings(clks, self._tokens(family_names, given_names, birth_dates, sexes))

    @staticmethod
    def _family(raw: str) -> tuple[str, str]:
        glued = "".join(family_tokens(raw))
        return (glued, phonetic(glued) if glued else "")

    @staticmethod
    def _first_given(raw: str) -> tuple[str, str]:
        tokens = given_tokens(raw)
        return (tokens[0], phonetic(tokens[0])) if tokens else ("", "")

    @staticmethod
    def _date(raw: str) -> tuple[str, str]:
        year, month, day = birth_date_parts(raw)
        return (year, f"{year}-{month}-{day}" if day else "")

    def _token(self, text: str) -> str:
        digest = self._token_hash.copy()
        digest.update(text.encode())
        return digest.hexdigest()

    def _tokens(
        self, family_names: Sequence[str], given_names: Sequence[str], birth_dates: Sequence[str], sexes: Sequence[str]
    ) -> dict[str, list[str]]:
        """Return the exact tokens; those of frequent combinations (date and sex…) are computed once."""
        # Column by column, with dictionary look-ups mapped in C: a per-record Python loop
        # of method calls would cost more than the hashing.
        families = lookup(self._names, family_names, self._family)
        givens = lookup(self._given, given_names, self._first_given)
        dates = lookup(self._dates, birth_dates, self._date)
        sex_codes = list(map(sex_code, sexes))
        token = self._token
        caches = self._token_caches

        def maybe(text: str) -> str:
            return token(text) if text else ""

        name_dob = [
            token(f"n\x1f{f[0]}\x1f{g[0]}\x1f{d[1]}") if f[0] and g[0] and d[1] else ""
            for f, g, d in zip(families, givens, dates, strict=True)
        ]
        keys = [" ".join(k for k in sorted((f[1], g[1])) if k) for f, g in zip(families, givens, strict=True)]
        texts = [f"k\x1f{k}\x1f{d[0]}" if k and d[0] else "" for k, d in zip(keys, dates, strict=True)]
        keys_year = lookup(caches[0], texts, maybe)
        texts = [f"d\x1f{d[1]}\x1f{x}" if d[1] and x else "" for d, x in zip(dates, sex_codes, strict=True)]
        dob_sex = lookup(caches[1], texts, maybe)
        texts = [f"f\x1f{f[1]}\x1f{d[1]}" if f[0] and d[1] else "" for f, d in zip(families, dates, strict=True)]
        family_dob = lookup(caches[2], texts, maybe)
        return {"name_dob": name_dob, "keys_year": keys_year, "dob_sex": dob_sex, "family_dob": family_dob}
