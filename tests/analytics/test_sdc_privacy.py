"""Differential privacy: the budget ledger and noisy counts."""

import json
import statistics

import pytest

from egide_analytics.sdc.privacy import PrivacyBudgetError, PrivacyLedger, noisy_count
from egide_analytics.statistics import StatRecord

UNITS = [
    StatRecord("A", index, {"sex": "female" if index % 4 else "male", "forms": ["SEXUAL"]}) for index in range(200)
]


def test_ledger_accounts_for_each_query_and_refuses_beyond_the_budget() -> None:
    ledger = PrivacyLedger(1.0)
    noisy_count(UNITS, 0.4, ledger, variable="sex", code="male")
    noisy_count(UNITS, 0.4, ledger, variable="forms", code="SEXUAL", label="exploitation sexuelle")
    assert ledger.spent == pytest.approx(0.8)
    assert [entry.label for entry in ledger.entries] == ["effectif sex = male", "exploitation sexuelle"]
    with pytest.raises(PrivacyBudgetError, match="Budget de confidentialité épuisé"):
        noisy_count(UNITS, 0.3, ledger, variable="sex", code="female")
    assert len(ledger.entries) == 2  # a refused query is not charged
    noisy_count(UNITS, 0.2, ledger, where=lambda unit: unit.get("sex") == "female")
    assert ledger.remaining == pytest.approx(0.0)


def test_ledger_round_trips_through_json() -> None:
    ledger = PrivacyLedger(2.0)
    noisy_count(UNITS, 0.5, ledger, variable="sex", code="male")
    again = PrivacyLedger.from_dict(json.loads(json.dumps(ledger.to_dict())))
    assert again.to_dict() == ledger.to_dict() and again.remaining == pytest.approx(1.5)


def test_noise_has_the_laplace_scale() -> None:
    ledger = PrivacyLedger(10_000.0)
    draws = [noisy_count(UNITS, 0.5, ledger, variable="sex", code="male").value for _ in range(600)]
    # 50 men; discrete Laplace of scale 2: mean 50, standard deviation close to √2 × 2 ≈ 2.83.
    assert statistics.mean(draws) == pytest.approx(50, abs=0.4)
    assert 2.4 < statistics.stdev(draws) < 3.3
    result = noisy_count(UNITS, 0.5, ledger, variable="sex", code="male", contributions=3)
    assert result.scale == pytest.approx(6.0) and result.accuracy > 10


def test_bad_budgets_are_refused_in_french() -> None:
    with pytest.raises(ValueError, match="budget"):
        PrivacyLedger(0)
    with pytest.raises(ValueError, match="ε"):
        noisy_count(UNITS, -1, PrivacyLedger(1), variable="sex", code="male")
