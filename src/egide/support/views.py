"""Pages of support: the caseworker dashboard, the case timeline, and the support forms."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from egide.accounts.roles import Cap
from egide.cases import sealing
from egide.cases import selectors as case_selectors
from egide.cases.models import Case
from egide.core.access import capability, route_policy
from egide.support import actions, policies, selectors
from egide.support.actions import SupportRefusedError
from egide.support.forms import NeedsForm, PathwayForm, ProcedureForm, RenewalForm, ServiceForm, TaskDoneForm
from egide.support.models import CaseTask, ExitPathway, ResidenceProcedure, SupportService
from egide.support.timeline import timeline_of


@route_policy(capability(Cap.CASE_VIEW))
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    board = selectors.dashboard_for(request.user, timezone.localdate())
    can_complete = request.user.has_capability(Cap.CASE_CREATE)  # type: ignore[union-attr]
    alerts_to_review = sealing.unreviewed_alerts_for(request.user).count()
    return render(request, "support/dashboard.html", {
        "board": board, "can_complete": can_complete, "alerts_to_review": alerts_to_review,
    })  # fmt: skip


@route_policy(capability(Cap.CASE_VIEW))
@require_safe
def timeline(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_selectors.read_case(request.user, case_id)
    return render(request, "support/timeline.html", {"case": case, "entries": timeline_of(case)})


def _editable_case(request: HttpRequest, case_id: int) -> Case:
    case = case_selectors.access_case(request.user, case_id)
    if not policies.can_edit(request.user, case):
        raise Http404("Dossier introuvable")
    return case


def _back(case: Case) -> HttpResponse:
    return redirect(reverse("cases:case_detail", args=[case.pk]) + "#accompagnement")


def _refuse(form: forms.Form, refusal: SupportRefusedError) -> None:
    form.add_error(refusal.field if refusal.field in form.fields else None, str(refusal))


def _page(request: HttpRequest, case: Case, form: forms.Form, title: str, **extra: Any) -> HttpResponse:
    return render(request, "support/form.html", {"case": case, "form": form, "title": title, **extra})


@route_policy(capability(Cap.CASE_CREATE))
@require_http_methods(["GET", "POST"])
def needs_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    form = NeedsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.do_save_needs(case, data["assessed_on"], data["needs"].strip(), acting_user=request.user)
        messages.success(request, "Évaluation des besoins enregistrée.")
        return _back(case)
    if not form.is_bound:
        # Showing the assessment is a read of the case like any other.
        case = case_selectors.read_case(request.user, case_id)
        plan = selectors.plan_of(case)
        form = NeedsForm(initial={"assessed_on": plan.assessed_on if plan else timezone.localdate(),
                                  "needs": selectors.needs_of(plan)})  # fmt: skip
    return _page(request, case, form, "Évaluation des besoins")


def _service_page(request: HttpRequest, case: Case, service: SupportService | None) -> HttpResponse:
    initial = {}
    if service is not None:
        initial = {"category": service.category, "provider": service.provider_id or "", "status": service.status,
                   "start_on": service.start_on, "end_on": service.end_on}  # fmt: skip
    form = ServiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = actions.ServiceData(**form.cleaned_data)
        try:
            actions.do_save_service(case, data, service=service, acting_user=request.user)
        except SupportRefusedError as refusal:
            _refuse(form, refusal)
        else:
            messages.success(request, "Prestation enregistrée.")
            return _back(case)
    return _page(request, case, form, "Prestation d'accompagnement")


@route_policy(capability(Cap.CASE_CREATE))
@require_http_methods(["GET", "POST"])
def service_create(request: HttpRequest, case_id: int) -> HttpResponse:
    return _service_page(request, _editable_case(request, case_id), None)


@route_policy(capability(Cap.CASE_CREATE))
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, case_id: int, service_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    service = SupportService.objects.filter(case=case, pk=service_id).first()
    if service is None:
        raise Http404("Prestation introuvable")
    return _service_page(request, case, service)


def _procedure_page(
    request: HttpRequest, case: Case, procedure: ResidenceProcedure | None, renews: ResidenceProcedure | None
) -> HttpResponse:
    source = procedure or renews
    initial: dict[str, Any] = {}
    if source is not None:
        names = ("kind", "state", "requested_on", "receipt_on", "decision_on", "valid_from")
        initial = {name: getattr(source, name) for name in names} if procedure else {"kind": source.kind}
    form = ProcedureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_save_procedure(
                case, actions.ProcedureData(**form.cleaned_data), procedure=procedure, renews=renews,
                acting_user=request.user,
            )  # fmt: skip
        except SupportRefusedError as refusal:
            _refuse(form, refusal)
        else:
            messages.success(request, "Démarche enregistrée ; ses échéances sont dans les tâches du dossier.")
            return _back(case)
    title = "Renouvellement de la démarche" if renews else "Démarche de séjour"
    return _page(request, case, form, title, renews=renews)


@route_policy(capability(Cap.CASE_CREATE))
@require_http_methods(["GET", "POST"])
def procedure_create(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    renews = None
    wanted = request.GET.get("renouvelle", "")
    if wanted.isdigit():
        renews = ResidenceProcedure.objects.filter(case=case, pk=int(wanted)).first()
        if renews is None:
            raise Http404("Démarche introuvable")
    return _procedure_page(request, case, None, renews)


@route_policy(capability(Cap.CASE_CREATE))
@require_http_methods(["GET", "POST"])
def procedure_edit(request: HttpRequest, case_id: int, procedure_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    procedure = ResidenceProcedure.objects.filter(case=case, pk=procedure_id).first()
    if procedure is None:
        raise Http404("Démarche introuvable")
    return _procedure_page(request, case, procedure, None)


@route_policy(capability(Cap.CASE_CREATE))
@require_http_methods(["GET", "POST"])
def pathway_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    pathway = selectors.pathway_of(case)
    initial: dict[str, Any] = {}
    if pathway is not None:
        names = ("file_built_on", "commission_on", "commission_opinion", "decision", "decision_on", "start_on", "afis")
        initial = {name: getattr(pathway, name) for name in names}
        initial |= {"association": pathway.association_id, "aps": pathway.aps_id or ""}
    form = PathwayForm(request.POST or None, initial=initial, aps_choices=selectors.aps_choices(case))
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "association_id": form.cleaned_data["association"],
                "aps_id": form.cleaned_data["aps"]}  # fmt: skip
        del data["association"], data["aps"]
        try:
            actions.do_save_pathway(case, actions.PathwayData(**data), acting_user=request.user)
        except SupportRefusedError as refusal:
            _refuse(form, refusal)
        else:
            messages.success(request, "Parcours de sortie enregistré.")
            return _back(case)
    return _page(request, case, form, "Parcours de sortie de la prostitution")


@route_policy(capability(Cap.CASE_CREATE))
@require_http_methods(["GET", "POST"])
def pathway_renew(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    pathway = ExitPathway.objects.filter(case=case).first()
    if pathway is None:
        raise Http404("Aucun parcours de sortie")
    form = RenewalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_renew_pathway(
                pathway, data["decided_on"], commission_on=data["commission_on"], acting_user=request.user
            )
        except SupportRefusedError as refusal:
            _refuse(form, refusal)
        else:
            messages.success(request, "Renouvellement du parcours de sortie enregistré.")
            return _back(case)
    return _page(request, case, form, "Renouvellement du parcours de sortie")


@route_policy(capability(Cap.CASE_CREATE))
@require_POST
def task_done(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    form = TaskDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez une tâche.")
        return _back(case)
    task = CaseTask.objects.filter(case=case, pk=form.cleaned_data["task"]).first()
    if task is None:
        raise Http404("Tâche introuvable")
    try:
        actions.do_complete_task(task, acting_user=request.user)
        messages.success(request, f"Tâche « {task.title} » faite.")
    except SupportRefusedError as refusal:
        messages.error(request, str(refusal))
    if request.POST.get("next") == "dashboard":
        return redirect("support:dashboard")
    return _back(case)
