"""Sealed case files and « break the glass ».

A sealed case (a minor, a person at high risk) opens in full to its assigned caseworker
only. Anyone else whose scope reaches it sees that a protected case exists and may break
the glass: a reason, a short duration, an alert to the organisation's supervisors (in the
application and by e-mail), all audited, and each read during the opening audited too.
When the duration ends the seal applies again by itself.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from egide.accounts.models import Membership
from egide.accounts.roles import ROLE_SPECS, Cap
from egide.cases import policies
from egide.cases.models import BreakGlass, Case
from egide.cases.vocabulary import BreakGlassDecision, SealReason
from egide.core.audit import record_event
from egide.core.models import AuditEvent, AuditKind

# Durations offered, in minutes: long enough for an emergency, short enough to expire the same day.
DURATIONS = [(30, "30 minutes"), (60, "1 heure"), (120, "2 heures"), (240, "4 heures")]
PROTECTED_LABEL = "Dossier protégé"


class SealRefusedError(Exception):
    """The seal or break-the-glass request is refused; the message is French."""


class SealedCaseError(Exception):
    """The case is sealed and the user has not broken the glass; shown as the « dossier protégé » page."""

    def __init__(self, case: Case) -> None:
        super().__init__(f"Dossier {case.reference} protégé")
        self.case = case


def active_break_glass(user: Any, case: Case) -> BreakGlass | None:
    """Return the user's glass still open on the case, read once per loaded case object.

    The case page asks three times (access, audit, banner); the answer is kept on this
    instance only, which lives for one request: nothing is cached across requests.
    """
    if not user.is_authenticated:
        return None
    cached: dict[int, BreakGlass | None] = case.__dict__.setdefault("_active_glass", {})
    if user.pk not in cached:
        cached[user.pk] = (
            BreakGlass.objects.filter(case=case, user=user, expires_at__gt=timezone.now())
            .order_by("-expires_at")
            .first()
        )
    return cached[user.pk]


def openable_ids(user: Any, cases: Iterable[Case]) -> set[int]:
    """Return which of these cases `user` may see in full now, in one query for the sealed ones."""
    cases = list(cases)
    opened = {c.pk for c in cases if opens_without_glass(user, c)}
    sealed = [c.pk for c in cases if c.pk not in opened]
    if sealed and user.is_authenticated:
        glasses = BreakGlass.objects.filter(case_id__in=sealed, user=user, expires_at__gt=timezone.now())
        opened |= set(glasses.values_list("case_id", flat=True))
    return opened


def opens_without_glass(user: Any, case: Case) -> bool:
    return not case.sealed or (user.is_authenticated and case.assigned_to_id == user.pk)


def may_open(user: Any, case: Case) -> bool:
    """Whether `user`, whose scope reaches the case, may see it in full now."""
    return opens_without_glass(user, case) or active_break_glass(user, case) is not None


def check_open(user: Any, case: Case) -> None:
    if not may_open(user, case):
        raise SealedCaseError(case)


def do_seal_case(case: Case, reason: str, *, acting_user: Any) -> Case:
    if not policies.can_seal(acting_user, case):
        raise PermissionDenied
    if reason not in SealReason.values:
        raise SealRefusedError("Choisissez le motif de la protection.")
    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update().get(pk=case.pk)
        seal_in_transaction(case, reason, acting_user=acting_user)
    return case


def seal_in_transaction(case: Case, reason: str, *, acting_user: Any) -> None:
    """Seal the case inside the caller's action (opening a minor's case, a change of age)."""
    case.sealed, case.seal_reason = True, reason
    case.save(update_fields=["sealed", "seal_reason", "updated_at"])
    record_event(
        "case.seal", actor=acting_user, organisation_id=case.organisation_id, target=case, extra={"reason": reason}
    )


def do_unseal_case(case: Case, justification: str, *, acting_user: Any) -> Case:
    if not policies.can_seal(acting_user, case):
        raise PermissionDenied
    if not justification.strip():
        raise SealRefusedError("Indiquez pourquoi la protection du dossier est levée.")
    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not case.sealed:
            raise SealRefusedError("Ce dossier n'est pas protégé.")
        case.sealed, case.seal_reason = False, ""
        case.save(update_fields=["sealed", "seal_reason", "updated_at"])
        record_event(
            "case.unseal", actor=acting_user, organisation_id=case.organisation_id, target=case,
            reason=justification.strip(),
        )  # fmt: skip
    return case


def do_break_glass(case: Case, reason: str, minutes: int, *, acting_user: Any) -> BreakGlass:
    """Open a sealed case for `minutes`, alert the supervisors after commit, audit it."""
    if not policies.can_break_glass(acting_user, case):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise SealRefusedError("Indiquez le motif du bris de glace : il est obligatoire et sera contrôlé.")
    if minutes not in dict(DURATIONS):
        raise SealRefusedError("Choisissez une durée dans la liste proposée.")
    if opens_without_glass(acting_user, case):
        raise SealRefusedError("Ce dossier s'ouvre déjà pour vous sans bris de glace.")
    with transaction.atomic(durable=True):
        glass = BreakGlass.objects.create(
            case=case, user=acting_user, reason=reason, expires_at=timezone.now() + datetime.timedelta(minutes=minutes)
        )
        record_event(
            "case.break_glass", actor=acting_user, organisation_id=case.organisation_id, target=case, reason=reason,
            extra={"reference": case.reference, "break_glass": glass.pk, "minutes": minutes},
        )  # fmt: skip
        transaction.on_commit(lambda: _alert_supervisors(glass))
    # This instance may have remembered « no glass » earlier in the request.
    case.__dict__.setdefault("_active_glass", {})[acting_user.pk] = glass
    return glass


def supervisor_emails(organisation_id: int, *, except_user_id: int) -> list[str]:
    """E-mail addresses of the other members who hold `Cap.CASE_SEAL` in that organisation."""
    roles = [role.value for role, spec in ROLE_SPECS.items() if Cap.CASE_SEAL in spec.capabilities]
    members = Membership.objects.filter(
        organisation_id=organisation_id, role__in=roles, is_active=True, user__is_active=True
    ).exclude(user_id=except_user_id)
    return sorted(set(members.values_list("user__email", flat=True)))


def _alert_supervisors(glass: BreakGlass) -> None:
    """Send the alert; it names the case reference and the user, never the person."""
    recipients = supervisor_emails(glass.case.organisation_id, except_user_id=glass.user_id)
    if not recipients:
        return
    until = timezone.localtime(glass.expires_at).strftime("%d/%m/%Y à %H:%M")
    body = (
        f"{glass.user} a brisé la glace sur le dossier protégé {glass.case.reference} "
        f"({glass.case.organisation.name}) jusqu'au {until}.\n\n"
        f"Le motif et chaque consultation sont consultables dans Égide : {reverse('cases:alerts')}\n"
    )
    send_mail(
        f"[Égide] Bris de glace sur le dossier {glass.case.reference}", body, settings.DEFAULT_FROM_EMAIL, recipients
    )


def alerts_for(user: Any) -> QuerySet[BreakGlass]:
    """Break-the-glass openings in the organisations where `user` manages seals, unreviewed first."""
    org_ids = policies.organisation_ids(user, Cap.CASE_SEAL)
    unreviewed = ExpressionWrapper(Q(reviewed_at__isnull=True), output_field=BooleanField())
    return (
        BreakGlass.objects.filter(case__organisation_id__in=org_ids)
        .select_related("case__organisation", "user", "reviewed_by")
        .order_by(unreviewed.desc(), "-created_at", "-id")
    )


def unreviewed_alerts_for(user: Any) -> QuerySet[BreakGlass]:
    """Openings `user` may review and nobody has reviewed yet (their own are reviewed by others)."""
    return alerts_for(user).filter(reviewed_at__isnull=True).exclude(user_id=user.pk)


def reads_during(glasses: list[BreakGlass]) -> dict[int, list[AuditEvent]]:
    """Audited reads of each opening's case by its user between the opening and its expiry."""
    if not glasses:
        return {}
    events = AuditEvent.objects.filter(
        kind=AuditKind.ACCESS,
        target_type="cases.case",
        target_id__in={str(g.case_id) for g in glasses},
        actor_id__in={g.user_id for g in glasses},
        occurred_at__gte=min(g.created_at for g in glasses),
        occurred_at__lte=max(g.expires_at for g in glasses),
    ).order_by("occurred_at", "id")
    reads: dict[int, list[AuditEvent]] = {g.pk: [] for g in glasses}
    for event in events:
        for g in glasses:
            if (event.target_id, event.actor_id) == (str(g.case_id), g.user_id) and (
                g.created_at <= event.occurred_at <= g.expires_at
            ):
                reads[g.pk].append(event)
    return reads


def do_review_break_glass(glass: BreakGlass, decision: str, comment: str, *, acting_user: Any) -> BreakGlass:
    """Record a supervisor's review of an opening, once, by someone other than who opened it."""
    if not acting_user.has_capability_in(Cap.CASE_SEAL, glass.case.organisation_id):
        raise PermissionDenied
    if decision not in BreakGlassDecision.values:
        raise SealRefusedError("Choisissez votre appréciation de ce bris de glace.")
    comment = comment.strip()
    if decision != BreakGlassDecision.JUSTIFIED and not comment:
        raise SealRefusedError("Expliquez votre appréciation : le commentaire est obligatoire sauf si l'ouverture "
                               "est justifiée.")  # fmt: skip
    if glass.user_id == acting_user.pk:
        raise SealRefusedError("Vous ne pouvez pas examiner votre propre bris de glace : un·e autre responsable "
                               "doit le faire.")  # fmt: skip
    with transaction.atomic(durable=True):
        glass = BreakGlass.objects.select_for_update().select_related("case").get(pk=glass.pk)
        if glass.is_reviewed:
            raise SealRefusedError("Ce bris de glace a déjà été examiné.")
        glass.decision, glass.review_comment = decision, comment
        glass.reviewed_by, glass.reviewed_at = acting_user, timezone.now()
        glass.save(update_fields=["decision", "review_comment", "reviewed_by", "reviewed_at", "updated_at"])
        # The comment may speak of the person: it stays on the record, out of the audit trail.
        record_event(
            "case.break_glass_review", actor=acting_user, organisation_id=glass.case.organisation_id, target=glass,
            extra={"reference": glass.case.reference, "break_glass": glass.pk, "decision": decision},
        )  # fmt: skip
    return glass
