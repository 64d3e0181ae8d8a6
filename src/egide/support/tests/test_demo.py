"""Demo support: procedures in every state, tasks as the sync computes them, dashboards worth opening."""

import datetime
import json

import pytest

from egide.accounts.models import User
from egide.cases.demo import load_demo_cases
from egide.cases.models import Case
from egide.cases.selectors import identity_of
from egide.cases.tests.test_demo import SEED, TODAY, _raw_values
from egide.core.audit import verify_chain
from egide.core.models import AuditEvent
from egide.core.text import fold
from egide.organisations.demo import DEMO_DOMAIN, load_demo
from egide.organisations.models import Organisation
from egide.support import deadlines
from egide.support.actions import procedure_deadlines_of
from egide.support.demo import LOAD_ACTION, OPEN_TASK_DAYS, DemoSupportError, load_demo_support
from egide.support.models import (
    CaseTask,
    ExitPathway,
    ExitPathwayRenewal,
    ResidenceProcedure,
    SupportPlan,
    SupportService,
)
from egide.support.selectors import dashboard_for, needs_of
from egide.support.tasks_sync import sync_tasks
from egide.support.vocabulary import DeadlineKind, PrefectDecision, ServiceStatus

VICTIMS, ASSOCIATIONS = 300, 20
MODELS = (ResidenceProcedure, ExitPathway, ExitPathwayRenewal, SupportPlan, SupportService, CaseTask, AuditEvent)


@pytest.fixture
def loaded(db: None) -> None:
    load_demo(organisations=60, today=TODAY)
    load_demo_cases(SEED, VICTIMS, ASSOCIATIONS, today=TODAY)
    result = load_demo_support()
    assert result.created and result.procedures > 0 and result.tasks > 0


def test_support_needs_the_demo_victims(db: None) -> None:
    with pytest.raises(DemoSupportError, match="victimes de démonstration"):
        load_demo_support()
    assert not ResidenceProcedure.objects.exists() and not AuditEvent.objects.filter(action=LOAD_ACTION).exists()


def test_procedures_appear_in_every_state(loaded: None) -> None:
    states = set(ResidenceProcedure.objects.values_list("kind", "state"))
    expected = {
        ("reflection_period", "requested"), ("reflection_period", "receipt_delivered"),
        ("reflection_period", "expired"),
        ("temporary_card", "requested"), ("temporary_card", "receipt_delivered"), ("temporary_card", "granted"),
        ("temporary_card", "renewed"), ("temporary_card", "refused"), ("resident_card", "granted"),
        ("provisional_authorisation", "granted"), ("provisional_authorisation", "renewed"),
        ("asylum", "requested"), ("asylum", "granted"), ("asylum", "refused"),
    }  # fmt: skip
    assert expected - states == set()
    # A renewal continues the card it renews; an APS belongs to an exit pathway.
    renewals = ResidenceProcedure.objects.filter(renews__isnull=False).select_related("renews")
    assert renewals.exists() and all(r.renews.state == "renewed" and r.renews.kind == r.kind for r in renewals)
    assert ExitPathway.objects.filter(aps__kind="provisional_authorisation").exists()
    # Nothing happened after today; only deadlines lie ahead.
    for field in ("requested_on", "receipt_on", "decision_on", "valid_from"):
        assert not ResidenceProcedure.objects.filter(**{f"{field}__gt": TODAY}).exists(), field
    for procedure in ResidenceProcedure.objects.select_related("case")[:300]:
        assert procedure.requested_on is None or procedure.requested_on >= procedure.case.opened_on


def test_exit_pathways_go_through_every_step(loaded: None) -> None:
    pathways = list(ExitPathway.objects.select_related("association", "case"))
    assert all(p.association.exit_pathway_approved(p.file_built_on) for p in pathways)
    assert all(p.case.exploitation_forms.filter(code="SEXUAL").exists() for p in pathways)
    assert any(p.decision == PrefectDecision.REFUSED for p in pathways)
    started = [p for p in pathways if p.start_on]
    assert any(p.ends_on and p.ends_on < TODAY for p in started)  # ended
    assert any(p.ends_on and p.ends_on >= TODAY for p in started)  # under way
    numbers = set(ExitPathwayRenewal.objects.values_list("number", flat=True))
    assert {1, 2} <= numbers <= {1, 2, 3}
    for pathway in started:
        assert pathway.start_on is not None
        assert pathway.ends_on == deadlines.pathway_end(pathway.start_on, pathway.renewals.count())


def test_tasks_are_exactly_what_the_sync_computes(loaded: None) -> None:
    expected = set()
    for procedure in ResidenceProcedure.objects.select_related("case"):
        found = procedure_deadlines_of(procedure)
        expected |= {(procedure.case_id, procedure.origin, d.rule_key, d.due_on) for d in found}
        assert sync_tasks(procedure.case, procedure.origin, found) == {"created": 0, "updated": 0, "removed": 0}
    for pathway in ExitPathway.objects.select_related("case").filter(start_on__isnull=False):
        assert pathway.start_on is not None
        found = deadlines.pathway_deadlines(pathway.start_on, pathway.renewals.count())
        expected |= {(pathway.case_id, pathway.origin, d.rule_key, d.due_on) for d in found}
        assert sync_tasks(pathway.case, pathway.origin, found) == {"created": 0, "updated": 0, "removed": 0}
    stored = set(CaseTask.objects.values_list("case_id", "origin", "rule_key", "due_on"))
    assert stored == expected and stored
    # Long past tasks were done; the recent ones wait (overdue), the coming ones too.
    limit = TODAY - datetime.timedelta(days=OPEN_TASK_DAYS)
    assert not CaseTask.objects.filter(due_on__lt=limit, done_at__isnull=True).exists()
    assert not CaseTask.objects.filter(due_on__gte=limit, done_at__isnull=False).exists()


def test_the_demo_accounts_dashboards_show_their_deadlines(loaded: None) -> None:
    boards = {
        name: dashboard_for(User.objects.get(email=f"{name}@{DEMO_DOMAIN}"), TODAY)
        for name in ("caseworker", "supervisor", "volunteer")
    }
    caseworker = boards["caseworker"]
    soon = {t.kind for t in caseworker.soon}
    assert {DeadlineKind.REFLECTION_END, DeadlineKind.RENEWAL_REQUEST} <= soon
    assert DeadlineKind.RECEIPT_EXPIRY in {t.kind for t in caseworker.overdue}
    assert caseworker.cases and caseworker.later and caseworker.reminders
    for name in ("supervisor", "volunteer"):
        assert DeadlineKind.REFLECTION_END in {t.kind for t in boards[name].soon}, name


def test_support_plans_have_services_from_the_directory_and_encrypted_needs(loaded: None) -> None:
    plans = SupportPlan.objects.select_related("case__person__data_key")
    assert plans.count() >= Case.objects.filter(status="open").count()
    plan = plans.exclude(needs=b"").first()
    assert plan is not None and needs_of(plan).startswith("Besoins évalués") and b"Besoins" not in bytes(plan.needs)
    statuses = set(SupportService.objects.values_list("status", flat=True))
    assert {ServiceStatus.PLANNED, ServiceStatus.IN_PROGRESS, ServiceStatus.DONE} <= statuses
    provided = SupportService.objects.filter(provider__isnull=False).select_related("provider", "case__organisation")
    assert provided.exists() and all(s.provider_id != s.case.organisation_id for s in provided)


def test_loading_twice_writes_nothing_more(loaded: None) -> None:
    counts = [m.objects.count() for m in MODELS]
    assert not load_demo_support().created
    assert [m.objects.count() for m in MODELS] == counts


def test_the_audit_chain_verifies_and_no_identity_is_stored_in_clear(loaded: None) -> None:
    assert verify_chain().ok
    assert AuditEvent.objects.filter(action="support.demo_load").count() == ASSOCIATIONS
    assert not AuditEvent.objects.filter(action="support.procedure_save").exists()
    # The check of the victims demo, now over the support tables too (needs are encrypted).
    secrets_: set[str] = set()
    for case in Case.objects.select_related("person__data_key")[:200]:
        identity = identity_of(case.person)
        for value in (identity.family_name, identity.given_names, identity.phone):
            if len(fold(value).replace(" ", "")) >= 5:
                secrets_ |= {value.lower(), fold(value)}
    assert len(secrets_) > 50
    blob = b"\n".join(value.lower() for value in _raw_values())
    for name in Organisation.objects.values_list("name", flat=True):
        blob = blob.replace(name.lower().encode(), b"")
    # A code, not a name: « favourable » holds the given name « Favour ».
    blob = blob.replace(b"favourable", b"")
    assert sorted(s for s in secrets_ if s.encode() in blob) == []
    audit = json.dumps(list(AuditEvent.objects.values("extra")), default=str, ensure_ascii=False).lower()
    assert not [s for s in secrets_ if s in audit]
