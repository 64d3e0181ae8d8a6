"""Build a report: protected statistics of the year, the figures document, HTML and PDF.

The figures come from `egide_analytics.statistics.year_statistics` only: every table is
already through disclosure control (suppression, rounding) before anything here reads it,
and this module copies published values, never a true count.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from egide.core.iso import country_name
from egide.observatory.models import LinkageRun
from egide.observatory.reports.figures import FIGURES_VERSION, Cell, Figures, make_table
from egide.observatory.reports.models import AnnualReport
from egide.observatory.reports.pdf import render_pdf
from egide.observatory.reports.render import render_html, sha256
from egide.observatory.reports.vocabulary import ReportState
from egide.observatory.selectors import declared_counts, latest_run, stat_records
from egide_analytics.sdc import Rules
from egide_analytics.sdc.safe import Cell as SafeCell
from egide_analytics.sdc.safe import SafeTable
from egide_analytics.statistics import DECLARED, PERSONS, YearStatistics, year_statistics

# Tables of distinct persons the report shows (one-way), then those also shown « as declared ».
PERSON_TABLES = (
    "status",
    "sex",
    "age_group",
    "minor_now",
    "minor_at_start",
    "region_of_origin",
    "nationality",
    "forms",
    "exploited_in_france",
    "network",
    "housed_by_exploiter",
    "support",
    "administrative_status",
    "complaint_filed",
    "identified_by",
)
DECLARED_TABLES = ("status", "sex", "age_group", "forms", "region_of_origin")
CROSS_TABLES = {"forms_by_sex": f"{PERSONS}.forms_by_sex"}


@dataclass(frozen=True)
class ReportFiles:
    figures: Figures
    html: str
    html_sha256: str
    pdf: bytes
    pdf_sha256: str
    generated_at: datetime.datetime


def run_for_year(year: int) -> LinkageRun | None:
    """Return the linkage run a report of `year` is based on: the latest finished one covering it."""
    return latest_run(year)


def statistics_for(run: LinkageRun, year: int, rules: Rules | None = None) -> YearStatistics:
    """Return the protected statistics of `year` from the linked records of `run` and the aggregate-only surveys."""
    return year_statistics(stat_records(run, year), declared_counts(year), rules, year=year)


def _value(cell: SafeCell) -> Cell:
    return None if cell.value is None else int(cell.value)


def safe_table(table: SafeTable, name: str, *, title: str | None = None) -> dict[str, Any]:
    """Copy a protected table into the figures document: published values, None where suppressed."""
    axis = table.rows
    if table.columns is None:
        rows = [
            (code, label, [_value(table.row_margin[i])])
            for i, (code, label) in enumerate(zip(axis.codes, axis.labels, strict=True))
        ]
        columns: list[tuple[str, str]] = []
    else:
        columns = list(zip(table.columns.codes, table.columns.labels, strict=True))
        rows = [
            (code, label, [_value(c) for c in table.cells[i]])
            for i, (code, label) in enumerate(zip(axis.codes, axis.labels, strict=True))
        ]
    return make_table(
        name,
        title or table.title,
        rows=rows,
        total=_value(table.total),
        unit=table.unit,
        population=table.population,
        row_title=axis.title.capitalize(),
        columns=columns,
        notes=table.notes,
    )


def figures_from_statistics(
    statistics: YearStatistics, *, year: int, run_id: int | None, history: Sequence[dict[str, Any]] = ()
) -> Figures:
    """Return the figures document of a report from the year's protected statistics."""
    tables: dict[str, Any] = {}
    for variable in PERSON_TABLES:
        tables[variable] = safe_table(statistics.table(f"{PERSONS}.{variable}"), variable)
    for row in tables["nationality"]["rows"]:
        row["label"] = country_name(row["code"], row["label"])
    for variable in DECLARED_TABLES:
        name = f"declared_{variable}"
        tables[name] = safe_table(statistics.table(f"{DECLARED}.{variable}"), name)
    for name, source in CROSS_TABLES.items():
        tables[name] = safe_table(statistics.table(source), name)
    tables["persons_by_holders"] = safe_table(
        statistics.table(f"{PERSONS}.holder_count"),
        "persons_by_holders",
        title="Personnes selon le nombre de détenteurs de données qui les ont déclarées",
    )
    tables["holders_by_size"] = _holders_by_size(statistics)
    persons, declared = tables["status"], tables["declared_status"]
    holders = statistics.holders
    rules = statistics.rules
    return {
        "version": FIGURES_VERSION,
        "year": year,
        "sources": {
            "run_id": run_id,
            "release_id": None,
            "holders_with_records": holders.with_records,
            "holders_aggregate_only": holders.aggregate_only,
        },
        "rules": {
            "threshold": rules.threshold,
            "rounding_base": rules.rounding_base,
            "zeros_disclosive": rules.zeros_disclosive,
        },
        "tables": tables,
        "key": {
            "declared": declared["total"],
            "distinct": persons["total"],
            "identified": _row(persons, "identified"),
            "supported": _row(persons, "supported"),
            "duplication_rate": statistics.duplication.rate,
            "holders": holders.with_records + holders.aggregate_only,
        },
        "population": _population(statistics),
        "history": list(history),
    }


def _row(table: dict[str, Any], code: str) -> Cell:
    return next((row["values"][0] for row in table["rows"] if row["code"] == code), None)


def _holders_by_size(statistics: YearStatistics) -> dict[str, Any]:
    """Victims declared by associations grouped by size; no association is named or counted per class."""
    table = safe_table(
        statistics.table(f"{DECLARED}.holder_size"),
        "holders_by_size",
        title="Victimes déclarées selon la taille de l'association qui les déclare",
    )
    table["row_title"] = "Victimes déclarées par l'association dans l'année"
    table["notes"].append(
        "Les détenteurs de données sont regroupés par nombre de victimes déclarées ; aucun n'est nommé."
    )
    return table


def _population(statistics: YearStatistics) -> dict[str, Any]:
    hidden = statistics.hidden_population
    if not hidden.ok:
        # too_sparse: lists overlap too little; too_few_lists, too_small: not enough to try.
        status = "too_sparse" if hidden.lists else hidden.status
        return {
            "status": status,
            "lists": len(hidden.lists),
            "known": hidden.observed,
            "notes": [hidden.note] if hidden.note else [],
        }
    pairs = [f"{first} × {second}" for first, second in hidden.interactions]
    model = "effets principaux des listes" + (f" et interactions {', '.join(pairs)}" if pairs else " seuls")
    base = statistics.rules.rounding_base
    return {
        "status": "estimated",
        "estimate": hidden.estimate,
        "low": hidden.lower,
        "high": hidden.upper,
        "level": hidden.level,
        "known": hidden.observed,
        "model": model,
        "method": _method(hidden.method),
        "lists": len(hidden.lists),
        "grouping": hidden.grouping,
        "notes": [
            n
            for n in (
                hidden.note,
                f"Estimation, bornes et personnes connues arrondies à {base}.",
                f"Listes : {hidden.grouping}.",
            )
            if n
        ],
    }


def _method(method: str) -> str:
    return {"stepwise": "sélection pas à pas", "aic": "critère AIC", "bic": "critère BIC"}.get(method, method)


def history_before(year: int) -> list[dict[str, Any]]:
    """Return the key numbers of the published reports of earlier years (already protected)."""
    reports = AnnualReport.objects.published().filter(year__lt=year).order_by("year")
    return [
        {
            "year": r.year,
            "declared": r.figures.get("key", {}).get("declared"),
            "distinct": r.figures.get("key", {}).get("distinct"),
        }
        for r in reports
    ]


def build_report_files(report: AnnualReport) -> ReportFiles:
    """Compute the figures of a waiting report, then render its HTML and PDF."""
    if report.state != ReportState.GENERATING or report.linkage_run is None:
        raise ValueError(f"Le rapport n° {report.pk} n'attend pas de génération.")
    statistics = statistics_for(report.linkage_run, report.year)
    figures = figures_from_statistics(
        statistics, year=report.year, run_id=report.linkage_run.pk, history=history_before(report.year)
    )
    figures["sources"]["release_id"] = report.release_id
    generated_at = timezone.localtime()
    html = render_html(figures, generated_at=generated_at)
    pdf = render_pdf(html)
    return ReportFiles(figures, html, sha256(html.encode()), pdf, sha256(pdf), generated_at)


__all__ = ["ReportFiles", "build_report_files", "figures_from_statistics", "statistics_for"]
