"""Reads of case files, always scoped to the acting user; every read of a case is audited."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from egide.accounts.roles import Cap
from egide.cases import policies, sealing
from egide.cases.identity import (
    Identity,
    PartialDate,
    birth_index,
    birth_year_index,
    decrypt_display_name,
    decrypt_identity,
    field_context,
    name_index,
    name_tokens,
)
from egide.cases.models import Case, Person, PersonNameIndex
from egide.core import crypto
from egide.core.audit import record_access, record_event
from egide.core.keys import open_data_key
from egide.core.models import AuditKind


def cases_for(user: Any) -> QuerySet[Case]:
    return (
        Case.objects.visible_to(user, Cap.CASE_VIEW)
        .select_related("person__data_key", "organisation", "assigned_to", "team")
        .order_by("-opened_on", "-id")
    )


def search_cases(user: Any, *, name: str = "", birth: PartialDate | None = None) -> QuerySet[Case]:
    """Return the user's cases whose person matches exactly, through the blind indexes only.

    The name matches the full name or any alias, whatever the order of its words, accents
    and case. A year of birth alone (« 1998 ») finds every date of that year; a month or a
    day matches as entered (« 1998-04 » does not find « 1998 » nor « 1998-04-12 »).
    """
    cases = cases_for(user)
    if not name_tokens(name) and birth is None:
        return cases
    match = Q(pk__in=[])
    for org_id in policies.organisation_ids(user, Cap.CASE_VIEW):
        scope = Q(organisation_id=org_id)
        if name_tokens(name):
            token = name_index(name, "", org_id)
            # The full name is one of the person's tokens too; one indexed lookup, no OR
            # across the join, which made SQLite scan every case of the organisation.
            scope &= Q(person_id__in=PersonNameIndex.objects.filter(token=token).values("person_id"))
        if birth is not None and birth.month is None:
            scope &= Q(person__birth_year_index=birth_year_index(birth, org_id))
        elif birth is not None:
            scope &= Q(person__birth_index=birth_index(birth, org_id))
        match |= scope
    return cases.filter(match)


def identity_of(person: Person) -> Identity:
    """Decrypt the identity; raises DecryptionError once the person's data key is destroyed."""
    return decrypt_identity(bytes(person.identity), open_data_key(person.data_key), person.uid)


def notes_of(person: Person) -> str:
    if not person.notes:
        return ""
    return _decrypt_notes(person, open_data_key(person.data_key))


def _decrypt_notes(person: Person, key: bytes) -> str:
    if not person.notes:
        return ""
    return crypto.decrypt(key, bytes(person.notes), context=field_context(person.uid, "notes")).decode()


def identity_and_notes_of(person: Person) -> tuple[Identity, str]:
    """Decrypt the identity and the notes, unwrapping the person's data key once for both."""
    key = open_data_key(person.data_key)
    return decrypt_identity(bytes(person.identity), key, person.uid), _decrypt_notes(person, key)


def display_names(cases: Iterable[Case], user: Any = None) -> dict[int, str]:
    """Decrypt the names of these cases only (one page), never of every row.

    A sealed case shows « Dossier protégé » unless `user` may open it now.
    """
    cases = list(cases)
    openable = sealing.openable_ids(user, cases) if user is not None else {c.pk for c in cases if not c.sealed}
    names = {}
    for case in cases:
        if case.pk not in openable:
            names[case.pk] = sealing.PROTECTED_LABEL
            continue
        try:
            names[case.pk] = display_name_of(case.person)
        except crypto.DecryptionError:
            names[case.pk] = "(identité effacée)"
    return names


def display_name_of(person: Person) -> str:
    """Decrypt the name shown in lists: one unwrap and a few bytes, not the whole identity."""
    key = open_data_key(person.data_key)
    if not person.display_name:
        # Written by every identity write since it exists; kept for a row the migration could not reach.
        return decrypt_identity(bytes(person.identity), key, person.uid).display_name()
    return decrypt_display_name(bytes(person.display_name), key, person.uid)


def record_list_read(user: Any, cases: Sequence[Case]) -> None:
    """Write one access event naming the cases whose names were shown."""
    if not cases:
        return
    org_ids = {c.organisation_id for c in cases}
    with transaction.atomic():
        record_event(
            "case.list", actor=user, kind=AuditKind.ACCESS,
            organisation_id=next(iter(org_ids)) if len(org_ids) == 1 else None,
            extra={"cases": [c.pk for c in cases]},
        )  # fmt: skip


def reachable_case(user: Any, case_id: int) -> Case:
    """Return the case if it is within the user's scope, sealed or not; 404 alike if missing or forbidden.

    Only the pages about the seal itself use this; everything else goes through `access_case`.
    """
    case = (
        Case.objects.select_related("person__data_key", "organisation", "assigned_to", "team")
        .filter(pk=case_id)
        .first()
    )
    if case is None or not policies.can_view(user, case):
        raise Http404("Dossier introuvable")
    return case


def access_case(user: Any, case_id: int) -> Case:
    """Return the case if `user` may see it; the same 404 whether missing or forbidden.

    Raises `sealing.SealedCaseError` (the « dossier protégé » page) for a sealed case the
    user may not open now.
    """
    case = reachable_case(user, case_id)
    sealing.check_open(user, case)
    return case


def read_case(user: Any, case_id: int) -> Case:
    """Return a case for display and record the access (as such when through a broken glass)."""
    case = access_case(user, case_id)
    glass = None if sealing.opens_without_glass(user, case) else sealing.active_break_glass(user, case)
    if glass is None:
        record_access("case.read", actor=user, target=case, organisation_id=case.organisation_id)
    else:
        record_access(
            "case.read_break_glass", actor=user, target=case, organisation_id=case.organisation_id,
            reason=f"Bris de glace n° {glass.pk}",
        )  # fmt: skip
    return case
