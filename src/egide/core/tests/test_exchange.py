"""Reading and writing tabular files: encodings, delimiters, limits, cell parsers, formula escaping."""

import datetime
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from egide.core import exchange as x

COLOURS = x.CodeList([("red", "rouge"), ("green", "vert clair"), ("blue", "bleu ciel")], aliases={"azur": "blue"})


def xlsx_bytes(rows: list[list[x.Cell]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_csv_with_bom_and_semicolons_is_read_with_spreadsheet_row_numbers() -> None:
    data = "\ufeffnom;commune\r\nÉlan;Évry\r\n;\r\nAube;Lyon\r\n".encode()
    table = x.read_table(data, "orgs.csv")
    assert table.headers == ["nom", "commune"]
    # The blank row 3 is skipped, but the next row keeps the number the user sees.
    assert table.rows == [(2, ["Élan", "Évry"]), (4, ["Aube", "Lyon"])]


def test_windows_1252_csv_is_decoded() -> None:
    data = "nom;commune\nFoyer Sainte-Hélène;Saint-Étienne\n".encode("cp1252")
    table = x.read_table(data, "export-excel.csv")
    assert table.rows == [(2, ["Foyer Sainte-Hélène", "Saint-Étienne"])]


@pytest.mark.parametrize(("line", "delimiter"), [("a;b;c", ";"), ("a,b,c", ","), ("a\tb\tc", "\t"), ("a;b,c;d", ";")])
def test_delimiter_is_the_one_that_splits_the_header_most(line: str, delimiter: str) -> None:
    assert x.detect_delimiter(line) == delimiter


def test_comma_csv_with_quoted_semicolons_keeps_its_cells() -> None:
    table = x.read_table(b'nom,services\r\n"A, B","x; y"\r\n', "f.csv")
    assert table.rows == [(2, ["A, B", "x; y"])]


def test_file_over_the_size_limit_is_refused_in_french() -> None:
    with pytest.raises(x.ExchangeError, match="taille maximale est de 5 Mo"):
        x.read_table(b"a\n" + b"x" * x.MAX_FILE_BYTES, "big.csv")


def test_file_over_the_row_limit_is_refused_in_french() -> None:
    data = b"nom\n" + b"a\n" * (x.MAX_ROWS + 1)
    with pytest.raises(x.ExchangeError, match="plus de 20\u202f000 lignes"):
        x.read_table(data, "long.csv")


def test_file_at_the_row_limit_is_read() -> None:
    assert len(x.read_table(b"nom\n" + b"a\n" * x.MAX_ROWS, "ok.csv").rows) == x.MAX_ROWS


@pytest.mark.parametrize(("name", "message"), [("a.xls", "format .xls"), ("a.pdf", "non reconnu"), ("a.ods", ".ods")])
def test_unsupported_formats_are_named(name: str, message: str) -> None:
    with pytest.raises(x.ExchangeError, match=message):
        x.read_table(b"whatever", name)


def test_broken_xlsx_is_reported_not_raised_as_a_crash() -> None:
    with pytest.raises(x.ExchangeError, match="XLSX illisible"):
        x.read_table(b"PK\x03\x04 not really a zip", "f.xlsx")


def test_xlsx_keeps_text_codes_and_types_of_cells() -> None:
    data = xlsx_bytes([["code", "n", "quand"], ["01001", 75056.0, datetime.datetime(2024, 3, 1)], ["2A004", 3, None]])
    table = x.read_table(data, "f.xlsx")
    assert table.rows[0] == (2, ["01001", 75056, datetime.datetime(2024, 3, 1)])
    assert table.rows[1][1][0] == "2A004"


def test_numbers_read_from_a_spreadsheet_become_codes_with_their_leading_zeros() -> None:
    assert x.code(75056.0, 5) == "75056"
    assert x.code(1001.0, 5) == "01001"
    assert x.code(1, 2) == "01"
    assert x.code("2a004", 5) == "2A004"
    assert x.code(" 01 001 ", 5) == "01001"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("oui", True), ("Non", False), ("VRAI", True), ("0", False), (True, True), ("", None), (None, None)],
)
def test_booleans(value: x.Cell, expected: bool | None) -> None:
    assert x.boolean(value) is expected


def test_boolean_refuses_other_words() -> None:
    with pytest.raises(x.InvalidCell, match="oui ou non"):
        x.boolean("peut-être")


@pytest.mark.parametrize(("value", "expected"), [("12", 12), (12.0, 12), (" 1 200 ", 1200), ("", None), (None, None)])
def test_integers(value: x.Cell, expected: int | None) -> None:
    assert x.integer(value) == expected


@pytest.mark.parametrize("value", ["douze", "1.5", 1.5, "-1", True])
def test_integer_refuses_non_whole_or_negative(value: x.Cell) -> None:
    with pytest.raises(x.InvalidCell):
        x.integer(value)


def test_decimal_accepts_a_french_comma_and_checks_bounds() -> None:
    assert x.decimal("48,8566", -90, 90) == 48.8566
    with pytest.raises(x.InvalidCell, match="entre -90 et 90"):
        x.decimal("91", -90, 90)
    with pytest.raises(x.InvalidCell):
        x.decimal("nan", -90, 90)


@pytest.mark.parametrize(
    "value", ["15/03/2023", "2023-03-15", datetime.datetime(2023, 3, 15), datetime.date(2023, 3, 15)]
)
def test_dates(value: x.Cell) -> None:
    assert x.date(value) == datetime.date(2023, 3, 15)


@pytest.mark.parametrize("value", ["31/02/2023", "2023/03/15", "15-03-2023", "mars 2023"])
def test_bad_dates_say_which_formats_are_expected(value: str) -> None:
    with pytest.raises(x.InvalidCell, match="JJ/MM/AAAA ou AAAA-MM-JJ"):
        x.date(value)


def test_code_list_reports_every_unknown_value() -> None:
    with pytest.raises(x.InvalidCell, match="« violet », « jaune »"):
        COLOURS.parse_many("rouge; violet; jaune")


@given(
    st.lists(st.sampled_from(COLOURS.choices), max_size=6),
    st.lists(st.sampled_from(["", " ", "  ", "\t"]), min_size=14, max_size=14),
    st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_codes_or_labels_joined_with_semicolons_and_any_spacing_parse_back_to_the_same_set(
    picked: list[tuple[str, str]], spaces: list[str], use_label: list[bool]
) -> None:
    items = [label.upper() if by_label else code for (code, label), by_label in zip(picked, use_label, strict=False)]
    cell = ";".join(f"{spaces[i]}{item}{spaces[-i - 1]}" for i, item in enumerate(items))
    assert COLOURS.parse_many(cell) == sorted({code for code, _ in picked[: len(items)]})


def test_code_list_ignores_accents_and_case_and_knows_aliases() -> None:
    assert COLOURS.parse("Bleu Ciel") == "blue"
    assert COLOURS.parse("AZUR") == "blue"
    assert x.CodeList([("x", "hébergement d'urgence")]).parse("Hebergement d urgence") == "x"


def test_row_error_reads_as_the_user_expects() -> None:
    error = x.RowError(4, "siret", "1234", "numéro SIRET invalide")
    assert str(error) == "Ligne 4, colonne siret (« 1234 ») : numéro SIRET invalide"
    assert str(x.RowError(0, "", "", "Le fichier est vide.")) == "Fichier : Le fichier est vide."
    assert str(x.RowError(7, "nom", "", "valeur obligatoire")) == "Ligne 7, colonne nom : valeur obligatoire"


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://x")', "+33 1 23", "-2+3", "@SUM(A1)", "\tx"])
def test_csv_export_escapes_formulas_and_import_restores_the_text(dangerous: str) -> None:
    data = x.write_csv(["a", "n"], [[dangerous, -1.5]])
    assert data.startswith("\ufeff".encode())
    table = x.read_table(data, "f.csv")
    raw = table.rows[0][1]
    assert raw[0] == "'" + dangerous
    # A number stays a number: -1.5 is not a formula.
    assert raw[1] == "-1.5"
    assert x.text(raw[0]) == dangerous.strip()


def test_xlsx_export_writes_formulas_as_text() -> None:
    data = x.write_xlsx([x.Sheet("S", ["a"], [["=1+1"], ["01001"]], [10], frozenset({0}))])
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "=1+1"
    assert sheet["A2"].quotePrefix
    assert sheet["A3"].value == "01001"
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert x.read_table(data, "f.xlsx").rows == [(2, ["=1+1"]), (3, ["01001"])]


def test_system_actor_behaves_like_a_user_for_the_audit() -> None:
    actor = x.SystemActor("egide import")
    assert actor.pk is None and actor.get_username() == "egide import"
