"""Support actions, task sync, the daily job, the dashboard, the timeline and the pages."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from egide.accounts.models import User
from egide.accounts.roles import Role
from egide.cases.actions import do_close_case, do_open_case
from egide.cases.consent import do_record_consent
from egide.cases.identity import Identity, PartialDate
from egide.cases.models import Case
from egide.cases.vocabulary import ConsentPurpose
from egide.core.audit import verify_chain
from egide.core.jobs import enqueue_due_jobs
from egide.core.models import AuditEvent, DailyRun
from egide.organisations.tests.factories import OrganisationFactory
from egide.support import actions
from egide.support.actions import PathwayData, ProcedureData, ServiceData, SupportRefusedError
from egide.support.models import CaseTask, ExitPathwayRenewal, Reminder, ResidenceProcedure, SupportPlan
from egide.support.tasks import raise_daily_reminders
from egide.support.timeline import timeline_of
from egide.support.vocabulary import ProcedureKind, ProcedureState, ServiceCategory, ServiceStatus

pytestmark = pytest.mark.django_db
D = datetime.date
REFLECTION = ProcedureKind.REFLECTION_PERIOD


@pytest.fixture
def org() -> Any:
    return OrganisationFactory(name="Association d'aide")


@pytest.fixture
def worker(make_user: Callable[..., User], org: Any) -> User:
    return make_user(Role.CASEWORKER, org)


@pytest.fixture
def case(worker: User, org: Any) -> Case:
    identity = Identity(family_name="Dupont", given_names="Awa")
    return do_open_case(org, identity, "female", ["SEXUAL"], acting_user=worker)


def _reflection(case: Case, user: User, receipt_on: datetime.date) -> ResidenceProcedure:
    data = ProcedureData(REFLECTION, ProcedureState.RECEIPT_DELIVERED, receipt_on=receipt_on)
    return actions.do_save_procedure(case, data, acting_user=user)


def _tasks(case: Case) -> list[tuple[str, datetime.date]]:
    return list(CaseTask.objects.filter(case=case).order_by("due_on").values_list("rule_key", "due_on"))


# --- Procedures and tasks ------------------------------------------------------------------


def test_reflection_receipt_becomes_a_task_with_its_source_and_an_audit_event(case: Case, worker: User) -> None:
    procedure = _reflection(case, worker, D(2025, 3, 3))
    assert procedure.valid_until == D(2025, 4, 2)
    task = CaseTask.objects.get(case=case)
    assert (task.title, task.due_on, task.assigned_to) == ("Fin du délai de réflexion", D(2025, 4, 2), worker)
    assert "R425-2" in task.legal_source
    event = AuditEvent.objects.get(action="support.procedure_save")
    assert event.extra["tasks"] == {"created": 1, "updated": 0, "removed": 0}
    assert event.extra["fields"] == ["kind", "receipt_on", "state"]
    assert verify_chain().ok


def test_tasks_follow_the_procedure_dates_without_duplicates(case: Case, worker: User) -> None:
    procedure = _reflection(case, worker, D(2025, 3, 3))
    data = ProcedureData(REFLECTION, ProcedureState.RECEIPT_DELIVERED, receipt_on=D(2025, 3, 10))
    actions.do_save_procedure(case, data, procedure=procedure, acting_user=worker)
    actions.do_save_procedure(case, data, procedure=procedure, acting_user=worker)
    assert _tasks(case) == [("reflection_period.end", D(2025, 4, 9))]
    expired = ProcedureData(REFLECTION, ProcedureState.EXPIRED, receipt_on=D(2025, 3, 10))
    actions.do_save_procedure(case, expired, procedure=procedure, acting_user=worker)
    assert _tasks(case) == []


def test_a_done_task_stays_when_its_deadline_goes(case: Case, worker: User) -> None:
    procedure = _reflection(case, worker, D(2025, 3, 3))
    actions.do_complete_task(CaseTask.objects.get(case=case), acting_user=worker)
    expired = ProcedureData(REFLECTION, ProcedureState.EXPIRED, receipt_on=D(2025, 3, 3))
    actions.do_save_procedure(case, expired, procedure=procedure, acting_user=worker)
    assert CaseTask.objects.get(case=case).is_done
    with pytest.raises(SupportRefusedError, match="déjà faite"):
        actions.do_complete_task(CaseTask.objects.get(case=case), acting_user=worker)


def test_renewing_a_card_moves_the_deadlines_to_the_new_card(case: Case, worker: User) -> None:
    card = actions.do_save_procedure(
        case, ProcedureData(ProcedureKind.TEMPORARY_CARD, ProcedureState.GRANTED, decision_on=D(2024, 8, 31)),
        acting_user=worker,
    )  # fmt: skip
    assert card.valid_from == D(2024, 8, 31) and card.valid_until == D(2025, 8, 31)
    assert _tasks(case) == [("temporary_card.renewal", D(2025, 6, 30)), ("temporary_card.expiry", D(2025, 8, 31))]
    renewal = actions.do_save_procedure(
        case, ProcedureData(ProcedureKind.TEMPORARY_CARD, ProcedureState.GRANTED, decision_on=D(2025, 8, 20),
                            valid_from=D(2025, 9, 1)),
        renews=card, acting_user=worker,
    )  # fmt: skip
    card.refresh_from_db()
    assert card.state == ProcedureState.RENEWED and renewal.renews == card
    assert set(CaseTask.objects.filter(case=case).values_list("origin", flat=True)) == {renewal.origin}
    with pytest.raises(SupportRefusedError, match="renouvelé"):
        actions.do_save_procedure(
            case, ProcedureData(ProcedureKind.TEMPORARY_CARD, ProcedureState.GRANTED, decision_on=D(2025, 9, 1)),
            renews=card, acting_user=worker,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (ProcedureData(REFLECTION, ProcedureState.RECEIPT_DELIVERED), "receipt_on", "récépissé"),
        (ProcedureData(ProcedureKind.RESIDENT_CARD, ProcedureState.GRANTED), "decision_on", "décision"),
        (
            ProcedureData(ProcedureKind.TEMPORARY_CARD, ProcedureState.RECEIPT_DELIVERED,
                          requested_on=D(2025, 3, 1), receipt_on=D(2025, 2, 1)),
            "receipt_on", "précéder",
        ),
    ],
)  # fmt: skip
def test_incoherent_procedures_are_refused_in_french_and_nothing_is_written(
    case: Case, worker: User, data: ProcedureData, field: str, message: str
) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(SupportRefusedError, match=message) as refusal:
        actions.do_save_procedure(case, data, acting_user=worker)
    assert refusal.value.field == field
    assert not ResidenceProcedure.objects.exists() and AuditEvent.objects.count() == before


def test_a_volunteer_or_another_organisation_cannot_write(case: Case, make_user: Callable[..., User], org: Any) -> None:
    for user in (make_user(Role.VOLUNTEER, org), make_user(Role.CASEWORKER)):
        with pytest.raises(PermissionDenied):
            _reflection(case, user, D(2025, 3, 3))


# --- Support plan --------------------------------------------------------------------------


def test_needs_are_encrypted_and_kept_out_of_the_audit_trail(case: Case, worker: User) -> None:
    from egide.support.selectors import needs_of, plan_of

    actions.do_save_needs(case, D(2025, 3, 1), "Soins dentaires urgents", acting_user=worker)
    plan = SupportPlan.objects.get(case=case)
    assert b"dentaires" not in bytes(plan.needs)
    assert needs_of(plan_of(case)) == "Soins dentaires urgents"
    event = AuditEvent.objects.get(action="support.needs_save")
    assert "dentaires" not in str(event.extra) and event.extra["fields"] == ["assessed_on", "needs"]


def test_services_check_their_dates_and_audit_changed_fields(case: Case, worker: User, org: Any) -> None:
    with pytest.raises(SupportRefusedError, match="fin précède"):
        actions.do_save_service(
            case, ServiceData(ServiceCategory.HOUSING, ServiceStatus.PLANNED, start_on=D(2025, 3, 2),
                              end_on=D(2025, 3, 1)), acting_user=worker,
        )  # fmt: skip
    service = actions.do_save_service(
        case, ServiceData(ServiceCategory.HEALTH, ServiceStatus.PLANNED, provider_id=org.pk), acting_user=worker
    )
    started = ServiceData(ServiceCategory.HEALTH, ServiceStatus.IN_PROGRESS, provider_id=org.pk, start_on=D(2025, 3, 2))
    actions.do_save_service(case, started, service=service, acting_user=worker)
    last = AuditEvent.objects.filter(action="support.service_save").order_by("-id").first()
    assert last is not None and last.extra["fields"] == ["start_on", "status"]


# --- Exit pathway --------------------------------------------------------------------------


@pytest.fixture
def approved() -> Any:
    return OrganisationFactory(name="Association agréée", exit_pathway_approved_on=D(2024, 6, 1))


def _pathway(case: Case, user: User, association: Any, **changes: Any) -> Any:
    data = PathwayData(association.pk, file_built_on=D(2024, 12, 1), commission_on=D(2024, 12, 15),
                       commission_opinion="favourable", decision="authorised", decision_on=D(2025, 1, 10),
                       start_on=D(2025, 1, 15), afis=True)  # fmt: skip
    return actions.do_save_pathway(case, PathwayData(**{**data.__dict__, **changes}), acting_user=user)


def test_only_an_approved_association_builds_a_pathway(case: Case, worker: User, org: Any) -> None:
    with pytest.raises(SupportRefusedError, match="agrément") as refusal:
        _pathway(case, worker, org)
    assert refusal.value.field == "association"


@override_settings(EGIDE_AFIS_MONTHLY_AMOUNT=Decimal("343.50"))
def test_pathway_renews_every_six_months_up_to_24_and_no_further(case: Case, worker: User, approved: Any) -> None:
    pathway = _pathway(case, worker, approved)
    assert pathway.afis_monthly_amount == Decimal("343.50") and pathway.ends_on == D(2025, 7, 15)
    assert _tasks(case) == [("exit_pathway.renewal", D(2025, 5, 15)), ("exit_pathway.end", D(2025, 7, 15))]
    for number in (1, 2, 3):
        renewal = actions.do_renew_pathway(pathway, D(2025, 1, 1) + datetime.timedelta(days=180 * number),
                                           acting_user=worker)  # fmt: skip
        assert renewal.number == number
    pathway.refresh_from_db()
    assert pathway.ends_on == D(2027, 1, 15)
    assert _tasks(case) == [("exit_pathway.end", D(2027, 1, 15))]
    with pytest.raises(SupportRefusedError, match="24 mois"):
        actions.do_renew_pathway(pathway, D(2027, 1, 1), acting_user=worker)
    assert ExitPathwayRenewal.objects.filter(pathway=pathway).count() == 3


def test_pathway_refuses_a_start_before_the_prefect_authorises(case: Case, worker: User, approved: Any) -> None:
    with pytest.raises(SupportRefusedError, match="autorisation du préfet"):
        _pathway(case, worker, approved, decision="", decision_on=None)


def test_pathway_links_only_an_aps_of_the_same_case(case: Case, worker: User, approved: Any) -> None:
    reflection = _reflection(case, worker, D(2025, 3, 3))
    with pytest.raises(SupportRefusedError, match="APS"):
        _pathway(case, worker, approved, aps_id=reflection.pk)
    granted = ProcedureData(ProcedureKind.PROVISIONAL_AUTHORISATION, ProcedureState.GRANTED, decision_on=D(2025, 1, 15))
    aps = actions.do_save_procedure(case, granted, acting_user=worker)
    assert _pathway(case, worker, approved, aps_id=aps.pk).aps == aps
    assert aps.valid_until == D(2025, 7, 15)


# --- Daily job -----------------------------------------------------------------------------


def test_daily_job_raises_reminders_once_per_date(case: Case, worker: User) -> None:
    _reflection(case, worker, D(2025, 3, 3))  # due 2 April 2025
    first = raise_daily_reminders.enqueue("2025-03-27")
    assert first.return_value == {"date": "2025-03-27", "reminders": 1}
    assert raise_daily_reminders.enqueue("2025-03-27").return_value is None
    assert Reminder.objects.get().remind_on == D(2025, 3, 26)
    # The due date brings a second reminder; a week late, a third; the days between, none.
    for day in ("2025-04-02", "2025-04-05", "2025-04-09"):
        raise_daily_reminders.enqueue(day)
    assert list(Reminder.objects.order_by("remind_on").values_list("remind_on", flat=True)) == [
        D(2025, 3, 26), D(2025, 4, 2), D(2025, 4, 9)
    ]  # fmt: skip
    assert DailyRun.objects.filter(job="support.reminders").count() == 4
    assert AuditEvent.objects.filter(action="support.reminders_raise").count() == 4


def test_closed_cases_and_done_tasks_get_no_reminder(case: Case, worker: User) -> None:
    _reflection(case, worker, D(2025, 3, 3))
    do_close_case(case, acting_user=worker)
    raise_daily_reminders.enqueue("2025-04-02")
    assert not Reminder.objects.exists()


def test_scheduler_enqueues_each_daily_job_once_per_date(case: Case, worker: User) -> None:
    _reflection(case, worker, D(2025, 3, 3))
    enqueued: dict[str, datetime.date] = {}
    assert enqueue_due_jobs(D(2025, 4, 2), enqueued) == [
        "cases.coming_of_age", "cases.retention", "core.audit_anchor", "referrals.overdue", "support.reminders"
    ]  # fmt: skip
    assert enqueue_due_jobs(D(2025, 4, 2), enqueued) == []
    # A restarted worker finds the day already done.
    assert enqueue_due_jobs(D(2025, 4, 2), {}) == []
    assert Reminder.objects.count() == 1


def test_cron_command_raises_reminders_once(case: Case, worker: User, capsys: pytest.CaptureFixture[str]) -> None:
    _reflection(case, worker, D(2025, 3, 3))
    call_command("raise_reminders", "--date", "2025-04-02")
    call_command("raise_reminders", "--date", "2025-04-02")
    out = capsys.readouterr().out
    assert "1 rappel(s) levé(s)" in out and "déjà levés" in out


# --- Dashboard, timeline and pages ---------------------------------------------------------


def test_dashboard_shows_the_reflection_deadline_to_the_caseworker_only(
    case: Case, worker: User, org: Any, make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    _reflection(case, worker, timezone.localdate())
    page = login(worker).get(reverse("support:dashboard")).content.decode()
    assert "Fin du délai de réflexion" in page and case.reference in page and "DUPONT Awa" in page
    stranger = make_user(Role.CASEWORKER)
    other = login(stranger).get(reverse("support:dashboard")).content.decode()
    assert "Fin du délai de réflexion" not in other and case.reference not in other


def test_dashboard_names_a_sealed_case_to_its_assigned_caseworker(
    worker: User, org: Any, login: Callable[[User], Client]
) -> None:
    minor = do_open_case(org, Identity(family_name="Petite", given_names="Lina", birth_date=PartialDate(2015)),
                         "female", ["BEGGING"], acting_user=worker)  # fmt: skip
    assert minor.sealed
    # The dashboard lists the cases assigned to the user, who may open them, seal or not.
    page = login(worker).get(reverse("support:dashboard")).content.decode()
    assert "PETITE Lina" in page and "Dossier protégé" not in page


def test_dashboard_sorts_tasks_into_overdue_soon_and_later(
    case: Case, worker: User, login: Callable[[User], Client]
) -> None:
    today = timezone.localdate()
    _reflection(case, worker, today - datetime.timedelta(days=40))  # ended 10 days ago
    response = login(worker).get(reverse("support:dashboard"))
    board = response.context["board"]
    assert [t.rule_key for t in board.overdue] == ["reflection_period.end"] and board.soon == []
    assert "en retard" in response.content.decode()


def test_caseworker_lands_on_the_dashboard_after_login(client: Client, worker: User) -> None:
    from conftest import PASSWORD

    response = client.post(reverse("accounts:login"), {"username": worker.email, "password": PASSWORD})
    assert response["Location"] == reverse("support:dashboard")


def test_timeline_lists_case_and_support_events_in_date_order(
    case: Case, worker: User, login: Callable[[User], Client]
) -> None:
    do_record_consent(case, ConsentPurpose.CASE_MANAGEMENT, True, "fr", False, None, acting_user=worker,
                      recorded_on=case.opened_on)  # fmt: skip
    actions.do_save_service(case, ServiceData(ServiceCategory.LEGAL, ServiceStatus.DONE, start_on=D(2020, 1, 2),
                                              end_on=D(2020, 2, 1)), acting_user=worker)  # fmt: skip
    procedure = _reflection(case, worker, D(2020, 1, 5))
    actions.do_complete_task(CaseTask.objects.get(case=case), acting_user=worker)
    labels = [e.label for e in timeline_of(case)]
    assert labels[:3] == ["Début : accompagnement juridique", f"Récépissé remis : {procedure.get_kind_display()}",
                          "Fin : accompagnement juridique (terminé)"]  # fmt: skip
    consent_label = "Consentement donné : suivi du dossier par l'association"
    assert labels.index("Ouverture du dossier") < labels.index(consent_label)
    assert labels[-1] == "Tâche faite : Fin du délai de réflexion"
    page = login(worker).get(reverse("support:timeline", args=[case.pk])).content.decode()
    assert "Début : accompagnement juridique" in page
    assert AuditEvent.objects.filter(action="case.read", target_id=str(case.pk)).exists()


def test_case_page_shows_the_section_and_the_forms_record_a_procedure(
    case: Case, worker: User, login: Callable[[User], Client]
) -> None:
    client = login(worker)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "Accompagnement et démarches" in page and reverse("support:procedure_create", args=[case.pk]) in page
    response = client.post(reverse("support:procedure_create", args=[case.pk]), {
        "kind": REFLECTION, "state": ProcedureState.RECEIPT_DELIVERED, "receipt_on": "",
    })  # fmt: skip
    assert response.status_code == 200 and "Indiquez la date de remise du récépissé" in response.content.decode()
    response = client.post(reverse("support:procedure_create", args=[case.pk]), {
        "kind": REFLECTION, "state": ProcedureState.RECEIPT_DELIVERED, "receipt_on": "2025-03-03",
    })  # fmt: skip
    assert response.status_code == 302
    task = CaseTask.objects.get(case=case)
    response = client.post(reverse("support:task_done", args=[case.pk]), {"task": task.pk, "next": "dashboard"})
    assert response["Location"] == reverse("support:dashboard")
    task.refresh_from_db()
    assert task.is_done and task.done_by == worker


def test_pathway_page_offers_only_approved_associations_and_shows_the_afis_amount(
    case: Case, worker: User, approved: Any, org: Any, login: Callable[[User], Client]
) -> None:
    page = login(worker).get(reverse("support:pathway_edit", args=[case.pk])).content.decode()
    assert "Association agréée" in page and "Association d&#x27;aide" not in page and "330 €" in page
