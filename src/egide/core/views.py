from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from egide.core.access import AUDIT_VIEW, PUBLIC, capability, route_policy
from egide.core.audit import verify_chain
from egide.core.models import AuditEvent


@route_policy(capability(AUDIT_VIEW))
@require_safe
def audit_log(request: HttpRequest) -> HttpResponse:
    """Show the latest audit events; verify the whole chain only when asked, as it reads every row."""
    events = AuditEvent.objects.order_by("-id")[:200]
    report = verify_chain() if request.GET.get("verifier") == "1" else None
    return render(request, "egide/audit_log.html", {"events": events, "report": report})


@route_policy(PUBLIC)
def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "egide/403.html", status=403)


@route_policy(PUBLIC)
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "egide/404.html", status=404)


def query_without_page(request: HttpRequest) -> str:
    """Return the request's query string minus `page`, for the links of a paginated list."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
