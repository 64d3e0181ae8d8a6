"""Count units (persons or records) into `Table`s, through one membership matrix per variable."""

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from egide_analytics.statistics.table import Axis, IntArray, Table
from egide_analytics.submission import BY_NAME, UNKNOWN

OTHER = "other"
MULTIPLE_NOTE = (
    "Une même personne peut relever de plusieurs modalités de « {title} » : "
    "la somme des cases dépasse le total, qui compte chaque unité une fois."
)
UNKNOWN_LIST_LABEL = "non renseigné"

Unit = Mapping[str, str | list[str]]


def variable_axis(variable: str, codes: Sequence[str] | None = None) -> Axis:
    """Return the axis of a submission variable, with its French labels.

    List variables get an `unknown` code (« non renseigné ») for units with an empty list,
    so that every unit falls in at least one code.
    """
    spec = BY_NAME[variable]
    chosen = list(codes if codes is not None else spec.codes)
    if spec.multiple and UNKNOWN not in chosen:
        chosen.append(UNKNOWN)
    labels = [UNKNOWN_LIST_LABEL if spec.multiple and code == UNKNOWN else _label(variable, code) for code in chosen]
    return Axis(variable, spec.title, tuple(chosen), tuple(labels), spec.multiple)


def _label(variable: str, code: str) -> str:
    if code == OTHER and code not in BY_NAME[variable].codes:
        return "autres"
    if code == UNKNOWN:
        return BY_NAME[variable].codes.get(UNKNOWN, "inconnu")
    return BY_NAME[variable].label(code)


def membership(units: Sequence[Unit], axis: Axis) -> npt.NDArray[np.int64]:
    """Return the 0/1 matrix units × codes of `axis`; codes outside it go to « other » or are an error."""
    index = {code: position for position, code in enumerate(axis.codes)}
    fallback = index.get(OTHER)
    matrix = np.zeros((len(units), len(axis.codes)), dtype=np.int64)
    if not axis.multiple:
        values = [unit.get(axis.variable) for unit in units]
        columns = [index.get(value if isinstance(value, str) and value else UNKNOWN, fallback) for value in values]
        if None in columns:
            bad = values[columns.index(None)] or UNKNOWN
            raise ValueError(f"Code « {bad} » hors de la liste de « {axis.title} ».")
        matrix[np.arange(len(units)), np.asarray(columns, dtype=np.int64)] = 1
        return matrix
    for row, unit in enumerate(units):
        for code in _codes(unit, axis):
            column = index.get(code, fallback)
            if column is None:
                raise ValueError(f"Code « {code} » hors de la liste de « {axis.title} ».")
            matrix[row, column] = 1
    return matrix


def _codes(unit: Unit, axis: Axis) -> list[str]:
    value = unit.get(axis.variable)
    if axis.multiple:
        return list(value) if isinstance(value, list) and value else [UNKNOWN]
    return [value] if isinstance(value, str) and value else [UNKNOWN]


def count_table(
    units: Sequence[Unit],
    *,
    name: str,
    title: str,
    population: str,
    unit: str,
    rows: Axis,
    columns: Axis | None = None,
    extra: IntArray | None = None,
    extra_total: int = 0,
    notes: Sequence[str] = (),
) -> Table:
    """Count `units` by `rows` (and `columns`); `extra` adds aggregate counts to a one-way table."""
    row_matrix = membership(units, rows)
    row_margin = row_matrix.sum(axis=0)
    total = len(units) + extra_total
    if extra is not None:
        row_margin = row_margin + extra
    all_notes = list(notes) + [
        MULTIPLE_NOTE.format(title=axis.title) for axis in (rows, columns) if axis and axis.multiple
    ]
    if columns is None:
        return Table(
            name, title, population, unit, rows, row_margin.reshape(-1, 1), row_margin, total, notes=tuple(all_notes)
        )
    if extra is not None:
        raise ValueError("aggregate counts only enter one-way tables")
    column_matrix = membership(units, columns)
    counts = row_matrix.T @ column_matrix
    return Table(
        name,
        title,
        population,
        unit,
        rows,
        counts,
        row_margin,
        total,
        columns,
        column_matrix.sum(axis=0),
        tuple(all_notes),
    )
