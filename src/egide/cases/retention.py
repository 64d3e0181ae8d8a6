"""Retention: closed cases are anonymised after a set period, unless under legal hold.

Anonymising a person destroys their data key (crypto-shredding: the identity, the notes
and the names of legal representatives become unreadable everywhere, backups included),
blanks the ciphertexts and blind indexes, and marks the person anonymised. The cases stay,
with their categorical fields, for statistics. `EGIDE_RETENTION_YEARS` sets the period
(5 years by default), counted from the closing of the person's last case.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from egide.cases import policies
from egide.cases.hooks import run_anonymisation_hooks
from egide.cases.models import Case, Guardian, Person, PersonNameIndex
from egide.cases.vocabulary import CaseStatus
from egide.core.audit import record_event
from egide.core.keys import destroy_data_key

DEFAULT_RETENTION_YEARS = 5


class LegalHoldRefusedError(Exception):
    """The legal hold change is refused; the message is French."""


def retention_years() -> int:
    return int(getattr(settings, "EGIDE_RETENTION_YEARS", DEFAULT_RETENTION_YEARS))


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def due_persons(today: datetime.date) -> Any:
    """Persons not yet anonymised whose every case closed on or before the cut-off, none on hold."""
    cutoff = _years_before(today, retention_years())
    blocking = Case.objects.filter(person=OuterRef("pk")).filter(
        Q(status=CaseStatus.OPEN) | Q(closed_on__isnull=True) | Q(closed_on__gt=cutoff) | Q(legal_hold=True)
    )
    return (
        Person.objects.filter(anonymised_at__isnull=True, cases__isnull=False)
        .filter(~Exists(blocking))
        .distinct()
        .order_by("pk")
    )


@dataclass(frozen=True)
class RetentionReport:
    anonymised: int
    cutoff: datetime.date


def anonymise_due_cases(today: datetime.date | None = None) -> RetentionReport:
    """Anonymise every person who is due, each in a transaction of their own."""
    today = today or timezone.localdate()
    count = 0
    for person_id in list(due_persons(today).values_list("pk", flat=True)):
        if _anonymise(person_id, today):
            count += 1
    return RetentionReport(count, _years_before(today, retention_years()))


def _anonymise(person_id: int, today: datetime.date) -> bool:
    with transaction.atomic(durable=True):
        person = Person.objects.select_for_update().select_related("data_key").get(pk=person_id)
        # Checked again under the lock: a case may have been reopened or put on hold meanwhile.
        if person.anonymised_at is not None or not due_persons(today).filter(pk=person.pk).exists():
            return False
        destroy_data_key(person.data_key)
        person.identity, person.notes, person.name_index, person.birth_index = b"", b"", "", ""
        person.birth_year_index, person.display_name = "", b""
        PersonNameIndex.objects.filter(person=person).delete()
        person.anonymised_at = timezone.now()
        person.save()
        Guardian.objects.filter(case__person=person).update(name=b"")
        run_anonymisation_hooks(person)
        for case in person.cases.all():
            record_event(
                "case.anonymise", actor=None, organisation_id=case.organisation_id, target=case,
                extra={"reference": case.reference, "person": person.pk, "retention_years": retention_years()},
            )  # fmt: skip
    return True


def do_set_legal_hold(case: Case, hold: bool, reason: str, *, acting_user: Any) -> Case:
    """Put the case under legal hold, or lift it; the reason is required either way."""
    if not policies.can_set_legal_hold(acting_user, case):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise LegalHoldRefusedError("Indiquez le motif (par exemple la procédure judiciaire en cours).")
    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
        if case.person.anonymised_at is not None:
            raise LegalHoldRefusedError("La personne a déjà été anonymisée : il n'y a plus rien à conserver.")
        if case.legal_hold == hold:
            raise LegalHoldRefusedError(
                "Ce dossier est déjà conservé pour raison légale."
                if hold
                else "Ce dossier n'est pas sous conservation."
            )
        case.legal_hold, case.legal_hold_reason = hold, reason if hold else ""
        case.save(update_fields=["legal_hold", "legal_hold_reason", "updated_at"])
        record_event(
            "case.legal_hold" if hold else "case.legal_hold_lift", actor=acting_user,
            organisation_id=case.organisation_id, target=case, reason=reason,
        )  # fmt: skip
    return case
