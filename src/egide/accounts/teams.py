"""Teams of an organisation: create, rename or delete one, put a member in it. Each write is audited."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404

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


def may_manage_teams(user: Any, organisation_id: int) -> bool:
    """Whether `user` may create, rename and delete the teams of that organisation and staff them."""
    return _may_manage(user, organisation_id)


def managed_memberships(user: Any) -> list[Membership]:
    """Return one of the user's memberships per organisation whose teams they manage, by organisation name."""
    seen: dict[int, Membership] = {}
    for m in user.active_memberships():
        if m.organisation_id not in seen and _may_manage(user, m.organisation_id):
            seen[m.organisation_id] = m
    return list(seen.values())


def access_team(user: Any, team_id: int) -> Team:
    """Return a team the user manages; a missing team and another organisation's alike are not found."""
    team = Team.objects.filter(pk=team_id).first()
    if team is None or not _may_manage(user, team.organisation_id):
        raise Http404("Équipe introuvable")
    return team


def access_membership(user: Any, membership_id: int) -> Membership:
    """Return an active membership of an organisation whose teams the user manages, else not found."""
    membership = (
        Membership.objects.filter(pk=membership_id, is_active=True, user__is_active=True)
        .select_related("user", "team")
        .first()
    )
    if membership is None or not _may_manage(user, membership.organisation_id):
        raise Http404("Membre introuvable")
    return membership


TEAM_NAME_MAX_LENGTH = 100


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise TeamRefusedError("Indiquez le nom de l'équipe.")
    if len(name) > TEAM_NAME_MAX_LENGTH:
        raise TeamRefusedError(f"Le nom de l'équipe ne doit pas dépasser {TEAM_NAME_MAX_LENGTH} caractères.")
    return name


def do_create_team(organisation: Any, name: str, *, acting_user: Any) -> Team:
    if not _may_manage(acting_user, organisation.pk):
        raise PermissionDenied
    name = _clean_name(name)
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


def do_rename_team(team: Team, name: str, *, acting_user: Any) -> Team:
    """Rename a team; the name stays unique in its organisation, whatever the case of its letters."""
    if not _may_manage(acting_user, team.organisation_id):
        raise PermissionDenied
    name = _clean_name(name)
    with transaction.atomic(durable=True):
        taken = Team.objects.filter(organisation_id=team.organisation_id, name__iexact=name).exclude(pk=team.pk)
        if taken.exists():
            raise TeamRefusedError(f"L'équipe « {name} » existe déjà dans cette organisation.")
        before, team.name = team.name, name
        team.save(update_fields=["name", "updated_at"])
        record_event(
            "team.rename", actor=acting_user, organisation_id=team.organisation_id, target=team,
            extra={"from": before, "to": name},
        )  # fmt: skip
    return team


def do_delete_team(team: Team, *, acting_user: Any) -> None:
    """Delete a team that has no active member and nothing filed under it (cases, …).

    Refusing is safer than emptying it: cases filed under the team would silently leave the
    reach of its members. Inactive memberships lose the team, as the foreign key says.
    """
    if not _may_manage(acting_user, team.organisation_id):
        raise PermissionDenied
    with transaction.atomic(durable=True):
        blockers = _what_blocks_deletion(team)
        if blockers:
            raise TeamRefusedError(
                f"L'équipe « {team.name} » ne peut pas être supprimée : {' et '.join(blockers)}. "
                "Changez-les d'équipe d'abord."
            )
        record_event("team.delete", actor=acting_user, organisation_id=team.organisation_id, target=team)
        team.delete()


def _what_blocks_deletion(team: Team) -> list[str]:
    """Name, in French, the active members and the rows of other apps that point to the team."""
    blockers = []
    members = team.memberships.filter(is_active=True).count()
    if members:
        blockers.append(f"{members} membre{'s' if members > 1 else ''} en {'font' if members > 1 else 'fait'} partie")
    # Read the reverse relations from the model so that accounts never imports the apps above it (cases, …).
    for relation in Team._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and relation.one_to_many) or relation.related_model is Membership:
            continue
        related: type[models.Model] = relation.related_model  # type: ignore[assignment]
        count = related._base_manager.filter(**{relation.field.name: team}).count()  # type: ignore[union-attr]
        if count:
            label = related._meta.verbose_name if count == 1 else related._meta.verbose_name_plural
            blockers.append(f"{count} {label} {'lui est rattaché' if count == 1 else 'lui sont rattachés'}")
    return blockers
