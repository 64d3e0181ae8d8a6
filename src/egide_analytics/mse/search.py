"""Model search among main effects plus two-list interactions.

- `stepwise`: the method of Chan, Silverman & Vincent (2021), R package SparseMSE. Start
  from main effects; at each step, for every interaction not yet in the model, compare the
  number of people on both lists with its Poisson distribution under the current model,
  in either direction (min of P(X ≤ n) and P(X ≥ n)); add the interaction with the lowest
  p-value among those that keep the model admissible, while that p-value is below the
  threshold (0.02 by default).
- `criterion_search`: the model with the lowest AIC or BIC, over every subset of
  interactions when there are at most `EXHAUSTIVE_MAX_PAIRS` of them (five lists), by a
  greedy add-or-drop search otherwise.

Ties are broken by the lists' names, so that the order of the lists or of the rows never
changes the chosen model.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy import special

from egide_analytics.mse.model import FitStatus, LogLinearEngine, ModelFit, Pair
from egide_analytics.mse.table import IntArray

STEPWISE_THRESHOLD = 0.02
# 2^10 = 1 024 models (five lists); six lists would be 32 768 fits per search.
EXHAUSTIVE_MAX_PAIRS = 10
# Criteria closer than this are equal: the tie is broken by size, then by names.
CRITERION_DIGITS = 9
P_VALUE_DIGITS = 12


class Criterion(StrEnum):
    AIC = "aic"
    BIC = "bic"


@dataclass(frozen=True)
class Step:
    """One interaction added by the stepwise search, with the evidence for it."""

    pair: Pair
    p_value: float
    overlap: int
    expected: float


@dataclass(frozen=True, eq=False)
class SearchResult:
    """The model a search chose (check `fit.ok`), how it got there, and what it set aside.

    `ranking` holds the admissible models a criterion search compared, best first;
    `rejected` counts candidate models skipped as not identifiable or without estimate.
    """

    fit: ModelFit
    steps: tuple[Step, ...] = ()
    ranking: tuple[ModelFit, ...] = ()
    exhaustive: bool = True
    rejected: int = 0


def stepwise(
    engine: LogLinearEngine, cells: IntArray, names: Sequence[str], threshold: float = STEPWISE_THRESHOLD
) -> SearchResult:
    """Choose interactions one at a time by their Poisson p-values (Chan, Silverman & Vincent)."""
    fit = engine.fit(cells, ())
    if not fit.ok or fit.fitted is None:
        return SearchResult(fit)
    overlaps = engine.overlaps(cells)
    steps: list[Step] = []
    rejected = 0
    while True:
        expected = fit.fitted @ engine.pair_bits
        p_values = poisson_p_values(overlaps, expected)
        order = sorted(
            (index for index, pair in enumerate(engine.all_pairs) if pair not in fit.pairs),
            key=lambda index: (
                round(float(p_values[index]), P_VALUE_DIGITS),
                _pair_names(engine.all_pairs[index], names),
            ),
        )
        chosen = None
        for index in order:
            if p_values[index] >= threshold:
                break
            pairs = tuple(sorted((*fit.pairs, engine.all_pairs[index])))
            if engine.check(cells, pairs) is FitStatus.OK:
                chosen = index
                break
            rejected += 1
        if chosen is None:
            return SearchResult(fit, tuple(steps), rejected=rejected)
        pair = engine.all_pairs[chosen]
        steps.append(Step(pair, float(p_values[chosen]), int(overlaps[chosen]), float(expected[chosen])))
        fit = engine.fit(cells, tuple(sorted((*fit.pairs, pair))), checked=True)
        assert fit.fitted is not None


def poisson_p_values(observed: IntArray, expected: np.ndarray) -> np.ndarray:
    """Return min(P(X ≤ n), P(X ≥ n)) for X ~ Poisson(expected), element by element (1 if expected is 0)."""
    counts = observed.astype(np.float64)
    mean = np.maximum(expected, 0.0)
    lower = special.pdtr(counts, mean)
    upper = np.where(counts > 0, special.pdtrc(counts - 1, mean), 1.0)
    return np.where(mean > 0, np.minimum(lower, upper), 1.0)


def criterion_search(
    engine: LogLinearEngine,
    cells: IntArray,
    names: Sequence[str],
    criterion: Criterion,
    candidates: Sequence[tuple[Pair, ...]] | None = None,
) -> SearchResult:
    """Choose the model with the lowest AIC or BIC (among `candidates` when given)."""
    if candidates is None and len(engine.all_pairs) > EXHAUSTIVE_MAX_PAIRS:
        return _greedy(engine, cells, names, criterion)
    if candidates is None:
        candidates = [
            pairs
            for size in range(len(engine.all_pairs) + 1)
            for pairs in itertools.combinations(engine.all_pairs, size)
        ]
    fits, rejected = [], 0
    for pairs in candidates:
        if engine.check(cells, pairs) is FitStatus.OK:
            fits.append(engine.fit(cells, pairs, checked=True))
        else:
            rejected += 1
    if not fits:
        # The simplest model says why nothing fits; if it does fit, it was not a candidate.
        simplest = engine.fit(cells, ())
        failed = ModelFit((), FitStatus.NO_ESTIMATE, simplest.observed) if simplest.ok else simplest
        return SearchResult(failed, rejected=rejected)
    ranking = sorted(fits, key=lambda fit: _criterion_key(fit, criterion, names))
    return SearchResult(ranking[0], ranking=tuple(ranking), rejected=rejected)


def criterion_value(fit: ModelFit, criterion: Criterion) -> float:
    return fit.aic if criterion is Criterion.AIC else fit.bic


def _greedy(engine: LogLinearEngine, cells: IntArray, names: Sequence[str], criterion: Criterion) -> SearchResult:
    """Add or drop one interaction at a time while the criterion improves."""
    fit = engine.fit(cells, ())
    if not fit.ok:
        return SearchResult(fit, exhaustive=False)
    seen: dict[tuple[Pair, ...], ModelFit] = {(): fit}
    rejected = 0
    while True:
        neighbours = []
        for pair in engine.all_pairs:
            pairs = tuple(sorted(set(fit.pairs) ^ {pair}))
            if pairs in seen:
                neighbours.append(seen[pairs])
            elif engine.check(cells, pairs) is FitStatus.OK:
                seen[pairs] = engine.fit(cells, pairs, checked=True)
                neighbours.append(seen[pairs])
            else:
                rejected += 1
        best = min(neighbours, key=lambda other: _criterion_key(other, criterion, names), default=fit)
        if _criterion_key(best, criterion, names) >= _criterion_key(fit, criterion, names):
            ranking = sorted(seen.values(), key=lambda other: _criterion_key(other, criterion, names))
            return SearchResult(fit, ranking=tuple(ranking), exhaustive=False, rejected=rejected)
        fit = best


def _criterion_key(
    fit: ModelFit, criterion: Criterion, names: Sequence[str]
) -> tuple[float, int, list[tuple[str, str]]]:
    return (
        round(criterion_value(fit, criterion), CRITERION_DIGITS),
        len(fit.pairs),
        sorted(_pair_names(pair, names) for pair in fit.pairs),
    )


def _pair_names(pair: Pair, names: Sequence[str]) -> tuple[str, str]:
    first, second = sorted((names[pair[0]], names[pair[1]]))
    return first, second
