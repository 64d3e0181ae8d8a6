"""The survey spreadsheet: its template, its import cell by cell, nothing written on error."""

import base64
import datetime
import io
from typing import Any

from openpyxl import load_workbook

from egide.observatory.models import Submission
from egide.observatory.survey import AGGREGATES, LISTS, NOTICE, PERSONS, read_survey, survey_template
from egide.observatory.tests.builders import PEOPLE, encoded_file, upload
from egide.observatory.vocabulary import Channel

YEAR = datetime.date.today().year - 1
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filled(persons: list[list[Any]], counts: dict[int, tuple[Any, Any]] | None = None) -> bytes:
    workbook = load_workbook(io.BytesIO(survey_template(YEAR)))
    aggregates = workbook[AGGREGATES]
    for row, (identified, supported) in (counts or {2: (4, 7)}).items():
        aggregates.cell(row=row, column=6, value=identified)
        aggregates.cell(row=row, column=7, value=supported)
    sheet = workbook[PERSONS]
    for values in persons:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _person(record_id: str, status: str = "accompagnée", sex: str = "femme", forms: str = "exploitation sexuelle",
            nationality: str = "NGA", clk: str = "", tokens: str = "") -> list[Any]:  # fmt: skip
    # Identifiant, then the variables in the schema's order without the region, then the encodings.
    return [record_id, status, sex, "25 à 34 ans", "non", "non", nationality, forms, "", "oui", "", "", "", "", "",
            clk, tokens]  # fmt: skip


def test_the_template_has_its_sheets_and_drop_down_lists() -> None:
    workbook = load_workbook(io.BytesIO(survey_template(YEAR)))
    assert workbook.sheetnames == [NOTICE, AGGREGATES, PERSONS, LISTS]
    assert str(YEAR) in workbook[NOTICE]["A2"].value
    persons = workbook[PERSONS]
    assert persons["B1"].value == "situation" and persons.data_validations.dataValidation
    assert workbook[AGGREGATES]["B2"].value == "exploitation sexuelle"


def test_a_filled_spreadsheet_is_read_with_labels_turned_into_codes() -> None:
    report = read_survey(_filled([_person("p1"), _person("p2", "repérée", "homme", "mendicité forcée|autre")]))
    assert not report.errors, [str(e) for e in report.errors]
    assert [r.record_id for r in report.records] == ["p1", "p2"]
    assert report.records[1].variables["forms"] == ["BEGGING", "OTHER"]
    assert report.records[1].variables["status"] == "identified"
    assert report.records[0].variables["region_of_origin"] == "africa_subsaharan"
    assert not report.records[0].linkable
    assert report.aggregates["by_form"] == [
        {"status": "identified", "forms": ["SEXUAL"], "sex": "female", "minor_now": "yes", "count": 4},
        {"status": "supported", "forms": ["SEXUAL"], "sex": "female", "minor_now": "yes", "count": 7},
    ]


def test_every_error_is_reported_with_its_sheet_row_and_column() -> None:
    data = _filled(
        [
            _person("p1", sex="femelle"),
            _person("", nationality="XYZ"),
            _person("p1"),
            _person("p4", clk="pas du base64!"),
        ],
        counts={2: (-1, "beaucoup")},
    )
    report = read_survey(data)
    found = {(e.sheet, e.row, e.column) for e in report.errors}
    assert (AGGREGATES, 2, "Repérées") in found and (AGGREGATES, 2, "Accompagnées") in found
    assert (PERSONS, 2, "sexe") in found
    assert (PERSONS, 3, "Identifiant") in found
    assert (PERSONS, 5, "Encodage (clk)") in found
    assert any(e.row == 4 and "déjà donné ligne 2" in e.message for e in report.errors)  # p1 again
    assert report.blocking  # errors in the aggregates forbid any import
    assert "Feuille « Agrégats », ligne 2, colonne « Repérées »" in str(report.errors[0])


def test_with_pasted_encodings_the_key_fingerprint_is_required(linkage_key: Any) -> None:
    encoded = encoded_file(linkage_key, PEOPLE[:1], YEAR)
    clk = base64.b64encode(encoded.encodings.clks[0].tobytes()).decode()
    tokens = "|".join(f"{name}={values[0]}" for name, values in encoded.encodings.tokens.items() if values[0])
    data = _filled([_person("p1", clk=clk, tokens=tokens)])
    assert any("empreinte de la clé absente" in e.message for e in read_survey(data).errors)
    report = read_survey(data, fingerprint=linkage_key.fingerprint)
    assert not report.errors and report.records[0].linkable and report.records[0].tokens


def test_the_import_writes_nothing_on_error_unless_the_valid_rows_are_chosen(
    login: Any, statistician: Any, holder: Any
) -> None:
    client = login(statistician)
    template = client.get("/observatoire/enquete/modele.xlsx")
    assert template.status_code == 200 and template["Content-Type"] == XLSX

    data = _filled([_person("p1"), _person("p2", sex="femelle")])
    form = {"organisation": holder.pk, "year": YEAR, "fingerprint": ""}
    response = client.post("/observatoire/enquete/", {**form, "file": upload(data, "enquete.xlsx")})
    assert response.status_code == 302 and response["Location"] == "/observatoire/enquete/rapport/"
    report = client.get(response["Location"]).content.decode()
    assert "1 ligne en erreur" in report and "femelle" in report
    token = client.session["observatory_survey"]["token"]

    refused = client.post("/observatoire/enquete/confirmer/", {"token": token, "choice": "import"})
    assert refused.status_code == 302 and not Submission.objects.exists()

    done = client.post("/observatoire/enquete/confirmer/", {"token": token, "choice": "import_valid"})
    submission = Submission.objects.get()
    assert done["Location"] == f"/observatoire/soumissions/{submission.pk}/"
    assert submission.channel == Channel.SURVEY and submission.record_count == 1 and submission.linkable_count == 0
    assert submission.aggregates["by_form"][0]["count"] == 4
