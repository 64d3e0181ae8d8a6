"""The engine agrees with an independent MILP solver (HiGHS) on realistic mid-sized instances.

Uses the benchmark's instance generator and reference, so that the benchmark itself stays correct.
"""

import random

import pytest
from bench.placement import Geography, load_geography, run_compared


@pytest.fixture(scope="module")
def geography() -> Geography:
    return load_geography()


@pytest.mark.parametrize(("requests", "shelters"), [(80, 30), (25, 40)])
@pytest.mark.parametrize("seed", range(3))
def test_engine_reaches_the_milp_optimum_and_breaks_no_constraint(
    geography: Geography, requests: int, shelters: int, seed: int
) -> None:
    report = run_compared(random.Random(seed), geography, requests, shelters, runs=1)
    assert report["engine"]["placed"] == report["reference_milp"]["placed"]
    assert report["optimal_within_1e-9"], report["optimality_gap"]
    assert report["engine"]["hard_constraints_violated"] == 0
    assert report["reference_milp"]["hard_constraints_violated"] == 0
    assert report["instance"]["exclusions"] > 0
