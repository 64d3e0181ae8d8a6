"""Shared builders of the referral tests: two organisations, their staff, a case and its consent."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from egide.accounts.models import User
from egide.accounts.roles import Role
from egide.cases.actions import do_open_case
from egide.cases.consent import do_record_consent
from egide.cases.identity import Identity, PartialDate
from egide.cases.models import Case, Consent
from egide.cases.vocabulary import ConsentPurpose
from egide.organisations.tests.factories import OrganisationFactory
from egide.organisations.vocabulary import Service
from egide.referrals.actions import do_send_referral
from egide.referrals.models import Referral

IDENTITY = Identity(family_name="Popescu", given_names="Ana-Maria", birth_date=PartialDate(1998, 4), phone="0612345678")
SECRET_VALUES = ("popescu", "ana-maria", "0612345678", "04/1998")


@dataclass
class Parties:
    sender: Any
    recipient: Any
    third: Any
    worker: User  # caseworker of the sender, assigned to the case
    supervisor: User
    other_supervisor: User
    answerer: User  # caseworker of the recipient
    recipient_supervisor: User
    stranger: User  # caseworker of a third organisation
    case: Case


def build_parties(make_user: Callable[..., User]) -> Parties:
    sender = OrganisationFactory(name="Association d'origine")
    recipient = OrganisationFactory(name="Foyer destinataire", services=[Service.LONG_TERM_SHELTER])
    third = OrganisationFactory(name="Association tierce")
    worker = make_user(Role.CASEWORKER, sender, email="intervenante@origine.example.org")
    case = do_open_case(sender, IDENTITY, "female", ["SEXUAL"], acting_user=worker, nationalities=["ROU"])
    return Parties(
        sender, recipient, third, worker,
        make_user(Role.CASE_SUPERVISOR, sender, email="responsable@origine.example.org"),
        make_user(Role.CASE_SUPERVISOR, sender, email="autre-responsable@origine.example.org"),
        make_user(Role.CASEWORKER, recipient, email="accueil@foyer.example.org"),
        make_user(Role.CASE_SUPERVISOR, recipient, email="direction@foyer.example.org"),
        make_user(Role.CASEWORKER, third, email="tiers@tierce.example.org"),
        case,
    )  # fmt: skip


def consent_to(parties: Parties, recipient: Any = None) -> Consent:
    return do_record_consent(
        parties.case, ConsentPurpose.SHARE_WITH_ORGANISATION, True, "fr", False, recipient or parties.recipient,
        acting_user=parties.worker,
    )  # fmt: skip


def send(parties: Parties, **overrides: Any) -> Referral:
    recipient = overrides.pop("recipient", parties.recipient)
    arguments: dict[str, Any] = {
        "services": [Service.LONG_TERM_SHELTER], "urgency": "normal", "reason": "Mise à l'abri durable, loin de Lyon.",
        "shared_fields": ["sex", "exploitation_forms", "phone"], "acting_user": parties.worker,
    }  # fmt: skip
    arguments.update(overrides)
    return do_send_referral(parties.case, recipient, **arguments)
