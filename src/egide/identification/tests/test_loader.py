"""Loading indicator lists: the shipped file, new versions, idempotence, uploads with errors."""

from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook

from egide.accounts.roles import Cap, Role
from egide.core.models import AuditEvent
from egide.identification import actions
from egide.identification.loader import SHIPPED_FILE, parse_yaml, shipped_lists
from egide.identification.models import Indicator, IndicatorList
from egide.identification.spreadsheet import parse_xlsx
from egide.identification.vocabulary import ListStatus, Profile

pytestmark = pytest.mark.django_db


def test_shipped_lists_load_as_drafts_and_sexual_lists_are_skipped() -> None:
    loaded, skipped = actions.load_shipped_lists()
    assert sorted(lst.code for lst in loaded) == ["adult_labour", "child_labour"]
    assert all(lst.status == ListStatus.DRAFT_UNVERIFIED and lst.version == 1 and lst.is_current for lst in loaded)
    assert Indicator.objects.filter(dimension__indicator_list__code="adult_labour").count() == 67
    assert Indicator.objects.filter(dimension__indicator_list__code="child_labour").count() == 65
    assert len(skipped) == 2 and all("aucun indicateur" in s for s in skipped)
    assert not IndicatorList.objects.filter(code__in=["adult_sexual", "child_sexual"]).exists()
    assert AuditEvent.objects.filter(action="indicator_list.load").count() == 2


def test_loading_the_same_content_twice_creates_no_version() -> None:
    actions.load_shipped_lists()
    loaded, _ = actions.load_shipped_lists()
    assert loaded == []
    assert IndicatorList.objects.count() == 2


def test_management_command_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_indicator_lists")
    call_command("load_indicator_lists")
    out = capsys.readouterr().out
    assert "Chargée : adult_labour v1" in out and "Aucun changement" in out


def _changed_yaml() -> bytes:
    data = yaml.safe_load(SHIPPED_FILE.read_text(encoding="utf-8"))
    data["lists"]["adult_labour"]["deceptive_recruitment"][1]["strength"] = "strong"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


def test_changed_content_creates_a_new_version_and_keeps_the_old_one(make_user: Callable[..., Any]) -> None:
    actions.load_shipped_lists()
    old = IndicatorList.objects.get(code="adult_labour")
    old_indicators = list(Indicator.objects.filter(dimension__indicator_list=old).values_list("code", "strength"))
    parsed = parse_yaml(_changed_yaml())
    assert parsed.errors == []
    loaded = actions.do_load_indicator_lists(parsed.lists, acting_user=make_user(Role.NATIONAL_COORDINATOR))
    assert [(lst.code, lst.version) for lst in loaded] == [("adult_labour", 2)]
    old.refresh_from_db()
    assert not old.is_current
    kept = Indicator.objects.filter(dimension__indicator_list=old).values_list("code", "strength")
    assert list(kept) == old_indicators
    assert IndicatorList.objects.get(code="adult_labour", is_current=True).version == 2


def _yaml_with(mutate: Callable[[dict[str, Any]], None]) -> bytes:
    data = yaml.safe_load(SHIPPED_FILE.read_text(encoding="utf-8"))
    mutate(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


def test_yaml_errors_are_all_reported_in_french() -> None:
    def break_it(data: dict[str, Any]) -> None:
        lists = data["lists"]["adult_labour"]
        lists["deceptive_recruitment"][0]["strength"] = "énorme"
        lists["coercive_recruitment"].append(dict(lists["coercive_recruitment"][0]))
        lists["unknown_dimension"] = [{"id": "x", "strength": "strong"}]
        data["list_meta"] = {"child_labour": {"profile": "vieillard"}}

    errors = parse_yaml(_yaml_with(break_it)).errors
    text = "\n".join(errors)
    assert "force inconnue « énorme »" in text
    assert "code en double « violence_on_victim »" in text
    assert "dimension unknown_dimension : dimension inconnue" in text
    assert "profil inconnu « vieillard »" in text


def test_a_child_rule_requiring_means_is_refused() -> None:
    def stricter(data: dict[str, Any]) -> None:
        data["combination_rule"]["victim"]["children"]["all_of"].append({"any_of": ["coercion_at_destination"]})

    assert any("art. 225-4-1 II" in e for e in parse_yaml(_yaml_with(stricter)).errors)


def _workbook(rows: list[list[Any]], lists_rows: list[list[Any]] | None = None) -> bytes:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "listes"
    sheet.append(["code", "titre", "profil", "formes", "regle"])
    for row in lists_rows or [["begging_adult", "Mendicité forcée — adultes", "adulte", "BEGGING", "oit_delphi"]]:
        sheet.append(row)
    indicators = wb.create_sheet(str((lists_rows or [["begging_adult"]])[0][0]))
    indicators.append(["dimension", "code", "libelle_fr", "libelle_en", "force", "incertain"])
    for row in rows:
        indicators.append(row)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD_ROWS = [
    ["coercive_recruitment", "threats", "Menaces", "Threats", "forte", "non"],
    ["exploitative_conditions", "no_pay", "Pas de salaire", "No pay", "moyenne", "oui"],
    ["coercion_at_destination", "confinement", "Enfermement", "Confinement", "strong", "non"],
]


def test_a_valid_workbook_gives_a_list() -> None:
    parsed = parse_xlsx(_workbook(GOOD_ROWS))
    assert parsed.errors == []
    [spec] = parsed.lists
    assert (spec.code, spec.profile, spec.exploitation_forms, spec.status) == (
        "begging_adult",
        Profile.ADULT,
        ["BEGGING"],
        ListStatus.DRAFT_UNVERIFIED,
    )
    assert spec.indicator_count == 3 and spec.rules["means_required"] is True


def test_workbook_errors_name_sheet_row_and_column() -> None:
    rows = [
        ["nowhere", "a", "A", "", "forte", "non"],
        ["coercive_recruitment", "b", "B", "", "immense", "non"],
        ["coercive_recruitment", "c", "C", "", "faible", "peut-être"],
        ["coercive_recruitment", "d", "D", "", "faible", "non"],
        ["coercive_recruitment", "d", "D", "", "faible", "non"],
    ]
    errors = parse_xlsx(_workbook(rows)).errors
    assert "feuille « begging_adult », ligne 2, colonne dimension : dimension inconnue « nowhere »." in errors
    assert any(e.startswith("feuille « begging_adult », ligne 3, colonne force : force inconnue") for e in errors)
    assert any(e.startswith("feuille « begging_adult », ligne 4, colonne incertain") for e in errors)
    duplicate = "feuille « begging_adult », ligne 6, colonne code : code en double « d » dans la dimension"
    assert any(e.startswith(duplicate) for e in errors)


def test_workbook_with_an_unknown_profile_or_an_empty_list_is_refused() -> None:
    errors = parse_xlsx(_workbook([], [["begging_adult", "x", "vieillard", "BEGGING", ""]])).errors
    assert any("ligne 2, colonne profil : profil inconnu « vieillard »" in e for e in errors)
    errors = parse_xlsx(_workbook([])).errors
    assert any("la liste est vide" in e for e in errors)


def test_upload_page_loads_nothing_when_the_file_has_errors(
    make_user: Callable[..., Any], login: Callable[..., Any]
) -> None:
    client = login(make_user(Role.NATIONAL_COORDINATOR))
    bad = _workbook([*GOOD_ROWS, ["nowhere", "a", "A", "", "forte", "non"]])
    response = client.post("/listes-indicateurs/", {"file": SimpleUploadedFile("listes.xlsx", bad)})
    assert response.status_code == 200
    assert "rien n&#x27;a été chargé" in response.content.decode() or "rien n'a été chargé" in response.content.decode()
    assert IndicatorList.objects.count() == 0
    assert not AuditEvent.objects.filter(action="indicator_list.load").exists()


def test_upload_page_loads_a_valid_file_as_a_new_version(
    make_user: Callable[..., Any], login: Callable[..., Any]
) -> None:
    coordinator = make_user(Role.NATIONAL_COORDINATOR)
    assert coordinator.has_capability(Cap.INDICATOR_LISTS_MANAGE)
    client = login(coordinator)
    response = client.post("/listes-indicateurs/", {"file": SimpleUploadedFile("l.xlsx", _workbook(GOOD_ROWS))})
    assert response.status_code == 302
    lst = IndicatorList.objects.get(code="begging_adult")
    assert lst.loaded_by == coordinator and lst.version == 1
    event = AuditEvent.objects.get(action="indicator_list.load")
    assert event.actor_id == coordinator.pk and event.extra["indicators"] == 3
    page = client.get("/listes-indicateurs/").content.decode()
    assert "brouillon, à vérifier avec la brochure de l" in page


def test_shipped_file_is_inside_the_package() -> None:
    assert SHIPPED_FILE.is_file() and "identification" in SHIPPED_FILE.parts
    assert shipped_lists().errors == []
