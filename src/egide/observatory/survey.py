"""The survey spreadsheet: an XLSX template for holders that do not use Égide, and its import.

Sheets: « Notice » (how to fill it), « Agrégats » (the compulsory part: numbers of persons
repérées and accompagnées by form of exploitation × sex × minor or adult, and by region of
origin; every row is printed, only the numbers are typed), « Personnes » (optional, one
row per person: the coded variables chosen from drop-down lists, and the encodings pasted
from `egide encode` when the holder has them), and « Listes » (the lists behind the
drop-downs). A person row without encoding counts as declared and as a separate person.

The import checks every cell and reports each problem with its sheet, row, column and a
French reason. Errors in the aggregates block the import; rows of « Personnes » with
errors may be left out if the user asks to import the valid rows only.
"""

import base64
import binascii
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from egide.core import exchange as x
from egide.core.text import fold
from egide.observatory.incoming import Incoming, IncomingRecord
from egide.observatory.vocabulary import Channel
from egide_analytics.submission import (
    BY_NAME,
    LIST_SEPARATOR,
    REGION_LABELS,
    VARIABLES,
    VariableError,
    clean_variables,
)

NOTICE, AGGREGATES, PERSONS, LISTS = "Notice", "Agrégats", "Personnes", "Listes"
AGG_HEADERS = ("Tableau", "Forme d'exploitation", "Sexe", "Âge", "Région d'origine", "Repérées", "Accompagnées")
BY_FORM, BY_REGION = "Par forme, sexe et âge", "Par région d'origine"
AGE_LABELS = {"yes": "mineure", "no": "majeure"}
ID_HEADER, CLK_HEADER, TOKENS_HEADER = "Identifiant", "Encodage (clk)", "Jetons"
# `region_of_origin` is derived from the nationality; `status` is asked first.
PERSON_VARIABLES = tuple(v for v in VARIABLES if v.name != "region_of_origin")
MAX_PERSON_ROWS = 20_000


@dataclass(frozen=True)
class SurveyError:
    """A problem at a cell of the survey spreadsheet (row 0: the sheet or the file as a whole)."""

    sheet: str
    row: int
    column: str
    value: str
    message: str

    @property
    def blocking(self) -> bool:
        return self.sheet != PERSONS or self.row <= 1

    def __str__(self) -> str:
        place = f"Feuille « {self.sheet} »" if self.sheet else "Fichier"
        if self.row:
            place += f", ligne {self.row}"
        if self.column:
            place += f", colonne « {self.column} »"
        if self.value:
            place += f" (« {self.value} »)"
        return f"{place} : {self.message}"


@dataclass
class SurveyReport:
    aggregates: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    records: list[IncomingRecord] = field(default_factory=list)
    errors: list[SurveyError] = field(default_factory=list)
    fingerprint: str = ""

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def blocking(self) -> bool:
        return any(e.blocking for e in self.errors)

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors if e.sheet == PERSONS and e.row > 1})

    @property
    def valid_rows(self) -> int:
        return len(self.records)

    def incoming(self, year: int, *, file_sha256: str) -> Incoming:
        from egide_analytics.linkage import EncodingParameters

        linkable = any(r.linkable for r in self.records)
        return Incoming(
            year=year,
            channel=Channel.SURVEY,
            records=self.records,
            aggregates=self.aggregates,
            encoding_parameters=EncodingParameters().to_dict() if linkable else {},
            key_fingerprint=self.fingerprint if linkable else "",
            file_sha256=file_sha256,
        )


# The template -------------------------------------------------------------------------------


def _aggregate_rows() -> Iterator[tuple[str, str, str, str, str]]:
    forms, sexes = BY_NAME["forms"].codes, BY_NAME["sex"].codes
    for form_label in forms.values():
        for sex_label in sexes.values():
            for age_label in AGE_LABELS.values():
                yield BY_FORM, form_label, sex_label, age_label, ""
    for region_label in REGION_LABELS.values():
        yield BY_REGION, "", "", "", region_label


def _notice(sheet: Any, year: int | None) -> None:
    lines = [
        "Enquête annuelle sur les victimes de la traite des êtres humains — tableur de transmission Égide",
        f"Année déclarée : {year}" if year else "Année déclarée : celle choisie au moment de l'envoi.",
        "",
        "1. Feuille « Agrégats » (obligatoire) : pour chaque ligne, indiquez le nombre de personnes repérées",
        "   (identifiées sans accompagnement dans l'année) et accompagnées (suivies dans l'année).",
        "   Laissez 0 ou vide si aucune. Ne modifiez pas les colonnes de libellés. Chaque personne compte une fois,",
        "   sous sa forme d'exploitation principale ; le tableau par région d'origine compte les mêmes personnes.",
        "2. Feuille « Personnes » (facultative) : une ligne par personne,",
        "   valeurs choisies dans les listes déroulantes.",
        f"   Plusieurs formes d'exploitation ou accompagnements : séparez-les par « {LIST_SEPARATOR} ».",
        "   Identifiant : un numéro propre à votre structure, sans nom ni référence de dossier.",
        "3. Encodage (facultatif) : si vous utilisez « egide encode », collez la colonne clk et les jetons",
        "   produits par l'outil. Sans encodage, chaque ligne compte comme une personne distincte.",
        "",
        "Ne saisissez jamais de nom, de date de naissance complète ni de numéro de dossier :",
        "seuls des codes sont transmis.",
    ]
    sheet.title = NOTICE
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 120


def _aggregates_sheet(sheet: Any) -> None:
    sheet.append(list(AGG_HEADERS))
    for row in _aggregate_rows():
        sheet.append([*row, 0, 0])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "F2"
    for index, width in enumerate((24, 42, 12, 10, 34, 12, 14), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    counts = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    counts.error = "Un nombre entier positif ou nul."
    sheet.add_data_validation(counts)
    counts.add(f"F2:G{sheet.max_row}")
    fill = PatternFill("solid", fgColor="EEEEEE")
    for row in sheet.iter_rows(min_row=2, max_col=5):
        for cell in row:
            cell.fill = fill


def _lists_sheet(sheet: Any) -> dict[str, str]:
    """Write one column of labels per variable; return the range of each, for the drop-downs."""
    sheet.title = LISTS
    ranges: dict[str, str] = {}
    for index, variable in enumerate(PERSON_VARIABLES, start=1):
        if variable.name == "nationality":
            continue
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=variable.title).font = Font(bold=True)
        for row, label in enumerate(variable.codes.values(), start=2):
            sheet.cell(row=row, column=index, value=label)
        ranges[variable.name] = f"{quote_sheetname(LISTS)}!${letter}$2:${letter}${len(variable.codes) + 1}"
    sheet.sheet_state = "hidden"
    return ranges


def _persons_sheet(sheet: Any, ranges: dict[str, str]) -> None:
    headers = [ID_HEADER, *(v.title for v in PERSON_VARIABLES), CLK_HEADER, TOKENS_HEADER]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    sheet.freeze_panes = "B2"
    for index, variable in enumerate(PERSON_VARIABLES, start=2):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 22
        if variable.name not in ranges:
            continue
        # Lists of several codes are typed « A|B »: the drop-down helps but does not refuse.
        validation = DataValidation(type="list", formula1=ranges[variable.name], allow_blank=True)
        validation.showErrorMessage = not variable.multiple
        validation.error = f"Choisissez une valeur de la liste « {variable.title} »."
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{MAX_PERSON_ROWS + 1}")
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions[get_column_letter(len(headers) - 1)].width = 40
    sheet.column_dimensions[get_column_letter(len(headers))].width = 40


def survey_template(year: int | None = None) -> bytes:
    """Return the survey spreadsheet template (XLSX)."""
    workbook = Workbook()
    _notice(workbook.active, year)
    _aggregates_sheet(workbook.create_sheet(AGGREGATES))
    persons = workbook.create_sheet(PERSONS)
    ranges = _lists_sheet(workbook.create_sheet(LISTS))
    _persons_sheet(persons, ranges)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# The import ---------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def _count(value: Any) -> int:
    return x.integer(value, minimum=0, maximum=1_000_000) or 0


def _code_of(variable_title: str, codes: dict[str, str], raw: str) -> str:
    """Return the code whose label (or the code itself) is `raw`, accents and case aside."""
    lookup = {fold(code): code for code in codes} | {fold(label): code for code, label in codes.items()}
    found = lookup.get(fold(raw))
    if found is None:
        raise x.InvalidCell(f"valeur inconnue de « {variable_title} » : choisissez-la dans la liste déroulante")
    return found


def _read_aggregates(rows: list[tuple[Any, ...]], report: SurveyReport) -> None:
    expected = list(_aggregate_rows())
    header = [_cell_text(v) for v in (rows[0] if rows else ())]
    if header[: len(AGG_HEADERS)] != list(AGG_HEADERS):
        report.errors.append(
            SurveyError(AGGREGATES, 1, "", "", "en-têtes modifiés : repartez du modèle téléchargé sur Égide.")
        )
        return
    body = [r for r in rows[1:] if any(v not in (None, "") for v in r)]
    if [tuple(_cell_text(v) for v in r[:5]) for r in body] != expected:
        report.errors.append(
            SurveyError(
                AGGREGATES, 0, "", "", "lignes de libellés modifiées, ajoutées ou supprimées : repartez du modèle."
            )
        )
        return
    forms = {label: code for code, label in BY_NAME["forms"].codes.items()}
    sexes = {label: code for code, label in BY_NAME["sex"].codes.items()}
    ages = {label: code for code, label in AGE_LABELS.items()}
    regions = {label: code for code, label in REGION_LABELS.items()}
    by_form: list[dict[str, Any]] = []
    by_region: list[dict[str, Any]] = []
    for number, row in enumerate(body, start=2):
        for column, status in ((5, "identified"), (6, "supported")):
            value = row[column] if len(row) > column else None
            try:
                count = _count(value)
            except x.InvalidCell as error:
                report.errors.append(
                    SurveyError(AGGREGATES, number, AGG_HEADERS[column], _cell_text(value), str(error))
                )
                continue
            if not count:
                continue
            if row[0] == BY_FORM:
                cell = {"status": status, "forms": [forms[row[1]]], "sex": sexes[row[2]], "minor_now": ages[row[3]]}
                by_form.append({**cell, "count": count})
            else:
                by_region.append({"status": status, "region_of_origin": regions[row[4]], "count": count})
    report.aggregates = {"by_form": by_form, "by_region": by_region}


def _parse_tokens(text: str) -> dict[str, str]:
    tokens: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.replace(";", LIST_SEPARATOR).split(LIST_SEPARATOR))):
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise x.InvalidCell(
                "jetons attendus sous la forme « nom=valeur|nom=valeur », tels que produits par egide encode"
            )
        tokens[name.strip()] = value.strip().lower()
    return tokens


def _person_value(variable_name: str, raw: str) -> str | list[str]:
    """Turn labels (or codes) into codes; the cleaning that follows checks them."""
    variable = BY_NAME[variable_name]
    if variable.name == "nationality" or not raw:
        return raw
    codes = dict(variable.codes)
    if variable.multiple:
        return [_code_of(variable.title, codes, item) for item in x.split_list(raw.replace(LIST_SEPARATOR, ";"))]
    return _code_of(variable.title, codes, raw)


def _read_person(number: int, header: list[str], row: tuple[Any, ...], report: SurveyReport) -> IncomingRecord | None:
    values = {h: _cell_text(row[i]) if i < len(row) else "" for i, h in enumerate(header)}
    errors_before = len(report.errors)
    record_id = values.get(ID_HEADER, "")
    if not record_id:
        report.errors.append(SurveyError(PERSONS, number, ID_HEADER, "", "identifiant obligatoire"))
    elif len(record_id) > 64:
        report.errors.append(SurveyError(PERSONS, number, ID_HEADER, record_id[:20], "64 caractères au plus"))
    raw: dict[str, str | list[str] | None] = {}
    for variable in PERSON_VARIABLES:
        text = values.get(variable.title, "")
        try:
            raw[variable.name] = _person_value(variable.name, text)
        except x.InvalidCell as error:
            report.errors.append(SurveyError(PERSONS, number, variable.title, text, str(error)))
    variables: dict[str, str | list[str]] = {}
    if len(report.errors) == errors_before:
        try:
            variables = clean_variables(raw)
        except VariableError as error:
            report.errors.append(
                SurveyError(
                    PERSONS, number, BY_NAME[error.variable].title, str(raw.get(error.variable) or ""), error.message
                )
            )
    clk, tokens = b"", {}
    try:
        clk = base64.b64decode(values.get(CLK_HEADER, ""), validate=True)
    except (binascii.Error, ValueError):
        report.errors.append(
            SurveyError(PERSONS, number, CLK_HEADER, values[CLK_HEADER][:20], "encodage base64 invalide")
        )
    try:
        tokens = _parse_tokens(values.get(TOKENS_HEADER, ""))
    except x.InvalidCell as error:
        report.errors.append(SurveyError(PERSONS, number, TOKENS_HEADER, values[TOKENS_HEADER][:20], str(error)))
    if len(report.errors) != errors_before:
        return None
    return IncomingRecord(record_id, variables, clk, tokens)


def _read_persons(rows: list[tuple[Any, ...]], report: SurveyReport) -> None:
    if not rows:
        return
    header = [_cell_text(v) for v in rows[0]]
    expected = [ID_HEADER, *(v.title for v in PERSON_VARIABLES), CLK_HEADER, TOKENS_HEADER]
    missing = [h for h in expected if h not in header]
    if missing:
        report.errors.append(
            SurveyError(PERSONS, 1, ", ".join(missing), "", "colonne(s) absente(s) : repartez du modèle téléchargé.")
        )
        return
    if len(rows) - 1 > MAX_PERSON_ROWS:
        report.errors.append(SurveyError(PERSONS, 0, "", "", f"au plus {MAX_PERSON_ROWS} personnes par fichier"))
        return
    seen: dict[str, int] = {}
    id_column = header.index(ID_HEADER)
    for number, row in enumerate(rows[1:], start=2):
        if all(v in (None, "") for v in row):
            continue
        record_id = _cell_text(row[id_column]) if id_column < len(row) else ""
        if record_id and record_id in seen:
            message = f"identifiant déjà donné ligne {seen[record_id]}"
            report.errors.append(SurveyError(PERSONS, number, ID_HEADER, record_id, message))
            continue
        seen.setdefault(record_id, number)
        record = _read_person(number, header, row, report)
        if record is not None:
            report.records.append(record)


def read_survey(data: bytes, *, fingerprint: str = "") -> SurveyReport:
    """Validate a filled survey spreadsheet cell by cell; `fingerprint` is the key of pasted encodings."""
    report = SurveyReport(fingerprint=fingerprint)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        report.errors.append(SurveyError("", 0, "", "", "fichier illisible : envoyez le tableur .xlsx de l'enquête."))
        return report
    for name in (AGGREGATES, PERSONS):
        if name not in workbook.sheetnames:
            report.errors.append(SurveyError(name, 0, "", "", "feuille absente : repartez du modèle téléchargé."))
    if report.errors:
        return report
    _read_aggregates([tuple(r) for r in workbook[AGGREGATES].iter_rows(values_only=True)], report)
    _read_persons([tuple(r) for r in workbook[PERSONS].iter_rows(values_only=True)], report)
    if not report.records and not any(report.aggregates.values()) and not report.errors:
        report.errors.append(
            SurveyError(AGGREGATES, 0, "", "", "aucun nombre ni aucune personne : le tableur est vide.")
        )
    if any(r.linkable for r in report.records) and not fingerprint:
        report.errors.append(
            SurveyError(PERSONS, 0, CLK_HEADER, "", "empreinte de la clé absente : indiquez-la avec le fichier.")
        )
    return report
