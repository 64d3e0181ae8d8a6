"""Pages of who sees a case: assignment, seal, break the glass, alerts, legal hold, export."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from egide.accounts.roles import Cap
from egide.cases import export, policies, retention, sealing, selectors
from egide.cases.assignment import AssignRefusedError, assignable_members, do_assign_case, teams_of
from egide.cases.forms_protection import AssignForm, BreakGlassForm, ExportForm, LegalHoldForm, SealForm, UnsealForm
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


@route_policy(capability(Cap.CASE_SEAL))
@require_safe
def alerts(request: HttpRequest) -> HttpResponse:
    rows = list(sealing.alerts_for(request.user)[:ALERTS_SHOWN])
    return render(request, "cases/alerts.html", {"alerts": rows})


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
