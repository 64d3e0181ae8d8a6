"""The minors section of a case: age, age assessment, child welfare referral, legal representative."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from egide.accounts.roles import Cap
from egide.cases import minors, policies, selectors
from egide.cases.forms_protection import AgeAssessmentForm, AgeStatusForm, GuardianForm, ReferralForm
from egide.cases.models import Case
from egide.core.access import capability, route_policy
from egide.identification.vocabulary import Profile

FORMS: dict[str, type[forms.Form]] = {
    "age_status": AgeStatusForm, "assessment": AgeAssessmentForm, "referral": ReferralForm, "guardian": GuardianForm,
}  # fmt: skip


def _save(case: Case, kind: str, data: dict[str, Any], user: Any) -> str:
    """Run the action of the submitted form and return the French confirmation."""
    if kind == "age_status":
        minors.do_set_age_status(case, data["age_status"], acting_user=user)
        return "Âge enregistré."
    if kind == "assessment":
        minors.do_record_age_assessment(case, data["assessed_on"], data["outcome"], acting_user=user)
        return "Évaluation de l'âge enregistrée."
    if kind == "referral":
        minors.do_refer_to_child_welfare(
            case, data["departement"], data["referred_on"], data["reference"], acting_user=user
        )
        return "Saisine de l'aide sociale à l'enfance enregistrée."
    minors.do_add_guardian(case, data["kind"], data["name"], data["appointed_on"], acting_user=user)
    return "Représentant légal enregistré."


@route_policy(capability(Cap.CASE_VIEW))
@require_http_methods(["GET", "POST"])
def minor_section(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.read_case(request.user, case_id) if request.method == "GET" else None
    case = case or selectors.access_case(request.user, case_id)
    editable = policies.can_edit(request.user, case)
    if request.method == "POST" and not editable:
        raise Http404("Dossier introuvable")
    bound = request.POST.get("form", "") if request.method == "POST" else ""
    forms_ = {k: cls(request.POST if k == bound else None, initial=_initial(case, k)) for k, cls in FORMS.items()}
    if request.method == "POST":
        form = forms_.get(bound)
        if form is None:
            messages.error(request, "Choisissez ce que vous enregistrez.")
        elif form.is_valid():
            try:
                messages.success(request, _save(case, bound, form.cleaned_data, request.user))
            except minors.MinorRefusedError as refusal:
                form.add_error(None, str(refusal))
            else:
                return redirect("cases:minor_section", case_id=case.pk)
    return render(request, "cases/minor_section.html", {
        "case": case, "forms": forms_, "editable": editable,
        "assessments": list(case.age_assessments.all()),
        "referrals": list(case.ase_referrals.select_related("departement")),
        "guardians": [(g, minors.guardian_name(g)) for g in case.guardians.select_related("case__person__data_key")],
        "screening_url": f"{reverse('identification:screening_create')}?profile={Profile.CHILD}",
    })  # fmt: skip


def _initial(case: Case, kind: str) -> dict[str, Any]:
    return {"age_status": case.age_status} if kind == "age_status" else {}
