"""Differential privacy for interactive queries: noisy counts under a privacy budget per release.

Tables of a release are protected by suppression and rounding (`protect`); a user who asks
counts of her own choosing instead gets counts with discrete Laplace noise (OpenDP's
measurement, ε-differentially private), each charged to the release's `PrivacyLedger`.
When the next query would exceed the budget the ledger refuses it, before any noise is
drawn. One person must weigh at most `contributions` units (1 for distinct persons; the
largest number of records of one person for « as declared » units).
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import opendp.prelude as dp

from egide_analytics.statistics.records import StatRecord

dp.enable_features("contrib")

Unit = StatRecord | Mapping[str, str | list[str]]
# Floating-point slack when adding up epsilons.
SLACK = 1e-9


class PrivacyBudgetError(ValueError):
    """The query would spend more than what is left of the release's privacy budget."""


@dataclass(frozen=True)
class LedgerEntry:
    """One query charged to the ledger."""

    label: str
    epsilon: float
    mechanism: str
    at: str


class PrivacyLedger:
    """The privacy budget (total ε) of one release and the queries that spent it."""

    def __init__(self, total_epsilon: float, entries: Sequence[LedgerEntry] = ()) -> None:
        if not total_epsilon > 0 or not math.isfinite(total_epsilon):
            raise ValueError("Le budget de confidentialité (ε total) doit être un nombre positif.")
        self.total_epsilon = float(total_epsilon)
        self.entries: list[LedgerEntry] = list(entries)

    @property
    def spent(self) -> float:
        return math.fsum(entry.epsilon for entry in self.entries)

    @property
    def remaining(self) -> float:
        return max(0.0, self.total_epsilon - self.spent)

    def check(self, epsilon: float) -> None:
        """Raise PrivacyBudgetError (in French) when `epsilon` more would exceed the budget."""
        if not epsilon > 0 or not math.isfinite(epsilon):
            raise ValueError("Le ε d'une requête doit être un nombre positif.")
        if self.spent + epsilon > self.total_epsilon + SLACK:
            raise PrivacyBudgetError(
                f"Budget de confidentialité épuisé : cette requête demande ε = {epsilon:g}, "
                f"il reste ε = {self.remaining:g} sur {self.total_epsilon:g}."
            )

    def charge(self, epsilon: float, label: str, mechanism: str = "laplace") -> LedgerEntry:
        """Record a query of `epsilon`, or refuse it when the budget would be exceeded."""
        self.check(epsilon)
        entry = LedgerEntry(label, float(epsilon), mechanism, datetime.now(UTC).isoformat(timespec="seconds"))
        self.entries.append(entry)
        return entry

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON types (to persist the ledger with its release)."""
        return {"total_epsilon": self.total_epsilon, "entries": [asdict(entry) for entry in self.entries]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "PrivacyLedger":
        return cls(float(data["total_epsilon"]), [LedgerEntry(**entry) for entry in data.get("entries", ())])


@dataclass(frozen=True)
class NoisyCount:
    """A count with discrete Laplace noise: `value` is what may be shown, `accuracy` the 95 % half-width."""

    value: int
    epsilon: float
    scale: float
    accuracy: float


def count_measurement(scale: float) -> Any:
    """Return OpenDP's measurement: count the units of a vector, then add discrete Laplace noise."""
    space = dp.vector_domain(dp.atom_domain(T=bool)), dp.symmetric_distance()
    return space >> dp.t.then_count() >> dp.m.then_laplace(scale=scale)


def noisy_count(
    units: Sequence[Unit],
    epsilon: float,
    ledger: PrivacyLedger,
    *,
    where: Callable[[Mapping[str, str | list[str]]], bool] | None = None,
    variable: str | None = None,
    code: str | None = None,
    contributions: int = 1,
    label: str = "",
) -> NoisyCount:
    """Return the ε-differentially private count of the units matching `where` (or `variable` = `code`).

    The query is charged to `ledger` first: a refused query draws no noise.
    """
    if contributions < 1:
        raise ValueError("Une personne contribue au moins une unité.")
    match = where or _has_code(variable, code)
    ledger.check(epsilon)
    scale = contributions / epsilon
    measurement = count_measurement(scale)
    if measurement.map(contributions) > epsilon + SLACK:
        raise ValueError("La mesure OpenDP ne respecte pas le ε demandé.")
    ledger.charge(epsilon, label or f"effectif {variable} = {code}")
    # Keeping the matching units one by one is 1-stable: the count keeps its sensitivity.
    matching = [True for unit in units if match(unit.variables if isinstance(unit, StatRecord) else unit)]
    value = int(measurement(matching))
    accuracy = float(dp.discrete_laplacian_scale_to_accuracy(scale=scale, alpha=0.05))
    return NoisyCount(value, epsilon, scale, accuracy)


def _has_code(variable: str | None, code: str | None) -> Callable[[Mapping[str, str | list[str]]], bool]:
    if variable is None or code is None:
        raise ValueError("Indiquez un filtre, ou une variable et un code.")

    def match(unit: Mapping[str, str | list[str]]) -> bool:
        value = unit.get(variable)
        return code in value if isinstance(value, list) else value == code

    return match
