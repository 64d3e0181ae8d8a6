"""Team management: the actions (rules, audit, French errors) and the page that drives them."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from egide.accounts.models import Membership, Team, User
from egide.accounts.roles import Role
from egide.accounts.teams import (
    TeamRefusedError,
    do_create_team,
    do_delete_team,
    do_rename_team,
    do_set_membership_team,
)
from egide.cases import selectors
from egide.cases.tests.helpers import open_case
from egide.core.models import AuditEvent, AuditKind
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> Any:
    return OrganisationFactory(name="Foyer du Nord")


@pytest.fixture
def staff(org: Any, make_user: Callable[..., User]) -> dict[str, Any]:
    """A supervisor, an organisation admin, a caseworker of `org`, and a supervisor elsewhere."""
    return {
        "supervisor": make_user(Role.CASE_SUPERVISOR, org),
        "admin": make_user(Role.ORG_ADMIN, org),
        "caseworker": make_user(Role.CASEWORKER, org),
        "stranger": make_user(Role.CASE_SUPERVISOR, OrganisationFactory(name="Association voisine")),
    }


def _fresh(user: User) -> User:
    """Reload the user so that their memberships (and teams) are read again."""
    return User.objects.get(pk=user.pk)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, kind=AuditKind.WRITE).order_by("pk"))


def _membership(user: User) -> Membership:
    return Membership.objects.get(user=user)


# Actions


def test_an_organisation_admin_creates_a_team_and_the_creation_is_audited(org: Any, staff: dict[str, Any]) -> None:
    team = do_create_team(org, "  Maraude  ", acting_user=staff["admin"])
    assert team.name == "Maraude" and team.organisation == org
    (event,) = _events("team.create")
    assert event.actor_id == staff["admin"].pk and event.organisation_id == org.pk and event.target_id == str(team.pk)


@pytest.mark.parametrize(
    ("name", "message"),
    [("   ", "Indiquez le nom de l'équipe."), ("maraude", "L'équipe « maraude » existe déjà dans cette organisation.")],
)
def test_a_team_needs_a_name_unique_in_its_organisation(
    org: Any, staff: dict[str, Any], name: str, message: str
) -> None:
    do_create_team(org, "Maraude", acting_user=staff["supervisor"])
    with pytest.raises(TeamRefusedError, match=message):
        do_create_team(org, name, acting_user=staff["supervisor"])
    assert Team.objects.count() == 1 and len(_events("team.create")) == 1


def test_another_organisation_may_use_the_same_team_name(org: Any, staff: dict[str, Any]) -> None:
    do_create_team(org, "Maraude", acting_user=staff["supervisor"])
    elsewhere = _membership(staff["stranger"]).organisation
    assert do_create_team(elsewhere, "Maraude", acting_user=staff["stranger"]).organisation == elsewhere


def test_rename_is_audited_with_both_names(org: Any, staff: dict[str, Any]) -> None:
    team = do_create_team(org, "Maraude", acting_user=staff["supervisor"])
    do_rename_team(team, "Maraude de nuit", acting_user=staff["admin"])
    team.refresh_from_db()
    assert team.name == "Maraude de nuit"
    (event,) = _events("team.rename")
    assert event.extra == {"from": "Maraude", "to": "Maraude de nuit"} and event.actor_id == staff["admin"].pk


def test_rename_may_change_the_case_of_letters_but_not_take_another_teams_name(org: Any, staff: dict[str, Any]) -> None:
    team = do_create_team(org, "Maraude", acting_user=staff["supervisor"])
    do_create_team(org, "Accueil", acting_user=staff["supervisor"])
    assert do_rename_team(team, "MARAUDE", acting_user=staff["supervisor"]).name == "MARAUDE"
    with pytest.raises(TeamRefusedError, match="L'équipe « accueil » existe déjà"):
        do_rename_team(team, "accueil", acting_user=staff["supervisor"])
    with pytest.raises(TeamRefusedError, match="ne doit pas dépasser 100 caractères"):
        do_rename_team(team, "x" * 101, acting_user=staff["supervisor"])
    team.refresh_from_db()
    assert team.name == "MARAUDE" and len(_events("team.rename")) == 1


def test_an_empty_team_is_deleted_and_the_deletion_is_audited(org: Any, staff: dict[str, Any]) -> None:
    team = do_create_team(org, "Maraude", acting_user=staff["supervisor"])
    team_id = team.pk
    do_delete_team(team, acting_user=staff["admin"])
    assert not Team.objects.filter(pk=team_id).exists()
    (event,) = _events("team.delete")
    assert event.target_id == str(team_id) and event.target_label == "Équipe Maraude"


def test_a_team_with_members_is_not_deleted(org: Any, staff: dict[str, Any]) -> None:
    team = do_create_team(org, "Maraude", acting_user=staff["supervisor"])
    do_set_membership_team(_membership(staff["caseworker"]), team, acting_user=staff["supervisor"])
    with pytest.raises(TeamRefusedError, match=r"1 membre en fait partie\. Changez-les d'équipe d'abord\."):
        do_delete_team(team, acting_user=staff["supervisor"])
    assert Team.objects.filter(pk=team.pk).exists() and _events("team.delete") == []


def test_a_team_with_cases_is_not_deleted_so_that_no_case_leaves_its_members_reach(
    org: Any, staff: dict[str, Any]
) -> None:
    team = do_create_team(org, "Maraude", acting_user=staff["supervisor"])
    membership = _membership(staff["caseworker"])
    do_set_membership_team(membership, team, acting_user=staff["supervisor"])
    case = open_case(_fresh(staff["caseworker"]))
    do_set_membership_team(membership, None, acting_user=staff["supervisor"])
    assert case.team == team
    with pytest.raises(TeamRefusedError, match="1 dossier lui est rattaché"):
        do_delete_team(team, acting_user=staff["supervisor"])
    case.refresh_from_db()
    assert case.team == team and _events("team.delete") == []


def test_an_inactive_member_does_not_keep_a_team_alive(org: Any, staff: dict[str, Any]) -> None:
    team = do_create_team(org, "Maraude", acting_user=staff["supervisor"])
    membership = _membership(staff["caseworker"])
    do_set_membership_team(membership, team, acting_user=staff["supervisor"])
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    do_delete_team(team, acting_user=staff["supervisor"])
    membership.refresh_from_db()
    assert membership.team is None


@pytest.mark.parametrize("who", ["stranger", "caseworker"])
def test_only_the_organisations_managers_change_its_teams(org: Any, staff: dict[str, Any], who: str) -> None:
    team = do_create_team(org, "Maraude", acting_user=staff["supervisor"])
    user = staff[who]
    with pytest.raises(PermissionDenied):
        do_create_team(org, "Autre", acting_user=user)
    with pytest.raises(PermissionDenied):
        do_rename_team(team, "Autre", acting_user=user)
    with pytest.raises(PermissionDenied):
        do_delete_team(team, acting_user=user)
    with pytest.raises(PermissionDenied):
        do_set_membership_team(_membership(staff["caseworker"]), team, acting_user=user)
    team.refresh_from_db()
    assert team.name == "Maraude" and len(_events("team.create")) == 1 and _events("team.rename") == []


# The page


def _page_url(org: Any) -> str:
    return f"/compte/equipes/organisation/{org.pk}/"


def test_the_personal_space_links_to_teams_for_managers_only(
    staff: dict[str, Any], login: Callable[[User], Client]
) -> None:
    assert "/compte/equipes/" in login(staff["admin"]).get("/compte/").content.decode()
    assert "/compte/equipes/" not in login(staff["caseworker"]).get("/compte/").content.decode()


def test_teams_opens_the_only_managed_organisation_or_offers_a_choice(
    org: Any, staff: dict[str, Any], login: Callable[[User], Client]
) -> None:
    client = login(staff["supervisor"])
    assert client.get("/compte/equipes/").url == _page_url(org)
    second = OrganisationFactory(name="Antenne du Sud")
    Membership.objects.create(user=staff["supervisor"], organisation=second, role=Role.ORG_ADMIN)
    page = client.get("/compte/equipes/").content.decode()
    assert _page_url(org) in page and _page_url(second) in page


def test_the_page_lists_teams_with_their_members_and_every_member(
    org: Any, staff: dict[str, Any], login: Callable[[User], Client]
) -> None:
    team = do_create_team(org, "Maraude", acting_user=staff["supervisor"])
    do_set_membership_team(_membership(staff["caseworker"]), team, acting_user=staff["supervisor"])
    response = login(staff["admin"]).get(_page_url(org))
    page = response.content.decode()
    assert response.status_code == 200 and "Équipes de Foyer du Nord" in page
    assert f'<option value="{team.pk}" selected>Maraude</option>' in page
    for user in (staff["supervisor"], staff["admin"], staff["caseworker"]):
        assert user.email in page
    assert staff["stranger"].email not in page


def test_the_page_creates_a_team(org: Any, staff: dict[str, Any], login: Callable[[User], Client]) -> None:
    response = login(staff["supervisor"]).post(_page_url(org), {"new-name": "Maraude"}, follow=True)
    assert Team.objects.get(organisation=org).name == "Maraude"
    assert "L&#x27;équipe « Maraude » est créée." in response.content.decode()


@pytest.mark.parametrize(
    ("name", "message"), [("", "Indiquez le nom de l&#x27;équipe."), ("MARAUDE", "existe déjà dans cette organisation")]
)
def test_the_page_explains_in_french_why_a_team_is_not_created(
    org: Any, staff: dict[str, Any], login: Callable[[User], Client], name: str, message: str
) -> None:
    do_create_team(org, "Maraude", acting_user=staff["supervisor"])
    response = login(staff["supervisor"]).post(_page_url(org), {"new-name": name})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="error-summary"' in page and message in page
    assert Team.objects.count() == 1


def test_the_page_renames_a_team_or_says_why_not(
    org: Any, staff: dict[str, Any], login: Callable[[User], Client]
) -> None:
    team = do_create_team(org, "Maraude", acting_user=staff["supervisor"])
    do_create_team(org, "Accueil", acting_user=staff["supervisor"])
    client = login(staff["admin"])
    url = f"/compte/equipes/{team.pk}/renommer/"
    refused = client.post(url, {f"team-{team.pk}-name": "accueil"})
    assert refused.status_code == 200 and "L&#x27;équipe « accueil » existe déjà" in refused.content.decode()
    assert client.post(url, {f"team-{team.pk}-name": "Maraude de nuit"}).url == _page_url(org)
    team.refresh_from_db()
    assert team.name == "Maraude de nuit" and len(_events("team.rename")) == 1


def test_the_page_deletes_an_empty_team_and_refuses_one_with_members(
    org: Any, staff: dict[str, Any], login: Callable[[User], Client]
) -> None:
    empty = do_create_team(org, "Accueil", acting_user=staff["supervisor"])
    staffed = do_create_team(org, "Maraude", acting_user=staff["supervisor"])
    do_set_membership_team(_membership(staff["caseworker"]), staffed, acting_user=staff["supervisor"])
    client = login(staff["supervisor"])
    refused = client.post(f"/compte/equipes/{staffed.pk}/supprimer/")
    assert refused.status_code == 200 and "1 membre en fait partie" in refused.content.decode()
    assert client.post(f"/compte/equipes/{empty.pk}/supprimer/").url == _page_url(org)
    assert list(Team.objects.values_list("name", flat=True)) == ["Maraude"]


def test_putting_a_caseworker_in_a_team_through_the_page_opens_the_teams_cases_to_them(
    org: Any, staff: dict[str, Any], make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    team = do_create_team(org, "Maraude", acting_user=staff["supervisor"])
    colleague = make_user(Role.CASEWORKER, org)
    do_set_membership_team(_membership(colleague), team, acting_user=staff["supervisor"])
    case = open_case(_fresh(colleague))
    membership = _membership(staff["caseworker"])
    assert case.reference not in {c.reference for c in selectors.cases_for(_fresh(staff["caseworker"]))}
    url = f"/compte/equipes/membres/{membership.pk}/"
    response = login(staff["supervisor"]).post(url, {f"member-{membership.pk}-team": team.pk})
    assert response.url == _page_url(org)
    assert case.reference in {c.reference for c in selectors.cases_for(_fresh(staff["caseworker"]))}
    event = _events("membership.team")[-1]
    assert event.actor_id == staff["supervisor"].pk and event.extra == {"team": team.pk}


def test_an_unchanged_team_writes_nothing(org: Any, staff: dict[str, Any], login: Callable[[User], Client]) -> None:
    membership = _membership(staff["caseworker"])
    response = login(staff["supervisor"]).post(f"/compte/equipes/membres/{membership.pk}/", {}, follow=True)
    assert "Aucun changement" in response.content.decode() and _events("membership.team") == []


def test_a_team_of_another_organisation_cannot_be_chosen(
    org: Any, staff: dict[str, Any], login: Callable[[User], Client]
) -> None:
    foreign = do_create_team(_membership(staff["stranger"]).organisation, "Ailleurs", acting_user=staff["stranger"])
    membership = _membership(staff["caseworker"])
    url = f"/compte/equipes/membres/{membership.pk}/"
    response = login(staff["supervisor"]).post(url, {f"member-{membership.pk}-team": foreign.pk})
    assert response.status_code == 200 and "Choisissez une équipe de cette organisation." in response.content.decode()
    membership.refresh_from_db()
    assert membership.team is None and _events("membership.team") == []


def test_another_organisations_teams_and_members_are_not_found(
    org: Any, staff: dict[str, Any], login: Callable[[User], Client]
) -> None:
    team = do_create_team(org, "Maraude", acting_user=staff["supervisor"])
    membership = _membership(staff["caseworker"])
    client = login(staff["stranger"])
    assert client.get(_page_url(org)).status_code == 404
    assert client.post(_page_url(org), {"new-name": "Intrus"}).status_code == 404
    assert client.post(f"/compte/equipes/{team.pk}/renommer/", {f"team-{team.pk}-name": "Intrus"}).status_code == 404
    assert client.post(f"/compte/equipes/{team.pk}/supprimer/").status_code == 404
    assert client.post(f"/compte/equipes/{team.pk + 1000}/supprimer/").status_code == 404
    member_url = f"/compte/equipes/membres/{membership.pk}/"
    assert client.post(member_url, {f"member-{membership.pk}-team": team.pk}).status_code == 404
    assert list(Team.objects.values_list("name", flat=True)) == ["Maraude"]
    membership.refresh_from_db()
    assert membership.team is None


def test_a_caseworker_may_not_open_the_teams_page(
    org: Any, staff: dict[str, Any], login: Callable[[User], Client]
) -> None:
    client = login(staff["caseworker"])
    assert client.get("/compte/equipes/").status_code == 403
    assert client.get(_page_url(org)).status_code == 403
