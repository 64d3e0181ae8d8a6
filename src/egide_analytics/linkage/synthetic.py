"""Seeded synthetic persons and duplicate records with realistic variants, with the ground truth.

Persons are drawn from France and the main origins of trafficking victims in France
(`synthetic_names.ORIGINS`); duplicates are the same person written again by another data
holder (or the same one), with what really differs between files: typos, dropped accents,
swapped family and given names, particles written otherwise, transliteration variants,
missing or partial dates of birth, a second given name dropped, other spellings of sex.

>>> data = generate(1_000, duplicate_rate=0.15, seed=7)
>>> len(data), len(set(data.person_ids.tolist()))
(1000, 850)
>>> generate(50, seed=1).identities == generate(50, seed=1).identities
True
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from egide_analytics.linkage.normalise import PersonIdentity
from egide_analytics.linkage.synthetic_names import ORIGINS, VARIANTS, Origin

ZIPF_EXPONENT = 0.9
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_SEX_SPELLINGS = {"female": ("F", "f", "femme", "Femme", "W", "female"), "male": ("M", "H", "homme", "male", "m")}
_RULES = (("ou", "u"), ("u", "ou"), ("ph", "f"), ("y", "i"), ("i", "y"), ("escu", "esco"), ("k", "c"), ("c", "k"))
_LETTERS = "abcdefghijklmnoprstuvy"


def _zipf(size: int) -> npt.NDArray[np.float64]:
    weights = 1.0 / np.arange(1, size + 1) ** ZIPF_EXPONENT
    normalised: npt.NDArray[np.float64] = weights / weights.sum()
    return normalised


def name_frequencies() -> dict[str, list[tuple[str, float]]]:
    """Return the generator's name lists with their overall frequencies: family, female and male given names.

    For the frequency attack: what an attacker knowing the population's names would know.
    """
    totals: dict[str, dict[str, float]] = {"family": {}, "female": {}, "male": {}}
    weight_sum = sum(o.weight for o in ORIGINS)
    for origin in ORIGINS:
        share = origin.weight / weight_sum
        by_sex = {"female": origin.female_share, "male": 1 - origin.female_share}
        lists = [("family", origin.family_female or origin.family, by_sex["female"]),
                 ("family", origin.family, by_sex["male"]),
                 ("female", origin.female, by_sex["female"]), ("male", origin.male, by_sex["male"])]  # fmt: skip
        for kind, names, sex_share in lists:
            for name, weight in zip(names, _zipf(len(names)), strict=True):
                totals[kind][name] = totals[kind].get(name, 0.0) + share * sex_share * float(weight)
    result = {}
    for kind, counts in totals.items():
        total = sum(counts.values())
        result[kind] = sorted(((name, count / total) for name, count in counts.items()), key=lambda x: -x[1])
    return result


@dataclass
class SyntheticRecords:
    """Records with the true person of each; `holders` tells which data holder wrote each record."""

    identities: list[PersonIdentity]
    person_ids: npt.NDArray[np.int64]
    record_ids: list[str]
    holders: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.identities)

    def columns(self) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
        """Return the five identity columns, for `Encoder.encode_columns`."""
        ids = self.identities
        return ([p.family_name for p in ids], [p.given_names for p in ids], [p.birth_date for p in ids],
                [p.sex for p in ids], [p.birth_country for p in ids])  # fmt: skip

    def true_pairs(self) -> set[tuple[int, int]]:
        """Return the pairs (i, j), i < j, of record indices that are the same person."""
        order = np.argsort(self.person_ids, kind="stable")
        pairs: set[tuple[int, int]] = set()
        sorted_ids = self.person_ids[order]
        starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
        ends = np.r_[starts[1:], len(order)]
        for start, end in zip(starts[ends - starts > 1], ends[ends - starts > 1], strict=True):
            group = sorted(order[start:end].tolist())
            pairs.update((a, b) for i, a in enumerate(group) for b in group[i + 1 :])
        return pairs

    def take(self, indices: npt.NDArray[np.intp] | list[int]) -> "SyntheticRecords":
        index = np.asarray(indices, dtype=np.intp)
        return SyntheticRecords([self.identities[i] for i in index], self.person_ids[index],
                                [self.record_ids[i] for i in index], self.holders[index])  # fmt: skip

    def for_holder(self, holder: int) -> "SyntheticRecords":
        return self.take(np.flatnonzero(self.holders == holder))


def _persons(count: int, rng: np.random.Generator, year: int) -> list[PersonIdentity]:
    weights = np.array([o.weight for o in ORIGINS])
    origins = rng.choice(len(ORIGINS), size=count, p=weights / weights.sum())
    people: list[PersonIdentity | None] = [None] * count
    for code, origin in enumerate(ORIGINS):
        where = np.flatnonzero(origins == code)
        for person, index in zip(_origin_persons(origin, len(where), rng, year), where.tolist(), strict=True):
            people[index] = person
    return [p for p in people if p is not None]


def _pick(names: tuple[str, ...], size: int, rng: np.random.Generator) -> list[str]:
    indices = rng.choice(len(names), size=size, p=_zipf(len(names)))
    return [names[i] for i in indices.tolist()]


def _origin_persons(origin: Origin, count: int, rng: np.random.Generator, year: int) -> list[PersonIdentity]:
    female = (rng.random(count) < origin.female_share).tolist()
    family_f = _pick(origin.family_female or origin.family, count, rng)
    family_m = _pick(origin.family, count, rng)
    given_f, second_f = _pick(origin.female, count, rng), _pick(origin.female, count, rng)
    given_m, second_m = _pick(origin.male, count, rng), _pick(origin.male, count, rng)
    second = (rng.random(count) < 0.2).tolist()
    birth_years = (year - np.clip(14 + rng.gamma(2.2, 6.5, count), 14, 80).astype(int)).tolist()
    months = rng.integers(1, 13, count)
    days = (1 + (rng.random(count) * np.array(_DAYS)[months - 1]).astype(int)).tolist()
    precision = rng.random(count).tolist()
    country = np.where(rng.random(count) < 0.95, origin.country, "").tolist()
    people = []
    for i, month in enumerate(months.tolist()):
        f = female[i]
        given, extra = (given_f[i], second_f[i]) if f else (given_m[i], second_m[i])
        if second[i] and extra != given:
            given = f"{given} {extra}"
        p = precision[i]
        if p < 0.85:
            date = f"{birth_years[i]}-{month:02d}-{days[i]:02d}"
        elif p < 0.9:
            date = f"{birth_years[i]}-{month:02d}"
        else:
            date = str(birth_years[i]) if p < 0.98 else ""
        people.append(PersonIdentity(family_f[i] if f else family_m[i], given, date,
                                     "female" if f else "male", country[i]))  # fmt: skip
    return people


# --- Variants -----------------------------------------------------------------------------------


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _without_accents(person: PersonIdentity) -> PersonIdentity:
    return replace(
        person, family_name=_strip_accents(person.family_name), given_names=_strip_accents(person.given_names)
    )


def _typo(text: str, rng: np.random.Generator) -> str:
    if len(text) < 3:
        return text
    i = int(rng.integers(1, len(text) - 1))
    kind = int(rng.integers(4))
    letter = _LETTERS[int(rng.integers(len(_LETTERS)))]
    if kind == 0:
        return text[:i] + letter + text[i + 1 :]
    if kind == 1:
        return text[:i] + letter + text[i:]
    if kind == 2:
        return text[:i] + text[i + 1 :]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def _variant(name: str, rng: np.random.Generator) -> str:
    """Return another spelling of `name`: a known variant, else a transliteration rule, else a typo."""
    known = VARIANTS.get(name)
    if known:
        return known[int(rng.integers(len(known)))]
    rules = [(a, b) for a, b in _RULES if a in name.lower()]
    if rules:
        a, b = rules[int(rng.integers(len(rules)))]
        return re.sub(a, b, name, count=1, flags=re.IGNORECASE)
    doubled = re.search(r"([bcdfglmnprst])", name[1:])
    if doubled:
        at = doubled.start() + 1
        return name[:at] + name[at] + name[at:]
    return _typo(name, rng)


def _partial_date(date: str, rng: np.random.Generator) -> str:
    return date[:4] if rng.random() < 0.7 else date[:7]


def _date_typo(date: str, rng: np.random.Generator) -> str:
    if len(date) < 10:
        return date
    day = int(date[8:])
    if rng.random() < 0.5 and int(date[5:7]) <= 12 and day <= 12:
        return f"{date[:4]}-{day:02d}-{date[5:7]}"
    return f"{date[:8]}{max(1, min(28, day + (1 if rng.random() < 0.5 else -1))):02d}"


def _sex_spelling(sex: str, rng: np.random.Generator) -> str:
    spellings = _SEX_SPELLINGS.get(sex, (sex,))
    return spellings[int(rng.integers(len(spellings)))]


Change = Callable[[PersonIdentity, np.random.Generator], PersonIdentity]
_CHANGES: tuple[tuple[float, Change], ...] = (
    (0.15, lambda p, r: replace(p, family_name=_typo(p.family_name, r))),
    (0.12, lambda p, r: replace(p, given_names=_typo(p.given_names, r))),
    (0.08, lambda p, r: _without_accents(p)),
    (0.08, lambda p, r: replace(p, family_name=p.given_names, given_names=p.family_name)),
    (0.10, lambda p, r: replace(p, family_name=_variant(p.family_name, r))),
    (0.10, lambda p, r: replace(p, given_names=" ".join(_variant(t, r) for t in p.given_names.split(" ", 1)[:1]))),
    (0.07, lambda p, r: replace(p, given_names=p.given_names.split(" ")[0].split("-")[0])),
    (0.08, lambda p, r: replace(p, birth_date=_partial_date(p.birth_date, r))),
    (0.03, lambda p, r: replace(p, birth_date="")),
    (0.05, lambda p, r: replace(p, birth_date=_date_typo(p.birth_date, r))),
    (0.05, lambda p, r: replace(p, family_name=p.family_name.upper(), given_names=p.given_names.upper())),
    (0.05, lambda p, r: replace(p, sex=_sex_spelling(p.sex, r))),
    (0.03, lambda p, r: replace(p, sex="")),
    (0.04, lambda p, r: replace(p, birth_country="")),
)  # fmt: skip
_CHANGE_CUMULATIVE = np.cumsum([w for w, _ in _CHANGES]) / sum(w for w, _ in _CHANGES)


def duplicate(person: PersonIdentity, rng: np.random.Generator) -> PersonIdentity:
    """Return `person` as another data holder might have written her: one to four changes."""
    count = min(4, 1 + int(rng.poisson(0.7)))
    chosen = np.searchsorted(_CHANGE_CUMULATIVE, rng.random(count), side="right").tolist()
    for index in dict.fromkeys(chosen):
        person = _CHANGES[index][1](person, rng)
    return person


def generate(
    n_records: int, *, duplicate_rate: float = 0.15, n_holders: int = 1, seed: int = 0, year: int = 2025
) -> SyntheticRecords:
    """Return `n_records` records, `duplicate_rate` of them extra records of persons already drawn.

    With several holders, a duplicate goes to another holder than its person's first record
    four times out of five (a person supported by two associations).
    """
    if not 0 <= duplicate_rate < 1:
        raise ValueError("Le taux de doublons doit être compris entre 0 et 1 (exclu).")
    rng = np.random.default_rng(seed)
    n_duplicates = round(n_records * duplicate_rate)
    n_persons = n_records - n_duplicates
    persons = _persons(n_persons, rng, year)
    sources = rng.integers(0, max(n_persons, 1), n_duplicates)
    identities = persons + [duplicate(persons[i], rng) for i in sources.tolist()]
    person_ids = np.concatenate((np.arange(n_persons), sources)).astype(np.int64)
    first_holder = rng.integers(0, n_holders, n_persons)
    shift = np.where(rng.random(n_duplicates) < 0.8, rng.integers(1, max(n_holders, 2), n_duplicates), 0)
    holders = np.concatenate((first_holder, (first_holder[sources] + shift) % n_holders)).astype(np.int64)
    order = rng.permutation(n_records)
    return SyntheticRecords(
        identities=[identities[i] for i in order.tolist()],
        person_ids=person_ids[order],
        record_ids=[f"r{i:07d}" for i in range(n_records)],
        holders=holders[order],
    )
