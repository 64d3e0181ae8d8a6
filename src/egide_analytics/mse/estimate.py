"""Estimate a hidden population from a capture table: clean the lists, choose a model, bound it."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from egide_analytics.mse.intervals import BootstrapResult, Interval, bca_bootstrap
from egide_analytics.mse.model import FitStatus, LogLinearEngine, ModelFit, Pair, normalise_pairs
from egide_analytics.mse.search import (
    STEPWISE_THRESHOLD,
    Criterion,
    SearchResult,
    criterion_search,
    stepwise,
)
from egide_analytics.mse.table import MIN_LISTS, CaptureTable, IntArray

# Bootstrap replicates of an exhaustive AIC/BIC search compare only the models ranked best
# on the data (Silverman, Chan & Vincent 2024): the answer barely moves beyond about 20.
BOOTSTRAP_TOP_MODELS = 20


class Method(StrEnum):
    STEPWISE = "stepwise"
    AIC = "aic"
    BIC = "bic"
    FIXED = "fixed"


class DropReason(StrEnum):
    EMPTY = "empty"
    EVERYONE = "everyone"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class DroppedList:
    """A list left out because it carries no information on the unseen (`same_as`: the list it copies)."""

    name: str
    reason: DropReason
    same_as: str = ""


@dataclass(frozen=True, eq=False)
class PopulationEstimate:
    """The outcome of `estimate_population`: check `too_sparse` before reading `estimate`.

    `table` is the table actually analysed (after `dropped` lists were left out);
    `interval` is the BCa bootstrap interval when replicates were asked for, else the
    profile-likelihood interval of the chosen model (which ignores the model choice).
    """

    table: CaptureTable
    method: Method
    search: SearchResult
    dropped: tuple[DroppedList, ...] = ()
    profile: Interval | None = None
    bootstrap: BootstrapResult | None = None
    threshold: float = STEPWISE_THRESHOLD

    @property
    def fit(self) -> ModelFit:
        return self.search.fit

    @property
    def too_sparse(self) -> bool:
        """Say whether no model allowed by the method gives an estimate on these lists."""
        return not self.fit.ok

    @property
    def status(self) -> str:
        """Return "ok", "too_sparse" (no model of the search has an estimate) or the fixed model's status."""
        if not self.too_sparse:
            return "ok"
        return self.fit.status.value if self.method is Method.FIXED else "too_sparse"

    @property
    def observed(self) -> int:
        return self.fit.observed

    @property
    def estimate(self) -> float | None:
        """Return the estimated total population, or None when the lists are too sparse."""
        return None if self.too_sparse else self.fit.total

    @property
    def unseen(self) -> float | None:
        return None if self.too_sparse else self.fit.unseen

    @property
    def interval(self) -> Interval | None:
        return self.bootstrap.interval if self.bootstrap is not None else self.profile

    def pair_names(self, pairs: Sequence[Pair]) -> list[tuple[str, str]]:
        """Return interactions as pairs of list names."""
        return [(self.table.lists[first], self.table.lists[second]) for first, second in pairs]


def estimate_population(
    table: CaptureTable,
    *,
    method: Method | str = Method.STEPWISE,
    bootstrap: int = 0,
    seed: int | None = None,
    level: float = 0.95,
    threshold: float = STEPWISE_THRESHOLD,
    pairs: Sequence[tuple[str, str]] = (),
) -> PopulationEstimate:
    """Estimate the total population (observed + unseen) with a log-linear model.

    `method` chooses the model: "stepwise" (Chan, Silverman & Vincent, p-value `threshold`),
    "aic", "bic", or "fixed" (main effects plus the interactions named in `pairs`).
    With `bootstrap` > 0 replicates, the interval is BCa and each replicate repeats the
    model choice; `seed` makes it reproducible (one is drawn and reported otherwise).

    >>> table = CaptureTable.from_rows(["A", "B"], [[1, 0], [0, 1], [1, 1]], [60, 40, 20])
    >>> result = estimate_population(table)
    >>> round(result.estimate, 6), result.observed
    (240.0, 120)
    """
    method = Method(method)
    if not 0 < level < 1:
        raise ValueError("level must lie strictly between 0 and 1")
    if bootstrap < 0:
        raise ValueError("bootstrap must be zero or positive")
    analysed, dropped = drop_uninformative_lists(table)
    if len(analysed.lists) < MIN_LISTS:
        alone = SearchResult(ModelFit((), FitStatus.NOT_IDENTIFIABLE, analysed.observed))
        return PopulationEstimate(analysed, method, alone, dropped, threshold=threshold)
    engine = LogLinearEngine(len(analysed.lists))
    cells = analysed.cell_counts()
    fixed = _fixed_pairs(analysed, pairs) if method is Method.FIXED else ()
    search = _search(engine, cells, analysed.lists, method, threshold, fixed, None)
    if not search.fit.ok:
        return PopulationEstimate(analysed, method, search, dropped, threshold=threshold)
    lower, upper = engine.profile_unseen(cells, search.fit, level)
    profile = Interval(analysed.observed + lower, analysed.observed + upper, level, "profile")
    result = None
    if bootstrap:
        candidates = (
            [fit.pairs for fit in search.ranking[:BOOTSTRAP_TOP_MODELS]]
            if method in (Method.AIC, Method.BIC) and search.exhaustive
            else None
        )

        def estimator(counts: IntArray) -> float:
            return _search(engine, counts, analysed.lists, method, threshold, fixed, candidates).fit.total

        chosen_seed = seed if seed is not None else secrets.randbits(32)
        result = bca_bootstrap(cells, estimator, search.fit.total, bootstrap, chosen_seed, level)
    return PopulationEstimate(analysed, method, search, dropped, profile, result, threshold)


def drop_uninformative_lists(table: CaptureTable) -> tuple[CaptureTable, tuple[DroppedList, ...]]:
    """Leave out lists with nobody, with everybody observed, or copying another list (by name order).

    Such lists say nothing about who is unseen (SparseMSE's `removenoninformativelists`).
    Dropping a list that holds everybody loses the people on it alone, who become unseen
    to the remaining lists; the lists are checked again until none is left to drop.
    """
    dropped: list[DroppedList] = []
    while True:
        drop = _first_uninformative(table)
        if drop is None or len(table.lists) < MIN_LISTS:
            return table, tuple(dropped)
        index, reason = drop
        dropped.append(reason)
        table = table.keep_lists([kept for kept in range(len(table.lists)) if kept != index])


def _first_uninformative(table: CaptureTable) -> tuple[int, DroppedList] | None:
    # Lists are visited by name, so that the order of the columns never changes what is kept.
    order = sorted(range(len(table.lists)), key=lambda index: table.lists[index])
    totals = table.list_totals()
    columns = [tuple(column) for column in table.patterns.T.tolist()]
    for position, index in enumerate(order):
        name = table.lists[index]
        if totals[index] == 0:
            return index, DroppedList(name, DropReason.EMPTY)
        if totals[index] == table.observed:
            return index, DroppedList(name, DropReason.EVERYONE)
        copied = [other for other in order[:position] if columns[other] == columns[index]]
        if copied:
            return index, DroppedList(name, DropReason.DUPLICATE, table.lists[copied[0]])
    return None


def _fixed_pairs(table: CaptureTable, pairs: Sequence[tuple[str, str]]) -> tuple[Pair, ...]:
    positions = {name: index for index, name in enumerate(table.lists)}
    unknown = sorted({name for pair in pairs for name in pair if name not in positions})
    if unknown:
        raise ValueError(f"unknown or dropped lists in the model: {', '.join(unknown)}")
    return normalise_pairs([(positions[first], positions[second]) for first, second in pairs])


def _search(
    engine: LogLinearEngine,
    cells: IntArray,
    names: Sequence[str],
    method: Method,
    threshold: float,
    fixed: tuple[Pair, ...],
    candidates: Sequence[tuple[Pair, ...]] | None,
) -> SearchResult:
    if method is Method.STEPWISE:
        return stepwise(engine, cells, names, threshold)
    if method is Method.FIXED:
        return SearchResult(engine.fit(cells, fixed))
    return criterion_search(engine, cells, names, Criterion(method.value), candidates)
