"""Pages of the annual report: the observatory's list, generation and publication; the public reports."""

from collections.abc import Callable

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from egide.accounts.models import User
from egide.accounts.roles import Cap
from egide.core.access import PUBLIC, capability, route_policy
from egide.observatory.reports.actions import (
    ReportError,
    can_retry,
    do_publish_report,
    do_request_report,
    do_retry_report,
)
from egide.observatory.reports.models import AnnualReport
from egide.observatory.reports.selectors import years_with_runs
from egide.observatory.reports.vocabulary import ReportState

VIEW = capability(Cap.OBSERVATORY_VIEW)
RELEASE = capability(Cap.OBSERVATORY_RELEASE)
# A standalone document: its styles are inline, and it loads nothing but the fonts.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; font-src 'self'; img-src 'self' data:"


def _user(request: HttpRequest) -> User:
    """Return the logged-in user (the route policy has already refused anonymous callers)."""
    assert isinstance(request.user, User)
    return request.user


@route_policy(VIEW)
@require_safe
def report_list(request: HttpRequest) -> HttpResponse:
    reports: QuerySet[AnnualReport] = AnnualReport.objects.select_related("generated_by", "published_by").defer(
        "html", "pdf", "figures"
    )
    context = {
        "reports": reports,
        "retryable": {report.pk for report in reports if can_retry(report)},
        "years": years_with_runs(),
        "can_release": _user(request).has_capability(Cap.OBSERVATORY_RELEASE),
        "generating": any(r.state == ReportState.GENERATING for r in reports),
    }
    return render(request, "observatory_reports/list.html", context)


@route_policy(RELEASE)
@require_POST
def report_generate(request: HttpRequest) -> HttpResponse:
    year = request.POST.get("year", "")
    if not year.isdigit():
        messages.error(request, "Choisissez l'année du rapport.")
        return redirect("observatory_reports:list")
    try:
        report = do_request_report(int(year), acting_user=_user(request))
    except ReportError as error:
        messages.error(request, str(error))
        return redirect("observatory_reports:list")
    messages.success(request, f"Le rapport {report.year} est en cours de génération (n° {report.pk}).")
    return redirect("observatory_reports:list")


def _document(report: AnnualReport) -> HttpResponse:
    response = HttpResponse(report.html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = REPORT_CSP
    return response


def _pdf(report: AnnualReport, *, download: bool) -> HttpResponse:
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{report.pdf_filename}"'
    return response


def _ready(report_id: int) -> AnnualReport:
    report = get_object_or_404(AnnualReport, pk=report_id)
    if not report.is_ready:
        raise Http404("Ce rapport n'est pas prêt.")
    return report


@route_policy(VIEW)
@require_safe
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    return _document(_ready(report_id))


@route_policy(VIEW)
@require_safe
def report_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    return _pdf(_ready(report_id), download="telecharger" in request.GET)


@route_policy(RELEASE)
@require_POST
def report_publish(request: HttpRequest, report_id: int) -> HttpResponse:
    report = get_object_or_404(AnnualReport, pk=report_id)
    if request.POST.get("confirm") != "1":
        messages.error(request, "Cochez la case de confirmation pour publier le rapport.")
        return redirect("observatory_reports:list")
    success = f"Le rapport {report.year} est publié sur la page des données ouvertes."
    return _act_then_list(request, lambda: do_publish_report(report, acting_user=_user(request)), success)


@route_policy(RELEASE)
@require_POST
def report_retry(request: HttpRequest, report_id: int) -> HttpResponse:
    report = get_object_or_404(AnnualReport, pk=report_id)
    success = f"La génération du rapport {report.year} (n° {report.pk}) est relancée."
    return _act_then_list(request, lambda: do_retry_report(report, acting_user=_user(request)), success)


def _act_then_list(request: HttpRequest, action: Callable[[], object], success: str) -> HttpResponse:
    """Run the action; say in French what happened, or why it was refused; back to the list."""
    try:
        action()
    except ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("observatory_reports:list")


# --- Public ------------------------------------------------------------------------------


def _published(year: int) -> AnnualReport:
    return get_object_or_404(AnnualReport.objects.published(), year=year)


@route_policy(PUBLIC)
@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    reports = AnnualReport.objects.published().defer("html", "pdf", "figures").order_by("-year")
    return render(request, "observatory_reports/public_list.html", {"reports": reports})


@route_policy(PUBLIC)
@require_safe
def public_detail(request: HttpRequest, year: int) -> HttpResponse:
    return _document(_published(year))


@route_policy(PUBLIC)
@require_safe
def public_pdf(request: HttpRequest, year: int) -> HttpResponse:
    return _pdf(_published(year), download="telecharger" in request.GET)
