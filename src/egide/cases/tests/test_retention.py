"""Retention: anonymisation after the period destroys the key; legal hold prevents it."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from egide.accounts.roles import Role
from egide.cases import actions, minors, retention, selectors
from egide.cases.models import Case, Guardian, Person
from egide.cases.tasks import anonymise_cases
from egide.cases.tests.helpers import open_case
from egide.core import crypto
from egide.core.models import AuditEvent
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2031, 6, 1)


@pytest.fixture
def supervisor(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.CASE_SUPERVISOR, OrganisationFactory())


def _closed(user: Any, closed_on: datetime.date) -> Case:
    case = open_case(user, opened_on=datetime.date(2024, 1, 1))
    return actions.do_close_case(case, acting_user=user, closed_on=closed_on)


def test_anonymisation_destroys_the_key_and_blanks_the_person(supervisor: Any) -> None:
    case = _closed(supervisor, datetime.date(2026, 5, 31))
    minors.do_add_guardian(case, "guardian", "Tuteur Nommé", None, acting_user=supervisor)
    assert case.person.name_tokens.exists() and case.person.birth_year_index != ""
    assert retention.anonymise_due_cases(TODAY).anonymised == 1
    person = Person.objects.select_related("data_key").get(pk=case.person_id)
    assert person.anonymised_at is not None and person.data_key.destroyed_at is not None
    assert bytes(person.identity) == b"" and person.name_index == "" and person.birth_index == ""
    assert person.birth_year_index == "" and not person.name_tokens.exists()
    with pytest.raises(crypto.DecryptionError):
        selectors.identity_of(person)
    assert bytes(Guardian.objects.get().name) == b""
    case.refresh_from_db()
    assert case.reference and case.status == "closed" and [f.code for f in case.exploitation_forms.all()] == ["SEXUAL"]
    assert AuditEvent.objects.get(action="case.anonymise").actor_id is None
    assert retention.anonymise_due_cases(TODAY).anonymised == 0  # once only


def test_recent_open_and_held_cases_are_kept(supervisor: Any) -> None:
    recent = _closed(supervisor, datetime.date(2026, 6, 2))
    still_open = open_case(supervisor)
    held = _closed(supervisor, datetime.date(2020, 1, 1))
    retention.do_set_legal_hold(held, True, "Procédure pénale en cours", acting_user=supervisor)
    assert retention.anonymise_due_cases(TODAY).anonymised == 0
    assert not Person.objects.filter(anonymised_at__isnull=False).exists()
    assert {recent.pk, still_open.pk, held.pk} == set(Case.objects.values_list("pk", flat=True))
    retention.do_set_legal_hold(held, False, "Procédure close", acting_user=supervisor)
    assert retention.anonymise_due_cases(TODAY).anonymised == 1
    assert [e.reason for e in AuditEvent.objects.filter(action__startswith="case.legal_hold").order_by("id")] == [
        "Procédure pénale en cours", "Procédure close",
    ]  # fmt: skip


def test_a_person_with_one_recent_case_is_kept_whole(supervisor: Any) -> None:
    old = _closed(supervisor, datetime.date(2020, 1, 1))
    org = old.organisation
    recent = Case.objects.create(
        organisation=org, person=old.person, reference="2026-9999", status="closed",
        closed_on=datetime.date(2030, 1, 1), created_by=supervisor,
    )  # fmt: skip
    assert retention.anonymise_due_cases(TODAY).anonymised == 0
    assert recent.person.anonymised_at is None


@override_settings(EGIDE_RETENTION_YEARS=10)
def test_the_period_is_a_setting(supervisor: Any) -> None:
    _closed(supervisor, datetime.date(2024, 1, 1))
    assert retention.anonymise_due_cases(TODAY).anonymised == 0
    assert retention.anonymise_due_cases(datetime.date(2034, 1, 2)).anonymised == 1


def test_the_task_and_the_command_run_it(supervisor: Any, capsys: pytest.CaptureFixture[str]) -> None:
    _closed(supervisor, datetime.date(2020, 1, 1))
    call_command("anonymise_cases", "--date", "2020-06-01")
    assert "0 personne(s) anonymisée(s)" in capsys.readouterr().out
    result = anonymise_cases.enqueue(TODAY.isoformat())
    assert result.return_value == {"anonymised": 1, "cutoff": "2026-06-01"}
    # Once a day: the second run of the same date does nothing.
    assert anonymise_cases.enqueue(TODAY.isoformat()).return_value is None


def test_legal_hold_needs_the_capability_and_a_reason(
    supervisor: Any, make_user: Callable[..., Any], login: Callable[..., Client]
) -> None:
    case = _closed(supervisor, datetime.date(2020, 1, 1))
    caseworker = make_user(Role.CASEWORKER, case.organisation)
    with pytest.raises(retention.PermissionDenied):
        retention.do_set_legal_hold(case, True, "Procédure", acting_user=caseworker)
    client = login(supervisor)
    response = client.post(f"/dossiers/{case.pk}/conservation/", {"reason": ""})
    assert "Indiquez le motif" in response.content.decode()
    assert client.post(f"/dossiers/{case.pk}/conservation/", {"reason": "Réquisition"}).status_code == 302
    assert Case.objects.get(pk=case.pk).legal_hold
