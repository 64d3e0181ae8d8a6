"""Field-level masking: what of an identity a user may see. One rule for every output path.

Pages, edit forms, PDF and JSON exports all pass the decrypted identity through
`mask_identity` before showing it; `keep_masked_fields` lets an edit by someone who did not
see a field leave that field as stored.
"""

import dataclasses
from typing import Any

from egide.cases import policies
from egide.cases.identity import Identity
from egide.cases.models import Case


def masked_fields(user: Any, case: Case) -> frozenset[str]:
    """Return the names of the identity fields hidden from `user` in this case."""
    if policies.can_see_identity_documents(user, case):
        return frozenset()
    return frozenset({"identity_documents"})


def mask_identity(user: Any, case: Case, identity: Identity) -> Identity:
    """Return the identity with the fields `user` may not see emptied."""
    hidden = masked_fields(user, case)
    if not hidden:
        return identity
    return dataclasses.replace(identity, **{name: _empty(identity, name) for name in hidden})


def keep_masked_fields(user: Any, case: Case, stored: Identity, submitted: Identity) -> Identity:
    """Return `submitted` with the fields hidden from `user` taken from `stored`."""
    hidden = masked_fields(user, case)
    if not hidden:
        return submitted
    return dataclasses.replace(submitted, **{name: getattr(stored, name) for name in hidden})


def _empty(identity: Identity, name: str) -> Any:
    value = getattr(identity, name)
    return type(value)()
