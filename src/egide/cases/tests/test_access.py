"""Scope of case files (own, team, organisation), assignment, and masking of identity documents."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client

from egide.accounts.models import Membership, Team
from egide.accounts.roles import Role
from egide.accounts.teams import TeamRefusedError, do_create_team, do_set_membership_team
from egide.cases import actions, masking, selectors
from egide.cases.assignment import AssignRefusedError, do_assign_case
from egide.cases.identity import Identity, IdentityDocument
from egide.cases.models import Case
from egide.cases.tests.helpers import open_case
from egide.core.models import AuditEvent, AuditKind
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> Any:
    return OrganisationFactory(name="Association du Nord")


@pytest.fixture
def staff(org: Any, make_user: Callable[..., Any]) -> dict[str, Any]:
    """Two teams; a caseworker in each, a volunteer, a supervisor; and strangers of another organisation."""
    supervisor = make_user(Role.CASE_SUPERVISOR, org)
    north, south = (do_create_team(org, name, acting_user=supervisor) for name in ("Nord", "Sud"))
    people = {
        "supervisor": supervisor,
        "north": make_user(Role.CASEWORKER, org),
        "south": make_user(Role.CASEWORKER, org),
        "volunteer": make_user(Role.VOLUNTEER, org),
        "admin": make_user(Role.ORG_ADMIN, org),
        "stranger": make_user(Role.CASE_SUPERVISOR, OrganisationFactory()),
        "national": make_user(Role.NATIONAL_COORDINATOR, OrganisationFactory()),
    }
    for key, team in (("north", north), ("south", south)):
        membership = Membership.objects.get(user=people[key])
        do_set_membership_team(membership, team, acting_user=supervisor)
    return {**people, "team_north": north, "team_south": south}


def _fresh(user: Any) -> Any:
    """Reload the user so that their memberships (and teams) are read again."""
    return type(user).objects.get(pk=user.pk)


def _visible(user: Any) -> set[str]:
    return {c.reference for c in selectors.cases_for(_fresh(user))}


def test_a_case_opens_in_its_openers_team_and_scope_follows_role(staff: dict[str, Any]) -> None:
    case = open_case(_fresh(staff["north"]))
    assert case.team == staff["team_north"] and case.assigned_to == staff["north"]
    assert _visible(staff["north"]) == {case.reference}
    assert _visible(staff["supervisor"]) == {case.reference}  # organisation scope
    for outsider in ("south", "volunteer", "admin", "stranger", "national"):
        assert _visible(staff[outsider]) == set(), outsider
        with pytest.raises(Http404):
            selectors.read_case(_fresh(staff[outsider]), case.pk)
    assert set(Case.objects.visible_to(_fresh(staff["south"]), "case.view")) == set()


def test_team_scope_covers_the_team_and_what_is_assigned_to_the_user(staff: dict[str, Any]) -> None:
    north = open_case(_fresh(staff["north"]))
    south = open_case(_fresh(staff["south"]))
    assert _visible(staff["north"]) == {north.reference}
    do_assign_case(south, staff["north"].pk, staff["team_south"].pk, acting_user=_fresh(staff["supervisor"]))
    assert _visible(staff["north"]) == {north.reference, south.reference}
    assert _visible(staff["south"]) == {south.reference}  # still their team's case


def test_a_volunteer_sees_only_the_cases_assigned_to_them(staff: dict[str, Any], login: Callable[..., Client]) -> None:
    case = open_case(_fresh(staff["north"]))
    client = login(staff["volunteer"])
    assert client.get(f"/dossiers/{case.pk}/").status_code == 404
    assert "Popescu".upper() not in client.get("/dossiers/").content.decode()
    do_assign_case(case, staff["volunteer"].pk, None, acting_user=_fresh(staff["supervisor"]))
    page = client.get(f"/dossiers/{case.pk}/").content.decode()
    assert "POPESCU Ana-Maria" in page
    assert AuditEvent.objects.filter(action="case.read", actor_id=staff["volunteer"].pk, kind=AuditKind.ACCESS).exists()


def test_search_finds_only_within_scope(staff: dict[str, Any]) -> None:
    case = open_case(_fresh(staff["north"]))
    assert list(selectors.search_cases(_fresh(staff["supervisor"]), name="ana maria popescu")) == [case]
    assert list(selectors.search_cases(_fresh(staff["south"]), name="ana maria popescu")) == []


def test_masking_hides_identity_documents_from_a_volunteer_everywhere(
    staff: dict[str, Any], login: Callable[..., Client]
) -> None:
    case = open_case(_fresh(staff["north"]))
    do_assign_case(case, staff["volunteer"].pk, None, acting_user=_fresh(staff["supervisor"]))
    volunteer_page = login(staff["volunteer"]).get(f"/dossiers/{case.pk}/").content.decode()
    assert "POPESCU Ana-Maria" in volunteer_page
    assert "056123789" not in volunteer_page and "passeport" not in volunteer_page.lower()
    supervisor_page = login(staff["supervisor"]).get(f"/dossiers/{case.pk}/").content.decode()
    assert "056123789" in supervisor_page


def test_an_edit_by_someone_who_cannot_see_documents_keeps_them(staff: dict[str, Any]) -> None:
    case = open_case(_fresh(staff["north"]))
    volunteer = _fresh(staff["volunteer"])
    assert masking.masked_fields(volunteer, case) == frozenset({"identity_documents"})
    stored = selectors.identity_of(case.person)
    edited = masking.keep_masked_fields(volunteer, case, stored, Identity(family_name="Popescu"))
    assert edited.identity_documents == (IdentityDocument("passport", "056123789"),)
    assert edited.given_names == ""
    with pytest.raises(PermissionDenied):
        actions.do_update_identity(case, edited, acting_user=volunteer)


def test_assignment_page_assigns_to_a_member_and_a_team_and_is_audited(
    staff: dict[str, Any], login: Callable[..., Client]
) -> None:
    case = open_case(_fresh(staff["north"]))
    client = login(staff["supervisor"])
    page = client.get(f"/dossiers/{case.pk}/attribution/").content.decode()
    assert staff["admin"].full_name not in page  # no access to cases: not offered
    response = client.post(
        f"/dossiers/{case.pk}/attribution/", {"assigned_to": staff["south"].pk, "team": staff["team_south"].pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == staff["south"] and case.team == staff["team_south"]
    event = AuditEvent.objects.get(action="case.assign")
    assert event.extra["to"] == {"assigned_to": staff["south"].pk, "team": staff["team_south"].pk}


def test_assignment_outside_the_organisation_is_refused_and_writes_nothing(staff: dict[str, Any]) -> None:
    case = open_case(_fresh(staff["north"]))
    supervisor = _fresh(staff["supervisor"])
    with pytest.raises(AssignRefusedError, match="membre de l'organisation"):
        do_assign_case(case, staff["stranger"].pk, None, acting_user=supervisor)
    with pytest.raises(AssignRefusedError, match="membre de l'organisation"):
        do_assign_case(case, staff["admin"].pk, None, acting_user=supervisor)
    foreign_team = Team.objects.create(organisation=OrganisationFactory(), name="Ailleurs")
    with pytest.raises(AssignRefusedError, match="n'appartient pas"):
        do_assign_case(case, staff["south"].pk, foreign_team.pk, acting_user=supervisor)
    with pytest.raises(PermissionDenied):
        do_assign_case(case, staff["south"].pk, None, acting_user=_fresh(staff["north"]))
    assert not AuditEvent.objects.filter(action="case.assign").exists()


def test_teams_are_unique_per_organisation_and_stay_in_it(staff: dict[str, Any], org: Any) -> None:
    supervisor = _fresh(staff["supervisor"])
    with pytest.raises(TeamRefusedError, match="existe déjà"):
        do_create_team(org, "nord", acting_user=supervisor)
    stranger_membership = Membership.objects.get(user=staff["stranger"])
    with pytest.raises(PermissionDenied):
        do_set_membership_team(stranger_membership, staff["team_north"], acting_user=supervisor)
