"""Minors: age status, age assessment, referral to child welfare (ASE), legal representative.

A minor's case is sealed by default: when it opens with a minor's date of birth, and when
its age status becomes « minor » or « presumed minor » (présomption de minorité: a person
who says they are a minor is treated as one until an assessment says otherwise). Screening
a minor uses the child indicator lists.
"""

import calendar
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from egide.cases import policies
from egide.cases.identity import PartialDate, decrypt_identity
from egide.cases.models import AgeAssessment, Case, ChildWelfareReferral, Guardian, Person
from egide.cases.sealing import seal_in_transaction
from egide.cases.vocabulary import (
    MINOR_AGE_STATUSES,
    AgeStatus,
    AssessmentOutcome,
    CaseStatus,
    GuardianKind,
    SealReason,
)
from egide.core import crypto
from egide.core.audit import record_event
from egide.core.keys import open_data_key
from egide.core.models import Departement

MAJORITY = 18
OUTCOME_STATUS = {
    AssessmentOutcome.MINOR: AgeStatus.MINOR,
    AssessmentOutcome.ADULT: AgeStatus.ADULT,
}


class MinorRefusedError(Exception):
    """The entry is refused; the message is French and names the field."""


def _age_on(birth: datetime.date, today: datetime.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def age_status_from_birth(birth: PartialDate | None, today: datetime.date) -> str:
    """Return ADULT or MINOR when the (partial) date of birth settles it, else UNKNOWN.

    >>> str(age_status_from_birth(PartialDate(2015), datetime.date(2025, 6, 1)))
    'minor'
    >>> str(age_status_from_birth(PartialDate(2007), datetime.date(2025, 6, 1)))
    'unknown'
    """
    if birth is None:
        return AgeStatus.UNKNOWN
    first_month, last_month = (birth.month, birth.month) if birth.month else (1, 12)
    earliest = datetime.date(birth.year, first_month, birth.day or 1)
    latest_day = birth.day or calendar.monthrange(birth.year, last_month)[1]
    latest = datetime.date(birth.year, last_month, latest_day)
    if _age_on(latest, today) >= MAJORITY:
        return AgeStatus.ADULT
    if _age_on(earliest, today) < MAJORITY:
        return AgeStatus.MINOR
    return AgeStatus.UNKNOWN


def apply_age_status(case: Case, age_status: str, *, acting_user: Any) -> None:
    """Set the age status inside the caller's action; a minor's case becomes sealed."""
    previous = case.age_status
    case.age_status = age_status
    case.save(update_fields=["age_status", "updated_at"])
    record_event(
        "case.age_status", actor=acting_user, organisation_id=case.organisation_id, target=case,
        extra={"from": previous, "to": age_status},
    )  # fmt: skip
    if age_status in MINOR_AGE_STATUSES and not case.sealed:
        seal_in_transaction(case, SealReason.MINOR, acting_user=acting_user)


def _editable(case: Case, acting_user: Any) -> None:
    if not policies.can_edit(acting_user, case):
        raise PermissionDenied


def do_set_age_status(case: Case, age_status: str, *, acting_user: Any) -> Case:
    _editable(case, acting_user)
    if age_status not in AgeStatus.values:
        raise MinorRefusedError("Choisissez la situation d'âge de la personne.")
    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.age_status != age_status:
            apply_age_status(case, age_status, acting_user=acting_user)
    return case


def _not_future(day: datetime.date | None, label: str) -> None:
    if day is not None and day > timezone.localdate():
        raise MinorRefusedError(f"La date « {label} » ne peut pas être dans le futur.")


def do_record_age_assessment(
    case: Case, assessed_on: datetime.date, outcome: str, *, acting_user: Any
) -> AgeAssessment:
    """Record an age assessment; its outcome becomes the age status (undetermined: presumed minor)."""
    _editable(case, acting_user)
    if outcome not in AssessmentOutcome.values:
        raise MinorRefusedError("Choisissez la conclusion de l'évaluation.")
    _not_future(assessed_on, "évalué le")
    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update().get(pk=case.pk)
        assessment = AgeAssessment.objects.create(
            case=case, assessed_on=assessed_on, outcome=outcome, recorded_by=acting_user
        )
        record_event(
            "case.age_assessment", actor=acting_user, organisation_id=case.organisation_id, target=case,
            extra={"assessment": assessment.pk, "outcome": outcome, "assessed_on": assessed_on.isoformat()},
        )  # fmt: skip
        # The presumption of minority holds while the assessment leaves the age undetermined.
        new_status = OUTCOME_STATUS.get(AssessmentOutcome(outcome), AgeStatus.PRESUMED_MINOR)
        if case.age_status != new_status:
            apply_age_status(case, new_status, acting_user=acting_user)
    return assessment


def do_refer_to_child_welfare(
    case: Case, departement: Departement, referred_on: datetime.date, reference: str, *, acting_user: Any
) -> ChildWelfareReferral:
    _editable(case, acting_user)
    _not_future(referred_on, "saisi le")
    with transaction.atomic(durable=True):
        referral = ChildWelfareReferral.objects.create(
            case=case, departement=departement, referred_on=referred_on, reference=reference.strip(),
            recorded_by=acting_user,
        )  # fmt: skip
        record_event(
            "case.ase_referral", actor=acting_user, organisation_id=case.organisation_id, target=case,
            extra={"referral": referral.pk, "departement": departement.code, "referred_on": referred_on.isoformat()},
        )  # fmt: skip
    return referral


def _guardian_context(person: Person, guardian: Guardian) -> bytes:
    return f"person:{person.uid}:guardian_name:{guardian.uid}".encode()


def do_add_guardian(
    case: Case, kind: str, name: str, appointed_on: datetime.date | None, *, acting_user: Any
) -> Guardian:
    """Record the legal representative; the name is encrypted under the person's data key."""
    _editable(case, acting_user)
    if kind not in GuardianKind.values:
        raise MinorRefusedError("Choisissez la qualité du représentant légal.")
    _not_future(appointed_on, "désigné le")
    with transaction.atomic(durable=True):
        person = Person.objects.select_related("data_key").get(pk=case.person_id)
        guardian = Guardian(case=case, kind=kind, appointed_on=appointed_on, recorded_by=acting_user)
        if name.strip():
            key = open_data_key(person.data_key)
            guardian.name = crypto.encrypt(key, name.strip().encode(), context=_guardian_context(person, guardian))
        guardian.save()
        record_event(
            "case.guardian", actor=acting_user, organisation_id=case.organisation_id, target=case,
            extra={"guardian": guardian.pk, "kind": kind},
        )  # fmt: skip
    return guardian


def guardian_name(guardian: Guardian) -> str:
    """Decrypt the name; empty when none was given or once the person is anonymised."""
    if not guardian.name:
        return ""
    person = guardian.case.person
    try:
        key = open_data_key(person.data_key)
        return crypto.decrypt(key, bytes(guardian.name), context=_guardian_context(person, guardian)).decode()
    except crypto.DecryptionError:
        return ""


def is_minor_case(case: Case) -> bool:
    return case.age_status in MINOR_AGE_STATUSES


def update_coming_of_age(today: datetime.date) -> int:
    """Turn to adult the open minors' cases whose date of birth says they came of age; return how many.

    The age status is stored when it is decided; the date of birth, encrypted, cannot be
    queried, so the minors' cases (a small share) are decrypted once a day. The seal stays:
    lifting it is a supervisor's decision.
    """
    changed = 0
    for case_id in Case.objects.filter(status=CaseStatus.OPEN, age_status=AgeStatus.MINOR).values_list("pk", flat=True):
        with transaction.atomic(durable=True):
            case = Case.objects.select_for_update().select_related("person__data_key").get(pk=case_id)
            person = case.person
            if case.age_status != AgeStatus.MINOR or person.anonymised_at is not None:
                continue
            identity = decrypt_identity(bytes(person.identity), open_data_key(person.data_key), person.uid)
            if age_status_from_birth(identity.birth_date, today) == AgeStatus.ADULT:
                apply_age_status(case, AgeStatus.ADULT, acting_user=None)
                changed += 1
    return changed
