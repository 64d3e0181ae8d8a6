"""A year's figures as a release publishes them: `year_statistics` of the run's records, checked again.

`egide_analytics.statistics.year_statistics` builds and protects the standard tables; this
module turns its result into published tables and key figures, and runs the attacker's
linear programme (`egide_analytics.sdc`) on every suppressed count before anything is frozen.
"""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from egide.core.iso import country_name
from egide.observatory.models import LinkageRun
from egide.observatory.publication.safety import ReleaseRefusedError, require_safe
from egide.observatory.publication.tables import Cell, PublishedTable
from egide.observatory.selectors import declared_counts, stat_records
from egide_analytics.sdc.attack import ReleaseAttack
from egide_analytics.sdc.rules import Rules
from egide_analytics.sdc.safe import SafeRelease, SafeTable
from egide_analytics.statistics.table import TOTAL, TOTAL_LABEL, Axis, CellKey
from egide_analytics.statistics.year import YearStatistics, year_statistics

DEFAULT_RULES: dict[str, Any] = Rules().to_dict()


@dataclass(frozen=True)
class Computed:
    """What a release freezes: the statistics (JSON), published tables, key figures, rules, attack findings."""

    statistics: dict[str, Any]
    tables: list[PublishedTable]
    key_figures: dict[str, Any]
    rules: dict[str, Any]
    lp_problems: list[str]


def rules_of(data: Mapping[str, Any]) -> Rules:
    """Return the rules from their JSON form, unknown names refused in French."""
    known = {f.name for f in dataclasses.fields(Rules)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ReleaseRefusedError(f"Règle(s) de protection inconnue(s) : {', '.join(unknown)}.")
    try:
        return Rules(**data)
    except (TypeError, ValueError) as error:
        raise ReleaseRefusedError(f"Règles de protection invalides : {error}") from None


def compute(run: LinkageRun, year: int, rules_data: Mapping[str, Any]) -> Computed:
    """Compute the protected statistics of `year` from the run's records and the aggregate-only counts."""
    rules = rules_of({**DEFAULT_RULES, **rules_data})
    try:
        statistics = year_statistics(stat_records(run, year), declared_counts(year), rules, year=year)
    except ValueError as error:
        raise ReleaseRefusedError(f"Statistiques impossibles à calculer pour {year} : {error}") from None
    return from_statistics(statistics)


def from_statistics(statistics: YearStatistics) -> Computed:
    return Computed(
        statistics=statistics.to_dict(),
        tables=published_tables(statistics.release),
        key_figures=key_figures(statistics),
        rules=statistics.rules.to_dict(),
        lp_problems=attack_problems(statistics.release),
    )


def require_computed_safe(computed: Computed) -> None:
    require_safe(computed.tables, computed.rules, computed.lp_problems)


def _code_and_label(axis: Axis, index: int | None) -> tuple[str, str]:
    """The code and French label of a position; nationalities by their French country names, not ISO codes."""
    if index is None:
        return TOTAL, TOTAL_LABEL
    code, label = axis.codes[index], axis.labels[index]
    return (code, country_name(code, label)) if axis.variable == "nationality" else (code, label)


def _cells(table: SafeTable) -> list[Cell]:
    cells = []
    for row, column in table.positions():
        cell = table.cell(row, column)
        row_code, row_label = _code_and_label(table.rows, row)
        column_code = column_label = ""
        if table.columns is not None:
            column_code, column_label = _code_and_label(table.columns, column)
        value = cell.value if cell.published else None
        cells.append(Cell(row_code, row_label, column_code, column_label, value, "" if cell.published else cell.flag))
    return cells


def published_tables(release: SafeRelease) -> list[PublishedTable]:
    """The release's tables with published values only: a suppressed cell keeps its flag, never its count."""
    return [
        PublishedTable(
            name=t.name,
            title=t.title,
            unit=t.unit,
            row_variable=t.row_variable,
            column_variable=t.column_variable or "",
            notes=t.notes,
            cells=tuple(_cells(t)),
        )
        for t in release
    ]


def _describe(key: CellKey) -> str:
    population, codes = key
    return f"{population} [{', '.join(f'{v} = {c}' for v, c in codes) or 'total'}]"


def attack_problems(release: SafeRelease) -> list[str]:
    """Describe, in French, every suppressed count that linear programming pins to a narrow interval."""
    attack = ReleaseAttack(release)
    width = release.rules.protection_width
    problems = []
    for key in attack.suppressed():
        low, high = attack.bounds(key)
        if high - low < width:
            problems.append(f"{_describe(key)} : encadrée entre {low:g} et {high:g} à partir des valeurs publiées")
    return problems


def _percent(rate: float | None) -> str | None:
    return None if rate is None else f"{rate * 100:.1f}".replace(".", ",")


def key_figures(statistics: YearStatistics) -> dict[str, Any]:
    """The key figures of a year, all protected (rounded, or None when they would be disclosive)."""
    duplication, hidden, holders = statistics.duplication, statistics.hidden_population, statistics.holders
    return {
        "records": duplication.records,
        "persons": duplication.persons,
        "duplication_rate": duplication.rate,
        "duplication_percent": _percent(duplication.rate),
        "holders": holders.with_records + holders.aggregate_only,
        "holders_with_records": holders.with_records,
        "holders_aggregate_only": holders.aggregate_only,
        "estimate": hidden.estimate if hidden.ok else None,
        "estimate_low": hidden.lower if hidden.ok else None,
        "estimate_high": hidden.upper if hidden.ok else None,
        "estimate_level": hidden.level,
        "estimate_status": hidden.status,
        "estimate_note": hidden.note,
        "estimate_observed": hidden.observed,
    }


def run_summary(run: LinkageRun) -> dict[str, Any]:
    """What the release says about the linkage it is based on: thresholds and dates, no count (counts are
    published rounded, in the tables)."""
    return {
        "id": run.pk,
        "years": list(run.years),
        "match_threshold": run.match_threshold,
        "review_threshold": run.review_threshold,
        "finished_at": run.finished_at.isoformat(timespec="seconds") if run.finished_at else None,
    }
