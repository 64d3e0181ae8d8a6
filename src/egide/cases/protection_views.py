"""Pages of who sees a case: assignment, seal, break the glass, alerts, legal hold, export."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from egide.accounts.roles import Cap
from egide.cases import export, policies, retention, sealing, selectors
from egide.cases.assignment import AssignRefusedError, assignable_members, do_assign_case, teams_of
from egide.cases.forms_protection import (
    AssignForm,
    BreakGlassForm,
    BreakGlassReviewForm,
    ExportForm,
    LegalHoldForm,
    SealForm,
    UnsealForm,
)
from egide.cases.models import BreakGlass
from egide.core.access import capability, route_policy

ALERTS_SHOWN = 100


@route_policy(capability(Cap.CASE_ASSIGN))
@require_http_methods(["GET", "POST"])
def case_assign(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.reachable_case(request.user, case_id)
    if not policies.can_assign(request.user, case):
        raise Http404("Dossier introuvable")
    form = AssignForm(request.POST or None, members=assignable_members(case), teams=teams_of(case),
                      initial={"assigned_to": case.assigned_to_id, "team": case.team_id})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            do_assign_case(case, form.cleaned_data["assigned_to"], form.cleaned_data["team"], acting_user=request.user)
        except AssignRefusedError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Dossier {case.reference} attribué.")
            return redirect("cases:case_detail", case_id=case.pk)
    return render(request, "cases/assign.html", {"case": case, "form": form})


@route_policy(capability(Cap.CASE_SEAL))
@require_http_methods(["GET", "POST"])
def case_seal(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.reachable_case(request.user, case_id)
    if not policies.can_seal(request.user, case):
        raise Http404("Dossier introuvable")
    form: SealForm | UnsealForm = (UnsealForm if case.sealed else SealForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if case.sealed:
                sealing.do_unseal_case(case, form.cleaned_data["justification"], acting_user=request.user)
            else:
                sealing.do_seal_case(case, form.cleaned_data["reason"], acting_user=request.user)
        except sealing.SealRefusedError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Protection levée." if case.sealed else "Dossier protégé.")
            return redirect("cases:case_detail", case_id=case.pk)
    return render(request, "cases/seal.html", {"case": case, "form": form})


@route_policy(capability(Cap.CASE_BREAK_GLASS))
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.reachable_case(request.user, case_id)
    if not policies.can_break_glass(request.user, case):
        raise Http404("Dossier introuvable")
    if sealing.may_open(request.user, case):
        return redirect("cases:case_detail", case_id=case.pk)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            glass = sealing.do_break_glass(
                case, form.cleaned_data["reason"], form.cleaned_data["minutes"], acting_user=request.user
            )
        except sealing.SealRefusedError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.warning(request, f"Bris de glace enregistré jusqu'à {glass.expires_at:%H:%M} ; les responsables "
                                      "sont alertés et chaque consultation est tracée.")  # fmt: skip
            return redirect("cases:case_detail", case_id=case.pk)
    return render(request, "cases/sealed.html", {
        "case": case, "form": form, "can_break_glass": True, "can_seal": policies.can_seal(request.user, case),
    })  # fmt: skip


# The alerts page's filter: query value → (label, rows kept).
ALERT_FILTERS = {
    "": ("Toutes", {}),
    "a-examiner": ("À examiner", {"reviewed_at__isnull": True}),
    "examinees": ("Examinées", {"reviewed_at__isnull": False}),
}
READ_LABELS = {
    "case.read": "consultation du dossier",
    "case.read_break_glass": "consultation du dossier (bris de glace)",
}


@route_policy(capability(Cap.CASE_SEAL))
@require_safe
def alerts(request: HttpRequest) -> HttpResponse:
    return _alerts_page(request)


@route_policy(capability(Cap.CASE_SEAL))
@require_POST
def alert_review(request: HttpRequest, glass_id: int) -> HttpResponse:
    glass = sealing.alerts_for(request.user).filter(pk=glass_id).first()
    if glass is None:
        raise Http404("Bris de glace introuvable")
    form = BreakGlassReviewForm(request.POST, prefix=_review_prefix(glass))
    if form.is_valid():
        try:
            sealing.do_review_break_glass(
                glass, form.cleaned_data["decision"], form.cleaned_data["comment"], acting_user=request.user
            )
        except sealing.SealRefusedError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Examen du bris de glace sur le dossier {glass.case.reference} enregistré.")
            return redirect(reverse("cases:alerts") + "?etat=a-examiner")
    return _alerts_page(request, failed=(glass, form))


def _review_prefix(glass: BreakGlass) -> str:
    return f"examen-{glass.pk}"


def _alerts_page(request: HttpRequest, failed: tuple[BreakGlass, BreakGlassReviewForm] | None = None) -> HttpResponse:
    """Openings (unreviewed first) with the reads made during each, and a review form where one is due."""
    state = request.GET.get("etat", "") if request.GET.get("etat") in ALERT_FILTERS else ""
    rows = list(sealing.alerts_for(request.user).filter(**ALERT_FILTERS[state][1])[:ALERTS_SHOWN])
    if failed is not None and failed[0].pk not in {g.pk for g in rows}:
        rows.insert(0, failed[0])
    reads = sealing.reads_during(rows)
    items = []
    for glass in rows:
        form = None
        if failed is not None and failed[0].pk == glass.pk:
            form = failed[1]
        elif not glass.is_reviewed and glass.user_id != request.user.pk:
            form = BreakGlassReviewForm(prefix=_review_prefix(glass))
        labelled = [(e, READ_LABELS.get(e.action, e.action)) for e in reads[glass.pk]]
        items.append({"glass": glass, "reads": labelled, "form": form})
    return render(request, "cases/alerts.html", {
        "items": items, "state": state, "filters": [(key, label) for key, (label, _) in ALERT_FILTERS.items()],
        "unreviewed": sealing.unreviewed_alerts_for(request.user).count(), "shown": ALERTS_SHOWN,
    })  # fmt: skip


@route_policy(capability(Cap.CASE_LEGAL_HOLD))
@require_http_methods(["GET", "POST"])
def legal_hold(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.reachable_case(request.user, case_id)
    if not policies.can_set_legal_hold(request.user, case):
        raise Http404("Dossier introuvable")
    form = LegalHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retention.do_set_legal_hold(case, not case.legal_hold, form.cleaned_data["reason"],
                                        acting_user=request.user)  # fmt: skip
        except retention.LegalHoldRefusedError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, "Conservation levée." if case.legal_hold else "Dossier conservé pour raison légale."
            )
            return redirect("cases:case_detail", case_id=case.pk)
    return render(request, "cases/legal_hold.html", {
        "case": case, "form": form, "years": retention.retention_years(),
    })  # fmt: skip


@route_policy(capability(Cap.CASE_EXPORT))
@require_http_methods(["GET", "POST"])
def case_export(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.access_case(request.user, case_id)
    if not policies.can_export(request.user, case):
        raise Http404("Dossier introuvable")
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if export.password_confirmed(request, form.cleaned_data["password"]):
            fmt = form.cleaned_data["format"]
            response = HttpResponse(export.render_export(request.user, case, fmt), content_type=export.FORMATS[fmt])
            response["Content-Disposition"] = f'attachment; filename="dossier-{case.reference}.{fmt}"'
            response["Cache-Control"] = "no-store"
            return response
        export.record_refusal(request.user, case)
        form.add_error("password", "Mot de passe incorrect : l'export est refusé et la tentative est enregistrée.")
    response = render(request, "cases/export.html", {"case": case, "form": form})
    response["Cache-Control"] = "no-store"
    return response
