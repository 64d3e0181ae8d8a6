"""Generated years of linked records, for tests, benchmarks and demonstrations (never real data)."""

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

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


def capture_probabilities(holders: int, coverage: float, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """Return each holder's chance of seeing a person: Pareto-distributed sizes, `coverage` seen by at least one."""
    share = rng.pareto(1.2, holders) + 1
    share /= share.sum()
    low, high = 0.0, 1.0 / share.min()
    for _ in range(60):  # bisection on the scale of the probabilities
        scale = (low + high) / 2
        seen = 1 - np.prod(1 - np.minimum(scale * share, 0.95))
        low, high = (scale, high) if seen < coverage else (low, scale)
    return np.asarray(np.minimum(low * share, 0.95), dtype=np.float64)


def synthetic_capture(
    persons: int = 3000, holders: int = 30, coverage: float = 0.45, seed: int = 2014
) -> tuple[list[StatRecord], int]:
    """Return the records of a year in which `persons` people were seen, and the size of the population they came from.

    Each holder (of Pareto-distributed size) sees each person of the population independently,
    so that the hidden-population estimate should find the returned size; about `coverage` of
    the population is seen by at least one holder. Persons seen are numbered 0 … persons − 1.
    A second holder sometimes does not know whether a complaint was filed.
    """
    rng = np.random.default_rng(seed)
    probabilities = capture_probabilities(holders, coverage, rng)
    names = [f"association-{index + 1:02d}" for index in range(holders)]
    records: list[StatRecord] = []
    population = seen = 0
    while seen < persons:
        population += 1
        seen_by = np.flatnonzero(rng.random(holders) < probabilities)
        if not len(seen_by):
            continue
        variables = _person(rng)
        for number, holder in enumerate(rng.permutation(seen_by)):
            copy = dict(variables)
            if number and rng.random() < 0.3:
                copy["complaint_filed"] = UNKNOWN
            records.append(StatRecord(names[int(holder)], seen, copy))
        seen += 1
    return records, population


def synthetic_year(
    persons: int = 3000, holders: int = 30, coverage: float = 0.45, seed: int = 2014
) -> list[StatRecord]:
    """Return the records of a generated year with exactly `persons` distinct persons (see `synthetic_capture`)."""
    return synthetic_capture(persons, holders, coverage, seed)[0]
