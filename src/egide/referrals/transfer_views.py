"""Pages of case transfers: the list, proposing a transfer, a transfer and its answer."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from egide.accounts.roles import Cap
from egide.cases import policies as case_policies
from egide.core.access import capability, route_policy
from egide.core.audit import record_access
from egide.referrals import policies, selectors, transfers
from egide.referrals.actions import ReferralRefusedError
from egide.referrals.forms import AnswerForm, RecipientForm
from egide.referrals.views import PAGE_SIZE, boxes_of, recipient_context, referable_case, refuse
from egide.referrals.vocabulary import TransferStatus


@route_policy(capability(Cap.CASE_TRANSFER))
@require_safe
def transfer_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.transfers_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    own = set(case_policies.organisation_ids(request.user, Cap.CASE_TRANSFER))
    return render(request, "referrals/transfer_list.html", {
        "page": page, "own": own, "boxes": boxes_of(request.user),
    })  # fmt: skip


@route_policy(capability(Cap.CASE_TRANSFER))
@require_http_methods(["GET", "POST"])
def transfer_create(request: HttpRequest, case_id: int) -> HttpResponse:
    case = referable_case(request, case_id, policies.can_propose_transfer)
    form = RecipientForm(
        request.POST or None, recipients=selectors.pickable_recipients(request.user, case),
        may_override=policies.can_override_consent(request.user, case),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = transfers.do_propose_transfer(
                case, data["recipient"], reason=data["reason"], services=data["services"],
                override_reason=data.get("override_reason", ""), acting_user=request.user,
            )  # fmt: skip
        except ReferralRefusedError as refusal:
            refuse(form, refusal)
        else:
            messages.success(request, f"Transfert proposé à {transfer.recipient.name} ; le dossier reste le vôtre "
                                      "jusqu'à son acceptation.")  # fmt: skip
            return redirect("referrals:transfer_detail", transfer_id=transfer.pk)
    return render(request, "referrals/transfer_form.html", {
        "case": case, "form": form, **recipient_context(request, case, form),
    })  # fmt: skip


@route_policy(capability(Cap.CASE_TRANSFER))
@require_safe
def transfer_detail(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = selectors.access_transfer(request.user, transfer_id)
    receiving = policies.can_answer_transfer(request.user, transfer)
    # The reason is free text about the person: reading it is an access like reading the case.
    record_access("case.transfer_read", actor=request.user, target=transfer,
                  organisation_id=transfer.recipient_id if receiving else transfer.sender_id)  # fmt: skip
    return render(request, "referrals/transfer_detail.html", {
        "transfer": transfer, "reason": transfers.reason_of(transfer), "receiving": receiving,
        "answer_form": AnswerForm() if receiving and transfer.is_pending else None,
        "case_visible": case_policies.can_view(request.user, transfer.case),
    })  # fmt: skip


@route_policy(capability(Cap.CASE_TRANSFER))
@require_POST
def transfer_answer(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = selectors.access_transfer(request.user, transfer_id)
    if not policies.can_answer_transfer(request.user, transfer):
        raise Http404("Transfert introuvable")
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez d'accepter ou de refuser : rien n'a été enregistré.")
        return redirect("referrals:transfer_detail", transfer_id=transfer.pk)
    try:
        transfer = transfers.do_answer_transfer(
            transfer, form.cleaned_data["decision"], form.cleaned_data["reason"], acting_user=request.user
        )
    except ReferralRefusedError as refusal:
        messages.error(request, str(refusal))
        return redirect("referrals:transfer_detail", transfer_id=transfer.pk)
    if transfer.status == TransferStatus.ACCEPTED:
        messages.success(request, f"Transfert accepté : le dossier est désormais le vôtre, référence "
                                  f"{transfer.new_reference}. Attribuez-le.")  # fmt: skip
        return redirect("cases:case_detail", case_id=transfer.case_id)
    messages.success(request, "Transfert refusé ; l'organisation d'origine en est avertie.")
    return redirect("referrals:transfer_detail", transfer_id=transfer.pk)
