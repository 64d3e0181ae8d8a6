"""Who may do what to an organisation of the directory. Deny by default."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from egide.accounts.roles import Cap
from egide.organisations.models import Organisation
from egide.organisations.vocabulary import AddressVisibility


@dataclass(frozen=True)
class LocationViewer:
    """Whose confidential locations a viewer may see: every one, or those of their own organisations.

    The one rule of "which location may this viewer see", as a test on one organisation
    (`sees_exact`) and as the same test in SQL (`exact_condition`), so that the pages, which
    work on model instances, and the API, which works on rows, cannot disagree.
    """

    sees_every_location: bool = False
    member_of: frozenset[int] = frozenset()

    def sees_exact(self, organisation_id: int, address_visibility: str) -> bool:
        """Whether the exact location (address, commune, coordinates) may be shown."""
        return (
            address_visibility == AddressVisibility.PUBLIC
            or self.sees_every_location
            or organisation_id in self.member_of
        )

    def exact_condition(self) -> Q | None:
        """Return the SQL form of `sees_exact`, or None when every location is visible."""
        if self.sees_every_location:
            return None
        return Q(address_visibility=AddressVisibility.PUBLIC) | Q(pk__in=self.member_of)

    def placed_condition(self) -> Q | None:
        """Return the condition for at least the département to be visible, or None when all are."""
        exact = self.exact_condition()
        return None if exact is None else exact | Q(address_visibility=AddressVisibility.DEPARTEMENT)


def location_viewer(user: Any) -> LocationViewer:
    """Return what `user` may see of confidential locations."""
    if not user.is_authenticated:
        return LocationViewer()
    return LocationViewer(user.has_capability(Cap.CONFIDENTIAL_ADDRESS_VIEW_ANY), frozenset(user.organisation_ids()))


def _is_member(user: Any, organisation: Organisation) -> bool:
    return bool(user.is_authenticated and organisation.pk in user.organisation_ids())


def can_view_confidential_location(user: Any, organisation: Organisation) -> bool:
    """A confidential address is seen by its own members and by national and Ac.Sé coordination."""
    return location_viewer(user).sees_exact(organisation.pk, organisation.address_visibility)


def can_view_unpublished(user: Any, organisation: Organisation) -> bool:
    return bool(user.is_authenticated and (user.has_capability(Cap.DIRECTORY_VIEW) or _is_member(user, organisation)))


def can_edit(user: Any, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return bool(
        user.has_capability(Cap.ORGANISATION_EDIT_ANY)
        or user.has_capability_in(Cap.ORGANISATION_EDIT_OWN, organisation.pk)
    )


def can_create(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_capability(Cap.ORGANISATION_CREATE))


def can_import(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_capability(Cap.ORGANISATION_IMPORT))


def can_export(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_capability(Cap.ORGANISATION_EXPORT))
