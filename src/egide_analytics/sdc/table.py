"""The `Table` type: true counts of one variable (or a cross of two) before disclosure control.

A table belongs to a *population* (« persons »: distinct persons after linkage, or
« declared »: records as the holders declared them). Every count of a table is identified
by its population and the codes it fixes (`cell_key`): the same key in two tables of a
release is the same number, which is how disclosure control links tables that share margins.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
# A count's identity: its population and the (variable, code) pairs it fixes, sorted.
CellKey = tuple[str, tuple[tuple[str, str], ...]]

TOTAL = "total"
TOTAL_LABEL = "Total"


def cell_key(population: str, codes: Mapping[str, str]) -> CellKey:
    """Return the release-wide identity of the count of `population` with these codes."""
    return population, tuple(sorted(codes.items()))


@dataclass(frozen=True, eq=False)
class Axis:
    """One dimension of a table: its variable, French title, codes and labels.

    `multiple` says that a unit may hold several codes (forms, support): then the counts
    along this axis add up to more than the margin.
    """

    variable: str
    title: str
    codes: tuple[str, ...]
    labels: tuple[str, ...]
    multiple: bool = False

    def __post_init__(self) -> None:
        if len(self.codes) != len(self.labels) or len(set(self.codes)) != len(self.codes):
            raise ValueError(f"axis {self.variable}: codes and labels must match and codes be distinct")


@dataclass(frozen=True, eq=False)
class Table:
    """True integer counts by one or two variables, with their margins, before protection.

    `counts` has shape (rows, columns) — one column when there is no column variable.
    `row_margin[i]` counts the units with row code i (whatever their column codes),
    `column_margin[j]` the units with column code j, `total` all units: with a multi-valued
    axis the margins are not the sums of the cells.
    """

    name: str
    title: str
    population: str
    unit: str
    rows: Axis
    counts: IntArray
    row_margin: IntArray
    total: int
    columns: Axis | None = None
    column_margin: IntArray | None = None
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        width = 1 if self.columns is None else len(self.columns.codes)
        if self.counts.shape != (len(self.rows.codes), width):
            raise ValueError(f"table {self.name}: counts shape {self.counts.shape} does not match its axes")
        if self.row_margin.shape != (len(self.rows.codes),):
            raise ValueError(f"table {self.name}: row margin does not match the rows")
        if self.columns is not None and (
            self.column_margin is None or self.column_margin.shape != (len(self.columns.codes),)
        ):
            raise ValueError(f"table {self.name}: column margin does not match the columns")

    @property
    def row_variable(self) -> str:
        return self.rows.variable

    @property
    def column_variable(self) -> str | None:
        return None if self.columns is None else self.columns.variable

    def key(self, row: int | None, column: int | None) -> CellKey:
        """Return the identity of cell (row, column); None on an axis means its margin."""
        return axis_key(self.population, self.rows, self.columns, row, column)


def axis_key(population: str, rows: Axis, columns: Axis | None, row: int | None, column: int | None) -> CellKey:
    """Return the identity of cell (row, column) of a table with these axes; None means the margin."""
    codes: dict[str, str] = {}
    if row is not None:
        codes[rows.variable] = rows.codes[row]
    if column is not None and columns is not None:
        codes[columns.variable] = columns.codes[column]
    return cell_key(population, codes)
