"""The published form of a year's tables: cells with a value, or suppressed with a flag.

This is what a release freezes (`Release.tables`), what the writers, the pages and the API
read. It is built from `egide_analytics.statistics.YearStatistics` (see `figures.py`) and
holds published values only: a suppressed cell has `value = None`, never its true count.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from egide.observatory.publication.vocabulary import SUPPRESSED_MARK

# French legend of the flags that disclosure control puts on cells.
FLAG_LABELS = {
    "": "",
    "primary": "effectif inférieur au seuil",
    "zero": "zéro révélateur",
    "secondary": "secret secondaire",
    "rounded": "arrondi",
}


@dataclass(frozen=True)
class Cell:
    row_code: str
    row_label: str
    column_code: str
    column_label: str
    value: int | None  # None: suppressed
    flag: str = ""

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def shown(self) -> str:
        """The cell as a page shows it: the number, or « s » when suppressed."""
        return SUPPRESSED_MARK if self.value is None else f"{self.value:,}".replace(",", "\u202f")


@dataclass(frozen=True)
class PublishedTable:
    name: str
    title: str
    unit: str
    row_variable: str
    column_variable: str = ""
    notes: tuple[str, ...] = ()
    cells: tuple[Cell, ...] = field(default_factory=tuple)

    @property
    def row_keys(self) -> list[tuple[str, str]]:
        return _unique((c.row_code, c.row_label) for c in self.cells)

    @property
    def column_keys(self) -> list[tuple[str, str]]:
        return _unique((c.column_code, c.column_label) for c in self.cells)

    @property
    def suppressed_count(self) -> int:
        return sum(1 for c in self.cells if c.suppressed)

    def grid(self) -> list[tuple[str, list[Cell | None]]]:
        """Rows of cells in column order, for a page: (row label, cells); None where no cell exists."""
        index = {(c.row_code, c.column_code): c for c in self.cells}
        columns = [code for code, _ in self.column_keys]
        return [(label, [index.get((code, column)) for column in columns]) for code, label in self.row_keys]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "unit": self.unit,
            "row_variable": self.row_variable,
            "column_variable": self.column_variable,
            "notes": list(self.notes),
            "cells": [[c.row_code, c.row_label, c.column_code, c.column_label, c.value, c.flag] for c in self.cells],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "PublishedTable":
        cells = tuple(
            Cell(str(r), str(rl), str(c), str(cl), _value(v), str(f or ""))
            for r, rl, c, cl, v, f in data.get("cells", [])
        )
        return cls(
            name=str(data["name"]),
            title=str(data.get("title", data["name"])),
            unit=str(data.get("unit", "")),
            row_variable=str(data.get("row_variable", "")),
            column_variable=str(data.get("column_variable", "")),
            notes=tuple(str(n) for n in data.get("notes", ())),
            cells=cells,
        )


def _value(value: Any) -> int | None:
    return None if value is None else int(value)


def _unique(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(pairs))


def tables_from_json(data: Sequence[Mapping[str, Any]]) -> list[PublishedTable]:
    return [PublishedTable.from_dict(t) for t in data]


def tables_to_json(tables: Sequence[PublishedTable]) -> list[dict[str, Any]]:
    return [t.to_dict() for t in tables]


def flags_legend(tables: Sequence[PublishedTable]) -> list[tuple[str, str]]:
    """The flags used in these tables, with their French meaning."""
    used = sorted({c.flag for t in tables for c in t.cells if c.flag})
    return [(flag, FLAG_LABELS.get(flag, flag)) for flag in used]
