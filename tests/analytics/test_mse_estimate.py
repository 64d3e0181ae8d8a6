"""Multiple systems estimation on tables whose answer is known by construction."""

import math

import numpy as np
import pytest

from egide_analytics.mse import CaptureTable, DropReason, FitStatus, estimate_population, notices


def two_lists(only_first: int, only_second: int, both: int) -> CaptureTable:
    return CaptureTable.from_rows(["A", "B"], [[1, 0], [0, 1], [1, 1]], [only_first, only_second, both])


@pytest.mark.parametrize(("only_first", "only_second", "both"), [(60, 40, 20), (7, 3, 1), (1000, 5, 250)])
def test_two_lists_give_lincoln_petersen_exactly(only_first, only_second, both):
    result = estimate_population(two_lists(only_first, only_second, both))
    first, second = only_first + both, only_second + both
    assert result.estimate == pytest.approx(first * second / both, rel=1e-10)
    assert result.fit.pairs == ()


def test_two_lists_with_an_interaction_are_not_identifiable():
    result = estimate_population(two_lists(60, 40, 20), method="fixed", pairs=[("A", "B")])
    assert result.too_sparse
    assert result.status == "not_identifiable"
    assert result.estimate is None and result.interval is None


def test_two_lists_that_never_overlap_are_too_sparse():
    result = estimate_population(two_lists(30, 20, 0))
    assert result.too_sparse and result.status == "too_sparse"
    assert result.fit.status is FitStatus.NO_ESTIMATE
    assert result.estimate is None
    assert [notice.code for notice in notices(result)] == ["too_sparse"]


def simulate_three_lists(population: int, seed: int) -> CaptureTable:
    """Draw a table from log μ = α₀ + Σ α_k + α_AB (A and B share cases; C independent)."""
    codes = np.arange(8)
    bits = (codes[:, None] >> np.arange(3)) & 1
    log_mean = bits @ np.log([0.25 / 0.75, 0.2 / 0.8, 0.15 / 0.85]) + 1.2 * bits[:, 0] * bits[:, 1]
    probabilities = np.exp(log_mean) / np.exp(log_mean).sum()
    draw = np.random.default_rng(seed).multinomial(population, probabilities)
    return CaptureTable.from_cells("ABC", draw[1:])


def test_simulated_three_lists_recover_a_known_population():
    population = 100_000
    table = simulate_three_lists(population, seed=2014)
    result = estimate_population(table, bootstrap=200, seed=7)
    assert result.pair_names(result.fit.pairs) == [("A", "B")]
    assert result.estimate == pytest.approx(population, rel=0.03)
    assert result.interval is not None and result.interval.kind == "bca"
    assert result.interval.lower < population < result.interval.upper
    assert result.profile is not None and result.profile.lower < population < result.profile.upper


def test_ignoring_the_dependence_between_lists_biases_the_estimate():
    population = 100_000
    table = simulate_three_lists(population, seed=2014)
    independent = estimate_population(table, method="fixed")
    # A and B share cases: assuming independence makes the overlap look like good coverage.
    assert independent.estimate < 0.9 * population


def test_a_pair_that_never_overlaps_is_set_to_minus_infinity_and_the_others_still_estimate():
    cells = np.array([40, 30, 6, 20, 0, 0, 0])  # A, B, AB, C; C meets neither A nor B
    table = CaptureTable.from_cells("ABC", cells)
    result = estimate_population(table, method="fixed", pairs=[("A", "C")])
    assert result.fit.minus_infinity == ((0, 2),)
    assert result.fit.fitted is not None
    assert result.fit.fitted[[4, 6]].tolist() == [0.0, 0.0]  # A+C and A+B+C hold no one, exactly
    assert math.isfinite(result.estimate)
    assert result.fit.n_parameters == 5  # intercept, three lists, and the −∞ interaction
    assert "minus_infinity" in [notice.code for notice in notices(result)]


def test_aic_search_keeps_minus_infinity_models_and_rejects_those_without_estimate():
    table = CaptureTable.from_rows(["A", "B", "C"], [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]], [40, 30, 20, 6])
    result = estimate_population(table, method="aic")
    statuses = {fit.pairs: fit.status for fit in result.search.ranking}
    assert set(statuses.values()) == {FitStatus.OK}
    assert ((0, 1),) not in statuses  # A×B alone has no estimate (Chan, Silverman & Vincent, Table 3)
    assert ((0, 1), (0, 2), (1, 2)) not in statuses  # every interaction: not identifiable
    assert result.search.rejected == 4


def test_profile_interval_contains_the_estimate_and_widens_with_the_level():
    table = two_lists(60, 40, 20)
    narrow = estimate_population(table, level=0.8).profile
    wide = estimate_population(table, level=0.99).profile
    assert narrow is not None and wide is not None
    assert wide.lower < narrow.lower < 240 < narrow.upper < wide.upper


def test_profile_interval_matches_the_likelihood_ratio_bound():
    """For two lists the profile of the unseen count has a closed form: check the drop at the bounds."""
    table = two_lists(60, 40, 20)
    result = estimate_population(table)
    assert result.profile is not None
    for total in (result.profile.lower, result.profile.upper):
        unseen = total - 120
        # With α₀ fixed, the main effects solve n10 = e^(α₀+α_A)(1+e^α_B) and n01 likewise.
        drop = _two_list_log_likelihood(60, 40, 20, 120) - _two_list_log_likelihood(60, 40, 20, unseen)
        assert drop == pytest.approx(3.841458820694124 / 2, abs=1e-6)


def _two_list_log_likelihood(only_first: int, only_second: int, both: int, unseen: float) -> float:
    from scipy import optimize

    def negative(log_rates: np.ndarray) -> float:
        a, b = np.exp(log_rates)
        means = np.array([unseen * a, unseen * b, unseen * a * b])
        counts = np.array([only_first, only_second, both])
        return -float(counts @ np.log(means) - means.sum())

    return -float(
        optimize.minimize(negative, x0=[0.0, 0.0], method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-12}).fun
    )


def test_bootstrap_with_a_seed_is_reproducible():
    table = two_lists(60, 40, 20)
    first = estimate_population(table, bootstrap=50, seed=11)
    second = estimate_population(table, bootstrap=50, seed=11)
    assert first.bootstrap is not None and second.bootstrap is not None
    assert first.bootstrap.replicates.tolist() == second.bootstrap.replicates.tolist()
    assert first.interval == second.interval


def test_bootstrap_counts_replicates_without_estimate_as_infinite():
    table = two_lists(30, 20, 1)  # one person in common: many resamples lose the overlap
    result = estimate_population(table, bootstrap=100, seed=3)
    assert result.bootstrap is not None
    assert result.bootstrap.failed > 10
    assert math.isinf(result.bootstrap.interval.upper)
    codes = [notice.code for notice in notices(result)]
    assert "bootstrap_failed" in codes and "bca_unbounded" in codes


def test_uninformative_lists_are_dropped_with_their_reason():
    rows = [[1, 1, 0, 0], [1, 0, 1, 0], [1, 1, 1, 0], [1, 0, 0, 0]]
    table = CaptureTable.from_rows(["all", "B", "C", "none"], rows, [10, 20, 5, 30])
    result = estimate_population(table)
    assert [(drop.name, drop.reason) for drop in result.dropped] == [
        ("all", DropReason.EVERYONE),
        ("none", DropReason.EMPTY),
    ]
    assert result.table.lists == ("B", "C")
    assert result.observed == 35  # the 30 people seen by "all" alone are unseen by B and C
    assert result.estimate == pytest.approx(15 * 25 / 5)


def test_a_list_copying_another_is_dropped():
    table = CaptureTable.from_rows(["A", "B", "copy"], [[1, 0, 0], [0, 1, 1], [1, 1, 1]], [60, 40, 20])
    result = estimate_population(table)
    assert [(drop.name, drop.same_as) for drop in result.dropped] == [("copy", "B")]
    assert result.estimate == pytest.approx(240.0)
