"""Who may do what to an organisation of the directory. Deny by default."""

from typing import Any

from egide.accounts.roles import Cap
from egide.organisations.models import Organisation


def _is_member(user: Any, organisation: Organisation) -> bool:
    return bool(user.is_authenticated and organisation.pk in user.organisation_ids())


def can_view_confidential_location(user: Any, organisation: Organisation) -> bool:
    """A confidential address is seen by its own members and by national and Ac.Sé coordination."""
    if organisation.address_is_public:
        return True
    if not user.is_authenticated:
        return False
    return user.has_capability(Cap.CONFIDENTIAL_ADDRESS_VIEW_ANY) or _is_member(user, organisation)


def can_view_unpublished(user: Any, organisation: Organisation) -> bool:
    return bool(user.is_authenticated and (user.has_capability(Cap.DIRECTORY_VIEW) or _is_member(user, organisation)))


def can_edit(user: Any, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return user.has_capability(Cap.ORGANISATION_EDIT_ANY) or user.has_capability_in(
        Cap.ORGANISATION_EDIT_OWN, organisation.pk
    )


def can_create(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_capability(Cap.ORGANISATION_CREATE))


def can_import(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_capability(Cap.ORGANISATION_IMPORT))


def can_export(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_capability(Cap.ORGANISATION_EXPORT))
