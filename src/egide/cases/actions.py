"""Writes of the case file; each `do_*` runs in one transaction with its audit event.

Audit events carry references and codes only: never a name, a date of birth or any other
identity value, since the audit trail is kept for ever and is not encrypted.
"""

import datetime
from collections.abc import Sequence
from typing import Any

import pycountry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from egide.accounts.teams import team_ids_of
from egide.cases import minors, policies
from egide.cases.identity import (
    Identity,
    birth_index,
    birth_year_index,
    encrypt_display_name,
    encrypt_identity,
    field_context,
    name_index,
    name_indexes,
)
from egide.cases.masking import keep_masked_fields
from egide.cases.models import Case, CaseExploitationForm, Person, PersonNameIndex, PersonNationality
from egide.cases.sealing import seal_in_transaction
from egide.cases.selectors import identity_of, notes_of
from egide.cases.vocabulary import CaseStatus, SealReason
from egide.core import crypto
from egide.core.audit import record_event
from egide.core.keys import create_data_key, open_data_key
from egide.core.numbering import next_number
from egide.organisations.models import Organisation


class CaseRefusedError(Exception):
    """The action is not allowed in the case's present state; the message is French."""


def seal_person(person: Person, identity: Identity, notes: str, key: bytes) -> None:
    """Encrypt the identity and notes onto `person` and fill its blind indexes; bulk writers share it."""
    person.identity = encrypt_identity(identity, key, person.uid)
    person.display_name = encrypt_display_name(identity, key, person.uid)
    person.notes = crypto.encrypt(key, notes.encode(), context=field_context(person.uid, "notes"))
    person.name_index = name_index(identity.family_name, identity.given_names, person.organisation_id)
    person.birth_index = birth_index(identity.birth_date, person.organisation_id)
    person.birth_year_index = birth_year_index(identity.birth_date, person.organisation_id)


def _index_names(person: Person, identity: Identity) -> None:
    """Replace the person's name tokens (full name and aliases); the person is saved."""
    PersonNameIndex.objects.filter(person=person).delete()
    PersonNameIndex.objects.bulk_create(name_index_rows(person, identity))


def name_index_rows(person: Person, identity: Identity) -> list[PersonNameIndex]:
    """Return the unsaved name tokens of a saved person (full name and aliases); bulk writers share it."""
    return [PersonNameIndex(person=person, token=t) for t in sorted(name_indexes(identity, person.organisation_id))]


def next_reference(organisation: Organisation, year: int) -> str:
    """Return the next « AAAA-NNNN » of the organisation; the caller holds its row lock."""
    prefix = f"{year}-"
    used = Case.objects.filter(organisation=organisation, reference__startswith=prefix).values_list(
        "reference", flat=True
    )
    return next_number(used, prefix)


def do_open_case(
    organisation: Organisation,
    identity: Identity,
    sex: str,
    forms: Sequence[str],
    *,
    acting_user: Any,
    notes: str = "",
    opened_on: datetime.date | None = None,
    nationalities: Sequence[str] = (),
    age_status: str | None = None,
) -> Case:
    """Create the person (identity encrypted under a new data key) and open their case.

    The case goes to the opener and to their team, if they have exactly one there. Without
    an `age_status`, the date of birth decides when it can; a minor's case opens sealed.
    """
    if not policies.can_create_in(acting_user, organisation.pk):
        raise PermissionDenied
    with transaction.atomic(durable=True):
        # The organisation's row lock serialises the numbering of its cases.
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        return open_case(
            organisation, identity, sex, forms, acting_user=acting_user, notes=notes, opened_on=opened_on,
            nationalities=nationalities, age_status=age_status,
        )  # fmt: skip


def open_case(
    organisation: Organisation,
    identity: Identity,
    sex: str,
    forms: Sequence[str],
    *,
    acting_user: Any,
    notes: str = "",
    opened_on: datetime.date | None = None,
    nationalities: Sequence[str] = (),
    age_status: str | None = None,
    source: str = "",
) -> Case:
    """Open a case with its audit event inside the caller's transaction, which holds the organisation's lock.

    For actions that open several cases at once (an import); others call `do_open_case`.
    """
    unknown = [c for c in nationalities if pycountry.countries.get(alpha_3=c) is None]
    if unknown:
        raise CaseRefusedError(f"Codes de pays ISO 3166 inconnus : {', '.join(unknown)}.")
    opened_on = opened_on or timezone.localdate()
    data_key = create_data_key()
    person = Person(organisation=organisation, data_key=data_key, sex=sex, created_by=acting_user)
    seal_person(person, identity, notes, open_data_key(data_key))
    person.save()
    _index_names(person, identity)
    PersonNationality.objects.bulk_create(PersonNationality(person=person, code=c) for c in sorted(set(nationalities)))
    case = Case.objects.create(
        organisation=organisation, person=person, reference=next_reference(organisation, opened_on.year),
        opened_on=opened_on, assigned_to=acting_user, created_by=acting_user,
        team_id=_only_team(acting_user, organisation.pk),
        age_status=age_status or minors.age_status_from_birth(identity.birth_date, opened_on),
    )  # fmt: skip
    CaseExploitationForm.objects.bulk_create(CaseExploitationForm(case=case, code=c) for c in sorted(set(forms)))
    extra: dict[str, Any] = {"reference": case.reference, "person": person.pk, "sex": sex,
                             "exploitation_forms": sorted(set(forms)), "age_status": case.age_status}  # fmt: skip
    if source:
        extra["source"] = source
    record_event("case.open", actor=acting_user, organisation_id=organisation.pk, target=case, extra=extra)
    if minors.is_minor_case(case):
        seal_in_transaction(case, SealReason.MINOR, acting_user=acting_user)
    return case


def _only_team(user: Any, organisation_id: int) -> int | None:
    teams = team_ids_of(user, organisation_id)
    return next(iter(teams)) if len(teams) == 1 else None


def _changed_fields(old: Identity, new: Identity) -> list[str]:
    before, after = old.to_dict(), new.to_dict()
    return sorted(name for name in after if before.get(name) != after[name])


def do_update_identity(
    case: Case, identity: Identity, *, acting_user: Any, sex: str | None = None, notes: str | None = None
) -> Case:
    """Re-encrypt the person's identity (and notes) under the same data key; audit field names only."""
    if not policies.can_edit(acting_user, case):
        raise PermissionDenied
    with transaction.atomic(durable=True):
        person = Person.objects.select_for_update().select_related("data_key").get(pk=case.person_id)
        # What the user was not shown, they cannot have meant to change.
        identity = keep_masked_fields(acting_user, case, identity_of(person), identity)
        changed = _changed_fields(identity_of(person), identity)
        if sex is not None and sex != person.sex:
            person.sex = sex
            changed.append("sex")
        old_notes = notes_of(person)
        if notes is None:
            notes = old_notes
        elif notes != old_notes:
            changed.append("notes")
        seal_person(person, identity, notes, open_data_key(person.data_key))
        person.save()
        _index_names(person, identity)
        record_event(
            "person.identity_update", actor=acting_user, organisation_id=case.organisation_id, target=case,
            extra={"reference": case.reference, "person": person.pk, "fields": changed},
        )  # fmt: skip
    case.person = person
    return case


def do_close_case(case: Case, *, acting_user: Any, closed_on: datetime.date | None = None) -> Case:
    if not policies.can_edit(acting_user, case):
        raise PermissionDenied
    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not case.is_open:
            raise CaseRefusedError("Ce dossier est déjà clos.")
        case.status, case.closed_on = CaseStatus.CLOSED, closed_on or timezone.localdate()
        case.save()
        record_event(
            "case.close", actor=acting_user, organisation_id=case.organisation_id, target=case,
            extra={"reference": case.reference, "closed_on": case.closed_on.isoformat()},
        )  # fmt: skip
    return case
