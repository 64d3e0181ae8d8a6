"""The files of a release say exactly what the published tables say, and nothing suppressed."""

import csv
import datetime
import hashlib
import io
import json

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from egide.observatory.publication.tables import Cell, PublishedTable
from egide.observatory.publication.vocabulary import FileKind
from egide.observatory.publication.writers import ReleaseInfo, write_all

pytestmark = pytest.mark.django_db  # Templates load through the app registry.

SEX = PublishedTable(
    name="persons_sex",
    title="Personnes selon le sexe",
    unit="personnes distinctes",
    row_variable="sex",
    notes=("Une note.",),
    cells=(
        Cell("female", "femme", "", "", 1235),
        Cell("male", "homme", "", "", None, "secondary"),
        Cell("other", "autre", "", "", None, "primary"),
        Cell("total", "Total", "", "", 1450),
    ),
)
FORMS_SEX = PublishedTable(
    name="persons_forms_sex",
    title="Formes × sexe",
    unit="personnes distinctes",
    row_variable="forms",
    column_variable="sex",
    cells=(
        Cell("sexual", "sexuelle", "female", "femme", 900),
        Cell("sexual", "sexuelle", "male", "homme", None, "secondary"),
        Cell("labour", "travail", "female", "femme", 0),
        Cell("labour", "travail", "male", "homme", 35),
    ),
)
INFO = ReleaseInfo(
    title="Victimes de la traite en 2025",
    year=2025,
    slug="egide-observatoire-2025-1",
    rules={"threshold": 10, "rounding_base": 5},
    run_summary={"id": 3, "persons": 1450},
    key_figures={"persons": 1450, "records": 1700},
    created_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
)


@pytest.fixture
def files() -> dict[str, bytes]:
    return {f.kind: f.content for f in write_all(INFO, [SEX, FORMS_SEX])}


def test_every_kind_of_file_is_written(files: dict[str, bytes]) -> None:
    assert set(files) == set(FileKind.values)


def test_the_csv_is_one_long_file_with_empty_values_where_suppressed(files: dict[str, bytes]) -> None:
    text = files[FileKind.CSV].decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 8
    male = next(r for r in rows if r["tableau"] == "persons_sex" and r["code_ligne"] == "male")
    assert male["valeur"] == "" and male["indicateur"] == "secondary"
    assert next(r for r in rows if r["code_ligne"] == "female" and r["tableau"] == "persons_sex")["valeur"] == "1235"


def test_the_workbook_has_one_sheet_per_table_and_notes(files: dict[str, bytes]) -> None:
    book = load_workbook(io.BytesIO(files[FileKind.XLSX]))
    assert book.sheetnames == ["persons_sex", "persons_forms_sex", "Notes"]
    sheet = book["persons_forms_sex"]
    assert [c.value for c in sheet[1]] == ["Formes × sexe", "femme", "homme"]
    assert [c.value for c in sheet[2]] == ["sexuelle", 900, "s"]
    notes = " ".join(str(c.value) for row in book["Notes"].iter_rows() for c in row)
    assert "Licence Ouverte 2.0" in notes and "secret statistique" in notes


def test_the_parquet_file_reads_back_with_nulls_where_suppressed(files: dict[str, bytes]) -> None:
    table = pq.read_table(io.BytesIO(files[FileKind.PARQUET]))
    assert table.num_rows == 8
    values = dict(zip(table.column("code_ligne").to_pylist()[:4], table.column("valeur").to_pylist()[:4], strict=True))
    assert values == {"female": 1235, "male": None, "other": None, "total": 1450}
    assert table.schema.metadata[b"licence"] == b"Licence Ouverte 2.0"


def test_the_metadata_carries_the_checksum_of_every_other_file(files: dict[str, bytes]) -> None:
    metadata = json.loads(files[FileKind.METADATA])
    assert metadata["license"] == "Licence Ouverte 2.0" and metadata["year"] == 2025
    assert metadata["disclosure_control"] == {"threshold": 10, "rounding_base": 5}
    checksums = {d["format"]: d["checksum"]["value"] for d in metadata["distributions"]}
    for kind, extension in (
        (FileKind.CSV, "csv"),
        (FileKind.XLSX, "xlsx"),
        (FileKind.PARQUET, "parquet"),
        (FileKind.METHODOLOGY, "md"),
    ):
        assert checksums[extension] == hashlib.sha256(files[kind]).hexdigest()
    assert [t["suppressed_cells"] for t in metadata["tables"]] == [2, 1]


def test_the_methodology_note_names_the_rules_and_the_tables(files: dict[str, bytes]) -> None:
    note = files[FileKind.METHODOLOGY].decode()
    assert "Secret statistique" in note and "Formes × sexe" in note and "arrondis à 5" in note


def test_the_methodology_note_is_also_printed_to_pdf(files: dict[str, bytes]) -> None:
    assert files[FileKind.METHODOLOGY_PDF].startswith(b"%PDF")
