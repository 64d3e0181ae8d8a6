"""Log-linear Poisson models of a capture table: design, admissibility and maximum likelihood.

A model holds an intercept, one main effect per list and a chosen set of two-list
interactions: log μ(ω) = α₀ + Σ_{k∈ω} α_k + Σ_{{i,j}⊆ω, (i,j) in the model} α_ij for each
observable pattern ω. The unseen cell (the all-zero pattern) has mean exp(α₀).

Pairs of lists that never overlap (no observed person on both) make the maximum
likelihood estimate of their interaction −∞ when it is in the model. That is handled
exactly, as Chan, Silverman & Vincent (2021) do: the cells holding both lists have fitted
value 0 and leave the fit, and the parameter is reported as −∞. A model is then
*admissible* when its design on the remaining cells has full column rank (identifiable)
and the extended maximum likelihood estimate exists (Fienberg & Rinaldo 2012), which is
decided by a small linear programme. Both depend only on which cells are non-zero, so the
engine caches them by (model, support).
"""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy import optimize, special, stats

from egide_analytics.mse.table import IntArray, pattern_bits

Pair = tuple[int, int]
FloatArray = npt.NDArray[np.float64]

MAX_NEWTON_STEPS = 200
MAX_HALVINGS = 40
# Newton stops once no parameter moves by more than this (convergence is quadratic).
NEWTON_TOLERANCE = 1e-10
# The existence programme's optimum is 0 or at most −1 (see `_mle_exists`): anything in between is rounding.
RECESSION_THRESHOLD = -0.5
# Beyond e^60 unseen people, the profile likelihood is taken to never come back down.
PROFILE_SPAN = 60.0


class FitStatus(StrEnum):
    """Whether a model gives an estimate on a table."""

    OK = "ok"
    # The design on the cells that carry information is rank-deficient: several parameter
    # values, and several unseen counts, fit the data equally well.
    NOT_IDENTIFIABLE = "not_identifiable"
    # Even allowing −∞ for pairs that never overlap, the likelihood has no maximum: some
    # other parameter (often the unseen count) runs to infinity.
    NO_ESTIMATE = "no_estimate"


@dataclass(frozen=True, eq=False)
class ModelFit:
    """A model fitted to a table: its status and, when it is OK, the estimate and the fit.

    `coefficients` are the finite parameters in `parameter_pairs` order: the intercept, one
    main effect per list, then the interactions of `pairs` that are not in `minus_infinity`.
    `fitted` holds the fitted mean of every observable cell (0 where a −∞ pair sits).
    """

    pairs: tuple[Pair, ...]
    status: FitStatus
    observed: int
    minus_infinity: tuple[Pair, ...] = ()
    coefficients: FloatArray | None = None
    fitted: FloatArray | None = None
    log_likelihood: float = math.nan
    n_parameters: int = 0

    @property
    def ok(self) -> bool:
        return self.status is FitStatus.OK

    @property
    def unseen(self) -> float:
        """Return the estimated number of people on no list (NaN when there is no estimate)."""
        return math.exp(float(self.coefficients[0])) if self.ok and self.coefficients is not None else math.nan

    @property
    def total(self) -> float:
        """Return the estimated population: observed plus unseen (NaN when there is no estimate)."""
        return self.observed + self.unseen

    @property
    def finite_pairs(self) -> tuple[Pair, ...]:
        return tuple(pair for pair in self.pairs if pair not in self.minus_infinity)

    @property
    def aic(self) -> float:
        """Return Akaike's criterion; −∞ parameters count as parameters, as in SparseMSE."""
        return -2 * self.log_likelihood + 2 * self.n_parameters

    @property
    def bic(self) -> float:
        """Return the Bayesian criterion with log(observed people) per parameter, as in Rcapture."""
        return -2 * self.log_likelihood + self.n_parameters * math.log(self.observed)


def normalise_pairs(pairs: Iterable[Iterable[int]]) -> tuple[Pair, ...]:
    """Return two-list interactions as sorted (i, j) tuples with i < j, without repeats."""
    result = set()
    for pair in pairs:
        first, second = (int(index) for index in pair)
        if first == second:
            raise ValueError("an interaction joins two different lists")
        result.add((min(first, second), max(first, second)))
    return tuple(sorted(result))


class LogLinearEngine:
    """Fit log-linear models of K-list capture tables (numpy for the fit, HiGHS for existence).

    One engine serves many tables with the same lists (a bootstrap, a model search): it
    caches the admissibility of each model for each support (set of non-zero cells).
    """

    def __init__(self, n_lists: int) -> None:
        self.n_lists = n_lists
        self.bits = pattern_bits(np.arange(1, 2**n_lists), n_lists).astype(np.float64)
        self.all_pairs: tuple[Pair, ...] = tuple(
            (first, second) for first in range(n_lists) for second in range(first + 1, n_lists)
        )
        self.pair_bits = np.column_stack([self.bits[:, i] * self.bits[:, j] for i, j in self.all_pairs])
        self._pair_index = {pair: index for index, pair in enumerate(self.all_pairs)}
        self._admissibility: dict[tuple[tuple[Pair, ...], bytes], FitStatus] = {}

    def overlaps(self, cells: IntArray) -> IntArray:
        """Return, for each pair of lists, how many observed people are on both."""
        return np.asarray(cells @ self.pair_bits, dtype=np.int64)

    def check(self, cells: IntArray, pairs: tuple[Pair, ...]) -> FitStatus:
        """Say whether a model is identifiable and has an (extended) estimate on these counts."""
        key = (pairs, np.packbits(cells > 0).tobytes())
        status = self._admissibility.get(key)
        if status is None:
            status = self._admissible(cells, pairs)
            self._admissibility[key] = status
        return status

    def fit(self, cells: IntArray, pairs: tuple[Pair, ...], *, checked: bool = False) -> ModelFit:
        """Fit a model by Poisson maximum likelihood over the observable cells.

        `checked`: the caller has already had `check` say OK for these counts.
        """
        observed = int(cells.sum())
        status = FitStatus.OK if checked else self.check(cells, pairs)
        minus_infinity = self._minus_infinity(cells, pairs)
        if status is not FitStatus.OK:
            return ModelFit(pairs, status, observed, minus_infinity)
        kept, design = self._design(pairs, minus_infinity)
        counts = cells[kept].astype(np.float64)
        beta = _maximise(design, counts, _start(design, counts))
        mean = np.exp(design @ beta)
        fitted = np.zeros(len(cells))
        fitted[kept] = mean
        log_likelihood = float(np.sum(special.xlogy(counts, mean) - mean - special.gammaln(counts + 1)))
        n_parameters = design.shape[1] + len(minus_infinity)
        return ModelFit(pairs, status, observed, minus_infinity, beta, fitted, log_likelihood, n_parameters)

    def profile_unseen(self, cells: IntArray, fit: ModelFit, level: float) -> tuple[float, float]:
        """Return the profile-likelihood interval of the unseen count for a fitted model.

        The intercept α₀ is fixed at trial values and the other parameters maximised; the interval
        is where twice the log-likelihood drop stays below the χ²₁ quantile. The upper end is
        infinite when the likelihood never drops enough (the data cannot bound the count).
        """
        if not fit.ok or fit.coefficients is None:
            raise ValueError("the model has no estimate to profile")
        kept, design = self._design(fit.pairs, fit.minus_infinity)
        counts = cells[kept].astype(np.float64)
        beta = fit.coefficients
        best = _kernel(design, counts, beta)
        drop = float(stats.chi2.ppf(level, df=1)) / 2
        others, start = design[:, 1:], beta[1:]

        def excess(intercept: float) -> float:
            rest = _maximise(others, counts, start, offset=intercept)
            return best - _kernel(others, counts, rest, offset=intercept) - drop

        lower = _crossing(excess, float(beta[0]), -1.0)
        upper = _crossing(excess, float(beta[0]), 1.0)
        return math.exp(lower), math.exp(upper)

    def _minus_infinity(self, cells: IntArray, pairs: tuple[Pair, ...]) -> tuple[Pair, ...]:
        overlaps = self.overlaps(cells)
        return tuple(pair for pair in pairs if overlaps[self._pair_index[pair]] == 0)

    def _design(
        self, pairs: tuple[Pair, ...], minus_infinity: tuple[Pair, ...]
    ) -> tuple[npt.NDArray[np.bool_], FloatArray]:
        kept = np.ones(len(self.bits), dtype=bool)
        for pair in minus_infinity:
            kept &= self.pair_bits[:, self._pair_index[pair]] == 0
        columns = [self._pair_index[pair] for pair in pairs if pair not in minus_infinity]
        design = np.column_stack([np.ones(len(self.bits)), self.bits, self.pair_bits[:, columns]])
        return kept, design[kept]

    def _admissible(self, cells: IntArray, pairs: tuple[Pair, ...]) -> FitStatus:
        kept, design = self._design(pairs, self._minus_infinity(cells, pairs))
        if np.linalg.matrix_rank(design) < design.shape[1]:
            return FitStatus.NOT_IDENTIFIABLE
        return FitStatus.OK if _mle_exists(design, cells[kept] > 0) else FitStatus.NO_ESTIMATE


def _mle_exists(design: FloatArray, positive: npt.NDArray[np.bool_]) -> bool:
    """Say whether the Poisson likelihood of a full-rank design has a maximum, given the non-zero cells.

    It has none exactly when some direction b raises it forever: Xb = 0 on the non-zero
    cells and Xb ≤ 0, not all 0, on the zero cells (Haberman 1974). The programme minimises
    Σ (Xb) over zero cells with −1 ≤ Xb ≤ 0 there: its optimum is 0 when no such direction
    exists, and at most −1 otherwise (scale the direction until its lowest cell is −1).
    """
    if positive.all():
        return True
    on_positive, on_zero = design[positive], design[~positive]
    if np.linalg.matrix_rank(on_positive) == design.shape[1]:
        return True  # the non-zero cells alone pin every parameter: no direction is free
    width = design.shape[1]
    result = optimize.linprog(
        c=on_zero.sum(axis=0),
        A_ub=np.vstack([on_zero, -on_zero]),
        b_ub=np.concatenate([np.zeros(len(on_zero)), np.ones(len(on_zero))]),
        A_eq=on_positive if len(on_positive) else None,
        b_eq=np.zeros(len(on_positive)) if len(on_positive) else None,
        bounds=[(None, None)] * width,
        method="highs",
    )
    return bool(result.status == 0 and result.fun is not None and result.fun > RECESSION_THRESHOLD)


def _start(design: FloatArray, counts: FloatArray) -> FloatArray:
    """Return starting values: least squares on log(count + ½)."""
    solution, *_ = np.linalg.lstsq(design, np.log(counts + 0.5), rcond=None)
    return np.asarray(solution, dtype=np.float64)


def _kernel(design: FloatArray, counts: FloatArray, beta: FloatArray, offset: float = 0.0) -> float:
    """Return the Poisson log-likelihood without its constant term."""
    eta = np.minimum(design @ beta + offset, 700.0)
    return float(counts @ eta - np.exp(eta).sum())


def _maximise(design: FloatArray, counts: FloatArray, start: FloatArray, offset: float = 0.0) -> FloatArray:
    """Maximise the Poisson log-likelihood by Newton's method with step halving."""
    beta = start.copy()
    current = _kernel(design, counts, beta, offset)
    for _ in range(MAX_NEWTON_STEPS):
        mean = np.exp(np.minimum(design @ beta + offset, 700.0))
        gradient = design.T @ (counts - mean)
        hessian = design.T @ (mean[:, None] * design)
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
        for _ in range(MAX_HALVINGS):
            value = _kernel(design, counts, beta + step, offset)
            if value >= current:
                break
            step = step / 2
        else:
            return beta  # no step up any more: rounding at the maximum
        beta, current = beta + step, value
        if float(np.max(np.abs(step))) < NEWTON_TOLERANCE:
            break
    return beta


def _crossing(excess: Callable[[float], float], centre: float, direction: float) -> float:
    """Return where `excess` turns positive going from `centre` in `direction` (±∞ if never)."""
    distance, inside = 0.25, centre
    while distance <= PROFILE_SPAN:
        point = centre + direction * distance
        if excess(point) > 0:
            return float(optimize.brentq(excess, inside, point, xtol=1e-10))
        inside, distance = point, distance * 2
    return direction * math.inf
