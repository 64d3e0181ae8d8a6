"""Who may do what with persons and case files (deny by default).

A case belongs to one organisation; only that organisation's members holding the case
capabilities see it. No other role, national or technical, ever reads a case file.
"""

from typing import Any

from egide.accounts.roles import Cap
from egide.cases.access import in_scope
from egide.cases.models import Case, StatusDecision


def organisation_ids(user: Any, capability: str) -> list[int]:
    """Organisations in which `user` holds `capability`."""
    if not user.is_authenticated:
        return []
    return sorted(o for o in user.organisation_ids() if user.has_capability_in(capability, o))


def can_view(user: Any, case: Case) -> bool:
    """Whether the case is within the user's scope (see `access.py`); sealing comes on top."""
    return bool(user.is_authenticated) and in_scope(user, case, Cap.CASE_VIEW)


def can_create_in(user: Any, organisation_id: int) -> bool:
    return bool(user.is_authenticated) and user.has_capability_in(Cap.CASE_CREATE, organisation_id)


def can_edit(user: Any, case: Case) -> bool:
    return can_view(user, case) and can_create_in(user, case.organisation_id)


def can_assign(user: Any, case: Case) -> bool:
    return can_view(user, case) and user.has_capability_in(Cap.CASE_ASSIGN, case.organisation_id)


def can_seal(user: Any, case: Case) -> bool:
    return can_view(user, case) and user.has_capability_in(Cap.CASE_SEAL, case.organisation_id)


def can_break_glass(user: Any, case: Case) -> bool:
    return can_view(user, case) and user.has_capability_in(Cap.CASE_BREAK_GLASS, case.organisation_id)


def can_export(user: Any, case: Case) -> bool:
    return can_view(user, case) and user.has_capability_in(Cap.CASE_EXPORT, case.organisation_id)


def can_set_legal_hold(user: Any, case: Case) -> bool:
    return can_view(user, case) and user.has_capability_in(Cap.CASE_LEGAL_HOLD, case.organisation_id)


def can_see_identity_documents(user: Any, case: Case) -> bool:
    return can_view(user, case) and user.has_capability_in(Cap.CASE_VIEW_IDENTITY_DOCUMENTS, case.organisation_id)


def can_confirm_status(user: Any, decision: StatusDecision) -> bool:
    """A supervisor of the case's organisation confirms; never the decision's author (four eyes)."""
    return (
        can_view(user, decision.case)
        and user.has_capability_in(Cap.CASE_STATUS_CONFIRM, decision.case.organisation_id)
        and decision.recorded_by_id != user.pk
    )
