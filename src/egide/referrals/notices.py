"""The notifications of referrals and transfers: who is told what.

Called inside the action that causes them (rows commit with it, e-mails leave after it).
Every text names case references, referral numbers and organisations, never the person,
nor a free-text reason that might describe them: the reasons stay in the application.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from egide.accounts.models import User
from egide.accounts.notifications import members_with, notify
from egide.accounts.roles import Cap
from egide.referrals.durations import format_duration
from egide.referrals.models import CaseTransfer, Referral, ReferralStatus
from egide.referrals.vocabulary import TransferStatus


def _at(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y à %H:%M") if moment else "—"


def _url(referral: Referral) -> str:
    return reverse("referrals:referral_detail", args=[referral.pk])


def _answerers(referral: Referral) -> list[User]:
    return members_with(Cap.REFERRAL_ANSWER, referral.recipient_id)


def _sending_side(referral: Referral) -> list[User | None]:
    """Who sent it, and who follows the case (if still a member able to refer it)."""
    followers = {u.pk for u in members_with(Cap.REFERRAL_SEND, referral.sender_id)}
    assignee = referral.case.assigned_to
    return [referral.sent_by, assignee if assignee is not None and assignee.pk in followers else None]


def referral_sent(referral: Referral) -> None:
    services = ", ".join(referral.service_labels())
    notify(
        _answerers(referral),
        f"Nouvelle orientation de {referral.sender.name}",
        f"{referral.sender.name} vous oriente une personne (orientation n° {referral.pk}, urgence "
        f"{referral.get_urgency_display()}) pour : {services}. Réponse attendue avant le {_at(referral.due_at)}.",
        _url(referral),
    )


def consent_overridden(referral: Referral, acting_user: User) -> None:
    supervisors = members_with(Cap.REFERRAL_CONSENT_OVERRIDE, referral.sender_id, exclude=[acting_user.pk])
    notify(
        supervisors,
        f"Orientation sans consentement : dossier {referral.case.reference}",
        f"Le dossier {referral.case.reference} a été orienté vers {referral.recipient.name} sans consentement "
        f"recueilli au partage avec cette organisation (orientation n° {referral.pk}). L'auteur et le motif "
        "écrit sont dans Égide et dans le journal d'audit.",
        _url(referral),
    )


def referral_answered(referral: Referral) -> None:
    accepted = referral.status == ReferralStatus.ACCEPTED
    done, verb = ("acceptée", "accepté") if accepted else ("refusée", "refusé")
    notify(
        _sending_side(referral),
        f"Orientation n° {referral.pk} {done} par {referral.recipient.name}",
        f"Dossier {referral.case.reference} : {referral.recipient.name} a {verb} l'orientation envoyée le "
        f"{_at(referral.sent_at)}, après {format_duration(referral.elapsed)}.",
        _url(referral),
    )


def referral_overdue(referral: Referral) -> None:
    title = f"Orientation n° {referral.pk} sans réponse dans le délai"
    body = (
        f"L'orientation n° {referral.pk} de {referral.sender.name} vers {referral.recipient.name} (urgence "
        f"{referral.get_urgency_display()}) attendait une réponse avant le {_at(referral.due_at)}."
    )
    notify([*_answerers(referral), *_sending_side(referral)], title, body, _url(referral))


def referral_withdrawn(referral: Referral) -> None:
    notify(
        _answerers(referral),
        f"Orientation n° {referral.pk} retirée par {referral.sender.name}",
        f"{referral.sender.name} a retiré l'orientation n° {referral.pk} : elle n'attend plus de réponse et "
        "les données partagées sont effacées.",
        _url(referral),
    )


def referral_revoked(referral: Referral) -> None:
    notify(
        _answerers(referral),
        f"Orientation n° {referral.pk} révoquée",
        f"La personne a retiré son consentement au partage avec {referral.recipient.name} : l'accès aux données "
        f"de l'orientation n° {referral.pk} est révoqué et les données sont effacées.",
        _url(referral),
    )


def _transfer_url(transfer: CaseTransfer) -> str:
    return reverse("referrals:transfer_detail", args=[transfer.pk])


def transfer_proposed(transfer: CaseTransfer) -> None:
    notify(
        members_with(Cap.CASE_TRANSFER, transfer.recipient_id),
        f"Proposition de transfert de {transfer.sender.name}",
        f"{transfer.sender.name} propose de vous transférer le dossier {transfer.reference} "
        f"(transfert n° {transfer.pk}). Acceptez-le ou refusez-le dans Égide.",
        _transfer_url(transfer),
    )


def transfer_answered(transfer: CaseTransfer) -> None:
    verb = "accepté" if transfer.status == TransferStatus.ACCEPTED else "refusé"
    sending = members_with(Cap.CASE_TRANSFER, transfer.sender_id)
    suffix = f" ; il y porte la référence {transfer.new_reference}" if transfer.new_reference else ""
    notify(
        [transfer.proposed_by, *sending],
        f"Transfert du dossier {transfer.reference} {verb} par {transfer.recipient.name}",
        f"{transfer.recipient.name} a {verb} le transfert n° {transfer.pk} du dossier {transfer.reference}{suffix}.",
        _transfer_url(transfer),
    )


def transfer_consent_overridden(transfer: CaseTransfer, acting_user: User) -> None:
    supervisors = members_with(Cap.REFERRAL_CONSENT_OVERRIDE, transfer.sender_id, exclude=[acting_user.pk])
    notify(
        supervisors,
        f"Transfert sans consentement : dossier {transfer.reference}",
        f"Le transfert du dossier {transfer.reference} vers {transfer.recipient.name} a été proposé sans "
        f"consentement recueilli au partage avec cette organisation (transfert n° {transfer.pk}). L'auteur et le "
        "motif écrit sont dans Égide et dans le journal d'audit.",
        _transfer_url(transfer),
    )
