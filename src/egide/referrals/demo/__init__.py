"""Demo referrals and a transfer around the demo accounts' association, one of each state.

Runs after the demo victims (`egide.cases.demo`), on their files. The demo caseworker's
association sends referrals that are overdue, accepted, declined and revoked (consent
withdrawn), receives one awaiting its answer and a transfer proposal awaiting its
supervisor; the demo accounts find the matching notifications, unread. Rows are written
by the actions' own in-transaction writers (`send_in_transaction`, `answer_in_transaction`,
the consent-withdrawal hook, `propose_in_transaction`), so the shared values are encrypted
under each referral's key and every step has its audit event; only the times are set in
the past, due times computed from them. Loading twice writes nothing more.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from egide.accounts.models import Membership, User
from egide.accounts.roles import Role
from egide.cases.consent import current_text
from egide.cases.demo import LOAD_ACTION as CASES_LOAD_ACTION
from egide.cases.models import Case, Consent
from egide.cases.vocabulary import CaseStatus, ConsentPurpose
from egide.core.audit import record_event
from egide.core.models import AuditEvent
from egide.organisations.demo import DEMO_DOMAIN
from egide.organisations.models import Organisation
from egide.organisations.vocabulary import Service
from egide.referrals.actions import (
    Clearance,
    answer_in_transaction,
    notify_overdue,
    revoke_on_consent_withdrawal,
    send_in_transaction,
)
from egide.referrals.models import Referral
from egide.referrals.transfers import propose_in_transaction

__all__ = ["LOAD_ACTION", "DemoReferralsError", "DemoReferralsResult", "load_demo_referrals"]

LOAD_ACTION = "demo.referrals_load"
SHARE = ConsentPurpose.SHARE_WITH_ORGANISATION
CASE_FIELDS = ["sex", "age_status", "exploitation_forms", "administrative_status"]


class DemoReferralsError(Exception):
    """The demo referrals cannot be loaded; the message is French."""


@dataclass(frozen=True)
class DemoReferralsResult:
    created: bool
    referrals: int = 0
    transfers: int = 0


@dataclass(frozen=True)
class _Staff:
    caseworker: User
    supervisor: User


def _staff(organisation: Organisation) -> _Staff:
    members = Membership.objects.filter(
        organisation=organisation, user__email__endswith=f"@{DEMO_DOMAIN}", is_active=True
    ).select_related("user")
    by_role = {m.role: m.user for m in members.order_by("pk")}
    return _Staff(by_role[Role.CASEWORKER], by_role[Role.CASE_SUPERVISOR])


def _open_cases(organisation: Organisation, assigned_to: User | None = None) -> Iterator[Case]:
    """Open, unsealed cases whose person has no other case there, by reference."""
    cases = Case.objects.filter(organisation=organisation, status=CaseStatus.OPEN, sealed=False).select_related(
        "person__data_key", "organisation", "assigned_to"
    )
    if assigned_to is not None:
        cases = cases.filter(assigned_to=assigned_to)
    for case in cases.order_by("reference"):
        if not Case.objects.filter(person_id=case.person_id).exclude(pk=case.pk).exists():
            yield case


def _consent(case: Case, recipient: Organisation, by: User, on: datetime.date) -> Consent:
    return Consent.objects.create(
        case=case, text=current_text(SHARE), purpose=SHARE, recipient=recipient, given=True, language="fr",
        recorded_on=on, recorded_by=by,
    )  # fmt: skip


class _Loader:
    def __init__(self, home: Organisation, others: list[Organisation], now: datetime.datetime) -> None:
        self.home, self.others, self.now = home, others, now
        self.staff = _staff(home)
        self.home_cases = _open_cases(home, self.staff.caseworker)

    def ago(self, **delta: float) -> datetime.datetime:
        return self.now - datetime.timedelta(**delta)

    def send(self, case: Case, recipient: Organisation, by: User, urgency: str, sent_at: datetime.datetime,
             services: list[str], reason: str) -> Referral:  # fmt: skip
        consent = _consent(case, recipient, by, timezone.localdate(sent_at))
        return send_in_transaction(
            case, recipient, services, urgency, reason, CASE_FIELDS, Clearance(consent), acting_user=by,
            sent_at=sent_at,
        )  # fmt: skip

    def home_referral(self, index: int, urgency: str, sent: datetime.datetime, services: list[str]) -> Referral:
        case = next(self.home_cases, None)
        if case is None:
            raise DemoReferralsError("Trop peu de dossiers ouverts suivis par le compte caseworker de démonstration.")
        recipient = self.others[index % len(self.others)]
        return self.send(case, recipient, self.staff.caseworker, urgency, sent, services,
                         "Orientation de démonstration : mise à l'abri et accompagnement.")  # fmt: skip

    def load(self) -> tuple[int, int]:
        shelter: list[str] = [Service.LONG_TERM_SHELTER.value]
        social: list[str] = [Service.SOCIAL_SUPPORT.value, Service.LEGAL_SUPPORT.value]
        self.home_referral(0, "normal", self.ago(days=4), shelter)  # overdue
        accepted = self.home_referral(1, "urgent", self.ago(days=10), shelter)
        answer_in_transaction(accepted, True, "", acting_user=_staff(accepted.recipient).caseworker,
                              answered_at=accepted.sent_at + datetime.timedelta(hours=20))  # fmt: skip
        declined = self.home_referral(2, "normal", self.ago(days=6), social)
        answer_in_transaction(declined, False, "Plus de place avant le mois prochain.",
                              acting_user=_staff(declined.recipient).caseworker,
                              answered_at=declined.sent_at + datetime.timedelta(days=2))  # fmt: skip
        revoked = self.home_referral(3, "normal", self.ago(days=8), social)
        answer_in_transaction(revoked, True, "", acting_user=_staff(revoked.recipient).caseworker,
                              answered_at=revoked.sent_at + datetime.timedelta(days=1))  # fmt: skip
        self.withdraw_consent(revoked)
        notify_overdue(self.now)
        # Received by the demo association: a referral awaiting its answer, a transfer awaiting its supervisor.
        referred = self.case_elsewhere(exclude=set())
        self.send(referred, self.home, _staff(referred.organisation).caseworker, "urgent", self.ago(hours=3), shelter,
                  "Personne menacée dans son quartier : hébergement loin d'ici.")  # fmt: skip
        case = self.case_elsewhere(exclude={referred.pk})
        supervisor = _staff(case.organisation).supervisor
        consent = _consent(case, self.home, supervisor, timezone.localdate(self.now))
        propose_in_transaction(case, self.home, social, "La personne s'installe dans votre ville.",
                               Clearance(consent), acting_user=supervisor)  # fmt: skip
        return 5, 1

    def withdraw_consent(self, referral: Referral) -> None:
        consent = referral.consent
        assert consent is not None
        consent.withdrawn_on, consent.withdrawn_by = timezone.localdate(self.now), self.staff.caseworker
        consent.withdrawal_reason = "La personne ne souhaite plus ce suivi."
        consent.save()
        revoke_on_consent_withdrawal(consent, self.staff.caseworker)

    def case_elsewhere(self, exclude: set[int]) -> Case:
        """Return an open case of another association (the last ones first: the first are recipients)."""
        for organisation in reversed(self.others):
            case = next((c for c in _open_cases(organisation) if c.pk not in exclude), None)
            if case is not None:
                return case
        raise DemoReferralsError("Aucun dossier ouvert dans les autres associations de démonstration.")


def load_demo_referrals(*, now: datetime.datetime | None = None) -> DemoReferralsResult:
    """Load the demo referrals and transfer, unless an earlier load did; needs the demo victims."""
    if AuditEvent.objects.filter(action=LOAD_ACTION).exists():
        return DemoReferralsResult(created=False)
    event = AuditEvent.objects.filter(action=CASES_LOAD_ACTION).order_by("id").first()
    if event is None:
        raise DemoReferralsError("Chargez d'abord les victimes de démonstration : aucun dossier à orienter.")
    found = Organisation.objects.in_bulk(event.extra["organisations"])
    organisations = [found[pk] for pk in event.extra["organisations"] if pk in found]
    if len(organisations) < 2:
        raise DemoReferralsError("Il faut au moins deux associations de démonstration.")
    with transaction.atomic(durable=True):
        referrals, transfers = _Loader(organisations[0], organisations[1:], now or timezone.now()).load()
        record_event(LOAD_ACTION, actor=None, extra={"referrals": referrals, "transfers": transfers})
    return DemoReferralsResult(True, referrals, transfers)
