"""Who may do what with indicator lists and screenings (deny by default)."""

from typing import Any

from egide.accounts.roles import Cap
from egide.identification.models import Screening

SCREENING_CAPABILITIES = (Cap.SCREENING_CREATE, Cap.SCREENING_CONFIRM)


def can_manage_lists(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_capability(Cap.INDICATOR_LISTS_MANAGE))


def screening_organisation_ids(user: Any) -> list[int]:
    """Organisations in which `user` may create screenings."""
    if not user.is_authenticated:
        return []
    return sorted(o for o in user.organisation_ids() if user.has_capability_in(Cap.SCREENING_CREATE, o))


def can_view(user: Any, screening: Screening) -> bool:
    return bool(user.is_authenticated) and any(
        user.has_capability_in(c, screening.organisation_id) for c in SCREENING_CAPABILITIES
    )


def can_answer(user: Any, screening: Screening) -> bool:
    return bool(user.is_authenticated) and user.has_capability_in(Cap.SCREENING_CREATE, screening.organisation_id)


def can_confirm(user: Any, screening: Screening) -> bool:
    """A different supervisor of the same organisation confirms; never the screening's author."""
    return (
        bool(user.is_authenticated)
        and user.has_capability_in(Cap.SCREENING_CONFIRM, screening.organisation_id)
        and screening.created_by_id != user.pk
    )
