"""Protect the tables of a release: primary and zero suppression, secondary suppression, rounding.

1. Primary: every count from 1 to threshold − 1 (cells and margins) is suppressed.
2. Zeros (when `zeros_disclosive`): in a line of a table (a row or a column of a cross
   table, or a one-way table), a zero is suppressed when the line's group is small
   (0 < margin < `zero_group_limit`) or, in a cross table, when all of the group's known
   codes fall in a single one (« toutes les personnes originaires d'Océanie sont des
   femmes »). Zeros of the `unknown` code reveal nothing about anyone and stay published.
3. Secondary: every exact line (counts adding up to a margin) holding a suppressed count
   holds at least two; the complement is the smallest non-zero count of the line, a margin
   last. Tables sharing counts (the same key) share their suppressions.
4. Verification: each suppressed count is attacked by linear programming over the whole
   release (`attack.py`); when its interval is narrower than the protection width, one more
   count of a line through it is suppressed, and the loop starts again. Suppressing only
   ever widens intervals, so a count once found safe stays safe.
5. Rounding: every published count, margins included, is rounded independently to the
   nearest multiple of the base (halves up): margins may differ from the sum of the cells.
"""

from collections.abc import Iterable, Sequence

import numpy as np

from egide_analytics.sdc.attack import LinearModel, published_bounds
from egide_analytics.sdc.relations import Relation, relations_of
from egide_analytics.sdc.rules import Rules
from egide_analytics.sdc.safe import Cell, Flag, SafeRelease, SafeTable
from egide_analytics.sdc.table import CellKey, Table
from egide_analytics.submission import UNKNOWN


class ProtectionError(ValueError):
    """The release cannot be protected (inconsistent tables, or no complement left)."""


def protect(tables: Sequence[Table], rules: Rules | None = None) -> SafeRelease:
    """Return the tables as they may be published: suppressed counts have no value, the others are rounded.

    >>> from egide_analytics.sdc import lp_bounds
    >>> from egide_analytics.statistics import Axis, count_table
    >>> axis = Axis("sex", "sexe", ("female", "male", "other"), ("femme", "homme", "autre"))
    >>> units = [{"sex": "female"}] * 120 + [{"sex": "male"}] * 4 + [{"sex": "other"}] * 31
    >>> table = count_table(units, name="sex", title="Sexe", population="persons", unit="personnes", rows=axis)
    >>> release = protect([table])
    >>> [(cell.value, cell.flag.value) for cell in release.table("sex").row_margin]
    [(120, 'published'), (None, 'primary'), (None, 'secondary')]
    >>> release.table("sex").total, lp_bounds(release, ("sex", 1, None))
    (Cell(value=155, flag=<Flag.PUBLISHED: 'published'>), (0.0, 39.0))
    """
    rules = rules or Rules()
    values = true_values(tables)
    relations = [relation for table in tables for relation in relations_of(table)]
    flags: dict[CellKey, Flag] = {key: Flag.PRIMARY for key, value in values.items() if 0 < value < rules.threshold}
    if rules.zeros_disclosive:
        for table in tables:
            for key in disclosive_zeros(table, rules):
                flags.setdefault(key, Flag.ZERO)
    _Protector(values, relations, flags, rules).run()
    return SafeRelease(tuple(_safe_table(table, values, flags, rules) for table in tables), rules)


def true_values(tables: Iterable[Table]) -> dict[CellKey, int]:
    """Return the true count of every key of the release; a key must have the same count in every table."""
    values: dict[CellKey, int] = {}
    for table in tables:
        for key, value in _table_values(table):
            if values.setdefault(key, value) != value:
                raise ProtectionError(
                    f"Le tableau « {table.name} » donne {value} pour {key}, un autre tableau {values[key]}."
                )
    return values


def _table_values(table: Table) -> Iterable[tuple[CellKey, int]]:
    for row in range(len(table.rows.codes)):
        yield table.key(row, None), int(table.row_margin[row])
        if table.columns is not None:
            for column in range(len(table.columns.codes)):
                yield table.key(row, column), int(table.counts[row, column])
    if table.columns is not None and table.column_margin is not None:
        for column in range(len(table.columns.codes)):
            yield table.key(None, column), int(table.column_margin[column])
    yield table.key(None, None), int(table.total)


def disclosive_zeros(table: Table, rules: Rules) -> set[CellKey]:
    """Return the keys of the zeros of `table` that reveal something about a group (rule 2)."""
    found: set[CellKey] = set()
    limit = rules.group_limit
    rows = range(len(table.rows.codes))
    if table.columns is None or table.column_margin is None:
        lines = [([table.key(row, None) for row in rows], [table.rows.codes[row] for row in rows], table.total, False)]
        values = {table.key(row, None): int(table.row_margin[row]) for row in rows}
    else:
        columns = range(len(table.columns.codes))
        values = {table.key(row, column): int(table.counts[row, column]) for row in rows for column in columns}
        lines = [
            (
                [table.key(row, column) for column in columns],
                list(table.columns.codes),
                int(table.row_margin[row]),
                True,
            )
            for row in rows
        ] + [
            ([table.key(row, column) for row in rows], list(table.rows.codes), int(table.column_margin[column]), True)
            for column in columns
        ]
        values.update({table.key(row, None): int(table.row_margin[row]) for row in rows})
        values.update({table.key(None, column): int(table.column_margin[column]) for column in columns})
        lines.append(([table.key(row, None) for row in rows], list(table.rows.codes), table.total, False))
        lines.append(([table.key(None, c) for c in columns], list(table.columns.codes), table.total, False))
    for keys, codes, margin, is_group in lines:
        known = [key for key, code in zip(keys, codes, strict=True) if code != UNKNOWN]
        zeros = [key for key in known if values[key] == 0]
        small = 0 < margin < limit
        homogeneous = is_group and margin > 0 and sum(1 for key in known if values[key] > 0) == 1
        if small or homogeneous:
            found.update(zeros)
    return found


class _Protector:
    """The suppress-and-verify loop (rules 3 and 4)."""

    def __init__(
        self, values: dict[CellKey, int], relations: list[Relation], flags: dict[CellKey, Flag], rules: Rules
    ) -> None:
        self.values = values
        self.relations = relations
        self.flags = flags
        self.rules = rules
        self.by_key: dict[CellKey, list[Relation]] = {}
        for relation in relations:
            for key in relation.keys:
                self.by_key.setdefault(key, []).append(relation)
        populations: dict[str, dict[CellKey, None]] = {}
        for key in values:
            populations.setdefault(key[0], {}).setdefault(key)
        self.models = {
            population: LinearModel(list(keys), [r for r in relations if r.margin[0] == population])
            for population, keys in populations.items()
        }

    def run(self) -> None:
        verified: set[CellKey] = set()
        for _ in range(self.rules.max_rounds):
            self.complete_lines()
            failing = [key for key in self.flags if key not in verified and not self.safe(key)]
            verified.update(key for key in self.flags if key not in set(failing))
            if not failing:
                return
            for key in failing:
                if key in self.flags and not self.safe(key):
                    self.flags[self.complement(key)] = Flag.SECONDARY
        raise ProtectionError(f"Protection non atteinte après {self.rules.max_rounds} tours.")

    def complete_lines(self) -> None:
        """Give every exact line with one suppressed count a second one (rule 3), until none is left."""
        changed = True
        while changed:
            changed = False
            for relation in self.relations:
                if not relation.exact:
                    continue
                suppressed = [key for key in relation.keys if key in self.flags]
                if len(suppressed) == 1:
                    candidate = self.best(relation)
                    if candidate is not None:
                        self.flags[candidate] = Flag.SECONDARY
                        changed = True

    def best(self, relation: Relation) -> CellKey | None:
        """Return the published count of a line that is the cheapest complement, or None."""
        candidates = [key for key in relation.keys if key not in self.flags]
        if not candidates:
            return None
        return min(candidates, key=lambda key: (key == relation.margin, self.values[key] == 0, self.values[key]))

    def complement(self, key: CellKey) -> CellKey:
        """Return a published count to suppress so that `key` gets a wider interval."""
        seen = {key}
        frontier = [key]
        while frontier:
            choices = [c for k in frontier for r in self.by_key.get(k, []) if (c := self.best(r)) is not None]
            if choices:
                return min(choices, key=lambda c: (self.values[c] == 0, self.values[c]))
            frontier = [k for f in frontier for r in self.by_key.get(f, []) for k in r.keys if k not in seen]
            seen.update(frontier)
        raise ProtectionError(f"Aucune case ne peut protéger {key}.")

    def safe(self, key: CellKey) -> bool:
        """Say whether the LP attack leaves `key` an interval at least as wide as the protection width."""
        model = self.models[key[0]]
        lower = np.zeros(len(model.index))
        upper = np.full(len(model.index), np.inf)
        for other, position in model.index.items():
            if other not in self.flags:
                lower[position], upper[position] = published_bounds(self.rules.round(self.values[other]), self.rules)
        low, high = model.bounds(key, lower, upper)
        return high - low >= self.rules.protection_width


def _safe_table(table: Table, values: dict[CellKey, int], flags: dict[CellKey, Flag], rules: Rules) -> SafeTable:
    def cell(row: int | None, column: int | None) -> Cell:
        key = table.key(row, column)
        flag = flags.get(key)
        return Cell(None, flag) if flag is not None else Cell(rules.round(values[key]))

    rows = range(len(table.rows.codes))
    width = 1 if table.columns is None else len(table.columns.codes)
    return SafeTable(
        name=table.name,
        title=table.title,
        population=table.population,
        unit=table.unit,
        rows=table.rows,
        cells=tuple(tuple(cell(row, column) for column in range(width)) for row in rows),
        row_margin=tuple(cell(row, None) for row in rows),
        total=cell(None, None),
        columns=table.columns,
        column_margin=None if table.columns is None else tuple(cell(None, column) for column in range(width)),
        notes=table.notes,
    )
