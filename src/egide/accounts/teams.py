"""Teams of an organisation: create one, put a member in it. Each write is audited."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from egide.accounts.models import Membership, Team
from egide.accounts.roles import Cap
from egide.core.audit import record_event


class TeamRefusedError(Exception):
    """The team change is not possible; the message is French."""


def team_ids_of(user: Any, organisation_id: int) -> set[int]:
    """Return the teams `user` belongs to in that organisation, from the cached memberships."""
    return {
        m.team_id for m in user.active_memberships() if m.organisation_id == organisation_id and m.team_id is not None
    }


def _may_manage(user: Any, organisation_id: int) -> bool:
    return bool(user.is_authenticated) and (
        user.has_capability_in(Cap.CASE_ASSIGN, organisation_id)
        or user.has_capability_in(Cap.ORGANISATION_EDIT_OWN, organisation_id)
    )


def do_create_team(organisation: Any, name: str, *, acting_user: Any) -> Team:
    if not _may_manage(acting_user, organisation.pk):
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise TeamRefusedError("Indiquez le nom de l'équipe.")
    with transaction.atomic(durable=True):
        if Team.objects.filter(organisation=organisation, name__iexact=name).exists():
            raise TeamRefusedError(f"L'équipe « {name} » existe déjà dans cette organisation.")
        team = Team.objects.create(organisation=organisation, name=name)
        record_event("team.create", actor=acting_user, organisation_id=organisation.pk, target=team)
    return team


def do_set_membership_team(membership: Membership, team: Team | None, *, acting_user: Any) -> Membership:
    """Put a member in a team of the same organisation, or in none."""
    if not _may_manage(acting_user, membership.organisation_id):
        raise PermissionDenied
    if team is not None and team.organisation_id != membership.organisation_id:
        raise TeamRefusedError("Cette équipe appartient à une autre organisation.")
    with transaction.atomic(durable=True):
        membership.team = team
        membership.save(update_fields=["team", "updated_at"])
        record_event(
            "membership.team", actor=acting_user, organisation_id=membership.organisation_id, target=membership.user,
            extra={"team": team.pk if team else None},
        )  # fmt: skip
    return membership
