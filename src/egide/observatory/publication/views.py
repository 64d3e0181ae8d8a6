"""Pages of the observatory's releases (drafts and published) and its dashboard."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from egide.accounts.models import User
from egide.accounts.roles import Cap
from egide.core.access import capability, route_policy
from egide.observatory.publication import dashboard as dashboard_figures
from egide.observatory.publication import policies, selectors
from egide.observatory.publication.actions import do_create_release, do_publish_release, do_withdraw_release
from egide.observatory.publication.downloads import file_response
from egide.observatory.publication.forms import NoisyCountForm, ReleaseForm, WithdrawForm
from egide.observatory.publication.privacy import do_noisy_count, ledger_of
from egide.observatory.publication.safety import ReleaseRefusedError, UnsafeReleaseError
from egide.observatory.publication.tables import flags_legend, tables_from_json

VIEW = capability(Cap.OBSERVATORY_VIEW)
RELEASE = capability(Cap.OBSERVATORY_RELEASE)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionError("This view requires a logged-in user.")
    return user


def _list_page(request: HttpRequest, form: ReleaseForm | None, problems: list[str] | None = None) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "publication/release_list.html",
        {
            "releases": selectors.releases_for(user),
            "form": form,
            "problems": problems or [],
            "can_manage": policies.can_manage(user),
        },
        status=422 if problems or (form is not None and form.errors) else 200,
    )


@route_policy(VIEW)
@require_safe
def release_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, ReleaseForm() if policies.can_manage(_user(request)) else None)


@route_policy(RELEASE)
@require_POST
def release_create(request: HttpRequest) -> HttpResponse:
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form)
    data = form.cleaned_data
    rules = {"threshold": data["threshold"], "rounding_base": data["rounding_base"]}
    try:
        release = do_create_release(data["year"], data["run"], rules, acting_user=_user(request))
    except UnsafeReleaseError as refused:
        form.add_error(None, str(refused).split(" — ")[0])
        return _list_page(request, form, refused.problems)
    except ReleaseRefusedError as refused:
        form.add_error(None, str(refused))
        return _list_page(request, form)
    messages.success(request, f"Brouillon créé : {release.title}. Vérifiez les tableaux avant de publier.")
    return redirect("publication:release_detail", release_id=release.pk)


def release_context(release: Any) -> dict[str, Any]:
    tables = tables_from_json(release.tables)
    return {
        "release": release,
        "tables": tables,
        "legend": flags_legend(tables),
        "files": list(release.files.all()),
        "figures": release.key_figures,
    }


@route_policy(VIEW)
@require_safe
def release_detail(request: HttpRequest, release_id: int) -> HttpResponse:
    user = _user(request)
    release = selectors.access_release(user, release_id)
    context = release_context(release) | {"can_manage": policies.can_manage(user), "withdraw_form": WithdrawForm()}
    return render(request, "publication/release_detail.html", context)


@route_policy(RELEASE)
@require_POST
def release_publish(request: HttpRequest, release_id: int) -> HttpResponse:
    release = selectors.access_release(_user(request), release_id)
    try:
        do_publish_release(release, acting_user=_user(request))
    except ReleaseRefusedError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Publication en ligne sur la page des données ouvertes.")
    return redirect("publication:release_detail", release_id=release.pk)


@route_policy(RELEASE)
@require_http_methods(["POST"])
def release_withdraw(request: HttpRequest, release_id: int) -> HttpResponse:
    release = selectors.access_release(_user(request), release_id)
    form = WithdrawForm(request.POST)
    try:
        if not form.is_valid():
            raise ReleaseRefusedError("Indiquez le motif du retrait : il est affiché sur la page publique.")
        do_withdraw_release(release, form.cleaned_data["reason"], acting_user=_user(request))
    except ReleaseRefusedError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Publication retirée ; elle reste listée comme retirée, avec son motif.")
    return redirect("publication:release_detail", release_id=release.pk)


@route_policy(VIEW)
@require_safe
def release_file(request: HttpRequest, release_id: int, kind: str) -> HttpResponse:
    release = selectors.access_release(_user(request), release_id)
    return file_response(selectors.release_file(release, kind, public=False))


@route_policy(VIEW)
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """The observatory's figures: the latest year's release, or the latest run's protected statistics."""
    return render(request, "publication/dashboard.html", dashboard_figures.build())


@route_policy(VIEW)
@require_http_methods(["GET", "POST"])
def release_queries(request: HttpRequest, release_id: int) -> HttpResponse:
    """Noisy counts (differential privacy) on the release's year, charged to its privacy budget."""
    user = _user(request)
    release = selectors.access_release(user, release_id)
    form = NoisyCountForm(request.POST if request.method == "POST" else None)
    answer, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                answer = do_noisy_count(release, data["variable"], data["code"].strip(), data["epsilon"],
                                        acting_user=user)  # fmt: skip
            except ReleaseRefusedError as refused:
                form.add_error(None, str(refused))
        if form.errors:
            status = 422
        release.refresh_from_db()
    return render(request, "publication/queries.html", {
        "release": release, "form": form, "answer": answer, "ledger": ledger_of(release),
    }, status=status)  # fmt: skip
