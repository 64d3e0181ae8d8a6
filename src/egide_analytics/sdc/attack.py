"""The attacker's tool: bounds of a suppressed count by linear programming over a whole release.

For one suppressed count the attacker minimises and maximises it subject to every
additivity relation of every table of the release, non-negativity, and what the published
counts say: a published 0 is exactly 0 (small counts are never published, so a published
zero is a true zero); a published v > 0 is a true value in the rounding interval of v that is
at least the threshold (v − 2 … v + 2 for base 5). The bounds are rounded inwards to integers.
"""

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from egide_analytics.sdc.relations import Relation, keys_of, relations_of
from egide_analytics.sdc.rules import Rules
from egide_analytics.sdc.safe import SafeRelease
from egide_analytics.sdc.table import CellKey

# A cell of a release: table name, row index and column index (None for a margin).
CellRef = tuple[str, int | None, int | None]
TOLERANCE = 1e-6


class LinearModel:
    """The additivity relations of a set of counts, as sparse linear constraints."""

    def __init__(self, keys: Sequence[CellKey], relations: Iterable[Relation]) -> None:
        self.index = {key: position for position, key in enumerate(keys)}
        equalities: list[dict[int, float]] = []
        inequalities: list[dict[int, float]] = []
        for relation in relations:
            members = [self.index[key] for key in relation.members]
            margin = self.index[relation.margin]
            if relation.exact:
                equalities.append(_row(members, margin, 1.0))
            else:
                inequalities.append(_row(members, margin, -1.0))  # margin − Σ members ≤ 0
                inequalities.extend({member: 1.0, margin: -1.0} for member in members if member != margin)
        self.a_eq = _matrix(equalities, len(keys))
        self.a_ub = _matrix(inequalities, len(keys))

    def bounds(self, key: CellKey, lower: np.ndarray, upper: np.ndarray) -> tuple[float, float]:
        """Return the integer interval of `key` given per-count bounds (upper may be inf)."""
        position = self.index[key]
        objective = np.zeros(len(self.index))
        objective[position] = 1.0
        box = np.column_stack([lower, np.where(np.isinf(upper), np.nan, upper)])
        box_list = [(low, None if math.isnan(high) else high) for low, high in box.tolist()]
        low = self._solve(objective, box_list)
        high = self._solve(-objective, box_list)
        low_value = math.ceil(low - TOLERANCE)
        high_value = math.inf if high == -math.inf else math.floor(-high + TOLERANCE)
        return float(low_value), float(high_value)

    def _solve(self, objective: np.ndarray, box: list[tuple[float, float | None]]) -> float:
        # scipy-stubs do not list sparse arrays for linprog, which HiGHS takes as they are.
        result = linprog(  # type: ignore[call-overload]
            objective,
            A_ub=self.a_ub if self.a_ub.shape[0] else None,
            b_ub=np.zeros(self.a_ub.shape[0]) if self.a_ub.shape[0] else None,
            A_eq=self.a_eq if self.a_eq.shape[0] else None,
            b_eq=np.zeros(self.a_eq.shape[0]) if self.a_eq.shape[0] else None,
            bounds=box,
            method="highs",
        )
        if result.status == 3:
            return -math.inf
        if result.status != 0:
            raise ValueError(f"programme linéaire sans solution ({result.message})")
        return float(result.fun)


def _row(members: list[int], margin: int, sign: float) -> dict[int, float]:
    row = dict.fromkeys(members, sign)
    row[margin] = row.get(margin, 0.0) - sign
    return row


def _matrix(rows: list[dict[int, float]], width: int) -> sparse.csr_array:
    data, row_index, column_index = [], [], []
    for number, row in enumerate(rows):
        for column, value in row.items():
            if value:
                row_index.append(number)
                column_index.append(column)
                data.append(value)
    return sparse.csr_array((data, (row_index, column_index)), shape=(len(rows), width))


def published_bounds(value: int, rules: Rules) -> tuple[float, float]:
    """Return what a published count tells: its true value lies in this interval."""
    low, high = rules.rounding_interval(value)
    if value == 0:
        # Counts 1 … threshold − 1 are never published: a published 0 is a true 0 unless they round to 0.
        return 0.0, float(high if rules.threshold <= high else 0)
    return float(max(low, rules.threshold)), float(high)


class ReleaseAttack:
    """The LP attack on a published release, one linear model per population."""

    def __init__(self, release: SafeRelease) -> None:
        self.release = release
        values: dict[CellKey, int | None] = {}
        relations: dict[str, list[Relation]] = {}
        keys: dict[str, dict[CellKey, None]] = {}
        for table in release:
            relations.setdefault(table.population, []).extend(relations_of(table))
            for key in keys_of(table):
                keys.setdefault(table.population, {}).setdefault(key)
            for row, column in table.positions():
                cell = table.cell(row, column)
                key = table.key(row, column)
                if cell.published and cell.value is not None:
                    values[key] = cell.value
                else:
                    values.setdefault(key, None)
        self.models = {population: LinearModel(list(k), relations[population]) for population, k in keys.items()}
        self.values = values

    def bounds(self, key: CellKey) -> tuple[float, float]:
        """Return the attacker's integer interval for the count `key`."""
        model = self.models[key[0]]
        lower, upper = _boxes(model.index, self.values, self.release.rules)
        return model.bounds(key, lower, upper)

    def suppressed(self) -> list[CellKey]:
        return [key for key, value in self.values.items() if value is None]


def _boxes(
    index: Mapping[CellKey, int], values: Mapping[CellKey, int | None], rules: Rules
) -> tuple[np.ndarray, np.ndarray]:
    lower = np.zeros(len(index))
    upper = np.full(len(index), math.inf)
    for key, position in index.items():
        value = values.get(key)
        if value is not None:
            lower[position], upper[position] = published_bounds(value, rules)
    return lower, upper


def lp_bounds(release: SafeRelease, cell: CellRef | CellKey) -> tuple[float, float]:
    """Return the tightest integer interval an attacker can compute for a count of the release.

    `cell` is (table name, row index, column index), None meaning a margin, or a cell key.
    """
    attack = ReleaseAttack(release)
    return attack.bounds(_resolve(release, cell))


def _resolve(release: SafeRelease, cell: CellRef | CellKey) -> CellKey:
    if len(cell) == 2:
        return cell
    name, row, column = cell
    return release.table(name).key(row, column)
