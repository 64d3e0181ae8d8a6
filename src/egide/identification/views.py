"""Pages of screening: new screening, answers, result, confirmation, and the indicator lists."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from egide.accounts.roles import Cap
from egide.core.access import capability, route_policy
from egide.identification import actions, policies, selectors
from egide.identification.forms import AnswersForm, NewScreeningForm, UploadForm, answer_field, note_field
from egide.identification.loader import parse_yaml
from egide.identification.models import Screening
from egide.identification.spreadsheet import parse_xlsx
from egide.identification.vocabulary import Profile

SCREENING_READERS = capability(Cap.SCREENING_CREATE, Cap.SCREENING_CONFIRM)


@route_policy(SCREENING_READERS)
@require_safe
def screening_list(request: HttpRequest) -> HttpResponse:
    screenings = selectors.screenings_for(request.user)[:200]
    return render(request, "identification/screening_list.html", {
        "screenings": screenings, "can_create": bool(policies.screening_organisation_ids(request.user)),
    })  # fmt: skip


def _organisation_choices(user: Any) -> list[tuple[int, str]]:
    ids = set(policies.screening_organisation_ids(user))
    return [(m.organisation_id, m.organisation.name) for m in user.active_memberships() if m.organisation_id in ids]


def _initial_from_query(request: HttpRequest) -> dict[str, str]:
    """Preselect the profile a link asks for (the minors section links with `?profile=child`)."""
    profile = request.GET.get("profile", "")
    return {"profile": profile} if profile in Profile.values else {}


@route_policy(capability(Cap.SCREENING_CREATE))
@require_http_methods(["GET", "POST"])
def screening_create(request: HttpRequest) -> HttpResponse:
    choices = list(dict(_organisation_choices(request.user)).items())
    form = NewScreeningForm(request.POST or None, organisations=choices, initial=_initial_from_query(request))
    if request.method == "POST" and form.is_valid() and form.indicator_list is not None:
        data = form.cleaned_data
        screening = actions.do_create_screening(
            actions.ScreeningData(
                organisation_id=data["organisation"], indicator_list=form.indicator_list, profile=data["profile"],
                exploitation_form=data["exploitation_form"], screened_on=data["screened_on"],
                place_code=data["place_code"], reference=data["reference"],
            ),
            acting_user=request.user,
        )  # fmt: skip
        return redirect("identification:screening_answers", screening_id=screening.pk)
    return render(request, "identification/screening_new.html", {"form": form, "lists": selectors.current_lists()})


def _groups(form: AnswersForm, screening: Screening) -> list[dict[str, Any]]:
    groups = []
    for dim in selectors.dimensions_of(screening.indicator_list):
        rows = [
            {"indicator": i, "field": form[answer_field(i.pk)], "note": form[note_field(i.pk)]}
            for i in dim.indicators.all()
        ]
        groups.append({"dimension": dim, "rows": rows})
    return groups


@route_policy(capability(Cap.SCREENING_CREATE))
@require_http_methods(["GET", "POST"])
def screening_answers(request: HttpRequest, screening_id: int) -> HttpResponse:
    screening = selectors.access_screening(request.user, screening_id)
    if not policies.can_answer(request.user, screening):
        raise Http404("Repérage introuvable")
    if screening.counts:
        messages.info(request, "Ce repérage est confirmé : ses réponses ne peuvent plus changer.")
        return redirect("identification:screening_detail", screening_id=screening.pk)
    dimensions = selectors.dimensions_of(screening.indicator_list)
    form = AnswersForm(request.POST or None, screening=screening, dimensions=dimensions)
    if request.method == "POST" and form.is_valid():
        actions.do_record_answers(
            screening, form.answers(), form.cleaned_data["act_established"], acting_user=request.user
        )
        return redirect("identification:screening_detail", screening_id=screening.pk)
    return render(request, "identification/screening_answers.html", {
        "screening": screening, "form": form, "groups": _groups(form, screening),
    })  # fmt: skip


def _result_rows(screening: Screening) -> list[dict[str, Any]]:
    rows = []
    for dim in selectors.dimensions_of(screening.indicator_list):
        result = screening.dimension_results.get(dim.code, {})
        labels = {i.code: i for i in dim.indicators.all()}
        evidence = [labels[c] for c in result.get("evidence", []) if c in labels]
        rows.append({"dimension": dim, "positive": result.get("positive", False), "evidence": evidence})
    return rows


@route_policy(SCREENING_READERS)
@require_safe
def screening_detail(request: HttpRequest, screening_id: int) -> HttpResponse:
    screening = selectors.read_screening(request.user, screening_id)
    return render(request, "identification/screening_detail.html", {
        "screening": screening, "rows": _result_rows(screening),
        "can_answer": policies.can_answer(request.user, screening) and not screening.counts,
        "can_confirm": (policies.can_confirm(request.user, screening) and screening.is_presumed_victim
                        and not screening.counts),
        "means_required": screening.indicator_list.rules.get("means_required", True),
    })  # fmt: skip


@route_policy(capability(Cap.SCREENING_CONFIRM))
@require_POST
def screening_confirm(request: HttpRequest, screening_id: int) -> HttpResponse:
    screening = selectors.access_screening(request.user, screening_id)
    if request.POST.get("confirmation") != "1":
        messages.error(request, "Cochez la case pour confirmer avoir relu les réponses et la conclusion.")
    elif not policies.can_confirm(request.user, screening):
        messages.error(request, "Un repérage est confirmé par une autre personne que son auteur·rice.")
    else:
        try:
            actions.do_confirm_screening(screening, acting_user=request.user)
            messages.success(request, "Conclusion confirmée : la personne compte comme victime présumée.")
        except actions.ScreeningRefusedError as refusal:
            messages.error(request, str(refusal))
    return redirect("identification:screening_detail", screening_id=screening.pk)


@route_policy(capability(Cap.INDICATOR_LISTS_MANAGE))
@require_http_methods(["GET", "POST"])
def indicator_lists(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        parsed = parse_xlsx(content) if upload.name.lower().endswith(".xlsx") else parse_yaml(content)
        errors = parsed.errors
        if not errors:
            loaded = actions.do_load_indicator_lists(parsed.lists, acting_user=request.user)
            for note in parsed.skipped:
                messages.warning(request, note)
            if loaded:
                versions = ", ".join(f"{lst.code} v{lst.version}" for lst in loaded)
                messages.success(request, f"Nouvelle(s) version(s) chargée(s) : {versions}.")
            else:
                messages.info(request, "Aucun changement : ces listes sont identiques aux versions en vigueur.")
            return redirect("identification:indicator_lists")
    return render(request, "identification/indicator_lists.html", {
        "form": form, "errors": errors, "versions": selectors.all_versions(),
    })  # fmt: skip
