"""Generated years of linked records, for tests, benchmarks and demonstrations (never real data)."""

from collections.abc import Sequence

import numpy as np

from egide_analytics.statistics.records import StatRecord
from egide_analytics.submission import UNKNOWN, region_of

_NATIONALITIES = ("NGA", "ROU", "CHN", "FRA", "BRA", "CMR", "CIV", "BGR", "MAR", "ALB", "VNM", "GIN", "PHL", "UKR")
_NATIONALITY_WEIGHTS = (30, 12, 8, 8, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1)


def _choice(rng: np.random.Generator, codes: Sequence[str], weights: Sequence[float]) -> str:
    p = np.asarray(weights, dtype=float)
    return str(codes[int(rng.choice(len(codes), p=p / p.sum()))])


def _person(rng: np.random.Generator) -> dict[str, str | list[str]]:
    sex = _choice(rng, ("female", "male", "other", UNKNOWN), (82, 16, 1, 1))
    age = _choice(
        rng, ("0-14", "15-17", "18-24", "25-34", "35-44", "45-54", "55+", UNKNOWN), (3, 11, 30, 30, 14, 6, 3, 3)
    )
    nationality = _choice(rng, (*_NATIONALITIES, UNKNOWN), (*_NATIONALITY_WEIGHTS, 5))
    forms = (
        ["SEXUAL"]
        if rng.random() < 0.76
        else [
            _choice(
                rng, ("LABOUR_DOMESTIC", "LABOUR_OTHER", "BEGGING", "CRIMINALITY", "FORCED_MARRIAGE"), (4, 6, 2, 2, 1)
            )
        ]
    )
    if rng.random() < 0.05:
        forms.append("CRIMINALITY")
    minor = "yes" if age in ("0-14", "15-17") else ("no" if age != UNKNOWN else UNKNOWN)
    return {
        "status": "supported" if rng.random() < 0.6 else "identified",
        "sex": sex,
        "age_group": age,
        "minor_at_start": "yes" if minor == "yes" or rng.random() < 0.1 else minor,
        "minor_now": minor,
        "nationality": nationality,
        "region_of_origin": region_of(nationality) if nationality != UNKNOWN else UNKNOWN,
        "forms": sorted(set(forms)),
        "exploited_in_france": _choice(rng, ("in_france", "only_abroad", UNKNOWN), (70, 25, 5)),
        "complaint_filed": _choice(rng, ("yes", "no", UNKNOWN), (30, 55, 15)),
        "administrative_status": _choice(
            rng,
            ("french", "eu_citizen", "residence_permit", "receipt", "asylum_seeker", "irregular", UNKNOWN),
            (8, 14, 15, 10, 20, 25, 8),
        ),
        "support": sorted(
            {
                _choice(rng, ("housing", "health", "legal", "psychological", "interpreting"), (3, 3, 3, 2, 1))
                for _ in range(int(rng.integers(0, 4)))
            }
        ),
        "identified_by": _choice(
            rng, ("association", "police", "gendarmerie", "health_social", "self", UNKNOWN), (45, 20, 5, 10, 5, 15)
        ),
        "network": _choice(rng, ("yes", "no", UNKNOWN), (50, 20, 30)),
        "housed_by_exploiter": _choice(rng, ("yes", "no", UNKNOWN), (35, 40, 25)),
    }


def synthetic_year(
    persons: int = 3000, holders: int = 30, duplicates: float = 0.15, seed: int = 2014
) -> list[StatRecord]:
    """Return records of `persons` people seen by holders of very unequal sizes, about `duplicates` seen twice or more.

    A person seen again keeps her variables, except that a second holder sometimes does not know them.
    """
    rng = np.random.default_rng(seed)
    sizes = rng.pareto(1.2, holders) + 1
    share = sizes / sizes.sum()
    names = [f"association-{index + 1:02d}" for index in range(holders)]
    records: list[StatRecord] = []
    for person in range(persons):
        variables = _person(rng)
        seen = 1 + int(rng.random() < duplicates) + int(rng.random() < duplicates / 5)
        chosen = rng.choice(holders, size=min(seen, holders), replace=False, p=share)
        for number, holder in enumerate(chosen):
            copy = dict(variables)
            if number and rng.random() < 0.3:
                copy["complaint_filed"] = UNKNOWN
            records.append(StatRecord(names[int(holder)], person, copy))
    return records
