"""The « Orientations et transferts » section of the case detail page."""

from typing import Any

from django.http import HttpRequest

from egide.accounts.roles import Cap
from egide.cases import policies as case_policies
from egide.cases.models import Case
from egide.referrals import policies, selectors


def referrals_section(request: HttpRequest, case: Case) -> tuple[str, dict[str, Any]] | None:
    """Show the case's referrals and transfers to those who read the case; no shared value, no reason."""
    user = request.user
    if not case_policies.can_view(user, case):
        return None
    return "referrals/_section.html", {
        "referrals": list(selectors.referrals_of_case(case)),
        "transfers": [(t, policies.can_view_transfer(user, t)) for t in selectors.transfers_of_case(case)],
        "can_refer": case.is_open and policies.can_send(user, case),
        "can_transfer": case.is_open and policies.can_propose_transfer(user, case),
        # The detail pages are for those who send or answer referrals (a volunteer reads the states only).
        "opens_referrals": user.has_capability(Cap.REFERRAL_SEND),  # type: ignore[union-attr]
    }  # fmt: skip
