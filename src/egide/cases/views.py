"""Pages of the case file: list and search, opening, detail, identity, closing."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from egide.accounts.roles import Cap
from egide.cases import actions, policies, selectors
from egide.cases.forms import CloseForm, IdentityForm, SearchForm, country_choices
from egide.cases.vocabulary import DocumentKind
from egide.core.access import capability, route_policy
from egide.core.crypto import DecryptionError
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
    names = selectors.display_names(shown)
    selectors.record_list_read(request.user, shown)
    return render(request, "cases/case_list.html", {
        "search": search, "page": page, "rows": [(c, names[c.pk]) for c in shown],
        "can_create": bool(policies.organisation_ids(request.user, Cap.CASE_CREATE)),
        "query": _query_without_page(request),
    })  # fmt: skip


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


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
    try:
        identity, notes = selectors.identity_of(case.person), selectors.notes_of(case.person)
    except DecryptionError:
        identity, notes = None, ""
    countries = dict(country_choices())
    return render(request, "cases/case_detail.html", {
        "case": case, "identity": identity, "notes": notes, "forms": case.form_labels(),
        "nationalities": [countries.get(c, c) for c in identity.nationalities] if identity else [],
        "documents": [(_document_label(d.kind), d.number) for d in identity.identity_documents] if identity else [],
        "can_edit": policies.can_edit(request.user, case) and identity is not None,
        "close_form": CloseForm(),
    })  # fmt: skip


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
            initial=IdentityForm.initial_for(identity, case.person.sex, selectors.notes_of(case.person))
        )
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
