"""Writes of the support plan, procedures, exit pathway and tasks; one transaction each, audited.

Audit events carry ids, codes and the names of changed fields, never free text: the needs
assessment is encrypted and stays out of the trail.
"""

import datetime
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from egide.cases.identity import field_context
from egide.cases.models import Case
from egide.core import crypto
from egide.core.audit import record_event
from egide.core.keys import open_data_key
from egide.organisations.models import Organisation
from egide.support import deadlines, policies
from egide.support.models import (
    CaseTask,
    ExitPathway,
    ExitPathwayRenewal,
    ResidenceProcedure,
    SupportPlan,
    SupportService,
)
from egide.support.tasks_sync import sync_tasks
from egide.support.vocabulary import PrefectDecision, ProcedureKind, ProcedureState

NEEDS_FIELD = "support_needs"


class SupportRefusedError(Exception):
    """Input the rules refuse; `field` names the form field, the message is French."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _check_edit(user: Any, case: Case) -> None:
    if not policies.can_edit(user, case):
        raise PermissionDenied


def _changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(name for name, value in after.items() if before.get(name) != value)


def _ordered(first: datetime.date | None, then: datetime.date | None, field: str, message: str) -> None:
    if first is not None and then is not None and then < first:
        raise SupportRefusedError(message, field)


# --- Needs assessment and services ---------------------------------------------------------


def do_save_needs(case: Case, assessed_on: datetime.date | None, needs: str, *, acting_user: Any) -> SupportPlan:
    """Encrypt the needs assessment under the person's data key and save it."""
    _check_edit(acting_user, case)
    with transaction.atomic(durable=True):
        person = case.person
        key = open_data_key(person.data_key)
        plan = SupportPlan.objects.select_for_update().filter(case=case).first()
        created = plan is None
        if plan is None:
            plan = SupportPlan(case=case, updated_by=acting_user)
        old = "" if created or not plan.needs else _decrypt(bytes(plan.needs), key, person.uid)
        fields = _changed({"assessed_on": plan.assessed_on, "needs": old}, {"assessed_on": assessed_on, "needs": needs})
        plan.assessed_on, plan.updated_by = assessed_on, acting_user
        plan.needs = crypto.encrypt(key, needs.encode(), context=field_context(person.uid, NEEDS_FIELD))
        plan.save()
        record_event(
            "support.needs_save", actor=acting_user, organisation_id=case.organisation_id, target=case,
            extra={"reference": case.reference, "plan": plan.pk, "fields": fields},
        )  # fmt: skip
    return plan


def _decrypt(cipher: bytes, key: bytes, person_uid: Any) -> str:
    return crypto.decrypt(key, cipher, context=field_context(person_uid, NEEDS_FIELD)).decode()


@dataclass(frozen=True)
class ServiceData:
    category: str
    status: str
    provider_id: int | None = None
    start_on: datetime.date | None = None
    end_on: datetime.date | None = None


def _check_service(data: ServiceData) -> None:
    _ordered(data.start_on, data.end_on, "end_on", "La date de fin précède la date de début.")
    if data.provider_id is not None and not Organisation.objects.filter(pk=data.provider_id).exists():
        raise SupportRefusedError("Organisation prestataire inconnue.", "provider")


def do_save_service(
    case: Case, data: ServiceData, *, acting_user: Any, service: SupportService | None = None
) -> SupportService:
    """Add a service to the support plan, or change one of this case's services."""
    _check_edit(acting_user, case)
    _check_service(data)
    with transaction.atomic(durable=True):
        if service is None:
            service = SupportService(case=case, recorded_by=acting_user)
            before: dict[str, Any] = {}
        else:
            service = SupportService.objects.select_for_update().get(pk=service.pk, case=case)
            before = {name: getattr(service, name) for name in asdict(data)}
        for name, value in asdict(data).items():
            setattr(service, name, value)
        service.save()
        record_event(
            "support.service_save", actor=acting_user, organisation_id=case.organisation_id, target=service,
            extra={"reference": case.reference, "category": data.category, "status": data.status,
                   "provider": data.provider_id, "fields": _changed(before, asdict(data))},
        )  # fmt: skip
    return service


# --- Residence procedures ------------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureData:
    kind: str
    state: str
    requested_on: datetime.date | None = None
    receipt_on: datetime.date | None = None
    decision_on: datetime.date | None = None
    valid_from: datetime.date | None = None


def _check_procedure(data: ProcedureData) -> ProcedureData:
    """Refuse incoherent dates; return the data with `valid_from` defaulting to the decision."""
    _ordered(data.requested_on, data.receipt_on, "receipt_on", "Le récépissé ne peut précéder la demande.")
    _ordered(data.requested_on, data.decision_on, "decision_on", "La décision ne peut précéder la demande.")
    needs_receipt = data.kind == ProcedureKind.REFLECTION_PERIOD or data.state == ProcedureState.RECEIPT_DELIVERED
    if needs_receipt and data.state != ProcedureState.REQUESTED and data.receipt_on is None:
        raise SupportRefusedError("Indiquez la date de remise du récépissé.", "receipt_on")
    decided = data.state in (ProcedureState.GRANTED, ProcedureState.REFUSED)
    if decided and data.kind != ProcedureKind.REFLECTION_PERIOD and data.decision_on is None:
        raise SupportRefusedError("Indiquez la date de la décision.", "decision_on")
    if data.state == ProcedureState.GRANTED and data.valid_from is None and data.decision_on is not None:
        data = ProcedureData(**{**asdict(data), "valid_from": data.decision_on})
    return data


def _procedure_deadlines(procedure: ResidenceProcedure) -> list[deadlines.Deadline]:
    return deadlines.procedure_deadlines(
        procedure.kind, procedure.state, receipt_on=procedure.receipt_on, valid_from=procedure.valid_from
    )


def _apply_procedure(procedure: ResidenceProcedure, data: ProcedureData) -> None:
    for name, value in asdict(data).items():
        setattr(procedure, name, value)
    start = data.receipt_on if data.kind == ProcedureKind.REFLECTION_PERIOD else data.valid_from
    procedure.valid_until = deadlines.valid_until(data.kind, start) if data.state != ProcedureState.REQUESTED else None


def procedure_row(
    case: Case, data: ProcedureData, *, recorded_by: Any, renews: ResidenceProcedure | None = None
) -> ResidenceProcedure:
    """Return the unsaved row `do_save_procedure` writes for `data`; bulk writers (the demo) share it."""
    procedure = ResidenceProcedure(case=case, recorded_by=recorded_by, renews=renews)
    _apply_procedure(procedure, _check_procedure(data))
    return procedure


def procedure_deadlines_of(procedure: ResidenceProcedure) -> list[deadlines.Deadline]:
    """Return the deadlines `do_save_procedure` turns into tasks for this procedure."""
    return _procedure_deadlines(procedure)


def do_save_procedure(
    case: Case,
    data: ProcedureData,
    *,
    acting_user: Any,
    procedure: ResidenceProcedure | None = None,
    renews: ResidenceProcedure | None = None,
) -> ResidenceProcedure:
    """Record a procedure or its new state; its deadlines become the case's tasks.

    With `renews`, the new procedure continues that one, which is marked renewed and
    loses its pending deadlines.
    """
    _check_edit(acting_user, case)
    data = _check_procedure(data)
    with transaction.atomic(durable=True):
        before: dict[str, Any] = {}
        if procedure is None:
            procedure = ResidenceProcedure(case=case, recorded_by=acting_user)
        else:
            procedure = ResidenceProcedure.objects.select_for_update().get(pk=procedure.pk, case=case)
            before = {name: getattr(procedure, name) for name in asdict(data)}
        counts = _renew(case, renews, data) if renews is not None else {}
        _apply_procedure(procedure, data)
        procedure.renews = renews or procedure.renews
        procedure.save()
        tasks = sync_tasks(case, procedure.origin, _procedure_deadlines(procedure))
        record_event(
            "support.procedure_save", actor=acting_user, organisation_id=case.organisation_id, target=procedure,
            extra={"reference": case.reference, "kind": data.kind, "state": data.state,
                   "renews": renews.pk if renews else None, "fields": _changed(before, asdict(data)),
                   "tasks": tasks, "renewed_tasks": counts},
        )  # fmt: skip
    return procedure


def _renew(case: Case, old: ResidenceProcedure, data: ProcedureData) -> dict[str, int]:
    old = ResidenceProcedure.objects.select_for_update().get(pk=old.pk, case=case)
    if old.kind != data.kind:
        raise SupportRefusedError("Un renouvellement porte sur la même démarche.", "kind")
    if old.state != ProcedureState.GRANTED or hasattr(old, "renewal"):
        raise SupportRefusedError("Seul un titre accordé et pas encore renouvelé peut être renouvelé.")
    old.state = ProcedureState.RENEWED
    old.save()
    return sync_tasks(case, old.origin, _procedure_deadlines(old))


# --- Exit-from-prostitution pathway --------------------------------------------------------


@dataclass(frozen=True)
class PathwayData:
    association_id: int
    file_built_on: datetime.date | None = None
    commission_on: datetime.date | None = None
    commission_opinion: str = ""
    decision: str = ""
    decision_on: datetime.date | None = None
    start_on: datetime.date | None = None
    afis: bool = False
    aps_id: int | None = None


def _check_pathway(case: Case, data: PathwayData) -> None:
    association = Organisation.objects.filter(pk=data.association_id).first()
    on = data.file_built_on or timezone.localdate()
    if association is None or not association.exit_pathway_approved(on):
        raise SupportRefusedError(
            "Cette organisation n'a pas d'agrément en cours pour le parcours de sortie de la prostitution.",
            "association",
        )
    _ordered(data.file_built_on, data.commission_on, "commission_on", "La commission ne peut précéder le dossier.")
    _ordered(data.commission_on, data.decision_on, "decision_on", "La décision ne peut précéder la commission.")
    if data.decision and data.decision_on is None:
        raise SupportRefusedError("Indiquez la date de la décision du préfet.", "decision_on")
    if data.start_on is not None and data.decision != PrefectDecision.AUTHORISED:
        raise SupportRefusedError("Le parcours ne commence qu'après l'autorisation du préfet.", "start_on")
    _ordered(data.decision_on, data.start_on, "start_on", "Le parcours ne peut commencer avant la décision.")
    aps = ResidenceProcedure.objects.filter(pk=data.aps_id, case=case).first() if data.aps_id else None
    if data.aps_id and (aps is None or aps.kind != ProcedureKind.PROVISIONAL_AUTHORISATION):
        raise SupportRefusedError("Choisissez une APS (L425-4) de ce dossier.", "aps")


def _pathway_deadlines(pathway: ExitPathway, renewals: int) -> list[deadlines.Deadline]:
    if pathway.start_on is None:
        return []
    return deadlines.pathway_deadlines(pathway.start_on, renewals)


def do_save_pathway(case: Case, data: PathwayData, *, acting_user: Any) -> ExitPathway:
    """Record the pathway's file, commission, decision and start; the AFIS amount comes from settings."""
    _check_edit(acting_user, case)
    _check_pathway(case, data)
    with transaction.atomic(durable=True):
        pathway = ExitPathway.objects.select_for_update().filter(case=case).first()
        before: dict[str, Any] = {}
        if pathway is None:
            pathway = ExitPathway(case=case, recorded_by=acting_user)
        else:
            before = {name: getattr(pathway, name) for name in asdict(data)}
        renewals = pathway.renewals.count() if pathway.pk else 0
        if renewals and data.start_on != pathway.start_on:
            raise SupportRefusedError("Le début d'un parcours déjà renouvelé ne change plus.", "start_on")
        for name, value in asdict(data).items():
            setattr(pathway, name, value)
        if data.afis and pathway.afis_monthly_amount is None:
            pathway.afis_monthly_amount = settings.EGIDE_AFIS_MONTHLY_AMOUNT
        pathway.ends_on = deadlines.pathway_end(data.start_on, renewals) if data.start_on else None
        pathway.save()
        tasks = sync_tasks(case, pathway.origin, _pathway_deadlines(pathway, renewals))
        record_event(
            "support.pathway_save", actor=acting_user, organisation_id=case.organisation_id, target=pathway,
            extra={"reference": case.reference, "association": data.association_id, "decision": data.decision,
                   "fields": _changed(before, asdict(data)), "tasks": tasks},
        )  # fmt: skip
    return pathway


def do_renew_pathway(
    pathway: ExitPathway, decided_on: datetime.date, *, acting_user: Any, commission_on: datetime.date | None = None
) -> ExitPathwayRenewal:
    """Add a six-month renewal; refuse beyond 24 months in all."""
    case = pathway.case
    _check_edit(acting_user, case)
    _ordered(commission_on, decided_on, "decided_on", "La décision ne peut précéder la commission.")
    with transaction.atomic(durable=True):
        pathway = ExitPathway.objects.select_for_update().get(pk=pathway.pk)
        if pathway.start_on is None:
            raise SupportRefusedError("Le parcours n'a pas commencé : il ne peut être renouvelé.")
        number = pathway.renewals.count() + 1
        try:
            ends_on = deadlines.pathway_end(pathway.start_on, number)
        except deadlines.PathwayLimitError as limit:
            raise SupportRefusedError(str(limit)) from None
        renewal = ExitPathwayRenewal.objects.create(
            pathway=pathway, number=number, commission_on=commission_on, decided_on=decided_on,
            starts_on=deadlines.pathway_end(pathway.start_on, number - 1), ends_on=ends_on, recorded_by=acting_user,
        )  # fmt: skip
        pathway.ends_on = ends_on
        pathway.save()
        tasks = sync_tasks(case, pathway.origin, _pathway_deadlines(pathway, number))
        record_event(
            "support.pathway_renew", actor=acting_user, organisation_id=case.organisation_id, target=pathway,
            extra={"reference": case.reference, "renewal": number, "ends_on": ends_on.isoformat(), "tasks": tasks},
        )  # fmt: skip
    return renewal


# --- Tasks and reminders -------------------------------------------------------------------


def do_complete_task(task: CaseTask, *, acting_user: Any) -> CaseTask:
    case = task.case
    _check_edit(acting_user, case)
    with transaction.atomic(durable=True):
        task = CaseTask.objects.select_for_update().get(pk=task.pk)
        if task.is_done:
            raise SupportRefusedError("Cette tâche est déjà faite.")
        task.done_at, task.done_by = timezone.now(), acting_user
        task.save()
        record_event(
            "support.task_done", actor=acting_user, organisation_id=case.organisation_id, target=task,
            extra={"reference": case.reference, "rule": task.rule_key, "due_on": task.due_on.isoformat()},
        )  # fmt: skip
    return task
