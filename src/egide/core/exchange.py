"""Read and write tabular files (CSV, XLSX) for imports and exports, without domain knowledge.

Reading turns a file into a header and numbered rows of raw cells; the row numbers are
those the user sees in a spreadsheet (the header is row 1). Cell parsers turn one raw
cell into a value or raise `InvalidCell` with a reason in French; a domain module adds
the column and the row to make a `RowError`. Writing escapes text that a spreadsheet
would run as a formula.
"""

import csv
import datetime
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from egide.core.text import fold

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 200
FORMATS = ("csv", "xlsx")

Cell = str | int | float | bool | datetime.date | datetime.datetime | None

# Spreadsheets run a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DELIMITERS = (";", ",", "\t")
_LIST_SEPARATOR = ";"


class ExchangeError(Exception):
    """The file as a whole cannot be read; the message is in French, for the user."""


class InvalidCell(ValueError):  # noqa: N818  (a reason, raised and caught like ValueError)
    """One cell does not hold a valid value; the message is in French, for the user."""


@dataclass(frozen=True)
class RowError:
    """A problem at a row and column of an imported file.

    `row` is the spreadsheet row (the header is row 1; 0 means the file as a whole);
    `column` is the header of the column, or "" for the whole row.
    """

    row: int
    column: str
    value: str
    message: str

    @property
    def is_file_error(self) -> bool:
        return self.row <= 1

    def __str__(self) -> str:
        place = "Fichier" if self.row == 0 else f"Ligne {self.row}"
        if self.column:
            place += f", colonne {self.column}"
        if self.value:
            place += f" (« {self.value} »)"
        return f"{place} : {self.message}"


class ReportCounts:
    """What an import report says of its rows and errors; the report holds `rows` and `errors`."""

    rows: Sequence[Any]
    errors: list[RowError]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def blocking(self) -> bool:
        """Errors about the file itself (unreadable, unknown column) forbid any import."""
        return any(e.is_file_error for e in self.errors)

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors if not e.is_file_error})

    @property
    def valid_rows(self) -> int:
        return len(self.rows)


@dataclass
class Table:
    """The content of a file: its header cells and its non-empty rows, numbered as in a spreadsheet."""

    headers: list[str]
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)


# Reading --------------------------------------------------------------------------------


def file_format(filename: str, data: bytes) -> str:
    """Return "csv" or "xlsx" from the file name, or raise `ExchangeError`."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "xlsx" or (not suffix and data.startswith(b"PK\x03\x04")):
        return "xlsx"
    if suffix in {"csv", "txt"}:
        return "csv"
    if suffix in {"xls", "ods"}:
        raise ExchangeError(
            f"Le format .{suffix} n'est pas pris en charge : enregistrez le fichier au format .xlsx ou .csv."
        )
    raise ExchangeError("Format de fichier non reconnu : envoyez un fichier .csv ou .xlsx.")


def read_table(data: bytes, filename: str) -> Table:
    """Read a CSV or XLSX file into a `Table`, refusing files that are too large."""
    if len(data) > MAX_FILE_BYTES:
        raise ExchangeError(
            f"Le fichier pèse {len(data) / 1024 / 1024:.1f} Mo ; la taille maximale est de "
            f"{MAX_FILE_BYTES // 1024 // 1024} Mo. Découpez-le en plusieurs fichiers."
        )
    if not data.strip():
        raise ExchangeError("Le fichier est vide.")
    rows = _read_xlsx(data) if file_format(filename, data) == "xlsx" else _read_csv(data)
    return _table(rows)


def _table(rows: Iterator[list[Cell]]) -> Table:
    header = next(rows, None)
    if header is None:
        raise ExchangeError("Le fichier est vide.")
    if len(header) > MAX_COLUMNS:
        raise ExchangeError(f"Le fichier a plus de {MAX_COLUMNS} colonnes.")
    table = Table(headers=[text(h) for h in header])
    for number, cells in enumerate(rows, start=2):
        if all(is_blank(c) for c in cells):
            continue
        if len(table.rows) >= MAX_ROWS:
            raise ExchangeError(
                f"Le fichier a plus de {MAX_ROWS:,} lignes".replace(",", "\u202f")
                + " : découpez-le en plusieurs fichiers."
            )
        table.rows.append((number, cells))
    return table


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # What Excel writes when asked for "Texte Unicode".
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # What Excel on Windows writes when asked for "CSV (séparateur : point-virgule)".
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ExchangeError("Encodage du fichier non reconnu : enregistrez-le en UTF-8.") from None


def detect_delimiter(first_line: str) -> str:
    """Return the delimiter among ";", "," and tab that splits the header line into the most fields."""
    counts = {d: len(next(csv.reader([first_line], delimiter=d), [])) for d in _DELIMITERS}
    return max(_DELIMITERS, key=lambda d: counts[d])


def _read_csv(data: bytes) -> Iterator[list[Cell]]:
    content = _decode(data)
    first_line = content.splitlines()[0] if content else ""
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=detect_delimiter(first_line))
    try:
        for row in reader:
            yield list(row)
    except csv.Error as exc:
        raise ExchangeError(f"Fichier CSV illisible (ligne {reader.line_num}) : {exc}.") from None


def _read_xlsx(data: bytes) -> Iterator[list[Cell]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ExchangeError("Fichier XLSX illisible : enregistrez-le à nouveau depuis votre tableur.") from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            cells = [_xlsx_cell(value) for value in row]
            # Formatting alone makes spreadsheets report empty cells at the end of rows.
            while cells and is_blank(cells[-1]):
                cells.pop()
            yield cells
    finally:
        workbook.close()


def _xlsx_cell(value: Any) -> Cell:
    """Keep the types a parser understands; anything else (times, rich text) as its text."""
    if value is None or isinstance(value, str | int | float | datetime.date):
        return value
    return str(value)


# Cell parsers -----------------------------------------------------------------------------


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _unescape_formula(value: str) -> str:
    """Remove the quote that an export put before text a spreadsheet would run as a formula."""
    if len(value) > 1 and value[0] == "'" and value[1] in _FORMULA_STARTS:
        return value[1:]
    return value


def text(value: Cell) -> str:
    """Return a cell as stripped text; a whole number read as 75056.0 becomes "75056"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return _unescape_formula(str(value).strip()).strip()


def code(value: Cell, width: int) -> str:
    """Return a code as text, restoring the leading zeros a spreadsheet drops from numbers."""
    result = text(value).replace(" ", "").upper()
    if isinstance(value, int | float) and not isinstance(value, bool) and result.isdigit():
        result = result.zfill(width)
    return result


_TRUE = {"oui", "o", "vrai", "true", "yes", "y", "1", "x"}
_FALSE = {"non", "n", "faux", "false", "no", "0"}


def boolean(value: Cell) -> bool | None:
    """Parse oui/non (and the usual synonyms); blank gives None."""
    if isinstance(value, bool):
        return value
    word = fold(text(value))
    if not word:
        return None
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise InvalidCell("valeur attendue : oui ou non")


def integer(value: Cell, minimum: int = 0, maximum: int = 2_147_483_647) -> int | None:
    """Parse a whole number within bounds; blank gives None."""
    if isinstance(value, bool):
        raise InvalidCell("nombre entier attendu")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise InvalidCell("nombre entier attendu")
        number = int(value)
    else:
        raw = text(value).replace(" ", "").replace("\u202f", "").replace("\xa0", "")
        if not raw:
            return None
        if not re.fullmatch(r"[+-]?\d+", raw):
            raise InvalidCell("nombre entier attendu")
        number = int(raw)
    if not minimum <= number <= maximum:
        raise InvalidCell(f"nombre attendu entre {minimum} et {maximum}")
    return number


def decimal(value: Cell, minimum: float, maximum: float) -> float | None:
    """Parse a decimal number (point or comma) within bounds; blank gives None."""
    if isinstance(value, bool):
        raise InvalidCell("nombre attendu")
    if isinstance(value, int | float):
        number = float(value)
    else:
        raw = text(value).replace(" ", "").replace(",", ".")
        if not raw:
            return None
        try:
            number = float(raw)
        except ValueError:
            raise InvalidCell("nombre attendu (par exemple 48.8566)") from None
    if not math.isfinite(number) or not minimum <= number <= maximum:
        raise InvalidCell(f"nombre attendu entre {minimum:g} et {maximum:g}")
    return number


_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def date(value: Cell) -> datetime.date | None:
    """Parse a date written JJ/MM/AAAA or AAAA-MM-JJ, or a spreadsheet date cell; blank gives None."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value)
    if not raw:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise InvalidCell("date invalide : écrire JJ/MM/AAAA ou AAAA-MM-JJ")


def split_list(value: Cell) -> list[str]:
    """Split a cell holding several values separated by ";" into stripped, non-empty items."""
    return [item.strip() for item in text(value).split(_LIST_SEPARATOR) if item.strip()]


class CodeList:
    """A closed list of codes, each recognised by its code or its label, accents and case aside."""

    def __init__(self, choices: Iterable[tuple[str, Any]], aliases: dict[str, str] | None = None) -> None:
        self.choices = [(c, str(label)) for c, label in choices]
        self._lookup: dict[str, str] = {}
        for c, label in self.choices:
            self._lookup[fold(c)] = c
            self._lookup[fold(label)] = c
        for alias, c in (aliases or {}).items():
            self._lookup[fold(alias)] = c

    def parse(self, raw: str) -> str:
        found = self._lookup.get(fold(raw))
        if found is None:
            raise InvalidCell(f"valeur inconnue « {raw} » (voir la feuille « Codes » de l'export)")
        return found

    def parse_many(self, value: Cell) -> list[str]:
        """Parse codes separated by ";"; report every unknown one at once."""
        items = split_list(value)
        unknown = [item for item in items if fold(item) not in self._lookup]
        if unknown:
            listed = ", ".join(f"« {u} »" for u in unknown)
            raise InvalidCell(f"valeur(s) inconnue(s) : {listed} (voir la feuille « Codes » de l'export)")
        return sorted({self._lookup[fold(item)] for item in items})


# Writing ----------------------------------------------------------------------------------


def escape_formula(value: str) -> str:
    """Prefix text that a spreadsheet would run as a formula with a quote."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return escape_formula(value)


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """Write a CSV as French spreadsheets expect it: UTF-8 with a BOM, ";" between cells."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_cell(c) for c in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@dataclass
class Sheet:
    """One sheet of a workbook: `widths` in characters; `text_columns` keep their leading zeros."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    widths: Sequence[int] = ()
    text_columns: frozenset[int] = frozenset()


def _fill_sheet(worksheet: Any, sheet: Sheet) -> None:
    worksheet.title = sheet.title
    worksheet.append(list(sheet.headers))
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    worksheet.freeze_panes = "A2"
    for index, width in enumerate(sheet.widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    for row_number, row in enumerate(sheet.rows, start=2):
        for index, value in enumerate(row, start=1):
            _set_cell(worksheet.cell(row=row_number, column=index), value, (index - 1) in sheet.text_columns)


def _set_cell(cell: Any, value: Cell, as_text: bool) -> None:
    if value is None or value == "":
        if as_text:
            cell.number_format = "@"
        return
    cell.value = value
    if isinstance(value, str):
        # openpyxl stores text starting with "=" as a formula; keep it text, and have
        # spreadsheets show it as typed rather than evaluate it.
        cell.data_type = "s"
        if value.startswith(_FORMULA_STARTS):
            cell.quotePrefix = True
    if as_text:
        cell.number_format = "@"
    elif isinstance(value, datetime.date):
        cell.number_format = "DD/MM/YYYY"


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """Write a workbook: a bold, frozen header row on every sheet."""
    workbook = Workbook()
    _fill_sheet(workbook.active, sheets[0])
    for sheet in sheets[1:]:
        _fill_sheet(workbook.create_sheet(), sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class SystemActor:
    """The author of an audit event when no user acts (a command run by an operator)."""

    label: str
    pk: None = None

    def get_username(self) -> str:
        return self.label
