"""Read a data holder's table (CSV or XLSX) as text cells, whatever its delimiter and encoding.

CSV: UTF-8 (with or without BOM), else Windows-1252/Latin-1; delimiter « ; », « , » or tab,
detected on the header line. XLSX: the first sheet (or a named one); dates become
« AAAA-MM-JJ », whole numbers lose their « .0 ».
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path


class TableError(ValueError):
    """The table cannot be read; the message is French."""


@dataclass
class Table:
    """Column names and rows of text; `first_row` is the spreadsheet number of the first data row."""

    columns: list[str]
    rows: list[list[str]]
    first_row: int = 2


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _read_csv(path: Path) -> Table:
    text = _decode(path.read_bytes())
    header = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=header.count)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        raise TableError(f"{path.name} est vide.")
    columns = [column.strip() for column in rows[0]]
    return Table(columns, [_padded(row, len(columns)) for row in rows[1:]])


def _padded(row: list[str], width: int) -> list[str]:
    return [cell.strip() for cell in row[:width]] + [""] * (width - len(row))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of errors on a damaged file
        raise TableError(f"{path.name} n'est pas un classeur XLSX lisible ({error}).") from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise TableError(f"Feuille « {sheet} » absente de {path.name} : {', '.join(workbook.sheetnames)}.")
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        rows = [[_cell(value) for value in row] for row in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not rows:
        raise TableError(f"{path.name} est vide.")
    columns = rows[0]
    while columns and not columns[-1]:
        columns.pop()
    return Table(columns, [_padded(row, len(columns)) for row in rows[1:]])


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """Return the table at `path`; every row is kept, so that row numbers match the spreadsheet."""
    path = Path(path)
    if not path.is_file():
        raise TableError(f"Fichier introuvable : {path}.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        table = _read_xlsx(path, sheet)
    else:
        raise TableError(f"Format « {path.suffix} » non pris en charge : .csv ou .xlsx.")
    duplicates = sorted({c for c in table.columns if c and table.columns.count(c) > 1})
    if duplicates:
        raise TableError(f"Colonne(s) en double dans l'en-tête : {', '.join(duplicates)}.")
    return table
