"""Properties of the estimate over many random tables (hypothesis)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egide_analytics.mse import CaptureTable, estimate_population
from egide_analytics.mse.table import pattern_bits


@st.composite
def tables(draw: st.DrawFn) -> CaptureTable:
    size = draw(st.integers(min_value=2, max_value=4))
    counts = draw(
        st.lists(
            st.one_of(st.just(0), st.integers(min_value=1, max_value=60)),
            min_size=2**size - 1,
            max_size=2**size - 1,
        ).filter(any)
    )
    return CaptureTable.from_cells([f"L{index}" for index in range(size)], counts)


def interactions(result) -> list[tuple[str, ...]]:
    return sorted(tuple(sorted(pair)) for pair in result.pair_names(result.fit.pairs))


def same_result(first, second) -> None:
    assert first.too_sparse == second.too_sparse
    assert set(first.table.lists) == set(second.table.lists)
    if first.too_sparse:
        return
    assert first.estimate == pytest.approx(second.estimate, rel=1e-6)
    assert interactions(first) == interactions(second)


@settings(max_examples=40, deadline=None)
@given(table=tables(), method=st.sampled_from(["stepwise", "aic", "bic"]))
def test_estimate_is_never_below_the_observed_people(table, method):
    result = estimate_population(table, method=method)
    if not result.too_sparse:
        assert math.isfinite(result.estimate)
        assert result.estimate >= result.observed
        assert result.profile is not None
        assert result.profile.lower <= result.estimate <= result.profile.upper


@settings(max_examples=40, deadline=None)
@given(table=tables(), method=st.sampled_from(["stepwise", "bic"]), data=st.data())
def test_estimate_does_not_depend_on_the_order_of_the_lists(table, method, data):
    order = data.draw(st.permutations(range(len(table.lists))))
    permuted = CaptureTable.from_rows([table.lists[index] for index in order], table.patterns[:, order].tolist(),
                                      table.counts.tolist())  # fmt: skip
    same_result(estimate_population(table, method=method), estimate_population(permuted, method=method))


@settings(max_examples=40, deadline=None)
@given(table=tables(), data=st.data())
def test_estimate_does_not_depend_on_the_order_or_grouping_of_rows(table, data):
    records = [(pattern, 1) for pattern, count in zip(table.patterns.tolist(), table.counts.tolist(), strict=True)
               for _ in range(count)]  # fmt: skip
    shuffled = data.draw(st.permutations(records))
    individual = CaptureTable.from_rows(table.lists, [pattern for pattern, _ in shuffled], [1] * len(shuffled))
    same_result(estimate_population(table), estimate_population(individual))


@settings(max_examples=40, deadline=None)
@given(size=st.integers(min_value=2, max_value=6))
def test_pattern_codes_round_trip(size):
    codes = np.arange(1, 2**size)
    bits = pattern_bits(codes, size)
    assert (bits.astype(np.int64) @ (1 << np.arange(size)) == codes).all()
