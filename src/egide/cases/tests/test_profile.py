"""The case profile: validation in French, audit of field names only, events, the consent texts page."""

import datetime
import importlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied
from django.test import Client

from egide.accounts.roles import Role
from egide.cases import actions, profile
from egide.cases.identity import Identity, field_context
from egide.cases.models import Case, CaseEvent, CaseProfile, ConsentText, Person, PersonNameIndex, PersonNationality
from egide.cases.profile import EventData, ProfileData, ProfileError
from egide.core import crypto
from egide.core.keys import open_data_key
from egide.core.models import AuditEvent, AuditKind
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PROFILE_FORM = {
    "exploitation_forms": ["SEXUAL", "BEGGING"], "control_means": ["DebtBondage", "WithholdsDocuments"],
    "recruitment_methods": ["ThroughOnlineSocialNetworks"], "relationship_to_trafficker": "partner",
    "exploited_in_france": "in_france", "minor_at_start": "yes", "nationalities": ["NGA", "ROU"],
    "languages": ["en", "ro"], "administrative_status": "reflection_period", "complaint_filed": "yes",
    "complaint_date": "2024-03-12", "complaint_service": "gendarmerie",
}  # fmt: skip


@pytest.fixture
def org() -> Any:
    return OrganisationFactory(name="Association du Sud")


@pytest.fixture
def caseworker(org: Any, make_user: Callable[..., Any]) -> Any:
    return make_user(Role.CASEWORKER, org)


@pytest.fixture
def case(org: Any, caseworker: Any) -> Case:
    return actions.do_open_case(
        org, Identity(family_name="Okafor", given_names="Blessing"), "female", ["SEXUAL"], acting_user=caseworker,
        nationalities=["NGA"],
    )  # fmt: skip


def test_opening_a_case_keeps_nationalities_in_clear_outside_the_encrypted_identity(case: Case) -> None:
    assert list(PersonNationality.objects.filter(person=case.person).values_list("code", flat=True)) == ["NGA"]
    assert profile.profile_data_of(case).nationalities == ("NGA",)


def test_profile_page_saves_every_field_and_audits_field_names_only(
    case: Case, caseworker: Any, login: Callable[..., Client]
) -> None:
    client = login(caseworker)
    page = client.get(f"/dossiers/{case.pk}/profil/")
    assert page.status_code == 200 and "Moyens de contrôle" in page.content.decode()
    response = client.post(f"/dossiers/{case.pk}/profil/", PROFILE_FORM)
    assert response.status_code == 302 and response["Location"] == f"/dossiers/{case.pk}/"
    data = profile.profile_data_of(Case.objects.get(pk=case.pk))
    assert data == ProfileData(
        exploitation_forms=("BEGGING", "SEXUAL"), control_means=("DebtBondage", "WithholdsDocuments"),
        recruitment_methods=("ThroughOnlineSocialNetworks",), relationship_to_trafficker="partner",
        exploited_in_france="in_france", minor_at_start="yes", nationalities=("NGA", "ROU"), languages=("en", "ro"),
        administrative_status="reflection_period", complaint_filed="yes", complaint_date=datetime.date(2024, 3, 12),
        complaint_service="gendarmerie",
    )  # fmt: skip
    event = AuditEvent.objects.get(action="case.profile_update")
    assert "nationalities" in event.extra["fields"] and "complaint_service" in event.extra["fields"]
    assert "NGA" not in json.dumps(event.extra) and "gendarmerie" not in json.dumps(event.extra)
    detail = client.get(f"/dossiers/{case.pk}/").content.decode()
    assert "Nigeria" in detail and "Servitude pour dettes" in detail and "12/03/2024" in detail


def test_saving_the_same_profile_twice_changes_no_field(case: Case, caseworker: Any) -> None:
    data = ProfileData(control_means=("Other",), exploitation_forms=("SEXUAL",), nationalities=("NGA",))
    assert profile.do_update_profile(case, data, acting_user=caseworker) == ["control_means"]
    assert profile.do_update_profile(case, data, acting_user=caseworker) == []


def test_every_profile_read_is_an_access_event(case: Case, caseworker: Any, login: Callable[..., Client]) -> None:
    login(caseworker).get(f"/dossiers/{case.pk}/profil/")
    assert AuditEvent.objects.filter(kind=AuditKind.ACCESS, action="case.read", target_id=str(case.pk)).count() == 1


def test_profile_errors_are_french_summarised_and_write_nothing(
    case: Case, caseworker: Any, login: Callable[..., Client]
) -> None:
    bad = PROFILE_FORM | {"complaint_filed": "no", "control_means": ["Blackmail"], "minor_at_start": ""}
    page = login(caseworker).post(f"/dossiers/{case.pk}/profil/", bad).content.decode()
    assert "Le profil n'a pas été enregistré" in page
    assert "Choisissez une réponse" in page and "Blackmail" in page
    assert not CaseProfile.objects.exists()
    assert not AuditEvent.objects.filter(action="case.profile_update").exists()
    page = login(caseworker).post(f"/dossiers/{case.pk}/profil/", PROFILE_FORM | {"complaint_filed": "no"})
    assert "suppose que la plainte a été déposée" in page.content.decode()
    assert not CaseProfile.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (ProfileData(nationalities=("RO",)), "nationalities", "ISO 3166"),
        (ProfileData(languages=("xx",)), "languages", "ISO 639"),
        (ProfileData(control_means=("Blackmail",)), "control_means", "Moyen(s) de contrôle inconnu(s)"),
        (ProfileData(complaint_date=datetime.date(2024, 1, 1)), "complaint_date", "plainte a été déposée"),
        (ProfileData(complaint_filed="yes", complaint_date=datetime.date(2999, 1, 1)), "complaint_date", "futur"),
        (ProfileData(administrative_status="legal"), "administrative_status", "Situation administrative"),
    ],
)
def test_profile_action_refuses_invalid_values(
    case: Case, caseworker: Any, data: ProfileData, field: str, message: str
) -> None:
    with pytest.raises(ProfileError) as error:
        profile.do_update_profile(case, data, acting_user=caseworker)
    assert message in error.value.errors[field]
    assert not CaseProfile.objects.exists()


def test_only_the_organisation_editors_update_a_profile(case: Case, org: Any, make_user: Any) -> None:
    for user in (make_user(Role.VOLUNTEER, org), make_user(Role.CASEWORKER, OrganisationFactory())):
        with pytest.raises(PermissionDenied):
            profile.do_update_profile(case, ProfileData(), acting_user=user)


def test_events_are_added_with_a_commune_or_a_country_and_deleted(
    case: Case, caseworker: Any, login: Callable[..., Client]
) -> None:
    client = login(caseworker)
    url = f"/dossiers/{case.pk}/profil/etapes/"
    assert client.post(url, {"kind": "Recruitment", "country": "NGA", "start": "2021"}).status_code == 302
    assert client.post(url, {"kind": "Exploitation", "commune_code": "75056", "start": "2022-03"}).status_code == 302
    events = list(CaseEvent.objects.filter(case=case))
    assert [(e.kind, e.country, e.commune_id, e.start) for e in events] == [
        ("Recruitment", "NGA", None, "2021"),
        ("Exploitation", "", "75056", "2022-03"),
    ]
    detail = client.get(f"/dossiers/{case.pk}/").content.decode()
    assert "Paris (75)" in detail and "Nigeria" in detail
    added = AuditEvent.objects.filter(action="case.event_add").order_by("id")
    assert [e.extra["fields"] for e in added] == [["kind", "country", "start"], ["kind", "commune", "start"]]
    assert client.post(f"{url}suppression/", {"event": events[0].pk}).status_code == 302
    assert list(CaseEvent.objects.filter(case=case)) == [events[1]]
    assert AuditEvent.objects.get(action="case.event_delete").extra == {"reference": case.reference,
                                                                         "event": events[0].pk}  # fmt: skip


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"kind": "Transit"}, "Indiquez le lieu"),
        ({"kind": "Transit", "commune_code": "75056", "country": "ITA"}, "soit une commune française, soit un pays"),
        ({"kind": "Transit", "commune_code": "99999"}, "n&#x27;est pas un code INSEE de commune connu"),
        ({"kind": "Transit", "country": "ITA", "start": "2022-05", "end": "2021"}, "La fin ne peut pas précéder"),
        ({"kind": "Transit", "country": "ITA", "start": "2022-13"}, "Mois 13 invalide"),
        ({"kind": "Transit", "country": "ITA", "start": "2099"}, "dans le futur"),
        ({"country": "ITA"}, "Choisissez l&#x27;étape"),
    ],
)
def test_invalid_events_are_refused_in_french(
    case: Case, caseworker: Any, login: Callable[..., Client], post: dict[str, str], message: str
) -> None:
    page = login(caseworker).post(f"/dossiers/{case.pk}/profil/etapes/", post)
    assert page.status_code == 200 and message in page.content.decode()
    assert not CaseEvent.objects.exists() and not AuditEvent.objects.filter(action="case.event_add").exists()


def test_a_partial_end_within_the_start_month_is_accepted(case: Case, caseworker: Any) -> None:
    profile.do_add_event(case, EventData("Transit", country="ITA", start="2022-05", end="2022"), acting_user=caseworker)
    assert CaseEvent.objects.get().end == "2022"


def test_consent_texts_page_lists_every_version_and_marks_the_current_one(
    caseworker: Any, make_user: Any, org: Any, login: Callable[..., Client]
) -> None:
    ConsentText.objects.filter(purpose="research").update(is_current=False)
    ConsentText.objects.create(purpose="research", version=2, text="Deuxième version du texte.", is_current=True)
    page = login(make_user(Role.VOLUNTEER, org)).get("/consentements/textes/").content.decode()
    assert "Deuxième version du texte." in page and "Version 2" in page and "Version 1" in page
    assert page.count("en vigueur</span>") == 4 and "remplacée" in page
    form = login(caseworker).get(f"/dossiers/{_any_case(caseworker).pk}/consentements/").content.decode()
    assert "/consentements/textes/" in form


def _any_case(user: Any) -> Case:
    org = user.active_memberships()[0].organisation
    return actions.do_open_case(org, Identity(family_name="X"), "unknown", [], acting_user=user)


def test_the_migration_moves_old_encrypted_nationalities_to_the_clear_profile(case: Case) -> None:
    """Identities encrypted before the profile held their nationalities: the data migration moves them out."""
    migration = importlib.import_module("egide.cases.migrations.0006_nationalities_in_clear_and_alias_indexes")
    person = Person.objects.select_related("data_key").get(pk=case.person_id)
    key, context = open_data_key(person.data_key), field_context(person.uid, "identity")
    old = json.dumps({"family_name": "Okafor", "aliases": ["Queen B"], "birth_date": "2001", "nationalities": ["ROU"]})
    person.identity = crypto.encrypt(key, old.encode(), context=context)
    person.birth_year_index = ""
    person.save()
    PersonNationality.objects.all().delete()
    PersonNameIndex.objects.all().delete()
    migration.forwards(django_apps, None)
    person.refresh_from_db()
    assert "nationalities" not in json.loads(crypto.decrypt(key, bytes(person.identity), context=context))
    assert profile.profile_data_of(case).nationalities == ("ROU",)
    assert PersonNameIndex.objects.filter(person=person).count() == 2 and person.birth_year_index
