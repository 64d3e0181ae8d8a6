"""The « Ac.Sé » section of the case page, for the referrer: where the request stands.

It shows the state of each request made from the case's referrals and, once a shelter
agreed in principle, the host organisation's name; never a shelter, a commune or a place
to avoid.
"""

from typing import Any

from django.http import HttpRequest

from egide.cases.models import Case
from egide.referrals.acse import policies, selectors


def acse_section(request: HttpRequest, case: Case) -> tuple[str, dict[str, Any]] | None:
    requests = selectors.requests_of_case(case)
    if not requests or not policies.can_follow_as_referrer(request.user, requests[0]):
        return None
    rows = [(r, selectors.host_organisation_name(r)) for r in requests]
    return "acse/_case_section.html", {"acse_rows": rows}
