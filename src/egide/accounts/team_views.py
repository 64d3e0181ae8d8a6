"""The team management page: an organisation's teams, their members, and who is in which."""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from egide.accounts.models import Membership, Team
from egide.accounts.roles import Cap
from egide.accounts.team_forms import MembershipTeamForm, TeamNameForm
from egide.accounts.teams import (
    TeamRefusedError,
    access_membership,
    access_team,
    do_create_team,
    do_delete_team,
    do_rename_team,
    do_set_membership_team,
    managed_memberships,
)
from egide.accounts.views import acting_user
from egide.core.access import capability, route_policy

# Object-level checks (`teams.may_manage_teams`) then narrow it to the organisations concerned.
MANAGE_TEAMS = capability(Cap.CASE_ASSIGN, Cap.ORGANISATION_EDIT_OWN)


@dataclass
class Bound:
    """Forms posted and refused, to show again with their errors instead of blank ones."""

    create: TeamNameForm | None = None
    rename: dict[int, TeamNameForm] = field(default_factory=dict)
    members: dict[int, MembershipTeamForm] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@route_policy(MANAGE_TEAMS)
@require_safe
def teams(request: HttpRequest) -> HttpResponse:
    """Open the teams of the only organisation the user manages, or let them choose one."""
    managed = managed_memberships(acting_user(request))
    if len(managed) == 1:
        return redirect("accounts:teams_organisation", organisation_id=managed[0].organisation_id)
    return render(request, "accounts/teams_choose.html", {"memberships": managed})


@route_policy(MANAGE_TEAMS)
@require_http_methods(["GET", "POST"])
def teams_organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Show the organisation's teams and members; a POST creates a team."""
    organisation = _managed_organisation(request, organisation_id)
    if request.method != "POST":
        return _page(request, organisation, Bound())
    form = TeamNameForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            team = do_create_team(organisation, form.cleaned_data["name"], acting_user=acting_user(request))
        except TeamRefusedError as refusal:
            form.add_error("name", str(refusal))
        else:
            messages.success(request, f"L'équipe « {team.name} » est créée.")
            return redirect("accounts:teams_organisation", organisation_id=organisation_id)
    return _page(request, organisation, Bound(create=form))


@route_policy(MANAGE_TEAMS)
@require_POST
def team_rename(request: HttpRequest, team_id: int) -> HttpResponse:
    team = access_team(acting_user(request), team_id)
    form = TeamNameForm(request.POST, prefix=f"team-{team.pk}")
    if form.is_valid():
        try:
            do_rename_team(team, form.cleaned_data["name"], acting_user=acting_user(request))
        except TeamRefusedError as refusal:
            form.add_error("name", str(refusal))
        else:
            messages.success(request, f"L'équipe s'appelle désormais « {team.name} ».")
            return redirect("accounts:teams_organisation", organisation_id=team.organisation_id)
    return _page(request, _managed_organisation(request, team.organisation_id), Bound(rename={team.pk: form}))


@route_policy(MANAGE_TEAMS)
@require_POST
def team_delete(request: HttpRequest, team_id: int) -> HttpResponse:
    team = access_team(acting_user(request), team_id)
    organisation_id, name = team.organisation_id, team.name
    try:
        do_delete_team(team, acting_user=acting_user(request))
    except TeamRefusedError as refusal:
        return _page(request, _managed_organisation(request, organisation_id), Bound(errors=[str(refusal)]))
    messages.success(request, f"L'équipe « {name} » est supprimée.")
    return redirect("accounts:teams_organisation", organisation_id=organisation_id)


@route_policy(MANAGE_TEAMS)
@require_POST
def membership_team(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Put one member in a team of the organisation, or in none."""
    membership = access_membership(acting_user(request), membership_id)
    teams = _teams_of(membership.organisation_id)
    form = MembershipTeamForm(request.POST, prefix=f"member-{membership.pk}", teams=_choices(teams))
    if not form.is_valid():
        organisation = _managed_organisation(request, membership.organisation_id)
        return _page(request, organisation, Bound(members={membership.pk: form}))
    team_id = form.cleaned_data["team"]
    if team_id == membership.team_id:
        messages.info(request, f"Aucun changement pour {membership.user}.")
    else:
        team = next((t for t in teams if t.pk == team_id), None)
        do_set_membership_team(membership, team, acting_user=acting_user(request))
        where = f"dans l'équipe « {team.name} »" if team else "dans aucune équipe"
        messages.success(request, f"{membership.user} est désormais {where}.")
    return redirect("accounts:teams_organisation", organisation_id=membership.organisation_id)


def _managed_organisation(request: HttpRequest, organisation_id: int) -> Any:
    """Return the organisation if the user manages its teams; another organisation is not found."""
    for m in managed_memberships(acting_user(request)):
        if m.organisation_id == organisation_id:
            return m.organisation
    raise Http404("Organisation introuvable")


def _teams_of(organisation_id: int) -> list[Team]:
    active = Membership.objects.filter(is_active=True, user__is_active=True).select_related("user")
    members = Prefetch("memberships", queryset=active.order_by("user__full_name", "user__email"), to_attr="members")
    return list(Team.objects.filter(organisation_id=organisation_id).order_by("name").prefetch_related(members))


def _choices(teams: list[Team]) -> list[tuple[int, str]]:
    return [(t.pk, t.name) for t in teams]


def _page(request: HttpRequest, organisation: Any, bound: Bound) -> HttpResponse:
    teams = _teams_of(organisation.pk)
    memberships = (
        Membership.objects.filter(organisation_id=organisation.pk, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email", "role")
    )
    team_rows = [
        (t, bound.rename.get(t.pk) or TeamNameForm(prefix=f"team-{t.pk}", initial={"name": t.name})) for t in teams
    ]
    member_rows = [
        (m, bound.members.get(m.pk) or MembershipTeamForm(
            prefix=f"member-{m.pk}", teams=_choices(teams), initial={"team": m.team_id}
        ))
        for m in memberships
    ]  # fmt: skip
    create = bound.create or TeamNameForm(prefix="new")
    summary: list[tuple[str | None, str, str]] = [(None, "", e) for e in bound.errors]
    summary += _summary(create, "Nouvelle équipe")
    summary += [line for t, f in team_rows for line in _summary(f, f"Nom de l'équipe « {t.name} »")]
    summary += [line for m, f in member_rows for line in _summary(f, f"Équipe de {m.user} ({m.get_role_display()})")]
    context = {
        "organisation": organisation,
        "team_rows": team_rows,
        "member_rows": member_rows,
        "create_form": create,
        "summary": summary,
        "several": len(managed_memberships(acting_user(request))) > 1,
    }
    return render(request, "accounts/teams.html", context)


def _summary(form: forms.Form, label: str) -> list[tuple[str | None, str, str]]:
    """List a bound form's errors as (anchor, label, message) for the error summary."""
    if not form.is_bound:
        return []
    return [
        (None if name == NON_FIELD_ERRORS else form[name].id_for_label, label, str(e))
        for name, errs in form.errors.items()
        for e in errs
    ]
