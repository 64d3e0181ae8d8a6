"""Trafficking status of the person of a case: a history of decisions, never edited.

A « presumed » conclusion of an association counts only once a different supervisor of
the case's organisation confirmed it (four eyes); decisions of the police, the
gendarmerie, the labour inspection and the courts count at once. A new decision
supersedes the previous ones; none is ever changed or deleted.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from egide.cases import policies
from egide.cases.models import Case, ScreeningLink, StatusDecision
from egide.cases.vocabulary import Authority, TraffickingStatus
from egide.core.audit import record_event
from egide.identification import policies as screening_policies
from egide.identification.models import Screening
from egide.identification.vocabulary import ScreeningStatus


class StatusRefusedError(Exception):
    """The decision cannot be recorded, confirmed or attached as asked; the message is French."""


def decisions_of(case: Case) -> QuerySet[StatusDecision]:
    return case.status_decisions.select_related("recorded_by", "confirmed_by").order_by(
        "-decided_on", "-created_at", "-id"
    )


def current_in(decisions: list[StatusDecision]) -> StatusDecision | None:
    """Return the decision in force among a case's decisions already ordered by `decisions_of`."""
    return next((d for d in decisions if d.counts), None)


def current_status(case: Case) -> StatusDecision | None:
    """Return the latest decision that counts, by decision date then by time of recording."""
    return StatusDecision.objects.filter(case=case).counting().order_by("-decided_on", "-created_at", "-id").first()


def do_record_decision(
    case: Case,
    status: str,
    authority: str,
    decided_on: datetime.date,
    document_reference: str = "",
    *,
    acting_user: Any,
) -> StatusDecision:
    """Add a decision to the case's history."""
    if not policies.can_edit(acting_user, case):
        raise PermissionDenied
    if status not in TraffickingStatus.values or authority not in Authority.values:
        raise StatusRefusedError("Statut ou autorité inconnus.")
    if decided_on > timezone.localdate():
        raise StatusRefusedError("La date de la décision ne peut pas être dans le futur.")
    if status == TraffickingStatus.RECOGNISED_BY_COURT and authority != Authority.COURT:
        raise StatusRefusedError("Seule une juridiction reconnaît la qualité de victime : choisissez « juridiction ».")
    with transaction.atomic(durable=True):
        decision = StatusDecision.objects.create(
            case=case, status=status, authority=authority, decided_on=decided_on,
            document_reference=document_reference.strip(), recorded_by=acting_user,
        )  # fmt: skip
        record_event(
            "status.record", actor=acting_user, organisation_id=case.organisation_id, target=case,
            extra={"decision": decision.pk, "status": status, "authority": authority,
                   "decided_on": decided_on.isoformat(), "needs_confirmation": decision.needs_confirmation},
        )  # fmt: skip
    return decision


def do_confirm_decision(decision: StatusDecision, *, acting_user: Any) -> StatusDecision:
    """Confirm a « presumed » decision awaiting a second look; never by its author."""
    with transaction.atomic(durable=True):
        decision = StatusDecision.objects.select_for_update().select_related("case").get(pk=decision.pk)
        if decision.recorded_by_id == acting_user.pk:
            raise StatusRefusedError("Vous ne pouvez pas confirmer une décision que vous avez enregistrée vous-même.")
        if not policies.can_confirm_status(acting_user, decision):
            raise PermissionDenied
        if not decision.needs_confirmation or decision.confirmed_at is not None:
            raise StatusRefusedError("Cette décision n'attend pas de confirmation.")
        decision.confirmed_by, decision.confirmed_at = acting_user, timezone.now()
        decision.save()
        record_event(
            "status.confirm", actor=acting_user, organisation_id=decision.case.organisation_id, target=decision.case,
            extra={"decision": decision.pk, "status": decision.status},
        )  # fmt: skip
    return decision


def attachable_screenings(user: Any, case: Case) -> QuerySet[Screening]:
    """Screenings the user sees in the case's organisation and that no case holds yet."""
    if not policies.can_edit(user, case):
        return Screening.objects.none()
    attached = ScreeningLink.objects.values_list("screening_id", flat=True)
    return (
        Screening.objects.visible_to(user, screening_policies.SCREENING_CAPABILITIES)
        .filter(organisation_id=case.organisation_id)
        .exclude(pk__in=attached)
        .order_by("-screened_on", "-id")
    )


def do_attach_screening(case: Case, screening: Screening, *, acting_user: Any) -> ScreeningLink:
    """Attach an anonymous screening of the case's organisation to the case's person."""
    if not policies.can_edit(acting_user, case):
        raise PermissionDenied
    if screening.organisation_id != case.organisation_id or not screening_policies.can_view(acting_user, screening):
        raise StatusRefusedError("Repérage introuvable dans l'organisation de ce dossier.")
    with transaction.atomic(durable=True):
        if ScreeningLink.objects.filter(screening=screening).exists():
            raise StatusRefusedError("Ce repérage est déjà rattaché à un dossier.")
        link = ScreeningLink.objects.create(case=case, screening=screening, attached_by=acting_user)
        record_event(
            "case.screening_attach", actor=acting_user, organisation_id=case.organisation_id, target=case,
            extra={"screening": screening.pk, "screening_status": screening.status,
                   "conclusion": screening.conclusion},
        )  # fmt: skip
    return link


def presumed_from(screening: Screening) -> dict[str, Any] | None:
    """Return the initial values of a presumed decision drawn from a confirmed screening, if it concluded so."""
    if screening.status != ScreeningStatus.CONFIRMED or not screening.is_presumed_victim:
        return None
    return {
        "status": TraffickingStatus.PRESUMED, "authority": Authority.ASSOCIATION,
        "decided_on": screening.screened_on, "document_reference": f"Repérage n° {screening.pk}",
    }  # fmt: skip
