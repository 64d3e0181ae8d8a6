"""The report's frozen figures: a JSON document holding only protected values.

The document is built once, when the report is generated (`egide.observatory.reports.build`),
and stored with the report, so that the published text, its tables and its charts can always
be traced to the numbers they show. Its shape:

- `year`, `sources` (linkage run, holders, release) and `rules` (threshold, rounding base…);
- `tables`: name → table, each `{"name", "title", "unit", "population", "row_title",
  "columns": [{"code", "label"}], "rows": [{"code", "label", "values": [cell…]}],
  "total": cell, "notes": [text…]}` with one value per column (a single unnamed column for
  a one-way table); a cell is an integer already protected (rounded) or None (suppressed,
  printed « s »);
- `key`: the key figures (`declared`, `distinct`, `identified`, `supported`,
  `duplication_rate`, `holders`);
- `population`: the hidden-population estimate (`status` estimated | too_sparse |
  unavailable, `estimate`, `low`, `high`, `level`, `known`, `model`, `method`, `lists`, `notes`);
- `history`: earlier published years, `{"year", "declared", "distinct"}`.
"""

from collections.abc import Mapping, Sequence
from typing import Any

Cell = int | None
Figures = dict[str, Any]
FIGURES_VERSION = 1


def make_table(
    name: str,
    title: str,
    *,
    rows: Sequence[tuple[str, str, Sequence[Cell]]],
    total: Cell,
    unit: str = "personnes",
    population: str = "persons",
    row_title: str = "",
    columns: Sequence[tuple[str, str]] = (),
    notes: Sequence[str] = (),
) -> dict[str, Any]:
    """Return one table of the figures document; every row has one value per column."""
    width = max(len(columns), 1)
    for code, _, values in rows:
        if len(values) != width:
            raise ValueError(f"table {name}: row {code} has {len(values)} values for {width} columns")
    return {
        "name": name,
        "title": title,
        "unit": unit,
        "population": population,
        "row_title": row_title,
        "columns": [{"code": code, "label": label} for code, label in columns],
        "rows": [{"code": code, "label": label, "values": list(values)} for code, label, values in rows],
        "total": total,
        "notes": list(notes),
    }


def cell(table: Mapping[str, Any], code: str, column: int = 0) -> Cell:
    """Return the protected value of row `code` (None when suppressed or absent)."""
    for row in table["rows"]:
        if row["code"] == code:
            value = row["values"][column]
            return None if value is None else int(value)
    return None


def table_values(figures: Mapping[str, Any]) -> list[tuple[str, str, Cell]]:
    """Return every (table, row, value) of the document, to check what the report may print."""
    found: list[tuple[str, str, Cell]] = []
    for name, table in figures.get("tables", {}).items():
        for row in table["rows"]:
            found.extend((name, row["code"], value) for value in row["values"])
        found.append((name, "total", table["total"]))
    return found
