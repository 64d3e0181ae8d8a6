"""Minors: age status from the date of birth, presumption of minority, ASE referral, guardian."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from egide.accounts.roles import Role
from egide.cases import minors
from egide.cases.identity import Identity, PartialDate
from egide.cases.models import Case, Guardian
from egide.cases.tasks import record_coming_of_age
from egide.cases.tests.helpers import ADULT, open_case
from egide.cases.vocabulary import AgeStatus
from egide.core.keys import destroy_data_key
from egide.core.models import AuditEvent, Departement
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 6, 1)


@pytest.fixture
def caseworker(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.CASEWORKER, OrganisationFactory())


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        (None, AgeStatus.UNKNOWN),
        (PartialDate(2015), AgeStatus.MINOR),
        (PartialDate(2007), AgeStatus.UNKNOWN),  # 17 or 18 depending on the day
        (PartialDate(2007, 5), AgeStatus.ADULT),
        (PartialDate(2007, 6, 2), AgeStatus.MINOR),
        (PartialDate(2007, 6, 1), AgeStatus.ADULT),
        (PartialDate(1990), AgeStatus.ADULT),
    ],
)
def test_age_status_follows_the_partial_date_of_birth(birth: PartialDate | None, expected: str) -> None:
    assert minors.age_status_from_birth(birth, TODAY) == expected


def test_presumed_minority_seals_the_case_and_an_assessment_sets_the_age(caseworker: Any) -> None:
    case = open_case(caseworker, Identity(family_name="Sans Date"))
    assert case.age_status == AgeStatus.UNKNOWN and not case.sealed
    case = minors.do_set_age_status(case, AgeStatus.PRESUMED_MINOR, acting_user=caseworker)
    assert case.sealed and case.seal_reason == "minor"
    minors.do_record_age_assessment(case, TODAY, "undetermined", acting_user=caseworker)
    assert Case.objects.get(pk=case.pk).age_status == AgeStatus.PRESUMED_MINOR
    minors.do_record_age_assessment(case, TODAY, "adult", acting_user=caseworker)
    case.refresh_from_db()
    assert case.age_status == AgeStatus.ADULT and case.sealed  # lifting the seal is a supervisor's decision
    actions = list(AuditEvent.objects.filter(target_id=str(case.pk)).values_list("action", flat=True))
    assert actions.count("case.age_status") == 2 and actions.count("case.age_assessment") == 2


def test_referral_and_guardian_are_recorded_with_the_name_encrypted(
    caseworker: Any, login: Callable[..., Client]
) -> None:
    case = open_case(caseworker, ADULT, age_status=AgeStatus.MINOR)
    client = login(caseworker)
    departement = Departement.objects.get(code="13")
    response = client.post(f"/dossiers/{case.pk}/mineur/", {
        "form": "referral", "departement": "13", "referred_on": "2025-01-10", "reference": "ASE-13-42",
    })  # fmt: skip
    assert response.status_code == 302
    assert case.ase_referrals.get().departement == departement
    client.post(f"/dossiers/{case.pk}/mineur/", {
        "form": "guardian", "kind": "ad_hoc_administrator", "name": "Maître Zéphyrin Dubois", "appointed_on": "",
    })  # fmt: skip
    guardian = Guardian.objects.get()
    assert "Zéphyrin".encode() not in bytes(guardian.name) and b"Dubois" not in bytes(guardian.name)
    assert minors.guardian_name(guardian) == "Maître Zéphyrin Dubois"
    page = client.get(f"/dossiers/{case.pk}/mineur/").content.decode()
    assert "Maître Zéphyrin Dubois" in page and "ASE-13-42" in page and "?profile=child" in page
    assert not [e for e in AuditEvent.objects.all() if "Zéphyrin" in str(e.extra) + e.reason]
    # Bound to its person: the ciphertext copied onto another guardian does not decrypt.
    copy = Guardian.objects.create(case=case, kind="guardian", name=guardian.name, recorded_by=caseworker)
    assert minors.guardian_name(copy) == ""
    destroy_data_key(case.person.data_key)
    assert minors.guardian_name(Guardian.objects.get(pk=guardian.pk)) == ""


def test_the_minors_page_refuses_bad_input_in_french_and_writes_nothing(
    caseworker: Any, login: Callable[..., Client]
) -> None:
    case = open_case(caseworker, ADULT)
    client = login(caseworker)
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = client.post(f"/dossiers/{case.pk}/mineur/", {"form": "assessment", "assessed_on": future})
    page = response.content.decode()
    assert (
        response.status_code == 200 and "ne peut pas être dans le futur" in page and "Ce champ est obligatoire" in page
    )
    assert not case.age_assessments.exists()
    assert (
        "Choisissez ce que vous enregistrez"
        in client.post(f"/dossiers/{case.pk}/mineur/", {}, follow=True).content.decode()
    )


def test_a_volunteer_reads_the_section_of_an_assigned_case_but_cannot_write(
    caseworker: Any, make_user: Callable[..., Any], login: Callable[..., Client]
) -> None:
    org = caseworker.active_memberships()[0].organisation
    volunteer = make_user(Role.VOLUNTEER, org)
    case = open_case(caseworker, ADULT)
    client = login(volunteer)
    assert client.get(f"/dossiers/{case.pk}/mineur/").status_code == 404
    Case.objects.filter(pk=case.pk).update(assigned_to=volunteer)
    assert client.get(f"/dossiers/{case.pk}/mineur/").status_code == 200
    assert client.post(f"/dossiers/{case.pk}/mineur/", {"form": "age_status", "age_status": "minor"}).status_code == 404
    assert Case.objects.get(pk=case.pk).age_status == AgeStatus.ADULT


def test_the_daily_job_turns_to_adult_a_minor_who_came_of_age_once(caseworker: Any) -> None:
    opened = datetime.date(2024, 5, 2)
    minor = open_case(
        caseworker, Identity(family_name="Mineure", birth_date=PartialDate(2009, 3, 15)), opened_on=opened
    )
    still_minor = open_case(caseworker, Identity(family_name="Cadette", birth_date=PartialDate(2012)), opened_on=opened)
    assert minor.age_status == still_minor.age_status == AgeStatus.MINOR and minor.sealed
    assert coming_of_age_on(datetime.date(2027, 3, 14)) == {"adults": 0}
    assert coming_of_age_on(datetime.date(2027, 3, 15)) == {"adults": 1}
    assert coming_of_age_on(datetime.date(2027, 3, 15)) is None  # once a day
    minor.refresh_from_db()
    still_minor.refresh_from_db()
    assert minor.age_status == AgeStatus.ADULT and minor.sealed and still_minor.age_status == AgeStatus.MINOR
    event = AuditEvent.objects.get(action="case.age_status", target_id=str(minor.pk), extra__to="adult")
    assert event.actor_id is None and event.extra == {"from": "minor", "to": "adult"}


def coming_of_age_on(day: datetime.date) -> Any:
    return record_coming_of_age.enqueue(day.isoformat()).return_value
