"""Confidence intervals for the population: BCa bootstrap and profile likelihood.

The bootstrap resamples the observed people with replacement (a multinomial draw of the
observed total over the observed patterns) and reruns the whole estimation, model choice
included, on each replicate; the acceleration comes from the delete-one jackknife over
people, weighted by the count of each pattern (Chan, Silverman & Vincent 2021, §3.3;
DiCiccio & Efron 1996). A replicate without an estimate counts as an infinite population:
the likelihood then has no maximum because the unseen count runs away.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from egide_analytics.mse.table import IntArray

FloatArray = npt.NDArray[np.float64]
Estimator = Callable[[IntArray], float]


@dataclass(frozen=True)
class Interval:
    """A confidence interval for the total population; `kind` is "bca" or "profile"."""

    lower: float
    upper: float
    level: float
    kind: str


@dataclass(frozen=True, eq=False)
class BootstrapResult:
    """The replicates behind a BCa interval and the two corrections it applied."""

    interval: Interval
    replicates: FloatArray
    seed: int
    failed: int
    acceleration: float
    bias_correction: float
    jackknife_failed: int


def bca_bootstrap(
    cells: IntArray, estimator: Estimator, point: float, replicates: int, seed: int, level: float
) -> BootstrapResult:
    """Return the BCa interval of `estimator` over `replicates` resamplings of the observed people."""
    observed = int(cells.sum())
    generator = np.random.default_rng(seed)
    draws = generator.multinomial(observed, cells / observed, size=replicates)
    estimates = np.array([_finite_or_infinite(estimator(draw.astype(np.int64))) for draw in draws])
    acceleration, jackknife_failed = _acceleration(cells, estimator)
    below = float(np.mean(estimates < point))
    # With every replicate on one side the correction is infinite: keep it at the last order statistic.
    below = min(max(below, 0.5 / replicates), 1 - 0.5 / replicates)
    bias = float(stats.norm.ppf(below))
    tail = (1 - level) / 2
    lower, upper = (
        _quantile_type8(np.sort(estimates), _adjusted(probability, bias, acceleration))
        for probability in (tail, 1 - tail)
    )
    return BootstrapResult(
        Interval(lower, upper, level, "bca"),
        estimates,
        seed,
        int(np.isinf(estimates).sum()),
        acceleration,
        bias,
        jackknife_failed,
    )


def _finite_or_infinite(value: float) -> float:
    return value if math.isfinite(value) else math.inf


def _acceleration(cells: IntArray, estimator: Estimator) -> tuple[float, int]:
    """Return the jackknife acceleration (0 if a deletion has no estimate) and the failures."""
    present = np.flatnonzero(cells)
    weights = cells[present].astype(np.float64)
    values = np.empty(len(present))
    for slot, index in enumerate(present):
        reduced = cells.copy()
        reduced[index] -= 1
        values[slot] = estimator(reduced)
    failed = int((~np.isfinite(values)).sum())
    if failed:
        return 0.0, failed
    residuals = weights @ values / weights.sum() - values
    spread = float(weights @ residuals**2)
    if spread == 0:
        return 0.0, 0
    return float(weights @ residuals**3) / (6 * spread**1.5), 0


def _adjusted(probability: float, bias: float, acceleration: float) -> float:
    shifted = bias + float(stats.norm.ppf(probability))
    denominator = 1 - acceleration * shifted
    if denominator <= 0:
        return 1.0 if acceleration > 0 else 0.0
    return float(stats.norm.cdf(bias + shifted / denominator))


def _quantile_type8(ordered: FloatArray, probability: float) -> float:
    """Return the median-unbiased sample quantile (Hyndman & Fan type 8, as SparseMSE uses).

    Written out so that infinite replicates give an infinite quantile, not NaN.
    """
    size = len(ordered)
    position = (size + 1 / 3) * probability + 1 / 3
    if position < 1:
        return float(ordered[0])
    if position >= size:
        return float(ordered[-1])
    below = math.floor(position)
    fraction = position - below
    low, high = float(ordered[below - 1]), float(ordered[below])
    if fraction == 0 or low == high:
        return low
    return math.inf if math.isinf(high) else low + fraction * (high - low)
