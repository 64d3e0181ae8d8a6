"""Pages of referrals: the received and sent lists, referring a case, a referral and its answer."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from egide.accounts.roles import Cap
from egide.cases import policies as case_policies
from egide.cases import selectors as case_selectors
from egide.cases.models import Case
from egide.core.access import capability, route_policy
from egide.core.views import query_without_page
from egide.referrals import actions, policies, selectors
from egide.referrals.actions import ReferralRefusedError
from egide.referrals.forms import AnswerForm, DirectorySearchForm, ListForm, RecipientForm, ReferralForm, WithdrawForm
from egide.referrals.models import Referral
from egide.referrals.vocabulary import Box

PAGE_SIZE = 50


def boxes_of(user: Any) -> list[tuple[str, str]]:
    """The lists the user has: received (answerers), sent (senders); transfers are apart."""
    boxes = []
    if case_policies.organisation_ids(user, Cap.REFERRAL_ANSWER):
        boxes.append((Box.RECEIVED.value, "Reçues"))
    if case_policies.organisation_ids(user, Cap.REFERRAL_SEND):
        boxes.append((Box.SENT.value, "Envoyées"))
    return boxes


@route_policy(capability(Cap.REFERRAL_SEND, Cap.REFERRAL_ANSWER))
@require_safe
def referral_list(request: HttpRequest) -> HttpResponse:
    boxes = boxes_of(request.user)
    box = request.GET.get("box") or boxes[0][0]
    if box not in dict(boxes):
        raise Http404("Liste introuvable")
    form = ListForm(request.GET or None)
    filters = selectors.ListFilters(box=box)
    if form.is_bound and form.is_valid():
        filters = selectors.ListFilters(box, form.cleaned_data["status"], form.cleaned_data["overdue"])
    page = Paginator(selectors.referrals_for(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "referrals/referral_list.html", {
        "boxes": boxes, "box": box, "form": form, "page": page, "received": box == Box.RECEIVED,
        "can_transfer": bool(case_policies.organisation_ids(request.user, Cap.CASE_TRANSFER)),
        "query": query_without_page(request),
    })  # fmt: skip


def referable_case(request: HttpRequest, case_id: int, allowed: Any) -> Case:
    """Return the case if `allowed(user, case)`; 404 alike for missing and forbidden, the sealed page if sealed."""
    case = case_selectors.access_case(request.user, case_id)
    if not allowed(request.user, case):
        raise Http404("Dossier introuvable")
    return case


def refuse(form: forms.Form, refusal: ReferralRefusedError) -> None:
    form.add_error(refusal.field if refusal.field in form.fields else None, str(refusal))


def recipient_context(request: HttpRequest, case: Case, form: RecipientForm) -> dict[str, Any]:
    """The directory search and its results, with whether the person consents to each."""
    search = DirectorySearchForm(request.GET)
    search.is_valid()
    chosen = str(form["recipient"].value() or request.GET.get("recipient", ""))
    candidates = selectors.recipient_candidates(
        request.user, case, search.cleaned_data.get("q", ""), search.cleaned_data.get("service", ""), chosen
    )
    consented = selectors.consented_recipient_ids(case)
    return {"search": search, "chosen": chosen, "consented": consented,
            "candidates": [(o, o.pk in consented) for o in candidates]}  # fmt: skip


@route_policy(capability(Cap.REFERRAL_SEND))
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, case_id: int) -> HttpResponse:
    case = referable_case(request, case_id, policies.can_send)
    form = ReferralForm(
        request.POST or None, recipients=selectors.pickable_recipients(request.user, case),
        may_override=policies.can_override_consent(request.user, case),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = actions.do_send_referral(
                case, data["recipient"], services=data["services"], urgency=data["urgency"], reason=data["reason"],
                shared_fields=form.shared_fields(), override_reason=data.get("override_reason", ""),
                acting_user=request.user,
            )  # fmt: skip
        except ReferralRefusedError as refusal:
            refuse(form, refusal)
        else:
            messages.success(request, f"Orientation n° {referral.pk} envoyée à {referral.recipient.name}.")
            return redirect("referrals:referral_detail", referral_id=referral.pk)
    return render(request, "referrals/referral_form.html", {
        "case": case, "form": form, **recipient_context(request, case, form),
    })  # fmt: skip


@route_policy(capability(Cap.REFERRAL_SEND, Cap.REFERRAL_ANSWER))
@require_safe
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    referral = selectors.access_referral(user, referral_id)
    answering = policies.can_answer(user, referral)
    following = policies.can_follow(user, referral)
    readable = answering or policies.may_read_shared_as_sender(user, referral)
    return render(request, "referrals/referral_detail.html", {
        "referral": referral, "answering": answering, "following": following,
        "shared": selectors.read_shared(user, referral) if readable else None,
        "protected": following and not readable,
        "answer_form": AnswerForm() if answering and referral.is_pending else None,
        "withdraw_form": WithdrawForm() if referral.is_pending and policies.can_withdraw(user, referral) else None,
        "shared_labels": selectors.shared_field_labels(referral),
    })  # fmt: skip


def _referral_page(referral: Referral) -> HttpResponse:
    return redirect("referrals:referral_detail", referral_id=referral.pk)


@route_policy(capability(Cap.REFERRAL_ANSWER))
@require_POST
def referral_answer(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = selectors.access_referral(request.user, referral_id)
    if not policies.can_answer(request.user, referral):
        raise Http404("Orientation introuvable")
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez d'accepter ou de refuser : rien n'a été enregistré.")
        return _referral_page(referral)
    try:
        referral = actions.do_answer_referral(
            referral, form.cleaned_data["decision"], form.cleaned_data["reason"], acting_user=request.user
        )
    except ReferralRefusedError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Orientation n° {referral.pk} {referral.get_status_display()}.")
    return _referral_page(referral)


@route_policy(capability(Cap.REFERRAL_SEND))
@require_POST
def referral_withdraw(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = selectors.access_referral(request.user, referral_id)
    if not policies.can_withdraw(request.user, referral):
        raise Http404("Orientation introuvable")
    if not WithdrawForm(request.POST).is_valid():
        messages.error(request, "Cochez la case pour confirmer le retrait.")
        return _referral_page(referral)
    try:
        actions.do_withdraw_referral(referral, acting_user=request.user)
    except ReferralRefusedError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Orientation retirée ; les données partagées sont effacées.")
    return _referral_page(referral)
