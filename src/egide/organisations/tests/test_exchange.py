"""Import and export of organisations: validation, idempotency, round trips, confidentiality, web and CLI."""

import csv
import datetime
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from stdnum import luhn

from egide.accounts.models import User
from egide.accounts.roles import Role
from egide.core.exchange import RowError, read_table
from egide.core.exchange import text as x_text
from egide.core.models import AuditEvent, Commune, Departement
from egide.organisations import exchange
from egide.organisations.actions import OrganisationData
from egide.organisations.exchange import COLUMN_NAMES, ImportRefused, ImportReport, ImportRow
from egide.organisations.exchange_views import STAGE
from egide.organisations.models import Organisation
from egide.organisations.selectors import OrganisationFilters
from egide.organisations.tests.factories import OrganisationFactory, commune
from egide.organisations.vocabulary import AddressVisibility, ExploitationForm, Kind, Service

pytestmark = pytest.mark.django_db

SECRET_ADDRESS = "14 impasse des Glycines"


def make_siret(n: int) -> str:
    siren = "73282932"
    siren += luhn.calc_check_digit(siren)
    body = siren + f"{n:04d}"
    return body + luhn.calc_check_digit(body)


def csv_bytes(rows: list[dict[str, Any]], *, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    headers = list(rows[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows([[row.get(h, "") for h in headers] for row in rows])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict[str, Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    headers = list(rows[0])
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(**overrides: Any) -> dict[str, Any]:
    base = {
        "identifiant": "",
        "nom": "Association Ruelle",
        "sigle": "AR",
        "type": "association",
        "siret": make_siret(1),
        "adresse": "1 rue de la Paix",
        "code_postal": "75002",
        "commune_insee": "75056",
        "commune": "Paris",
        "departement": "75",
        "latitude": "48.8686",
        "longitude": "2.3316",
        "visibilite_adresse": "publique",
        "telephone": "+33 1 23 45 67 89",
        "email": "contact@ruelle.example.org",
        "site_web": "https://ruelle.example.org",
        "ligne_ecoute": "0800 00 00 00",
        "horaires": "lun.-ven. 9 h-17 h",
        "services": "accueil de jour; social_support",
        "formes_exploitation": "SEXUAL",
        "langues": "fr; eng; ron",
        "membre_collectif": "oui",
        "agrement_parcours_sortie": "15/03/2023",
        "partenaire_acse": "non",
        "places_reservees_acse": "0",
        "places": "10",
        "places_libres": "3",
        "publiee": "oui",
        "description": "Accueil et accompagnement.",
    }
    base.update(overrides)
    return base


def three_rows() -> list[dict[str, Any]]:
    return [
        row(),
        row(
            nom="Foyer Aurore",
            type="hébergement",
            siret="",
            commune_insee="",
            commune="Lyon",
            code_postal="69003",
            departement="",
            latitude="",
            longitude="",
            visibilite_adresse="",
            services="hebergement d'urgence",
        ),
        row(
            nom="Droits d'abord",
            type="legal_aid",
            siret=make_siret(3),
            commune_insee="",
            commune="",
            code_postal="",
            departement="2A",
            latitude="",
            longitude="",
            adresse="",
            services="",
            langues="",
            places="",
            places_libres="",
            agrement_parcours_sortie="",
        ),
    ]


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    return make_user(Role.NATIONAL_COORDINATOR)


def import_bytes(data: bytes, filename: str, user: Any, **kwargs: Any) -> exchange.ImportResult:
    report = exchange.validate_file(data, filename)
    return exchange.do_import_organisations(report, acting_user=user, **kwargs)


def errors_of(data: bytes, filename: str = "f.csv") -> list[RowError]:
    return exchange.validate_file(data, filename).errors


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def imported() -> Any:
    return Organisation.objects.exclude(name__startswith="Association d'aide")


# Valid imports --------------------------------------------------------------------------------


def test_valid_csv_creates_every_organisation_with_every_field(coordinator: User) -> None:
    result = import_bytes(csv_bytes(three_rows()), "orgs.csv", coordinator)
    assert (result.created, result.updated, result.unchanged, result.rejected) == (3, 0, 0, 0)
    ruelle = Organisation.objects.get(name="Association Ruelle")
    assert ruelle.siret == make_siret(1) and ruelle.commune_id == "75056" and ruelle.departement_id == "75"
    assert (ruelle.latitude, ruelle.longitude) == (48.8686, 2.3316)
    assert ruelle.service_codes() == [Service.DAY_RECEPTION, Service.SOCIAL_SUPPORT]
    assert ruelle.exploitation_form_codes() == [ExploitationForm.SEXUAL]
    assert ruelle.language_codes() == ["en", "fr", "ro"]
    assert ruelle.exit_pathway_approved_on == datetime.date(2023, 3, 15)
    assert ruelle.national_collective_member and not ruelle.acse_partner and ruelle.is_published
    assert (ruelle.capacity_places, ruelle.capacity_free_places) == (10, 3)
    shelter = Organisation.objects.get(name="Foyer Aurore")
    assert shelter.kind == Kind.SHELTER and shelter.commune_id == "69123" and shelter.departement_id == "69"
    # A shelter's address is confidential unless the file says otherwise.
    assert shelter.address_visibility == AddressVisibility.DEPARTEMENT
    assert shelter.latitude == Commune.objects.get(code="69123").latitude
    corsica = Organisation.objects.get(name="Droits d'abord")
    assert corsica.commune is None and corsica.departement_id == "2A" and corsica.latitude is None


def test_each_created_organisation_and_the_import_itself_are_audited_without_values(coordinator: User) -> None:
    import_bytes(csv_bytes(three_rows()), "orgs.csv", coordinator)
    creates = AuditEvent.objects.filter(action="organisation.create")
    assert creates.count() == 3
    ruelle = creates.get(target_label="Association Ruelle")
    assert ruelle.actor_id == coordinator.pk
    assert "address" in ruelle.extra["fields"] and "address" in ruelle.extra["confidential_fields_changed"]
    assert "1 rue de la Paix" not in str(ruelle.extra)
    summary = AuditEvent.objects.get(action="organisation.import")
    assert summary.extra["created"] == 3 and summary.extra["file_name"] == "orgs.csv"
    assert len(summary.extra["file_sha256"]) == 64


def test_valid_xlsx_imports_like_csv(coordinator: User) -> None:
    rows = three_rows()
    rows[0].update(
        places=10,
        places_libres=3.0,
        latitude=48.8686,
        longitude=2.3316,
        agrement_parcours_sortie=datetime.datetime(2023, 3, 15),
    )
    result = import_bytes(xlsx_bytes(rows), "orgs.xlsx", coordinator)
    assert result.created == 3
    ruelle = Organisation.objects.get(name="Association Ruelle")
    assert ruelle.capacity_free_places == 3 and ruelle.exit_pathway_approved_on == datetime.date(2023, 3, 15)


def test_reimporting_the_same_file_changes_nothing(coordinator: User) -> None:
    data = csv_bytes(three_rows())
    import_bytes(data, "orgs.csv", coordinator)
    before = {o.pk: o.updated_at for o in Organisation.objects.all()}
    last = last_event_id()
    result = import_bytes(data, "orgs.csv", coordinator)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert {o.pk: o.updated_at for o in Organisation.objects.all()} == before
    assert list(AuditEvent.objects.filter(id__gt=last).values_list("action", flat=True)) == ["organisation.import"]


def test_a_changed_row_updates_its_organisation_and_audits_the_changed_fields_only(coordinator: User) -> None:
    import_bytes(csv_bytes(three_rows()), "orgs.csv", coordinator)
    rows = three_rows()
    rows[0]["places_libres"] = "5"
    rows[1]["services"] = "hebergement d'urgence; interprétariat"
    result = import_bytes(csv_bytes(rows), "orgs.csv", coordinator)
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    updates = AuditEvent.objects.filter(action="organisation.update")
    assert {e.target_label: e.extra["fields"] for e in updates} == {
        "Association Ruelle": ["capacity_free_places"],
        "Foyer Aurore": ["services"],
    }


def test_rows_match_by_identifiant_then_siret_then_name_and_place(coordinator: User) -> None:
    by_id = OrganisationFactory(name="Ancien nom")
    by_siret = OrganisationFactory(name="Autre nom", siret=make_siret(7))
    by_name = OrganisationFactory(name="Élan Solidaire", commune=commune("42218"))
    rows = [
        row(identifiant=by_id.pk, nom="Nouveau nom", siret=""),
        row(nom="Nom changé", siret=make_siret(7)),
        row(nom="ELAN solidaire", siret="", commune_insee="42218", commune="", departement="42", code_postal="42000"),
    ]
    result = import_bytes(csv_bytes(rows), "f.csv", coordinator)
    assert (result.created, result.updated) == (0, 3)
    by_id.refresh_from_db()
    by_siret.refresh_from_db()
    by_name.refresh_from_db()
    assert (by_id.name, by_siret.name, by_name.name) == ("Nouveau nom", "Nom changé", "ELAN solidaire")


def test_columns_absent_from_the_file_are_left_alone(coordinator: User) -> None:
    org = OrganisationFactory(name="Foyer", phone="01 02 03 04 05", services=[Service.MINORS])
    data = csv_bytes(
        [{"identifiant": org.pk, "nom": "Foyer", "type": "association", "departement": "75", "places": "4"}]
    )
    assert import_bytes(data, "f.csv", coordinator).updated == 1
    org.refresh_from_db()
    assert org.phone == "01 02 03 04 05" and org.service_codes() == [Service.MINORS] and org.capacity_places == 4


def test_a_row_with_a_new_siret_completes_the_organisation_entered_without_one(coordinator: User) -> None:
    org = OrganisationFactory(name="Association Ruelle", siret="")
    result = import_bytes(csv_bytes([row()]), "f.csv", coordinator)
    assert (result.created, result.updated) == (0, 1)
    org.refresh_from_db()
    assert org.siret == make_siret(1)


def test_commune_found_by_name_and_postcode_accents_aside(coordinator: User) -> None:
    data = csv_bytes(
        [row(commune_insee="", commune="saint denis", code_postal="93200", departement="", latitude="", longitude="")]
    )
    import_bytes(data, "f.csv", coordinator)
    assert Organisation.objects.get(name="Association Ruelle").commune_id == "93066"


# Export and round trips ------------------------------------------------------------------------


def rich_directory() -> list[Organisation]:
    return [
        OrganisationFactory(
            name="Association Lumière",
            acronym="ASLU",
            siret=make_siret(11),
            commune=commune("42218"),
            latitude=45.434,
            longitude=4.39,
            postcode="42000",
            address="2 place Jean-Jaurès",
            services=[Service.SOCIAL_SUPPORT, Service.MINORS],
            exploitation_forms=[ExploitationForm.SEXUAL],
            languages=["ro", "fr", "snk"],
            phone="+33 4 77 00 00 00",
            email="a@lumiere.example.org",
            website="https://lumiere.example.org",
            national_collective_member=True,
            exit_pathway_approved_on=datetime.date(2022, 1, 31),
            capacity_places=12,
            capacity_free_places=0,
            description='=HYPERLINK("http://evil")\nDeuxième ligne ; avec « guillemets »',
        ),
        OrganisationFactory(
            name="Foyer Aurore",
            kind=Kind.SHELTER,
            commune=commune("69123"),
            address=SECRET_ADDRESS,
            postcode="69003",
            latitude=45.7612345,
            longitude=4.8523456,
            address_visibility=AddressVisibility.DEPARTEMENT,
            acse_partner=True,
            acse_reserved_places=3,
            services=[Service.EMERGENCY_SHELTER],
        ),
        OrganisationFactory(
            name="Maison Ombre",
            kind=Kind.SHELTER,
            commune=commune("2A004"),
            address="8 chemin Caché",
            address_visibility=AddressVisibility.HIDDEN,
            is_published=False,
        ),
        OrganisationFactory(
            name="Collectif départemental",
            kind=Kind.OTHER,
            commune=None,
            departement=Departement.objects.get(code="01"),
            latitude=None,
            longitude=None,
        ),
    ]


def snapshot() -> list[tuple[Any, ...]]:
    return [
        (o.pk, o.updated_at, o.search_text, o.service_codes(), o.exploitation_form_codes(), o.language_codes())
        for o in Organisation.objects.order_by("pk")
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(coordinator: User, fmt: str) -> None:
    rich_directory()
    before = snapshot()
    last = last_event_id()
    export = exchange.export_organisations(coordinator, OrganisationFilters(), fmt)
    report = exchange.validate_file(export.content, export.filename)
    assert report.errors == []
    result = exchange.do_import_organisations(report, acting_user=coordinator)
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == Organisation.objects.count()
    assert snapshot() == before
    actions = AuditEvent.objects.filter(id__gt=last).values_list("action", flat=True)
    assert list(actions) == ["organisation.export", "organisation.import"]


def test_export_by_a_statistician_blanks_confidential_locations(make_user: Callable[..., User]) -> None:
    rich_directory()
    statistician = make_user(Role.STATISTICIAN)
    export = exchange.export_organisations(statistician, OrganisationFilters(), "csv")
    text = export.content.decode("utf-8-sig")
    assert SECRET_ADDRESS not in text and "45.7612345" not in text and "8 chemin Caché" not in text
    rows = {r[1]: dict(zip(COLUMN_NAMES, r, strict=True)) for r in exchange_rows(export.content)}
    assert rows["Foyer Aurore"]["departement"] == "69" and rows["Foyer Aurore"]["commune_insee"] == ""
    assert rows["Maison Ombre"]["departement"] == "" and rows["Maison Ombre"]["adresse"] == ""
    assert rows["Association Lumière"]["adresse"] == "2 place Jean-Jaurès"


def test_export_by_the_national_coordinator_includes_confidential_locations(coordinator: User) -> None:
    rich_directory()
    export = exchange.export_organisations(coordinator, OrganisationFilters(), "csv")
    rows = {r[1]: dict(zip(COLUMN_NAMES, r, strict=True)) for r in exchange_rows(export.content)}
    assert rows["Foyer Aurore"]["adresse"] == SECRET_ADDRESS
    assert rows["Foyer Aurore"]["latitude"] == "45.7612345"
    assert rows["Maison Ombre"]["commune_insee"] == "2A004"
    event = AuditEvent.objects.get(action="organisation.export")
    assert event.extra == {"format": "csv", "rows": 5, "confidential_locations": 2}


def exchange_rows(content: bytes, filename: str = "f.csv") -> list[list[str]]:
    """Return the rows of an exported file, padded to every column."""
    rows = read_table(content, filename).rows
    return [[x_text(c) for c in cells] + [""] * (len(COLUMN_NAMES) - len(cells)) for _, cells in rows]


def test_csv_export_escapes_formulas(coordinator: User) -> None:
    rich_directory()
    text = exchange.export_organisations(coordinator, OrganisationFilters(), "csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ";'+33 4 77" in text
    assert ";=HYPERLINK" not in text and '"=HYPERLINK' not in text


def test_xlsx_export_has_codes_sheet_frozen_bold_header_and_text_codes(coordinator: User) -> None:
    rich_directory()
    content = exchange.export_organisations(coordinator, OrganisationFilters(), "xlsx").content
    workbook = load_workbook(io.BytesIO(content))
    sheet, codes = workbook.worksheets
    assert sheet.title == "Organisations" and codes.title == "Codes"
    assert [c.value for c in sheet[1]] == COLUMN_NAMES and sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 40
    insee = COLUMN_NAMES.index("commune_insee") + 1
    values = [sheet.cell(row=r, column=insee).value for r in range(2, sheet.max_row + 1)]
    assert "2A004" in values and "42218" in values
    description = sheet.cell(row=2, column=COLUMN_NAMES.index("description") + 1)
    assert description.data_type == "s" and str(description.value).startswith("=HYPERLINK")
    code_rows = {(r[0], r[1]) for r in codes.iter_rows(min_row=2, values_only=True)}
    assert ("type", "shelter") in code_rows and ("services", "minors") in code_rows
    assert ("formes_exploitation", "SEXUAL") in code_rows and ("visibilite_adresse", "masquee") in code_rows


def test_export_follows_the_directory_filters(coordinator: User) -> None:
    rich_directory()
    export = exchange.export_organisations(coordinator, OrganisationFilters(kind=Kind.SHELTER), "csv")
    assert sorted(r[1] for r in exchange_rows(export.content)) == ["Foyer Aurore", "Maison Ombre"]


# Errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "column", "message"),
    [
        ({"siret": "1234"}, "siret", "numéro SIRET invalide"),
        ({"siret": "73282932000075"}, "siret", "numéro SIRET invalide"),
        ({"commune_insee": "", "commune": "Tataouine-les-Bains", "departement": ""}, "commune", "commune inconnue"),
        (
            {"commune_insee": "", "commune": "Saint-Denis", "code_postal": "", "departement": ""},
            "commune",
            "commune ambiguë",
        ),
        ({"commune_insee": "99999"}, "commune_insee", "code INSEE de commune inconnu"),
        ({"departement": "13"}, "departement", "ne correspond pas au département de la commune Paris"),
        ({"commune": "Lyon"}, "commune", "ne correspond pas à la commune du code INSEE 75056 (Paris)"),
        ({"departement": "", "commune_insee": "", "commune": ""}, "departement", "valeur obligatoire"),
        ({"services": "accueil de jour; lavage de voitures"}, "services", "« lavage de voitures »"),
        ({"formes_exploitation": "SEXUEL"}, "formes_exploitation", "valeur(s) inconnue(s)"),
        ({"langues": "fr; klingon"}, "langues", "« klingon »"),
        ({"type": "banque"}, "type", "valeur inconnue"),
        ({"type": ""}, "type", "valeur obligatoire"),
        ({"places": "3", "places_libres": "5"}, "places_libres", "dépassent le nombre de places"),
        ({"places": "beaucoup"}, "places", "nombre entier attendu"),
        ({"nom": ""}, "nom", "valeur obligatoire"),
        ({"nom": "x" * 201}, "nom", "texte trop long"),
        ({"agrement_parcours_sortie": "31/02/2023"}, "agrement_parcours_sortie", "date invalide"),
        ({"longitude": ""}, "longitude", "obligatoire quand la latitude est indiquée"),
        ({"latitude": "", "longitude": "2.3"}, "latitude", "obligatoire quand la longitude est indiquée"),
        ({"latitude": "123"}, "latitude", "entre -90 et 90"),
        ({"membre_collectif": "peut-être"}, "membre_collectif", "oui ou non"),
        ({"email": "pas une adresse"}, "email", "adresse e-mail invalide"),
        ({"code_postal": "7500"}, "code_postal", "5 chiffres"),
        ({"visibilite_adresse": "secrète"}, "visibilite_adresse", "valeur inconnue"),
        ({"identifiant": "999999"}, "identifiant", "aucune organisation n'a cet identifiant"),
    ],
)
def test_every_problem_is_reported_with_row_column_and_reason(
    overrides: dict[str, Any], column: str, message: str
) -> None:
    data = csv_bytes([row(), row(**{"nom": "Deuxième", "siret": make_siret(2), **overrides})])
    errors = errors_of(data)
    assert len(errors) == 1, errors
    assert (errors[0].row, errors[0].column) == (3, column)
    assert message in errors[0].message


def test_several_problems_on_several_rows_are_all_reported_in_order() -> None:
    data = csv_bytes([row(siret="1234"), row(nom="B", siret="", places="x", langues="zz"), row(nom="C", siret="")])
    errors = errors_of(data)
    assert [(e.row, e.column) for e in errors] == [(2, "siret"), (3, "langues"), (3, "places")]
    assert str(errors[0]) == "Ligne 2, colonne siret (« 1234 ») : numéro SIRET invalide : 14 chiffres attendus"


def test_duplicate_rows_are_reported_on_the_second_one() -> None:
    data = csv_bytes([row(), row(nom="Autre"), row(nom="C", siret=""), row(nom="c", siret="")])
    errors = errors_of(data)
    assert [(e.row, e.column, e.message) for e in errors] == [
        (3, "siret", "cette organisation figure déjà à la ligne 2"),
        (5, "nom", "cette organisation figure déjà à la ligne 4"),
    ]


def test_unknown_column_is_one_error_for_the_file_and_blocks_the_import(coordinator: User) -> None:
    data = csv_bytes([{**row(), "couleur": "bleu"}, {**row(nom="B", siret=""), "couleur": "vert"}])
    report = exchange.validate_file(data, "f.csv")
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (1, "couleur", "colonne inconnue (voir la liste des colonnes possibles)")
    ]
    with pytest.raises(ImportRefused):
        exchange.do_import_organisations(report, acting_user=coordinator, import_valid_rows=True)
    assert not imported().exists()


def test_missing_required_column_is_one_error_for_the_file() -> None:
    data = csv_bytes([{k: v for k, v in row().items() if k != "nom"}, {k: v for k, v in row().items() if k != "nom"}])
    assert [(e.row, e.column, e.message) for e in errors_of(data)] == [(1, "nom", "colonne obligatoire absente")]


def test_headers_are_recognised_whatever_their_case_and_accents() -> None:
    data = csv_bytes([{"Nom": "A", "Type": "association", "Département": "75", "Code postal": "75001"}])
    report = exchange.validate_file(data, "f.csv")
    assert report.errors == [] and report.valid_rows == 1


def test_unreadable_file_is_one_error_for_the_file() -> None:
    errors = errors_of(b"\x81\x8d\x8f\x90\x9d", "f.csv")
    assert len(errors) == 1 and errors[0].row == 0 and "Encodage" in errors[0].message


def test_a_file_with_one_error_imports_nothing(coordinator: User) -> None:
    rows = three_rows()
    rows[2]["siret"] = "1234"
    report = exchange.validate_file(csv_bytes(rows), "f.csv")
    events = AuditEvent.objects.count()
    with pytest.raises(ImportRefused, match="rien n'a été importé"):
        exchange.do_import_organisations(report, acting_user=coordinator)
    assert not imported().exists() and AuditEvent.objects.count() == events


def test_importing_the_valid_rows_is_an_explicit_choice(coordinator: User) -> None:
    rows = three_rows()
    rows[2]["siret"] = "1234"
    result = import_bytes(csv_bytes(rows), "f.csv", coordinator, import_valid_rows=True)
    assert (result.created, result.rejected) == (2, 1)
    assert sorted(imported().values_list("name", flat=True)) == ["Association Ruelle", "Foyer Aurore"]
    assert AuditEvent.objects.get(action="organisation.import").extra["valid_rows_only"] is True


def test_a_failure_while_writing_leaves_nothing_half_written(coordinator: User) -> None:
    valid = exchange.validate_file(csv_bytes(three_rows()), "f.csv")
    paris = Departement.objects.get(code="75")
    # Bypass validation: this row breaks the database's free-places constraint at save time.
    broken = OrganisationData(
        {"name": "Cassé", "kind": Kind.OTHER, "departement": paris, "capacity_places": 1, "capacity_free_places": 2}
    )
    report = ImportReport("f.csv", "0" * 64, 4, [*valid.rows, ImportRow(5, broken, None)])
    events = AuditEvent.objects.count()
    with pytest.raises(IntegrityError):
        exchange.do_import_organisations(report, acting_user=coordinator)
    assert not imported().exists() and AuditEvent.objects.count() == events


def test_only_users_who_may_import_can_import(make_user: Callable[..., User]) -> None:
    report = exchange.validate_file(csv_bytes([row()]), "f.csv")
    with pytest.raises(PermissionDenied):
        exchange.do_import_organisations(report, acting_user=make_user(Role.STATISTICIAN))


# Encodings and spreadsheets --------------------------------------------------------------------


def test_semicolon_csv_with_bom_imports(coordinator: User) -> None:
    data = csv_bytes(three_rows(), encoding="utf-8-sig")
    assert data.startswith("\ufeff".encode())
    assert import_bytes(data, "f.csv", coordinator).created == 3


def test_comma_and_tab_csv_import(coordinator: User) -> None:
    rows = [row(services="minors", langues="fr", horaires="9h-17h")]
    assert exchange.validate_file(csv_bytes(rows, delimiter=","), "f.csv").valid_rows == 1
    assert exchange.validate_file(csv_bytes(rows, delimiter="\t"), "f.txt").valid_rows == 1


def test_utf16_text_from_excel_imports(coordinator: User) -> None:
    data = csv_bytes([row(nom="Foyer Sainte-Hélène")], delimiter="\t", encoding="utf-16")
    assert exchange.validate_file(data, "f.txt").valid_rows == 1


def test_windows_1252_csv_imports_accented_names(coordinator: User) -> None:
    data = csv_bytes(
        [
            row(
                nom="Foyer Sainte-Hélène",
                commune_insee="",
                commune="Évry-Courcouronnes",
                departement="91",
                code_postal="91000",
                latitude="",
                longitude="",
            )
        ],
        encoding="cp1252",
    )
    import_bytes(data, "f.csv", coordinator)
    org = Organisation.objects.get(name="Foyer Sainte-Hélène")
    assert org.commune is not None and org.commune.name == "Évry-Courcouronnes"


def test_xlsx_keeps_leading_zeros_of_text_and_restores_them_on_numbers(coordinator: User) -> None:
    rows = [
        row(
            nom="Ain texte",
            siret="",
            commune="",
            commune_insee="01001",
            departement="01",
            code_postal="01400",
            latitude=None,
            longitude=None,
        ),
        row(
            nom="Ain nombre",
            siret="",
            commune="",
            commune_insee=1001.0,
            departement=1,
            code_postal=1400,
            latitude=None,
            longitude=None,
        ),
        row(
            nom="Corse",
            siret="",
            commune="Ajaccio",
            commune_insee="2A004",
            departement="2A",
            code_postal=20000,
            latitude=None,
            longitude=None,
        ),
    ]
    result = import_bytes(xlsx_bytes(rows), "f.xlsx", coordinator)
    assert result.created == 3
    found = {o.name: (o.commune_id, o.departement_id, o.postcode) for o in imported()}
    assert found == {
        "Ain texte": ("01001", "01", "01400"),
        "Ain nombre": ("01001", "01", "01400"),
        "Corse": ("2A004", "2A", "20000"),
    }


# Web ------------------------------------------------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "imports"


def upload(client: Client, data: bytes, name: str = "orgs.csv") -> Any:
    return client.post("/organisations/import/", {"file": SimpleUploadedFile(name, data)})


def token_of(client: Client) -> str:
    return str(client.session[STAGE.session_key]["token"])


def test_web_import_upload_report_confirm(login: Callable[[User], Client], coordinator: User, media: Path) -> None:
    client = login(coordinator)
    assert client.get("/organisations/import/").status_code == 200
    response = upload(client, csv_bytes(three_rows()), "../../secret name.csv")
    assert response.status_code == 302 and response["Location"] == "/organisations/import/rapport/"
    stored = list(media.iterdir())
    assert len(stored) == 1 and "secret" not in stored[0].name
    report = client.get("/organisations/import/rapport/")
    content = report.content.decode()
    assert "3 lignes, 3 valides, 0 en erreur" in content
    assert 'value="import"' in content and "import_valid" not in content
    done = client.post("/organisations/import/confirmer/", {"token": token_of(client), "choice": "import"})
    assert done.status_code == 200
    assert '<th scope="row">Organisations créées</th><td>3</td>' in done.content.decode()
    assert imported().count() == 3 and list(media.iterdir()) == []


def test_web_report_lists_errors_and_offers_the_valid_rows(
    login: Callable[[User], Client], coordinator: User, media: Path
) -> None:
    client = login(coordinator)
    rows = three_rows()
    rows[1]["siret"] = "1234"
    upload(client, csv_bytes(rows))
    content = client.get("/organisations/import/rapport/").content.decode()
    assert "3 lignes, 2 valides, 1 en erreur" in content
    assert "<td>3</td><td>siret</td><td>1234</td><td>numéro SIRET invalide" in content
    assert "Importer uniquement les 2 lignes valides" in content and 'value="import"' not in content
    # Asking for a full import of a file with errors imports nothing.
    refused = client.post("/organisations/import/confirmer/", {"token": token_of(client), "choice": "import"})
    assert refused.status_code == 302 and not imported().exists()
    done = client.post("/organisations/import/confirmer/", {"token": token_of(client), "choice": "import_valid"})
    assert "<td>2</td>" in done.content.decode() and imported().count() == 2


def test_web_cancel_deletes_the_file_and_imports_nothing(
    login: Callable[[User], Client], coordinator: User, media: Path
) -> None:
    client = login(coordinator)
    upload(client, csv_bytes(three_rows()))
    response = client.post("/organisations/import/confirmer/", {"token": token_of(client), "choice": "cancel"})
    assert response.status_code == 302 and list(media.iterdir()) == [] and not imported().exists()
    assert client.get("/organisations/import/rapport/").status_code == 302


def test_web_confirm_with_a_stale_token_imports_nothing(
    login: Callable[[User], Client], coordinator: User, media: Path
) -> None:
    client = login(coordinator)
    upload(client, csv_bytes(three_rows()))
    response = client.post("/organisations/import/confirmer/", {"token": "x" * 43, "choice": "import"})
    assert response.status_code == 302 and not imported().exists()


def test_web_upload_refuses_other_formats(login: Callable[[User], Client], coordinator: User, media: Path) -> None:
    response = upload(login(coordinator), b"%PDF-1.4", "orgs.pdf")
    assert response.status_code == 200 and "non reconnu" in response.content.decode()
    assert not media.exists() or list(media.iterdir()) == []


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.STATISTICIAN, Role.ORG_ADMIN])
def test_web_import_is_forbidden_to_other_roles(
    login: Callable[[User], Client], make_user: Callable[..., User], role: Role, media: Path
) -> None:
    client = login(make_user(role))
    assert client.get("/organisations/import/").status_code == 403
    assert upload(client, csv_bytes(three_rows())).status_code == 403
    assert client.post("/organisations/import/confirmer/", {"choice": "import"}).status_code == 403
    assert not imported().exists() and not media.exists()


def test_web_import_asks_anonymous_users_to_log_in(client: Client, media: Path) -> None:
    response = upload(client, csv_bytes(three_rows()))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not imported().exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_web_export_downloads_a_dated_file(
    login: Callable[[User], Client], make_user: Callable[..., User], fmt: str
) -> None:
    rich_directory()
    response = login(make_user(Role.STATISTICIAN)).get(f"/organisations/export.{fmt}?kind=shelter")
    assert response.status_code == 200
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="organisations-{today}.{fmt}"'
    rows = {r[1]: dict(zip(COLUMN_NAMES, r, strict=True)) for r in exchange_rows(response.content, f"f.{fmt}")}
    assert sorted(rows) == ["Foyer Aurore", "Maison Ombre"]
    assert rows["Foyer Aurore"]["adresse"] == "" and rows["Foyer Aurore"]["departement"] == "69"


def test_web_export_is_forbidden_without_the_capability(
    login: Callable[[User], Client], make_user: Callable[..., User]
) -> None:
    assert login(make_user(Role.CASEWORKER)).get("/organisations/export.csv").status_code == 403


def test_web_export_of_an_unknown_format_is_not_found(login: Callable[[User], Client], coordinator: User) -> None:
    assert login(coordinator).get("/organisations/export.pdf").status_code == 404


# Command --------------------------------------------------------------------------------------


def run_command(*args: str) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("import_organisations", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_command_imports_a_valid_file_as_the_system_actor(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes(three_rows()))
    output, error = run_command(str(path))
    assert error is None
    assert "Import terminé : 3 créée(s), 0 mise(s) à jour, 0 inchangée(s), 0 ligne(s) rejetée(s)." in output
    summary = AuditEvent.objects.get(action="organisation.import")
    assert summary.actor_id is None and summary.actor_label == "egide import"


def test_command_reports_errors_and_fails_without_importing(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    rows = three_rows()
    rows[2]["siret"] = "1234"
    path.write_bytes(csv_bytes(rows))
    output, error = run_command(str(path))
    assert error is not None and error.returncode == 1
    assert "Ligne 4, colonne siret (« 1234 ») : numéro SIRET invalide" in output
    assert "--import-valid-rows" in str(error) and not imported().exists()
    output, error = run_command(str(path), "--import-valid-rows")
    assert error is None and imported().count() == 2


def test_command_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(xlsx_bytes(three_rows()))
    output, error = run_command(str(path), "--dry-run")
    assert error is None and "aucune erreur" in output and not imported().exists()


def test_command_acts_as_the_given_account(tmp_path: Path, coordinator: User, make_user: Callable[..., User]) -> None:
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes(three_rows()))
    _, error = run_command(str(path), "--as", make_user(Role.CASEWORKER).email)
    assert error is not None and not imported().exists()
    _, error = run_command(str(path), "--as", coordinator.email.upper())
    assert error is None and AuditEvent.objects.get(action="organisation.import").actor_id == coordinator.pk
