"""HTCDS v2.0 exchange: export columns and codes without identity values, import cell by cell, all or nothing."""

import csv
import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from openpyxl import Workbook, load_workbook

from egide.accounts.roles import Role
from egide.cases import actions, profile, selectors, status
from egide.cases.htcds import importing, mapping
from egide.cases.htcds.export import export_htcds
from egide.cases.identity import Identity, PartialDate
from egide.cases.models import Case, CaseProfile, Person
from egide.cases.profile import EventData, ProfileData
from egide.core.models import AuditEvent, AuditKind
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SECRET_IDENTITY = Identity(
    family_name="Okafor", given_names="Blessing", aliases=("Queen B",), birth_date=PartialDate(2001, 7, 14),
    birth_place="Benin City", phone="+234 803 555 0199", address="12 rue Zéphyrine",
)  # fmt: skip
SECRETS = ("okafor", "blessing", "queen b", "2001-07", "14/07/2001", "benin city", "803 555", "zéphyrine")


@pytest.fixture
def org() -> Any:
    return OrganisationFactory(name="=Association Nord")  # a name a spreadsheet would run as a formula


@pytest.fixture
def supervisor(org: Any, make_user: Callable[..., Any]) -> Any:
    return make_user(Role.CASE_SUPERVISOR, org)


@pytest.fixture
def case(org: Any, supervisor: Any) -> Case:
    case = actions.do_open_case(org, SECRET_IDENTITY, "female", ["SEXUAL"], acting_user=supervisor,
                                nationalities=["NGA"])  # fmt: skip
    data = ProfileData(
        exploitation_forms=("SEXUAL", "CRIMINALITY"), control_means=("DebtBondage", "WithholdsDocuments"),
        recruitment_methods=("ThroughFriendsOrSocialEvents",), relationship_to_trafficker="partner",
        exploited_in_france="in_france", minor_at_start="yes", nationalities=("NGA", "ROU"), languages=("en",),
        administrative_status="reflection_period", complaint_filed="yes", complaint_date=datetime.date(2024, 3, 12),
        complaint_service="police",
    )  # fmt: skip
    profile.do_update_profile(case, data, acting_user=supervisor)
    profile.do_add_event(case, EventData("Exploitation", commune_code="75056", start="2023-02"), acting_user=supervisor)
    status.do_record_decision(case, "formally_identified", "police", datetime.date(2024, 3, 12), acting_user=supervisor)
    return case


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_export_writes_the_standard_columns_and_codes_and_no_identity_value(case: Case, supervisor: Any) -> None:
    result = export_htcds(supervisor, "csv")
    text = result.content.decode("utf-8-sig")
    assert text.splitlines()[0].split(";") == mapping.CASE_COLUMN_NAMES
    [row] = _csv_rows(result.content)
    assert row == row | {
        "fra_CaseReference": case.reference, "org_Name": "'=Association Nord", "prs_Gender": "Feminine",
        "prs_Citizenship": "NG;RO", "vic_TraffickingStatus": "ActualVictimOfTrafficking",
        "vic_TraffickingStatusDecisionMakingOrg": "Police", "vic_RelationshipToTrafficker": "Familial",
        "vic_MethodOfRecruitment": "ThroughFriendsOrSocialEvents",
        "vic_MethodsOfControl": "DebtBondage;WithholdsDocuments",
        "vic_TypeOfExploitation": "Other;SexualExploitation", "cas_Status": "Active", "con_Consent": "",
        "fra_FormsOfExploitation": "CRIMINALITY;SEXUAL", "fra_RelationshipToTrafficker": "partner",
        "fra_MinorAtStart": "yes", "fra_AgeStatus": "adult", "fra_Languages": "en", "fra_ComplaintDate": "2024-03-12",
    }  # fmt: skip
    assert not [s for s in SECRETS if s in text.lower()]
    event = AuditEvent.objects.get(action="case.htcds_export")
    assert event.kind == AuditKind.ACCESS and event.organisation_id == case.organisation_id
    assert event.extra == {"format": "csv", "rows": 1, "htcds_version": "2.0"}


def test_xlsx_export_adds_the_events_sheet_and_holds_no_identity_value(case: Case, supervisor: Any) -> None:
    workbook = load_workbook(io.BytesIO(export_htcds(supervisor, "xlsx").content))
    cases, events = workbook.worksheets
    assert [c.value for c in cases[1]] == mapping.CASE_COLUMN_NAMES
    assert [c.value for c in events[2]] == [case.reference, "Exploitation", "FR", "Paris", "75056", "2023-02", None]
    values = " ".join(str(c.value).lower() for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row)
    assert not [s for s in SECRETS if s in values]


def test_export_holds_only_the_cases_of_the_users_organisations(case: Case, make_user: Any) -> None:
    stranger = make_user(Role.CASE_SUPERVISOR, OrganisationFactory())
    assert _csv_rows(export_htcds(stranger, "csv").content) == []


def test_export_page_needs_the_htcds_capability(case: Case, org: Any, make_user: Any, login: Any) -> None:
    assert login(make_user(Role.CASEWORKER, org)).get("/dossiers/export-htcds.csv").status_code == 403
    response = login(make_user(Role.CASE_SUPERVISOR, org)).get("/dossiers/export-htcds.xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")


# Import -------------------------------------------------------------------------------------

TEMPLATE_HEADERS = [None, "cas_CaseOwner", "prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Gender",
                    "prs_Citizenship", "vic_TraffickinStatusDecisionMakingOrg", "vic_MethodOfRecruitment",
                    "vic_MethodsOfControl", "vic_TypeOfExploitation", "cas_Status"]  # fmt: skip
TEMPLATE_LABELS = [None, "Case Owner", "First Name", "Second Name", "Birthdate", "Gender", "Citizenship",
                   "Trafficking Status Decision Making Organization", "Method of Recruitment", "Methods of Control",
                   "Type of Exploitation", "Status"]  # fmt: skip


def template(*rows: list[Any], headers: list[Any] = TEMPLATE_HEADERS) -> bytes:
    """A file laid out like the IOM template: names, labels, then numbered rows (empty ones included)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    sheet.append(TEMPLATE_LABELS if headers is TEMPLATE_HEADERS else [])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    for number in range(len(rows) + 1, len(rows) + 20):
        sheet.append([number])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


VALID = ["Jane Owner", "Blessing", "Okafor", "2001-07-14", "Feminine", "NG", "NGO", "At work",
         "DebtBondage; Physical abuse", "SexualExploitation", "Active"]  # fmt: skip


def test_template_rows_become_cases_with_an_empty_identity_and_their_profile(org: Any, supervisor: Any) -> None:
    second = ["", "", "", "", "Masculine", "RO MD", "", "", "", "ForcedBegging", ""]
    report = importing.validate_htcds(template(VALID, second), "htcds.xlsx", org)
    assert report.errors == [] and report.total_rows == 2 and report.creations == 2
    assert "prs_FirstName" in report.ignored_columns and "cas_Status" in report.ignored_columns
    result = importing.do_import_htcds(report, acting_user=supervisor)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    first, second = Case.objects.filter(organisation=org).order_by("reference")
    assert selectors.identity_of(first.person) == Identity() and first.person.sex == "female"
    assert profile.profile_data_of(first) == ProfileData(
        exploitation_forms=("SEXUAL",), control_means=("DebtBondage", "PhysicalAbuse"),
        recruitment_methods=("AtWork",), nationalities=("NGA",),
    )  # fmt: skip
    assert profile.profile_data_of(second).nationalities == ("MDA", "ROU") and second.person.sex == "male"
    assert not Person.objects.filter(name_index__gt="").exists()
    actions_ = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions_ == ["case.open", "case.profile_update"] * 2 + ["case.htcds_import"]


def test_every_bad_cell_is_reported_with_its_row_column_and_french_reason_and_nothing_is_imported(
    org: Any, supervisor: Any
) -> None:
    bad = ["", "", "", "", "Female", "XX; NG", "", "", "Blackmail, DebtBondage", "SexualExploitation", ""]
    report = importing.validate_htcds(template(VALID, bad), "htcds.xlsx", org)
    assert [(e.row, e.column, e.value) for e in report.errors] == [
        (4, "prs_Gender", "Female"),
        (4, "vic_MethodsOfControl", "Blackmail, DebtBondage"),
        (4, "prs_Citizenship", "XX; NG"),
    ]
    assert "valeur inconnue « Female »" in report.errors[0].message
    assert "« Blackmail »" in report.errors[1].message and "ISO 3166" in report.errors[2].message
    assert str(report.errors[0]).startswith("Ligne 4, colonne prs_Gender (« Female ») : ")
    with pytest.raises(importing.ImportRefused, match="rien n'a été importé"):
        importing.do_import_htcds(report, acting_user=supervisor)
    assert not Case.objects.exists() and not AuditEvent.objects.filter(kind=AuditKind.WRITE).exists()
    result = importing.do_import_htcds(report, acting_user=supervisor, import_valid_rows=True)
    assert (result.created, result.rejected) == (1, 1) and Case.objects.count() == 1


def test_unknown_columns_block_the_file(org: Any, supervisor: Any) -> None:
    report = importing.validate_htcds(template(VALID[:5], headers=[None, "cas_CaseOwner", "prs_FirstName",
                                                                 "Nom", "prs_Birthdate", "prs_Gender"]),
                                      "htcds.xlsx", org)  # fmt: skip
    assert report.blocking and [(e.row, e.column) for e in report.errors] == [(1, "Nom")]
    with pytest.raises(importing.ImportRefused):
        importing.do_import_htcds(report, acting_user=supervisor, import_valid_rows=True)


def test_importing_the_same_file_twice_changes_nothing(org: Any, supervisor: Any) -> None:
    data = template(VALID, VALID)
    first = importing.do_import_htcds(importing.validate_htcds(data, "a.xlsx", org), acting_user=supervisor)
    second_report = importing.validate_htcds(data, "copie.xlsx", org)
    assert second_report.creations == 0
    second = importing.do_import_htcds(second_report, acting_user=supervisor)
    assert (first.created, second.created, second.unchanged) == (2, 0, 2)
    assert Case.objects.count() == 2
    assert AuditEvent.objects.filter(action="case.profile_update").count() == 2


def test_an_export_imported_again_changes_nothing_and_a_changed_cell_updates_its_case(
    case: Case, supervisor: Any, org: Any
) -> None:
    content = export_htcds(supervisor, "csv").content
    report = importing.validate_htcds(content, "export.csv", org)
    assert report.errors == [] and [r.case_id for r in report.rows] == [case.pk]
    assert importing.do_import_htcds(report, acting_user=supervisor).unchanged == 1
    changed = content.decode("utf-8-sig").replace(";reflection_period;", ";asylum_seeker;").encode()
    result = importing.do_import_htcds(importing.validate_htcds(changed, "export.csv", org), acting_user=supervisor)
    assert result.updated == 1 and Case.objects.count() == 1
    assert profile.profile_data_of(case).administrative_status == "asylum_seeker"
    assert AuditEvent.objects.filter(action="case.profile_update").last().extra == {  # type: ignore[union-attr]
        "reference": case.reference, "fields": ["administrative_status"], "source": "htcds_import"}  # fmt: skip


def test_an_export_of_another_organisation_creates_cases_rather_than_updating_same_numbered_ones(
    case: Case, supervisor: Any, make_user: Any
) -> None:
    other = OrganisationFactory(name="Foyer Sud")
    theirs = make_user(Role.CASE_SUPERVISOR, other)
    own_case = actions.do_open_case(other, Identity(), "male", [], acting_user=theirs)
    assert own_case.reference == case.reference  # both numbered AAAA-0001
    report = importing.validate_htcds(export_htcds(supervisor, "csv").content, "export.csv", other)
    assert report.creations == 1
    importing.do_import_htcds(report, acting_user=theirs)
    assert profile.profile_data_of(own_case) == ProfileData() and Case.objects.filter(organisation=other).count() == 2
    assert CaseProfile.objects.filter(case__organisation=other).exclude(import_key="").count() == 1


def test_import_needs_the_htcds_capability_in_the_organisation(org: Any, make_user: Any) -> None:
    report = importing.validate_htcds(template(VALID), "a.xlsx", org)
    with pytest.raises(PermissionDenied):
        importing.do_import_htcds(report, acting_user=make_user(Role.CASEWORKER, org))


def test_import_pages_check_then_import(org: Any, supervisor: Any, login: Callable[..., Client], settings: Any,
                                        tmp_path: Any) -> None:  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    client = login(supervisor)
    upload = io.BytesIO(template(VALID))
    upload.name = "htcds.xlsx"
    response = client.post("/dossiers/import-htcds/", {"file": upload, "organisation": org.pk})
    assert response.status_code == 302 and response["Location"] == "/dossiers/import-htcds/rapport/"
    page = client.get("/dossiers/import-htcds/rapport/").content.decode()
    assert "1 ligne, 1 valide, 0 en erreur" in page and not Case.objects.exists()
    token = page.split('name="token" value="')[1].split('"')[0]
    done = client.post("/dossiers/import-htcds/confirmer/", {"token": token, "choice": "import"})
    assert done.status_code == 200 and Case.objects.count() == 1
    assert list(tmp_path.glob("imports/*")) == []
