"""The files of a release: CSV, XLSX, Parquet, DCAT-like metadata and the methodology note.

Every writer reads the published tables only, so a file can never hold a suppressed value.
"""

import datetime
import hashlib
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from django.template.loader import render_to_string

from egide.core.exchange import Cell, Sheet, write_csv, write_xlsx
from egide.observatory.publication.tables import FLAG_LABELS, PublishedTable, flags_legend
from egide.observatory.publication.vocabulary import (
    CONTENT_TYPES,
    FILE_EXTENSIONS,
    LICENCE,
    LICENCE_URL,
    PUBLISHER,
    RELEASE_SCHEMA_VERSION,
    SUPPRESSED_MARK,
    FileKind,
)

LONG_HEADERS = [
    "tableau",
    "titre",
    "unite",
    "variable_ligne",
    "code_ligne",
    "libelle_ligne",
    "variable_colonne",
    "code_colonne",
    "libelle_colonne",
    "valeur",
    "indicateur",
]


@dataclass(frozen=True)
class ReleaseInfo:
    """What the files say about their release."""

    title: str
    year: int
    slug: str
    rules: dict[str, Any]
    run_summary: dict[str, Any]
    key_figures: dict[str, Any]
    created_at: datetime.datetime
    published_at: datetime.datetime | None = None
    state: str = "draft"
    withdrawal_reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WrittenFile:
    kind: FileKind
    name: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def _file(info: ReleaseInfo, kind: FileKind, content: bytes) -> WrittenFile:
    return WrittenFile(kind, f"{info.slug}.{FILE_EXTENSIONS[kind]}", content)


def _long_rows(tables: Sequence[PublishedTable]) -> list[list[Any]]:
    return [
        [
            t.name,
            t.title,
            t.unit,
            t.row_variable,
            c.row_code,
            c.row_label,
            t.column_variable,
            c.column_code,
            c.column_label,
            c.value,
            c.flag,
        ]
        for t in tables
        for c in t.cells
    ]


def write_long_csv(info: ReleaseInfo, tables: Sequence[PublishedTable]) -> WrittenFile:
    """One long CSV of every table: one line per cell, `valeur` empty where suppressed."""
    return _file(info, FileKind.CSV, write_csv(LONG_HEADERS, _long_rows(tables)))


def write_parquet(info: ReleaseInfo, tables: Sequence[PublishedTable]) -> WrittenFile:
    """The same long table in Parquet, with nullable integer values and the release in the schema metadata."""
    columns = list(zip(*_long_rows(tables), strict=True)) or [() for _ in LONG_HEADERS]
    types = [pa.string()] * 9 + [pa.int64(), pa.string()]
    schema = pa.schema([pa.field(n, t) for n, t in zip(LONG_HEADERS, types, strict=True)]).with_metadata(
        {"title": info.title, "year": str(info.year), "licence": LICENCE, "publisher": PUBLISHER}
    )
    table = pa.Table.from_arrays(
        [pa.array(list(c), type=t) for c, t in zip(columns, types, strict=True)], schema=schema
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return _file(info, FileKind.PARQUET, buffer.getvalue())


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_titles(tables: Sequence[PublishedTable]) -> list[str]:
    titles: list[str] = []
    for index, table in enumerate(tables, start=1):
        base = _SHEET_FORBIDDEN.sub("_", table.name)[:27] or "tableau"
        title = base if base not in titles and base != "Notes" else f"{base[:24]}_{index}"
        titles.append(title)
    return titles


def _table_sheet(title: str, table: PublishedTable) -> Sheet:
    columns = table.column_keys
    headers = [table.title] + [label or code or "effectif" for code, label in columns]
    rows: list[list[Cell]] = [
        [label, *(SUPPRESSED_MARK if c is None or c.value is None else c.value for c in cells)]
        for label, cells in table.grid()
    ]
    return Sheet(title, headers, rows, widths=[40] + [16] * len(columns))


def _notes_rows(info: ReleaseInfo, tables: Sequence[PublishedTable]) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["Publication", info.title],
        ["Année des données", info.year],
        ["Éditeur", PUBLISHER],
        ["Licence", f"{LICENCE} ({LICENCE_URL})"],
        ["Secret statistique", f"« {SUPPRESSED_MARK} » : valeur non diffusée (secret statistique)"],
    ]
    rows += [[f"Règle : {name}", str(value)] for name, value in sorted(info.rules.items())]
    rows += [[f"Indicateur « {flag} »", label] for flag, label in flags_legend(tables)]
    for table in tables:
        rows.append([table.name, f"{table.title} — unité : {table.unit}"])
        rows += [["", note] for note in table.notes]
    return rows


def write_workbook(info: ReleaseInfo, tables: Sequence[PublishedTable]) -> WrittenFile:
    """One sheet per table (« s » where suppressed) and a « Notes » sheet."""
    sheets = [_table_sheet(title, t) for title, t in zip(_sheet_titles(tables), tables, strict=True)]
    sheets.append(Sheet("Notes", ["Rubrique", "Contenu"], _notes_rows(info, tables), widths=[30, 100]))
    return _file(info, FileKind.XLSX, write_xlsx(sheets))


def methodology_context(info: ReleaseInfo, tables: Sequence[PublishedTable]) -> dict[str, Any]:
    return {
        "info": info,
        "tables": tables,
        "legend": flags_legend(tables),
        "flag_labels": FLAG_LABELS,
        "licence": LICENCE,
        "publisher": PUBLISHER,
        "mark": SUPPRESSED_MARK,
    }


def write_methodology(info: ReleaseInfo, tables: Sequence[PublishedTable]) -> WrittenFile:
    text = render_to_string("publication/methodology.md", methodology_context(info, tables))
    return _file(info, FileKind.METHODOLOGY, text.encode("utf-8"))


def write_methodology_pdf(info: ReleaseInfo, tables: Sequence[PublishedTable]) -> WrittenFile:
    """The methodology note printed to PDF (A4) by WeasyPrint."""
    from weasyprint import HTML  # Imported here: loading pango is slow and only releases need it.

    html = render_to_string("publication/methodology_print.html", methodology_context(info, tables))
    pdf: bytes = HTML(string=html).write_pdf()
    return _file(info, FileKind.METHODOLOGY_PDF, pdf)


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def metadata(info: ReleaseInfo, tables: Sequence[PublishedTable], files: Sequence[WrittenFile]) -> dict[str, Any]:
    """DCAT-like description of the release (dcat:Dataset with its distributions)."""
    return {
        "@type": "dcat:Dataset",
        "schema_version": RELEASE_SCHEMA_VERSION,
        "identifier": info.slug,
        "title": info.title,
        "description": (
            f"Victimes de la traite des êtres humains repérées ou accompagnées en {info.year} : tableaux « tels que "
            "déclarés » (comparables à l'enquête historique) et « personnes distinctes » (après appariement sans "
            "nom entre les associations), protégés par le secret statistique."
        ),
        "temporal": {"start": f"{info.year}-01-01", "end": f"{info.year}-12-31"},
        "year": info.year,
        "publisher": PUBLISHER,
        "license": LICENCE,
        "license_url": LICENCE_URL,
        "language": "fr",
        "state": info.state,
        "withdrawal_reason": info.withdrawal_reason or None,
        "issued": _iso(info.published_at),
        "created": _iso(info.created_at),
        "disclosure_control": info.rules,
        "suppressed_mark": SUPPRESSED_MARK,
        "linkage_run": info.run_summary,
        "key_figures": info.key_figures,
        "tables": [
            {
                "name": t.name,
                "title": t.title,
                "unit": t.unit,
                "row_variable": t.row_variable,
                "column_variable": t.column_variable or None,
                "notes": list(t.notes),
                "cells": len(t.cells),
                "suppressed_cells": t.suppressed_count,
            }
            for t in tables
        ],
        "distributions": [
            {
                "@type": "dcat:Distribution",
                "title": f.name,
                "format": FILE_EXTENSIONS[f.kind],
                "media_type": f.content_type.split(";")[0],
                "byte_size": len(f.content),
                "checksum": {"algorithm": "sha256", "value": f.sha256},
            }
            for f in files
        ],
    }


def write_metadata(info: ReleaseInfo, tables: Sequence[PublishedTable], files: Sequence[WrittenFile]) -> WrittenFile:
    text = json.dumps(metadata(info, tables, files), ensure_ascii=False, indent=2, sort_keys=False)
    return _file(info, FileKind.METADATA, text.encode("utf-8"))


def write_all(info: ReleaseInfo, tables: Sequence[PublishedTable]) -> list[WrittenFile]:
    """Every file of a release; the metadata last, with the checksums of the others."""
    files = [
        write_long_csv(info, tables),
        write_workbook(info, tables),
        write_parquet(info, tables),
        write_methodology(info, tables),
        write_methodology_pdf(info, tables),
    ]
    return [*files, write_metadata(info, tables, files)]
