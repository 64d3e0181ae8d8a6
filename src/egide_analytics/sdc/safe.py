"""Protected tables: each count is a published (rounded) value or suppressed with a reason."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, overload

from egide_analytics.sdc.rules import Rules
from egide_analytics.sdc.table import TOTAL, TOTAL_LABEL, Axis, CellKey, axis_key


class Flag(StrEnum):
    """Why a count is (not) published."""

    PUBLISHED = "published"
    PRIMARY = "primary"
    ZERO = "zero"
    SECONDARY = "secondary"

    def label(self, threshold: int = 10) -> str:
        """Return the French reason shown next to a suppressed count (empty when published)."""
        return {
            Flag.PUBLISHED: "",
            Flag.PRIMARY: f"effectif < {threshold}",
            Flag.ZERO: "zéro révélateur",
            Flag.SECONDARY: "secret secondaire",
        }[self]


@dataclass(frozen=True)
class Cell:
    """One count as published: `value` is None when suppressed."""

    value: int | None
    flag: Flag = Flag.PUBLISHED

    @property
    def published(self) -> bool:
        return self.flag is Flag.PUBLISHED

    def to_list(self) -> list[Any]:
        return [self.value, self.flag.value]

    @classmethod
    def from_list(cls, data: Sequence[Any]) -> "Cell":
        return cls(None if data[0] is None else int(data[0]), Flag(data[1]))


@dataclass(frozen=True)
class TableRow:
    """One line of a flat export (CSV, XLSX, Parquet): margins have the code « total »."""

    table: str
    row_code: str
    row_label: str
    column_code: str | None
    column_label: str | None
    value: int | None
    flag: str


@dataclass(frozen=True, eq=False)
class SafeTable:
    """A table after disclosure control: what may be published, and nothing else."""

    name: str
    title: str
    population: str
    unit: str
    rows: Axis
    cells: tuple[tuple[Cell, ...], ...]
    row_margin: tuple[Cell, ...]
    total: Cell
    columns: Axis | None = None
    column_margin: tuple[Cell, ...] | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def row_variable(self) -> str:
        return self.rows.variable

    @property
    def column_variable(self) -> str | None:
        return None if self.columns is None else self.columns.variable

    def key(self, row: int | None, column: int | None) -> CellKey:
        """Return the release-wide identity of cell (row, column); None means the margin."""
        return axis_key(self.population, self.rows, self.columns, row, column)

    def cell(self, row: int | None, column: int | None) -> Cell:
        """Return the cell at (row, column), a margin when one of them is None."""
        if row is None and column is None:
            return self.total
        if row is None:
            assert column is not None
            return self.total if self.column_margin is None else self.column_margin[column]
        if column is None:
            return self.row_margin[row]
        return self.cells[row][column]

    def get(self, row_code: str = TOTAL, column_code: str | None = None) -> Cell:
        """Return the cell by codes (« total » for a margin): `get("female")`, `get("SEXUAL", "male")`."""
        row = None if row_code == TOTAL else self.rows.codes.index(row_code)
        if self.columns is None:
            return self.cell(row, None if row is None else 0)
        column = None if column_code in (None, TOTAL) else self.columns.codes.index(str(column_code))
        return self.cell(row, column)

    def positions(self) -> Iterator[tuple[int | None, int | None]]:
        """Yield every (row, column) position, margins included (None = margin), once per distinct count."""
        width = 1 if self.columns is None else len(self.columns.codes)
        for row in range(len(self.rows.codes)):
            if self.columns is None:
                yield row, 0
            else:
                for column in range(width):
                    yield row, column
                yield row, None
        if self.columns is not None:
            for column in range(width):
                yield None, column
        yield None, None

    def rows_for_export(self, threshold: int = 10) -> Iterator[TableRow]:
        """Yield the flat rows of this table, margins included."""
        for row, column in self.positions():
            cell = self.cell(row, column)
            row_code = TOTAL if row is None else self.rows.codes[row]
            row_label = TOTAL_LABEL if row is None else self.rows.labels[row]
            column_code = column_label = None
            if self.columns is not None:
                column_code = TOTAL if column is None else self.columns.codes[column]
                column_label = TOTAL_LABEL if column is None else self.columns.labels[column]
            yield TableRow(
                self.name, row_code, row_label, column_code, column_label, cell.value, cell.flag.label(threshold)
            )

    def to_dict(self) -> dict[str, Any]:
        """Return the table as plain JSON types."""
        return {
            "name": self.name,
            "title": self.title,
            "population": self.population,
            "unit": self.unit,
            "rows": _axis_dict(self.rows),
            "columns": None if self.columns is None else _axis_dict(self.columns),
            "cells": [[cell.to_list() for cell in line] for line in self.cells],
            "row_margin": [cell.to_list() for cell in self.row_margin],
            "column_margin": None if self.column_margin is None else [cell.to_list() for cell in self.column_margin],
            "total": self.total.to_list(),
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SafeTable":
        columns = data.get("columns")
        column_margin = data.get("column_margin")
        return cls(
            name=data["name"],
            title=data["title"],
            population=data["population"],
            unit=data["unit"],
            rows=_axis_from(data["rows"]),
            cells=tuple(tuple(Cell.from_list(cell) for cell in line) for line in data["cells"]),
            row_margin=tuple(Cell.from_list(cell) for cell in data["row_margin"]),
            total=Cell.from_list(data["total"]),
            columns=None if columns is None else _axis_from(columns),
            column_margin=None if column_margin is None else tuple(Cell.from_list(cell) for cell in column_margin),
            notes=tuple(data.get("notes", ())),
        )


def _axis_dict(axis: Axis) -> dict[str, Any]:
    return {
        "variable": axis.variable,
        "title": axis.title,
        "codes": list(axis.codes),
        "labels": list(axis.labels),
        "multiple": axis.multiple,
    }


def _axis_from(data: dict[str, Any]) -> Axis:
    return Axis(data["variable"], data["title"], tuple(data["codes"]), tuple(data["labels"]), bool(data["multiple"]))


@dataclass(frozen=True, eq=False)
class SafeRelease(Sequence[SafeTable]):
    """The protected tables of one release, with the rules that protected them."""

    tables: tuple[SafeTable, ...]
    rules: Rules = field(default_factory=Rules)

    @overload
    def __getitem__(self, index: int) -> SafeTable: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[SafeTable]: ...
    def __getitem__(self, index: int | slice) -> SafeTable | Sequence[SafeTable]:
        return self.tables[index]

    def __len__(self) -> int:
        return len(self.tables)

    def table(self, name: str) -> SafeTable:
        """Return the table called `name` (KeyError when absent)."""
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)

    def rows(self) -> Iterator[TableRow]:
        """Yield the flat rows of every table, in order."""
        for table in self.tables:
            yield from table.rows_for_export(self.rules.threshold)

    def to_dict(self) -> dict[str, Any]:
        return {"rules": self.rules.to_dict(), "tables": [table.to_dict() for table in self.tables]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SafeRelease":
        return cls(tuple(SafeTable.from_dict(t) for t in data["tables"]), Rules.from_dict(data["rules"]))
