"""The additivity relations of tables: what an attacker knows links their counts.

Along a single-valued axis, the counts of a line add up to its margin (an equality). Along a
multi-valued axis (forms, support) each unit holds at least one code (empty lists are coded
« non renseigné »), so each count is at most the margin and the counts add up to at least
the margin (inequalities). Tables of a release share counts through their keys: the sex
margin of « forms × sex » is the same count as the cells of « sex ».
"""

from dataclasses import dataclass
from typing import Protocol

from egide_analytics.sdc.table import Axis, CellKey, axis_key


class Shaped(Protocol):
    """Anything with the axes of a table (a `Table` or a `SafeTable`)."""

    @property
    def population(self) -> str: ...
    @property
    def rows(self) -> Axis: ...
    @property
    def columns(self) -> Axis | None: ...


@dataclass(frozen=True)
class Relation:
    """`members` add up to `margin` (exact) or each is at most it and together at least it (not exact)."""

    members: tuple[CellKey, ...]
    margin: CellKey
    exact: bool

    @property
    def keys(self) -> tuple[CellKey, ...]:
        return (*self.members, self.margin)


def relations_of(table: Shaped) -> list[Relation]:
    """Return every additivity relation of one table."""
    rows, columns, population = table.rows, table.columns, table.population

    def key(row: int | None, column: int | None) -> CellKey:
        return axis_key(population, rows, columns, row, column)

    row_range = range(len(rows.codes))
    total = key(None, None)
    found = [Relation(tuple(key(row, None) for row in row_range), total, not rows.multiple)]
    if columns is None:
        return found
    column_range = range(len(columns.codes))
    found.append(Relation(tuple(key(None, column) for column in column_range), total, not columns.multiple))
    for row in row_range:
        found.append(Relation(tuple(key(row, column) for column in column_range), key(row, None), not columns.multiple))
    for column in column_range:
        found.append(Relation(tuple(key(row, column) for row in row_range), key(None, column), not rows.multiple))
    return found


def keys_of(table: Shaped) -> list[CellKey]:
    """Return the keys of every count of a table, margins included, without repeats."""
    seen: dict[CellKey, None] = {}
    for relation in relations_of(table):
        for key in relation.keys:
            seen.setdefault(key)
    return list(seen)
