"""The demo data: deterministic, spread over France, valid, confidential where it must be."""

import datetime
import hashlib
import io
import json
import math
import random

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from stdnum.fr import siret

from egide.accounts.models import Membership, User
from egide.accounts.roles import Role
from egide.core.models import AuditEvent
from egide.organisations.demo import (
    DEFAULT_PASSWORD,
    DEMO_DOMAIN,
    JITTER_KM,
    PASSWORD_ENV,
    load_demo,
    make_siret,
)
from egide.organisations.models import Organisation
from egide.organisations.vocabulary import AddressVisibility, ExploitationForm, Kind

TODAY = datetime.date(2025, 6, 1)

pytestmark = pytest.mark.django_db


def digest() -> str:
    """Hash what the demo writes about each organisation, ignoring keys and timestamps."""
    rows = [
        [
            org.name,
            org.acronym,
            org.kind,
            org.siret,
            org.address,
            org.postcode,
            org.commune_id,
            org.departement_id,
            org.latitude,
            org.longitude,
            org.address_visibility,
            org.phone,
            org.email,
            org.website,
            org.hotline,
            org.opening_hours,
            org.national_collective_member,
            str(org.exit_pathway_approved_on),
            org.acse_partner,
            org.acse_reserved_places,
            org.capacity_places,
            org.capacity_free_places,
            org.is_published,
            org.service_codes(),
            org.exploitation_form_codes(),
            org.language_codes(),
        ]
        for org in Organisation.objects.prefetch_related("services", "exploitation_forms", "languages").order_by("name")
    ]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def wipe_demo() -> None:
    """Delete the demo organisations and accounts, leaving an empty directory as in a fresh database."""
    User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").delete()
    Organisation.objects.all().delete()


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_lon = math.radians(lon2 - lon1)
    a = math.sin((phi2 - phi1) / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lon / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    load_demo(seed=7, organisations=80, today=TODAY)
    first = digest()
    wipe_demo()
    load_demo(seed=7, organisations=80, today=TODAY)
    assert digest() == first
    wipe_demo()
    load_demo(seed=8, organisations=80, today=TODAY)
    assert digest() != first


def test_organisations_are_many_and_spread_over_metropolitan_and_overseas_departements() -> None:
    result = load_demo(today=TODAY)
    assert result.created and result.organisations == 160
    assert Organisation.objects.count() == 160
    departements = set(Organisation.objects.values_list("departement_id", flat=True))
    assert len(departements) >= 80
    assert departements & {"971", "972", "973", "974", "976"}
    # Bigger départements get more organisations than the median one.
    counts = [Organisation.objects.filter(departement_id=code).count() for code in departements]
    assert (
        Organisation.objects.filter(departement_id__in=["75", "13", "59"]).count()
        >= 3 * sorted(counts)[len(counts) // 2]
    )


def test_kinds_follow_a_realistic_mix_with_one_acse_coordination_and_one_national_body() -> None:
    load_demo(today=TODAY)
    rows = Organisation.objects.values_list("kind").annotate(n=Count("id")).order_by()
    kinds = dict.fromkeys(Kind, 0) | {Kind(kind): n for kind, n in rows}
    total = sum(kinds.values())
    assert 0.35 <= kinds[Kind.ASSOCIATION] / total <= 0.55
    assert 0.12 <= kinds[Kind.SHELTER] / total <= 0.28
    assert kinds[Kind.ACSE_COORDINATION] == 1 and kinds[Kind.NATIONAL_BODY] == 1
    acse = Organisation.objects.get(kind=Kind.ACSE_COORDINATION)
    assert acse.commune is not None and acse.commune.name == "Nice" and acse.departement_id == "06"
    for kind in (Kind.HOSPITAL, Kind.LEGAL_AID, Kind.PREFECTURE, Kind.POLICE_UNIT):
        assert kinds[kind] > 0


def test_every_siret_is_valid_and_distinct() -> None:
    load_demo(today=TODAY)
    sirets = list(Organisation.objects.values_list("siret", flat=True))
    assert all(siret.is_valid(value) for value in sirets)
    assert len(set(sirets)) == len(sirets)


def test_make_siret_always_passes_the_luhn_checks() -> None:
    rng = random.Random(1)
    assert all(siret.is_valid(make_siret(rng)) for _ in range(500))


def test_every_shelter_keeps_its_address_confidential() -> None:
    load_demo(today=TODAY)
    shelters = Organisation.objects.filter(kind=Kind.SHELTER)
    assert shelters.count() > 10
    visibilities = set(shelters.values_list("address_visibility", flat=True))
    assert visibilities <= {AddressVisibility.DEPARTEMENT, AddressVisibility.HIDDEN}
    for shelter in shelters:
        assert shelter.capacity_places is not None and shelter.capacity_free_places is not None
        assert 0 <= shelter.capacity_free_places <= shelter.capacity_places
        assert {"emergency_shelter", "long_term_shelter"} & set(shelter.service_codes())


def test_contacts_are_fictitious_and_positions_near_their_commune() -> None:
    load_demo(today=TODAY)
    for org in Organisation.objects.select_related("commune"):
        assert org.name.endswith("(démo)")
        assert org.phone.startswith("01 99 00 ")
        assert org.email.endswith(".example.org") and org.website.endswith(".example.org")
        assert org.commune is not None and org.commune.departement_id == org.departement_id
        assert org.postcode and org.postcode[:2] == org.departement_id[:2].replace("2A", "20").replace("2B", "20")
        assert org.latitude is not None and org.longitude is not None
        assert org.commune.latitude is not None and org.commune.longitude is not None
        assert distance_km(org.latitude, org.longitude, org.commune.latitude, org.commune.longitude) <= JITTER_KM


def test_exploitation_forms_languages_and_approvals_are_plausible() -> None:
    load_demo(today=TODAY)
    orgs = list(Organisation.objects.prefetch_related("exploitation_forms", "languages"))
    counts = {form: sum(form in org.exploitation_form_codes() for org in orgs) for form in ExploitationForm}
    assert max(counts, key=lambda form: counts[form]) == ExploitationForm.SEXUAL
    assert all("fr" in org.language_codes() for org in orgs)
    approved = [org for org in orgs if org.exit_pathway_approved_on is not None]
    assert any(org.exit_pathway_approved(TODAY) for org in approved)
    assert any(not org.exit_pathway_approved(TODAY) for org in approved)
    partners = [org for org in orgs if org.acse_partner]
    assert partners and all(org.kind == Kind.SHELTER and org.acse_reserved_places in {1, 2} for org in partners)
    members = sum(org.national_collective_member for org in orgs)
    assert 0.1 * len(orgs) <= members <= 0.4 * len(orgs)


def test_one_account_per_role_logs_in_with_its_password_and_holds_its_role(client: Client) -> None:
    result = load_demo(organisations=20, today=TODAY)
    assert len(result.logins) == len(Role)
    labels = {str(role.label): role for role in Role}
    for label, email, password, organisation in result.logins:
        assert password == DEFAULT_PASSWORD
        membership = Membership.objects.get(user__email=email)
        assert membership.role == labels[label] and membership.organisation.name == organisation
        response = client.post(reverse("accounts:login"), {"username": email, "password": password})
        assert response.status_code == 302, email
        assert int(client.session["_auth_user_id"]) == membership.user_id
        client.logout()
    by_role = {m.role: m.organisation for m in Membership.objects.select_related("organisation")}
    protection = {by_role[Role.CASEWORKER], by_role[Role.CASE_SUPERVISOR], by_role[Role.ORG_ADMIN]}
    assert len(protection) == 1 and protection.pop().kind == Kind.ASSOCIATION
    assert by_role[Role.ACSE_COORDINATOR].kind == Kind.ACSE_COORDINATION
    observatory = {by_role[Role.NATIONAL_COORDINATOR], by_role[Role.STATISTICIAN], by_role[Role.RAPPORTEUR]}
    assert len(observatory) == 1 and observatory.pop().kind == Kind.NATIONAL_BODY
    assert by_role[Role.PLATFORM_ADMIN].kind == Kind.OTHER


def test_the_password_comes_from_the_environment_when_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "another demo password")
    result = load_demo(organisations=20, today=TODAY)
    assert {login.password for login in result.logins} == {"another demo password"}
    assert User.objects.get(email=result.logins[0].email).check_password("another demo password")


def test_a_second_load_changes_nothing_and_returns_the_same_logins() -> None:
    def counts() -> list[int]:
        return [model.objects.count() for model in (Organisation, User, Membership, AuditEvent)]

    first = load_demo(organisations=20, today=TODAY)
    before = counts()
    second = load_demo(organisations=20, today=TODAY)
    assert not second.created and second.organisations == 0
    assert second.logins == first.logins
    assert counts() == before


def test_the_load_is_audited_once_for_the_directory_and_once_per_account() -> None:
    load_demo(organisations=20, today=TODAY)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("demo.load") == 1
    assert actions.count("user.create") == len(Role) and actions.count("membership.add") == len(Role)
    assert "organisation.create" not in actions


def test_the_command_prints_one_login_per_role() -> None:
    out = io.StringIO()
    call_command("load_demo", "--organisations", "30", stdout=out)
    text = out.getvalue()
    assert "30 organisations de démonstration créées." in text
    for role in Role:
        assert str(role.label) in text
    assert text.count(f"@{DEMO_DOMAIN}") == len(Role)
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "déjà chargées" in out.getvalue()
