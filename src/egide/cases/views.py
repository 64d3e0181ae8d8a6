"""Pages of the case file: list and search, opening, detail, identity, closing, consent, status."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from egide.accounts.roles import Cap
from egide.cases import actions, consent, policies, sealing, selectors, status
from egide.cases.forms import (
    AttachScreeningForm,
    CloseForm,
    ConfirmDecisionForm,
    ConsentForm,
    IdentityForm,
    SearchForm,
    StatusDecisionForm,
    WithdrawConsentForm,
)
from egide.cases.masking import mask_identity
from egide.cases.models import Case, Consent, StatusDecision
from egide.cases.profile import profile_display
from egide.cases.sections import render_sections
from egide.cases.vocabulary import ConsentPurpose, DocumentKind
from egide.core.access import capability, route_policy
from egide.core.crypto import DecryptionError
from egide.core.views import query_without_page
from egide.identification.models import Screening
from egide.organisations.models import Organisation

PAGE_SIZE = 50


@route_policy(capability(Cap.CASE_VIEW))
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    search = SearchForm(request.GET or None)
    cases = selectors.cases_for(request.user)
    if search.is_bound and search.is_valid():
        cases = selectors.search_cases(
            request.user, name=search.cleaned_data["name"], birth=search.cleaned_data["birth"]
        )
    elif search.is_bound:
        cases = cases.none()
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    names = selectors.display_names(shown, request.user)
    selectors.record_list_read(request.user, shown)
    return render(request, "cases/case_list.html", {
        "search": search, "page": page, "rows": [(c, names[c.pk]) for c in shown],
        "can_create": bool(policies.organisation_ids(request.user, Cap.CASE_CREATE)),
        "can_exchange_htcds": bool(policies.organisation_ids(request.user, Cap.CASE_HTCDS_EXCHANGE)),
        "query": query_without_page(request),
    })  # fmt: skip


def _organisation_choices(user: Any) -> list[tuple[int, str]]:
    ids = set(policies.organisation_ids(user, Cap.CASE_CREATE))
    return [(m.organisation_id, m.organisation.name) for m in user.active_memberships() if m.organisation_id in ids]


@route_policy(capability(Cap.CASE_CREATE))
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    choices = list(dict(_organisation_choices(request.user)).items())
    form = IdentityForm(request.POST or None, organisations=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = actions.do_open_case(
            Organisation.objects.get(pk=data["organisation"]), form.identity(), data["sex"],
            data["exploitation_forms"], notes=data["notes"].strip(), acting_user=request.user,
            nationalities=data["nationalities"],
        )  # fmt: skip
        messages.success(request, f"Dossier {case.reference} ouvert.")
        return redirect("cases:case_detail", case_id=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "case": None})


def _document_label(kind: str) -> str:
    return str(DocumentKind(kind).label) if kind in DocumentKind.values else kind


@route_policy(capability(Cap.CASE_VIEW))
@require_safe
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.read_case(request.user, case_id)
    # Read once for the forms line and the profile, which both show them.
    prefetch_related_objects([case], "exploitation_forms")
    try:
        identity, notes = selectors.identity_and_notes_of(case.person)
        identity = mask_identity(request.user, case, identity)
    except DecryptionError:
        identity, notes = None, ""
    return render(request, "cases/case_detail.html", {
        "case": case, "identity": identity, "notes": notes, "forms": case.form_labels(),
        **_protection_context(request, case),
        "documents": [(_document_label(d.kind), d.number) for d in identity.identity_documents] if identity else [],
        "can_edit": policies.can_edit(request.user, case) and identity is not None,
        "close_form": CloseForm(), **_consent_and_status_context(request, case),
        "profile": profile_display(case),
        "sections": render_sections(request, case),
    })  # fmt: skip


def _protection_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    user = request.user
    return {
        "can_assign": policies.can_assign(user, case), "can_seal": policies.can_seal(user, case),
        "can_export": policies.can_export(user, case), "can_hold": policies.can_set_legal_hold(user, case),
        "break_glass": sealing.active_break_glass(user, case) if case.sealed else None,
    }  # fmt: skip


def _consent_and_status_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    editable = policies.can_edit(request.user, case)
    decisions = list(status.decisions_of(case))
    return {
        "consents": list(consent.consents_of(case)), "purposes": ConsentPurpose.choices,
        "decisions": [(d, policies.can_confirm_status(request.user, d)) for d in decisions],
        "current_status": status.current_in(decisions),
        "screening_links": list(case.screening_links.select_related("screening").order_by("-created_at")),
        "attachable": list(status.attachable_screenings(request.user, case)) if editable else [],
        "can_record": editable,
    }  # fmt: skip


def _editable_case(request: HttpRequest, case_id: int) -> Case:
    case = selectors.access_case(request.user, case_id)
    if not policies.can_edit(request.user, case):
        raise Http404("Dossier introuvable")
    return case


@route_policy(capability(Cap.CASE_CREATE))
@require_http_methods(["GET", "POST"])
def identity_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.access_case(request.user, case_id)
    if not policies.can_edit(request.user, case):
        raise Http404("Dossier introuvable")
    form = IdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.do_update_identity(
            case, form.identity(), sex=data["sex"], notes=data["notes"].strip(), acting_user=request.user
        )
        messages.success(request, "Identité enregistrée.")
        return redirect("cases:case_detail", case_id=case.pk)
    if not form.is_bound:
        # Showing the identity in the form is a read of the case like any other.
        case = selectors.read_case(request.user, case_id)
        try:
            identity = selectors.identity_of(case.person)
        except DecryptionError:
            raise Http404("Identité effacée") from None
        form = IdentityForm(
            initial=IdentityForm.initial_for(
                mask_identity(request.user, case, identity), case.person.sex, selectors.notes_of(case.person)
            )
        )
    if not policies.can_see_identity_documents(request.user, case):
        # Kept as stored by the action whatever is submitted; shown disabled so that no one types in vain.
        for name in ("document_kind", "document_number"):
            form.fields[name].disabled = True
            form.fields[name].help_text = "Réservé aux personnes habilitées à voir les pièces d'identité."
    return render(request, "cases/case_form.html", {"form": form, "case": case})


@route_policy(capability(Cap.CASE_CREATE))
@require_POST
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.access_case(request.user, case_id)
    if not policies.can_edit(request.user, case):
        raise Http404("Dossier introuvable")
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Cochez la case pour confirmer la clôture.")
    else:
        try:
            actions.do_close_case(case, acting_user=request.user)
            messages.success(request, f"Dossier {case.reference} clos.")
        except actions.CaseRefusedError as refusal:
            messages.error(request, str(refusal))
    return redirect("cases:case_detail", case_id=case.pk)


@route_policy(capability(Cap.CASE_CREATE))
@require_http_methods(["GET", "POST"])
def consent_record(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    purpose = request.POST.get("purpose") or request.GET.get("purpose") or ConsentPurpose.CASE_MANAGEMENT
    if purpose not in ConsentPurpose.values:
        raise Http404("Finalité inconnue")
    form = ConsentForm(request.POST or None, initial={"purpose": purpose})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent.do_record_consent(
                case, data["purpose"], data["given"], data["language"], data["interpreter"], data["recipient"],
                interpreter_name=data["interpreter_name"], recorded_on=data["recorded_on"], acting_user=request.user,
            )  # fmt: skip
        except consent.ConsentRefusedError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Consentement enregistré.")
            return redirect("cases:case_detail", case_id=case.pk)
    return render(request, "cases/consent_form.html", {
        "case": case, "form": form, "purpose": purpose, "purposes": ConsentPurpose.choices,
        "purpose_label": ConsentPurpose(purpose).label, "text": consent.current_text(purpose),
        "sharing": purpose == ConsentPurpose.SHARE_WITH_ORGANISATION,
    })  # fmt: skip


@route_policy(capability(Cap.CASE_CREATE))
@require_POST
def consent_withdraw(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    form = WithdrawConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez le motif du retrait.")
        return redirect("cases:case_detail", case_id=case.pk)
    item = Consent.objects.filter(case=case, pk=form.cleaned_data["consent"]).first()
    if item is None:
        raise Http404("Consentement introuvable")
    try:
        consent.do_withdraw_consent(item, form.cleaned_data["reason"], acting_user=request.user)
        messages.success(request, "Retrait du consentement enregistré : il prend effet aujourd'hui.")
    except consent.ConsentRefusedError as refusal:
        messages.error(request, str(refusal))
    return redirect("cases:case_detail", case_id=case.pk)


@route_policy(capability(Cap.CASE_CREATE))
@require_http_methods(["GET", "POST"])
def status_record(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    initial: dict[str, Any] = {}
    screening_id = request.GET.get("screening", "")
    if screening_id.isdigit():
        link = case.screening_links.select_related("screening").filter(screening_id=int(screening_id)).first()
        initial = (status.presumed_from(link.screening) if link else None) or {}
    form = StatusDecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            status.do_record_decision(
                case, data["status"], data["authority"], data["decided_on"], data["document_reference"],
                acting_user=request.user,
            )  # fmt: skip
        except status.StatusRefusedError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Décision enregistrée.")
            return redirect("cases:case_detail", case_id=case.pk)
    return render(request, "cases/status_form.html", {"case": case, "form": form})


@route_policy(capability(Cap.CASE_STATUS_CONFIRM))
@require_POST
def status_confirm(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.access_case(request.user, case_id)
    form = ConfirmDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Cochez la case pour confirmer avoir relu la conclusion.")
        return redirect("cases:case_detail", case_id=case.pk)
    decision = StatusDecision.objects.filter(case=case, pk=form.cleaned_data["decision"]).first()
    if decision is None:
        raise Http404("Décision introuvable")
    try:
        status.do_confirm_decision(decision, acting_user=request.user)
        messages.success(request, "Conclusion confirmée : la personne compte comme victime présumée.")
    except status.StatusRefusedError as refusal:
        messages.error(request, str(refusal))
    return redirect("cases:case_detail", case_id=case.pk)


@route_policy(capability(Cap.CASE_CREATE))
@require_POST
def screening_attach(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    form = AttachScreeningForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un repérage.")
        return redirect("cases:case_detail", case_id=case.pk)
    screening = Screening.objects.filter(pk=form.cleaned_data["screening"]).first()
    if screening is None:
        raise Http404("Repérage introuvable")
    try:
        link = status.do_attach_screening(case, screening, acting_user=request.user)
    except status.StatusRefusedError as refusal:
        messages.error(request, str(refusal))
        return redirect("cases:case_detail", case_id=case.pk)
    messages.success(request, f"Repérage n° {screening.pk} rattaché au dossier.")
    if status.presumed_from(link.screening) is not None:
        messages.info(request, "Ce repérage confirmé conclut à une victime présumée : enregistrez la décision.")
        return redirect(f"{reverse('cases:status_record', args=[case.pk])}?screening={screening.pk}")
    return redirect("cases:case_detail", case_id=case.pk)
