"""Trafficking status: history, four-eyes confirmation, current status, attaching screenings."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from egide.accounts.roles import Role
from egide.cases import actions
from egide.cases.identity import Identity
from egide.cases.models import Case, ScreeningLink, StatusDecision
from egide.cases.status import (
    StatusRefusedError,
    current_in,
    current_status,
    decisions_of,
    do_attach_screening,
    do_confirm_decision,
    do_record_decision,
)
from egide.cases.vocabulary import Authority, TraffickingStatus
from egide.core.models import AuditEvent
from egide.identification.actions import (
    ScreeningData,
    do_confirm_screening,
    do_create_screening,
    do_record_answers,
    load_shipped_lists,
)
from egide.identification.models import Indicator, IndicatorList, Screening
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PRESUMED, IDENTIFIED = TraffickingStatus.PRESUMED, TraffickingStatus.FORMALLY_IDENTIFIED
ASSOCIATION, POLICE = Authority.ASSOCIATION, Authority.POLICE


def _days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def org() -> Any:
    return OrganisationFactory(name="Association de l'Est")


@pytest.fixture
def caseworker(org: Any, make_user: Callable[..., Any]) -> Any:
    return make_user(Role.CASEWORKER, org)


@pytest.fixture
def supervisor(org: Any, make_user: Callable[..., Any]) -> Any:
    return make_user(Role.CASE_SUPERVISOR, org)


@pytest.fixture
def case(org: Any, caseworker: Any) -> Case:
    return actions.do_open_case(org, Identity(family_name="Nowak"), "male", ["LABOUR_OTHER"], acting_user=caseworker)


def _screening(org: Any, author: Any, confirmer: Any | None = None) -> Screening:
    """A « presumed victim » screening of `org`, confirmed by `confirmer` when given."""
    load_shipped_lists()
    lst = IndicatorList.objects.get(code="adult_labour", is_current=True)
    screening = do_create_screening(
        ScreeningData(org.pk, lst, "adult", "LABOUR_OTHER", _days_ago(20), "", "Personne B"), acting_user=author
    )
    ids = Indicator.objects.filter(dimension__indicator_list=lst).values_list("pk", flat=True)
    screening = do_record_answers(screening, dict.fromkeys(ids, ("yes", "")), "unknown", acting_user=author)
    return do_confirm_screening(screening, acting_user=confirmer) if confirmer else screening


def test_a_presumed_decision_of_an_association_counts_only_once_confirmed_by_someone_else(
    case: Case, caseworker: Any, supervisor: Any, make_user: Callable[..., Any]
) -> None:
    decision = do_record_decision(case, PRESUMED, ASSOCIATION, _days_ago(3), acting_user=caseworker)
    assert current_status(case) is None
    author_supervisor = make_user(Role.CASE_SUPERVISOR, case.organisation)
    own = do_record_decision(case, PRESUMED, ASSOCIATION, _days_ago(2), acting_user=author_supervisor)
    with pytest.raises(StatusRefusedError, match="vous-même"):
        do_confirm_decision(own, acting_user=author_supervisor)
    with pytest.raises(PermissionDenied):
        do_confirm_decision(decision, acting_user=make_user(Role.CASEWORKER, case.organisation))
    with pytest.raises(PermissionDenied):
        do_confirm_decision(decision, acting_user=make_user(Role.CASE_SUPERVISOR, OrganisationFactory()))
    do_confirm_decision(decision, acting_user=supervisor)
    assert current_status(case) == decision
    with pytest.raises(StatusRefusedError, match="n'attend pas"):
        do_confirm_decision(decision, acting_user=supervisor)


def test_authorities_decisions_count_at_once_and_the_latest_decision_wins(case: Case, caseworker: Any) -> None:
    police = do_record_decision(case, IDENTIFIED, POLICE, _days_ago(5), "PV 2024/123", acting_user=caseworker)
    assert current_status(case) == police
    do_record_decision(case, TraffickingStatus.NOT_A_VICTIM, Authority.LABOUR_INSPECTION, _days_ago(9),
                               acting_user=caseworker)  # fmt: skip
    assert current_status(case) == police  # decided earlier: recorded later does not supersede
    same_day = do_record_decision(case, TraffickingStatus.RECOGNISED_BY_COURT, Authority.COURT, _days_ago(5),
                                  acting_user=caseworker)  # fmt: skip
    assert current_status(case) == same_day
    do_record_decision(case, PRESUMED, ASSOCIATION, _days_ago(1), acting_user=caseworker)
    assert current_status(case) == same_day  # unconfirmed presumption does not count
    # The case page picks the same decision from the history it has already read.
    assert current_in(list(decisions_of(case))) == same_day
    assert StatusDecision.objects.filter(case=case).count() == 4


def test_bad_decisions_are_refused_in_french_and_write_nothing(case: Case, caseworker: Any) -> None:
    with pytest.raises(StatusRefusedError, match="futur"):
        do_record_decision(case, IDENTIFIED, POLICE, _days_ago(-1), acting_user=caseworker)
    with pytest.raises(StatusRefusedError, match="Seule une juridiction"):
        do_record_decision(case, TraffickingStatus.RECOGNISED_BY_COURT, POLICE, _days_ago(1), acting_user=caseworker)
    assert not StatusDecision.objects.exists() and not AuditEvent.objects.filter(action="status.record").exists()


def test_the_status_pages_record_and_confirm_with_a_french_refusal_for_the_author(
    case: Case, supervisor: Any, make_user: Callable[..., Any], login: Callable[..., Client]
) -> None:
    client = login(supervisor)
    form = {"status": PRESUMED, "authority": ASSOCIATION, "decided_on": _days_ago(1).isoformat()}
    assert client.post(f"/dossiers/{case.pk}/statut/", form).status_code == 302
    decision = StatusDecision.objects.get()
    page = client.post(f"/dossiers/{case.pk}/statut/confirmation/", {"decision": decision.pk, "confirmation": "on"},
                       follow=True).content.decode()  # fmt: skip
    assert "Vous ne pouvez pas confirmer une décision que vous avez enregistrée vous-même." in page
    assert "à confirmer" in page and StatusDecision.objects.get().confirmed_at is None
    other = login(make_user(Role.CASE_SUPERVISOR, case.organisation))
    other.post(f"/dossiers/{case.pk}/statut/confirmation/", {"decision": decision.pk, "confirmation": "on"})
    detail = other.get(f"/dossiers/{case.pk}/").content.decode()
    assert "Statut au regard de la traite" in detail and "<strong>victime présumée</strong>" in detail
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="status.")] == [
        "status.record",
        "status.confirm",
    ]


def test_the_status_form_refuses_a_future_date_in_french(
    case: Case, caseworker: Any, login: Callable[..., Client]
) -> None:
    form = {"status": IDENTIFIED, "authority": POLICE, "decided_on": _days_ago(-3).isoformat()}
    page = login(caseworker).post(f"/dossiers/{case.pk}/statut/", form).content.decode()
    assert "ne peut pas être dans le futur" in page and not StatusDecision.objects.exists()


def test_a_screening_of_the_same_organisation_is_attached_once(
    case: Case, caseworker: Any, supervisor: Any, make_user: Callable[..., Any]
) -> None:
    screening = _screening(case.organisation, caseworker)
    foreign = _screening(OrganisationFactory(), caseworker)
    with pytest.raises(StatusRefusedError, match="introuvable"):
        do_attach_screening(case, foreign, acting_user=caseworker)
    link = do_attach_screening(case, screening, acting_user=caseworker)
    assert link.case == case
    with pytest.raises(StatusRefusedError, match="déjà rattaché"):
        do_attach_screening(case, screening, acting_user=supervisor)
    with pytest.raises(PermissionDenied):
        do_attach_screening(case, screening, acting_user=make_user(Role.CASEWORKER, OrganisationFactory()))
    event = AuditEvent.objects.get(action="case.screening_attach")
    assert event.extra["screening"] == screening.pk and "Personne B" not in str(event.extra)


def test_attaching_a_confirmed_presumed_screening_offers_a_prefilled_decision(
    case: Case, caseworker: Any, supervisor: Any, login: Callable[..., Client]
) -> None:
    screening = _screening(case.organisation, caseworker, confirmer=supervisor)
    client = login(caseworker)
    assert f"Repérage n° {screening.pk}" in client.get(f"/dossiers/{case.pk}/").content.decode()
    response = client.post(f"/dossiers/{case.pk}/reperages/", {"screening": screening.pk})
    assert response["Location"] == f"/dossiers/{case.pk}/statut/?screening={screening.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f'value="{screening.screened_on.isoformat()}"' in page and f"Repérage n° {screening.pk}" in page
    assert ScreeningLink.objects.filter(case=case, screening=screening).exists()


def test_another_organisation_gets_404_and_changes_nothing(
    case: Case, caseworker: Any, make_user: Callable[..., Any], login: Callable[..., Client]
) -> None:
    decision = do_record_decision(case, PRESUMED, ASSOCIATION, _days_ago(1), acting_user=caseworker)
    screening = _screening(case.organisation, caseworker)
    client = login(make_user(Role.CASE_SUPERVISOR, OrganisationFactory()))
    form = {"status": IDENTIFIED, "authority": POLICE, "decided_on": _days_ago(1).isoformat()}
    assert client.get(f"/dossiers/{case.pk}/statut/").status_code == 404
    assert client.post(f"/dossiers/{case.pk}/statut/", form).status_code == 404
    confirm = {"decision": decision.pk, "confirmation": "on"}
    assert client.post(f"/dossiers/{case.pk}/statut/confirmation/", confirm).status_code == 404
    assert client.post(f"/dossiers/{case.pk}/reperages/", {"screening": screening.pk}).status_code == 404
    assert StatusDecision.objects.count() == 1 and StatusDecision.objects.get().confirmed_at is None
    assert not ScreeningLink.objects.exists()
