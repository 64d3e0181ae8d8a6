"""The « Accompagnement et démarches » section of the case detail page."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from egide.cases.models import Case
from egide.support import policies, selectors


def support_section(request: HttpRequest, case: Case) -> tuple[str, dict[str, Any]] | None:
    """Show the support plan, procedures, pathway and tasks to those who may read the case."""
    if not policies.can_view(request.user, case):
        return None
    plan = selectors.plan_of(case)
    pathway = selectors.pathway_of(case)
    return "support/_section.html", {
        "plan": plan, "needs": selectors.needs_of(plan),
        "services": list(case.support_services.select_related("provider")),
        "procedures": list(selectors.procedures_of(case)),
        "pathway": pathway, "renewals": list(pathway.renewals.all()) if pathway else [],
        "tasks": list(selectors.open_tasks(case)),
        "can_edit_support": policies.can_edit(request.user, case),
        "afis_amount": settings.EGIDE_AFIS_MONTHLY_AMOUNT, "today": timezone.localdate(),
    }  # fmt: skip
