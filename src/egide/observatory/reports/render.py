"""Turn the frozen figures into the report: numbered figures and tables, HTML, then PDF.

Every number printed comes from the figures document, which holds protected values only;
this module never counts anything. Figures and tables are numbered in the order of the
sections, and each carries its source and notes, as a printed statistical publication does.
"""

import datetime
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from egide.core.charts import IntervalRow, Series, bar_chart, format_number, grouped_bar_chart, interval_chart
from egide.core.charts import line_chart as draw_line_chart
from egide.observatory.reports.figures import Cell, Figures, cell

OBSERVATORY = "Observatoire national de la traite des êtres humains"
UNKNOWN = "unknown"
# An interval wider than this ratio (upper / lower bound) is said to be very uncertain.
WIDE_INTERVAL = 2.0
SUPPRESSED_NOTE = "« s » : valeur non diffusée au titre du secret statistique."
# Which tables the comparison « as declared » / « distinct persons » covers, in this order.
DEDUP_VARIABLES = ("sex", "age_group", "forms", "region_of_origin")
# Columns of the forms × sex chart: the table keeps every column.
CHART_SEX_COLUMNS = ("female", "male")


@dataclass
class Block:
    """One numbered figure (an SVG chart) or table, with its caption, source and notes."""

    kind: str  # "figure" | "table"
    caption: str
    source: str
    notes: list[str] = field(default_factory=list)
    svg: SafeString | None = None
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    total: list[str] | None = None
    number: int = 0

    @property
    def label(self) -> str:
        return f"{'Figure' if self.kind == 'figure' else 'Tableau'} {self.number}"


@dataclass
class Section:
    anchor: str
    title: str
    blocks: list[Block] = field(default_factory=list)


def show(value: Cell | float, decimals: int = 0) -> str:
    """Write a protected value: « s » when suppressed."""
    return "s" if value is None else format_number(value, decimals)


def percent(rate: float | None) -> str:
    return "s" if rate is None else format_number(100 * rate, 1) + "\u00a0%"


class _Builder:
    """Build the sections of one report from its figures."""

    def __init__(self, figures: Figures) -> None:
        self.figures = figures
        self.tables: Mapping[str, Any] = figures.get("tables", {})
        year = figures["year"]
        run = figures.get("sources", {}).get("run_id")
        self.source = f"Source : {OBSERVATORY}, enquête {year} auprès des associations, " + (
            f"appariement n° {run}." if run else "données déclarées."
        )

    def _known(self, name: str) -> Mapping[str, Any] | None:
        """Return the table, or None when absent or when every person is « unknown » (nothing to show)."""
        table = self.tables.get(name)
        if table is None:
            return None
        known = [v for row in table["rows"] if row["code"] != UNKNOWN for v in row["values"]]
        return table if any(v != 0 for v in known) else None

    def table(self, name: str, caption: str | None = None, *, notes: Sequence[str] = ()) -> Block | None:
        table = self._known(name)
        if table is None:
            return None
        columns = [c["label"] for c in table["columns"]] or [table["unit"].capitalize()]
        rows = [[row["label"], *(show(v) for v in row["values"])] for row in table["rows"]]
        total = ["Total", show(table["total"])] if not table["columns"] else None
        return Block(
            "table",
            caption or table["title"],
            self.source,
            [*table["notes"], *notes, SUPPRESSED_NOTE],
            headers=[table["row_title"] or "", *columns],
            rows=rows,
            total=total,
        )

    def bars(self, name: str, caption: str | None = None) -> Block | None:
        table = self._known(name)
        if table is None:
            return None
        items = [(row["label"], row["values"][0]) for row in table["rows"]]
        title = caption or table["title"]
        svg = bar_chart(title, items, description=_describe(title, items, table["unit"]))
        return Block("figure", title, self.source, [*table["notes"], SUPPRESSED_NOTE], svg=_safe(svg))

    def grouped(self, name: str, columns: Sequence[str], caption: str | None = None) -> Block | None:
        table = self.tables.get(name)
        if table is None or not table["columns"]:
            return None
        positions = [i for i, c in enumerate(table["columns"]) if c["code"] in columns]
        series = [Series(table["columns"][i]["label"], [row["values"][i] for row in table["rows"]]) for i in positions]
        title = caption or table["title"]
        svg = grouped_bar_chart(title, [row["label"] for row in table["rows"]], series, description=title)
        return Block("figure", title, self.source, [*table["notes"], SUPPRESSED_NOTE], svg=_safe(svg))

    def comparison(self, variable: str) -> tuple[Block | None, Block | None]:
        """Chart and table of one variable as declared and as distinct persons."""
        declared, persons = self.tables.get(f"declared_{variable}"), self.tables.get(variable)
        if declared is None or persons is None:
            return None, None
        title = persons["row_title"] or persons["title"]
        labels = [row["label"] for row in persons["rows"]]
        as_declared = [cell(declared, row["code"]) for row in persons["rows"]]
        distinct = [row["values"][0] for row in persons["rows"]]
        caption = f"{title.capitalize()} : personnes déclarées et personnes distinctes"
        svg = grouped_bar_chart(
            caption, labels, [Series("déclarées", as_declared), Series("distinctes", distinct)], description=caption
        )
        figure = Block("figure", caption, self.source, [SUPPRESSED_NOTE], svg=_safe(svg))
        rows = [
            [label, show(d), show(p), _gap(d, p)] for label, d, p in zip(labels, as_declared, distinct, strict=True)
        ]
        table = Block(
            "table",
            caption,
            self.source,
            [*persons["notes"], SUPPRESSED_NOTE],
            headers=[title, "Déclarées", "Distinctes", "Écart"],
            rows=rows,
            total=["Total", show(declared["total"]), show(persons["total"]), _gap(declared["total"], persons["total"])],
        )
        return figure, table

    def history(self) -> Block | None:
        history = sorted(self.figures.get("history", []), key=lambda h: h["year"])
        key = self.figures.get("key", {})
        points = [
            *history,
            {"year": self.figures["year"], "declared": key.get("declared"), "distinct": key.get("distinct")},
        ]
        if len(points) < 2:
            return None
        caption = "Évolution du nombre de victimes déclarées et de personnes distinctes"
        series = [
            Series("déclarées", [p["declared"] for p in points]),
            Series("personnes distinctes", [p["distinct"] for p in points]),
        ]
        svg = draw_line_chart(caption, [p["year"] for p in points], series, description=caption)
        return Block(
            "figure",
            caption,
            self.source + " Rapports annuels publiés des années précédentes.",
            [SUPPRESSED_NOTE],
            svg=_safe(svg),
        )

    def population(self) -> Block | None:
        estimate = self.figures.get("population", {})
        if estimate.get("status") != "estimated":
            return None
        caption = "Population estimée, intervalle de confiance et personnes connues"
        row = IntervalRow(
            str(self.figures["year"]), estimate["estimate"], estimate["low"], estimate["high"], estimate.get("known")
        )
        svg = interval_chart(caption, [row], description=_describe_estimate(estimate))
        notes = list(estimate.get("notes", []))
        return Block("figure", caption, self.source, notes, svg=_safe(svg))


def _safe(svg: str) -> SafeString:
    """Mark a chart safe: the chart functions escape every text they draw."""
    return mark_safe(svg)  # noqa: S308 -- see above


def _wide(estimate: Mapping[str, Any]) -> bool:
    low, high = estimate.get("low"), estimate.get("high")
    return bool(low and high and high / low > WIDE_INTERVAL)


def _gap(declared: Cell, distinct: Cell) -> str:
    return "s" if declared is None or distinct is None else format_number(declared - distinct)


def _describe(title: str, items: Sequence[tuple[str, Cell]], unit: str) -> str:
    return f"{title} ({unit}) : " + " ; ".join(f"{label} {show(value)}" for label, value in items) + "."


def _describe_estimate(estimate: Mapping[str, Any]) -> str:
    return (
        f"Estimation {show(estimate['estimate'])}, intervalle de {show(estimate['low'])} à "
        f"{show(estimate['high'])} ; personnes connues : {show(estimate.get('known'))}."
    )


def build_sections(figures: Figures) -> list[Section]:
    """Return the report's sections, their figures and tables numbered in reading order."""
    b = _Builder(figures)
    drafts: list[tuple[str, str, list[Block | None]]] = [
        ("essentiel", "L'essentiel", [b.table("status", "Victimes repérées et accompagnées"), b.history()]),
        (
            "profil",
            "Profil des victimes",
            [
                b.bars("sex"),
                b.bars("age_group"),
                b.table("minor_now"),
                b.table("minor_at_start"),
                b.bars("region_of_origin"),
                b.bars("nationality", "Victimes selon la nationalité (dix plus fréquentes)"),
            ],
        ),
        (
            "exploitation",
            "Formes d'exploitation",
            [
                b.bars("forms"),
                b.grouped("forms_by_sex", CHART_SEX_COLUMNS),
                b.table("forms_by_sex"),
                b.table("exploited_in_france"),
                b.table("network"),
                b.table("housed_by_exploiter"),
            ],
        ),
        (
            "accompagnement",
            "Accompagnement",
            [
                b.bars("support"),
                b.bars("administrative_status"),
                b.table("complaint_filed"),
                b.bars("identified_by"),
            ],
        ),
        (
            "associations",
            "L'activité des associations",
            [
                b.bars("holders_by_size"),
                b.table("holders_by_size"),
            ],
        ),
        (
            "dedoublonnage",
            "L'effet du dédoublonnage",
            [
                *(block for variable in DEDUP_VARIABLES for block in b.comparison(variable)),
                b.bars("persons_by_holders"),
            ],
        ),
        ("population", "La population cachée", [b.population()]),
        ("methodologie", "Méthodologie", []),
    ]
    sections = [Section(anchor, title, [b for b in blocks if b is not None]) for anchor, title, blocks in drafts]
    counters = {"figure": 0, "table": 0}
    for section in sections:
        for block in section.blocks:
            counters[block.kind] += 1
            block.number = counters[block.kind]
    return sections


def report_context(figures: Figures, *, generated_at: datetime.datetime) -> dict[str, Any]:
    """Return the template context of the report."""
    key = figures.get("key", {})
    return {
        "observatory": OBSERVATORY,
        "year": figures["year"],
        "figures": figures,
        "key": key,
        "key_text": {
            name: show(key.get(name)) for name in ("declared", "distinct", "identified", "supported", "holders")
        },
        "duplication_rate": percent(key.get("duplication_rate")),
        "population": figures.get("population", {}),
        "population_text": {
            name: show(figures.get("population", {}).get(name)) for name in ("estimate", "low", "high", "known")
        },
        "confidence": format_number(100 * float(figures.get("population", {}).get("level") or 0.95)) + "\u00a0%",
        "wide_interval": _wide(figures.get("population", {})),
        "rules": figures.get("rules", {}),
        "sources": figures.get("sources", {}),
        "sections": {s.anchor: s for s in build_sections(figures)},
        "generated_at": generated_at,
    }


def render_html(figures: Figures, *, generated_at: datetime.datetime) -> str:
    """Render the report as one self-contained HTML document (styles inline, charts inline SVG)."""
    return render_to_string("observatory_reports/report.html", report_context(figures, generated_at=generated_at))


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
