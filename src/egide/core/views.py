from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from egide.core.access import AUDIT_VIEW, PUBLIC, capability, route_policy
from egide.core.audit import verify_chain
from egide.core.models import AuditEvent


@route_policy(capability(AUDIT_VIEW))
@require_safe
def audit_log(request: HttpRequest) -> HttpResponse:
    """Show the latest audit events and whether the chain holds."""
    events = AuditEvent.objects.order_by("-id")[:200]
    return render(request, "egide/audit_log.html", {"events": events, "report": verify_chain()})


@route_policy(PUBLIC)
def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "egide/403.html", status=403)


@route_policy(PUBLIC)
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "egide/404.html", status=404)
