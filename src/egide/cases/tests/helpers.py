"""Shared builders of the access tests: an organisation with its staff and a case."""

from typing import Any

from egide.cases import actions
from egide.cases.identity import Identity, IdentityDocument, PartialDate
from egide.cases.models import Case

ADULT = Identity(
    family_name="Popescu", given_names="Ana-Maria", birth_date=PartialDate(1998, 4),
    identity_documents=(IdentityDocument("passport", "056123789"),),
)  # fmt: skip
CHILD = Identity(family_name="Ionescu", given_names="Maria", birth_date=PartialDate(2015, 2))


def open_case(user: Any, identity: Identity = ADULT, **kwargs: Any) -> Case:
    org = user.active_memberships()[0].organisation
    return actions.do_open_case(org, identity, "female", ["SEXUAL"], acting_user=user, **kwargs)
