"""A small Ac.Sé world for tests: a coordination, partner shelters, a referrer and its case."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from egide.accounts.models import Membership, User
from egide.accounts.roles import Role
from egide.cases.actions import do_open_case
from egide.cases.identity import Identity, PartialDate
from egide.cases.models import Case
from egide.organisations.models import Organisation
from egide.organisations.tests.factories import OrganisationFactory
from egide.organisations.vocabulary import Kind
from egide.referrals.acse.actions import RequestData, ShelterData, do_create_shelter, do_open_request
from egide.referrals.acse.models import PlacementRequest, Shelter
from egide.referrals.acse.sealed import AvoidPlace, ShelterLocation
from egide.referrals.models import Referral

PASSWORD = "acse test password 123"
# Real communes: (INSEE code, name).
MARSEILLE, PARIS, RENNES, LILLE, TOULON, AIX = "13055", "75056", "35238", "59350", "83137", "13001"
STRASBOURG, BREST, BORDEAUX, LYON = "67482", "29019", "33063", "69123"


def user(email: str, role: Role, organisation: Organisation) -> User:
    found = User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0])
    Membership.objects.create(user=found, organisation=organisation, role=role)
    return found


@dataclass
class AcseWorld:
    coordination: Organisation
    coordinator: User
    sender: Organisation
    caseworker: User
    host_org: Organisation
    host: User
    shelters: dict[str, Shelter] = field(default_factory=dict)


def coordination() -> Organisation:
    return OrganisationFactory(name="Coordination Ac.Sé (test)", kind=Kind.ACSE_COORDINATION)


def partner(name: str) -> Organisation:
    return OrganisationFactory(name=name, kind=Kind.SHELTER, acse_partner=True, acse_reserved_places=2)


def shelter(
    coordinator: User, organisation: Organisation, label: str, commune: str, *, address: str = "", **fields: Any
) -> Shelter:
    values: dict[str, Any] = {"reserved_places": 2, "free_places": 1} | fields
    data = ShelterData(organisation.pk, label, ShelterLocation(commune, address), **values)
    return do_create_shelter(data, acting_user=coordinator)


def open_case(caseworker: User, organisation: Organisation, *, age_status: str | None = "adult") -> Case:
    identity = Identity(family_name="Orientée", given_names="Personne", birth_date=PartialDate(1990, 5))
    return do_open_case(organisation, identity, "female", ["SEXUAL"], acting_user=caseworker, age_status=age_status)


def refer(case: Case, sender: Organisation, recipient: Organisation, by: User) -> Referral:
    return Referral.objects.create(case=case, sender=sender, recipient=recipient, sent_by=by)


def request_data(*places: AvoidPlace, **fields: Any) -> RequestData:
    today = datetime.date.today()
    values: dict[str, Any] = {
        "requested_on": today - datetime.timedelta(days=10), "gender": "woman", "adult_confirmed": True,
        "places": places or (AvoidPlace("exploitation", "commune", MARSEILLE),),
        "consent_on": today - datetime.timedelta(days=10),
    } | fields  # fmt: skip
    return RequestData(**values)


def world() -> AcseWorld:
    """A coordination, a referrer with a case, and a host organisation with one shelter in Rennes."""
    coord = coordination()
    sender = OrganisationFactory(name="Association orienteuse (test)")
    host_org = partner("Foyer partenaire (test)")
    found = AcseWorld(
        coord, user("coordination@example.org", Role.ACSE_COORDINATOR, coord),
        sender, user("orienteur@example.org", Role.CASEWORKER, sender),
        host_org, user("hote@example.org", Role.CASE_SUPERVISOR, host_org),
    )  # fmt: skip
    found.shelters["rennes"] = shelter(found.coordinator, host_org, "Maison des Tilleuls", RENNES,
                                       address="12 rue Cachée")  # fmt: skip
    return found


def open_request(w: AcseWorld, data: RequestData | None = None, *, case: Case | None = None) -> PlacementRequest:
    case = case or open_case(w.caseworker, w.sender)
    referral = refer(case, w.sender, w.coordination, w.caseworker)
    return do_open_request(referral, data or request_data(), acting_user=w.coordinator)
