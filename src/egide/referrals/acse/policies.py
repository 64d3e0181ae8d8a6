"""Who may do what in Ac.Sé (deny by default).

- The coordinator: a member of an organisation of kind « coordination Ac.Sé » holding
  `Cap.ACSE_COORDINATE` there. Sees every shelter with its location, and the requests and
  placements of the referrals their coordination received.
- A host: a member of a shelter's organisation holding `Cap.PLACEMENT_HOST` there. Sees that
  organisation's shelters (location included) and only the placements proposed to them,
  without the person's identity or the places to avoid.
- The referrer: whoever may read the referred case (cases/access.py) sees the state of the
  request and, once it agreed, the host organisation's name; never a location.

The role alone is not enough: an Ac.Sé coordinator role given in another organisation
grants nothing here, since the scheme's secrets are the coordination's.
"""

from typing import Any

from egide.accounts.roles import Cap
from egide.cases.access import in_scope
from egide.organisations.vocabulary import Kind
from egide.referrals.acse.models import Placement, PlacementRequest, Shelter


def coordination_ids(user: Any) -> list[int]:
    """Ac.Sé coordination organisations in which `user` coordinates."""
    if not user.is_authenticated or not user.is_active:
        return []
    return sorted(
        m.organisation_id
        for m in user.active_memberships()
        if m.organisation.kind == Kind.ACSE_COORDINATION
        and user.has_capability_in(Cap.ACSE_COORDINATE, m.organisation_id)
    )


def is_coordinator(user: Any) -> bool:
    return bool(coordination_ids(user))


def host_organisation_ids(user: Any) -> list[int]:
    """Organisations whose shelters `user` follows as a host."""
    if not user.is_authenticated:
        return []
    return sorted(o for o in user.organisation_ids() if user.has_capability_in(Cap.PLACEMENT_HOST, o))


def is_host_of(user: Any, shelter: Shelter) -> bool:
    return shelter.organisation_id in host_organisation_ids(user)


def can_see_location(user: Any, shelter: Shelter) -> bool:
    """Only the coordination and the shelter's own hosts ever see where it is."""
    return is_coordinator(user) or is_host_of(user, shelter)


def can_update_availability(user: Any, shelter: Shelter) -> bool:
    return can_see_location(user, shelter)


def can_coordinate(user: Any, request: PlacementRequest) -> bool:
    return request.coordination_id in coordination_ids(user)


def can_answer(user: Any, placement: Placement) -> bool:
    """The host records its agreement or refusal; the coordinator may record it for them."""
    return can_coordinate(user, placement.request) or is_host_of(user, placement.shelter)


def can_view_as_host(user: Any, placement: Placement) -> bool:
    return is_host_of(user, placement.shelter) or can_coordinate(user, placement.request)


def can_follow_as_referrer(user: Any, request: PlacementRequest) -> bool:
    return in_scope(user, request.referral.case, Cap.CASE_VIEW)


def can_view_statistics(user: Any) -> bool:
    return bool(user.is_authenticated) and user.has_capability(Cap.ACSE_STATISTICS)
