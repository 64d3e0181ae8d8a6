"""Assignment of a case to a member of its organisation and to a team."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from egide.accounts.models import Membership, Team
from egide.accounts.roles import ROLE_SPECS, Cap
from egide.cases import policies
from egide.cases.models import Case
from egide.core.audit import record_event


class AssignRefusedError(Exception):
    """The assignment is refused; the message is French."""


def assignable_members(case: Case) -> list[tuple[int, str]]:
    """Members of the case's organisation who hold `Cap.CASE_VIEW` there, as (user id, label)."""
    roles = [role.value for role, spec in ROLE_SPECS.items() if Cap.CASE_VIEW in spec.capabilities]
    members = (
        Membership.objects.filter(organisation_id=case.organisation_id, role__in=roles, is_active=True,
                                  user__is_active=True)
        .select_related("user").order_by("user__full_name", "user__email")
    )  # fmt: skip
    return list({m.user_id: f"{m.user} ({m.get_role_display()})" for m in members}.items())


def teams_of(case: Case) -> list[tuple[int, str]]:
    return [(t.pk, t.name) for t in Team.objects.filter(organisation_id=case.organisation_id).order_by("name")]


def do_assign_case(case: Case, assignee_id: int, team_id: int | None, *, acting_user: Any) -> Case:
    if not policies.can_assign(acting_user, case):
        raise PermissionDenied
    if assignee_id not in dict(assignable_members(case)):
        raise AssignRefusedError("Cette personne n'est pas membre de l'organisation avec accès aux dossiers.")
    if team_id is not None and team_id not in dict(teams_of(case)):
        raise AssignRefusedError("Cette équipe n'appartient pas à l'organisation du dossier.")
    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update().get(pk=case.pk)
        before = {"assigned_to": case.assigned_to_id, "team": case.team_id}
        case.assigned_to_id, case.team_id = assignee_id, team_id
        case.save(update_fields=["assigned_to", "team", "updated_at"])
        record_event(
            "case.assign", actor=acting_user, organisation_id=case.organisation_id, target=case,
            extra={"from": before, "to": {"assigned_to": assignee_id, "team": team_id}},
        )  # fmt: skip
    return case
