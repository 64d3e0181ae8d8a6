"""The coordinator's pages: the board, requests, the engine's proposals and the placement steps."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from egide.accounts.roles import Cap
from egide.core.access import capability, route_policy
from egide.core.audit import record_event
from egide.core.models import AuditKind, Region
from egide.organisations.vocabulary import Service
from egide.referrals.acse import matching, policies, selectors, workflow
from egide.referrals.acse.actions import RequestData, do_open_request, do_update_request, do_withdraw_request
from egide.referrals.acse.forms import (
    AvoidFormSet,
    CancelForm,
    DateForm,
    EndForm,
    InterviewForm,
    ProposeForm,
    RefusalForm,
    RequestForm,
    TransferForm,
    WithdrawForm,
)
from egide.referrals.acse.models import Placement, PlacementRequest, Shelter
from egide.referrals.acse.rules import AcseRefusedError
from egide.referrals.acse.sealed import AvoidPlace
from egide.referrals.acse.vocabulary import LIVE_STEPS, RequestState
from egide.referrals.models import Referral

COORDINATE = capability(Cap.ACSE_COORDINATE)
ANSWER = capability(Cap.ACSE_COORDINATE, Cap.PLACEMENT_HOST)


def _coordinator(request: HttpRequest) -> None:
    """A coordinator role held outside an Ac.Sé coordination grants nothing."""
    if not policies.is_coordinator(request.user):
        raise PermissionDenied


def _refuse(form: forms.Form, refusal: AcseRefusedError) -> None:
    form.add_error(refusal.field if refusal.field in form.fields else None, str(refusal))


def _year(value: str) -> int | None:
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


# --- Board --------------------------------------------------------------------------------------


@route_policy(COORDINATE)
@require_safe
def board(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    state = request.GET.get("etat", "")
    state = state if state in RequestState.values else ""
    year = _year(request.GET.get("annee", ""))
    requests = list(selectors.board(request.user, state=state, year=year))
    rows = [(r, selectors.current_placement(r)) for r in requests]
    today = timezone.localdate()
    return render(request, "acse/board.html", {
        "rows": rows, "referrals": list(selectors.referrals_awaiting(request.user)), "states": RequestState.choices,
        "state": state, "year": year, "years": list(range(today.year, today.year - 8, -1)), "today": today,
        "pending": sum(1 for r in requests if r.state == RequestState.PENDING),
    })  # fmt: skip


# --- Requests -----------------------------------------------------------------------------------


def _request_data(form: RequestForm, formset: Any) -> RequestData:
    data = form.cleaned_data
    places = tuple(p for p in (f.avoid_place() for f in formset.forms) if p is not None)
    return RequestData(
        requested_on=data["requested_on"], gender=data["gender"], adult_confirmed=data["adult_confirmed"],
        places=places, consent_on=data["consent_on"], with_children=data["with_children"],
        needs_wheelchair=data["needs_wheelchair"], languages=tuple(data["languages"]),
        needed_services=tuple(data["needed_services"]), needs_note=data["needs_note"],
        min_distance_km=data["min_distance_km"], avoid_same_departement=data["avoid_same_departement"],
        avoid_same_region=data["avoid_same_region"], preferred_regions=tuple(data["preferred_regions"]),
    )  # fmt: skip


def _request_page(
    request: HttpRequest, referral: Referral, save: Callable[[RequestData], PlacementRequest], initial: dict[str, Any],
    places: list[dict[str, str]], title: str,
) -> HttpResponse:  # fmt: skip
    form = RequestForm(request.POST or None, initial=initial)
    formset = AvoidFormSet(request.POST or None, initial=places, prefix="lieux")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = save(_request_data(form, formset))
        except AcseRefusedError as refusal:
            _refuse(form, refusal)
        else:
            messages.success(request, f"Demande {saved.reference} enregistrée.")
            return redirect("acse:request_detail", request_id=saved.pk)
    return render(request, "acse/request_form.html", {
        "form": form, "formset": formset, "referral": referral, "title": title,
    })  # fmt: skip


@route_policy(COORDINATE)
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = selectors.access_referral(request.user, referral_id)
    existing = PlacementRequest.objects.filter(referral=referral).first()
    if existing is not None:
        return redirect("acse:request_detail", request_id=existing.pk)
    return _request_page(
        request, referral, lambda data: do_open_request(referral, data, acting_user=request.user),
        {"requested_on": timezone.localdate(), "consent_on": timezone.localdate()}, [],
        "Ouvrir une demande d'accueil sécurisant",
    )  # fmt: skip


def _initial(
    placement_request: PlacementRequest, avoid: tuple[AvoidPlace, ...]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    names = ("requested_on", "gender", "with_children", "adult_confirmed", "needs_wheelchair", "languages",
             "needed_services", "min_distance_km", "avoid_same_departement", "avoid_same_region",
             "preferred_regions", "consent_on")  # fmt: skip
    initial = {name: getattr(placement_request, name) for name in names}
    initial |= {"needs_note": selectors.needs_note_of(placement_request), "consent": True}
    places = [{"kind": p.kind, "scope": p.scope, "place": p.code} for p in avoid]
    return initial, places


@route_policy(COORDINATE)
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, request_id: int) -> HttpResponse:
    placement_request = selectors.access_request(request.user, request_id)
    initial, places = ({}, []) if request.method == "POST" else _initial(
        placement_request, selectors.places_of(request.user, placement_request)
    )  # fmt: skip
    return _request_page(
        request, placement_request.referral,
        lambda data: do_update_request(placement_request, data, acting_user=request.user), initial, places,
        f"Modifier la demande {placement_request.reference}",
    )  # fmt: skip


@route_policy(COORDINATE)
@require_safe
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    placement_request = selectors.access_request(request.user, request_id)
    avoid = selectors.places_of(request.user, placement_request)
    gazetteer = matching.Gazetteer.load(
        [p.code for p in avoid if not p.is_departement], [p.code for p in avoid if p.is_departement]
    )
    places = [(p, gazetteer.place(p)) for p in avoid]
    placements = list(placement_request.placements.all())
    return render(request, "acse/request_detail.html", {
        "req": placement_request, "needs_note": selectors.needs_note_of(placement_request), "places": places,
        "placements": placements,
        "current": selectors.current_placement(placement_request), "live_steps": sorted(LIVE_STEPS),
        "service_labels": [str(Service(c).label) for c in placement_request.needed_services if c in Service.values],
        "region_names": list(Region.objects.filter(pk__in=placement_request.preferred_regions)
                             .order_by("name").values_list("name", flat=True)),
    })  # fmt: skip


@route_policy(COORDINATE)
@require_http_methods(["GET", "POST"])
def request_withdraw(request: HttpRequest, request_id: int) -> HttpResponse:
    placement_request = selectors.access_request(request.user, request_id)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_withdraw_request(placement_request, form.cleaned_data["on"], form.cleaned_data["reason"],
                                acting_user=request.user)  # fmt: skip
        except AcseRefusedError as refusal:
            _refuse(form, refusal)
        else:
            messages.success(request, f"Demande {placement_request.reference} close.")
            return redirect("acse:request_detail", request_id=placement_request.pk)
    return _step_page(request, form, placement_request, None, "Clore la demande sans accueil")


# --- Proposals ---------------------------------------------------------------------------------


def _record_proposal_reads(request: HttpRequest, requests: list[PlacementRequest], shelters: list[Shelter]) -> None:
    with transaction.atomic():
        record_event("acse.proposals_read", actor=request.user, kind=AuditKind.ACCESS,
                     extra={"requests": [r.pk for r in requests], "shelters": [s.pk for s in shelters]})  # fmt: skip


@route_policy(COORDINATE)
@require_safe
def proposals(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    pending = selectors.pending_requests(request.user)
    shelters = list(selectors.shelters_for(request.user).filter(is_active=True))
    described: list[matching.RequestProposal] = []
    unlocated: list[matching.ShelterCase] = []
    if pending and shelters:
        _record_proposal_reads(request, pending, shelters)
        instance = matching.build_instance(pending, shelters, timezone.localdate())
        described = matching.proposals_for(instance)
        unlocated = matching.unlocated(instance)
    return render(request, "acse/proposals.html", {
        "described": described, "unlocated": unlocated, "shelters": len(shelters), "today": timezone.localdate(),
        "propose_form": ProposeForm(),
    })  # fmt: skip


@route_policy(COORDINATE)
@require_POST
def request_propose(request: HttpRequest, request_id: int) -> HttpResponse:
    placement_request = selectors.access_request(request.user, request_id)
    form = ProposeForm(request.POST)
    back = reverse("acse:proposals") + f"#demande-{placement_request.pk}"
    if not form.is_valid():
        messages.error(request, "Choisissez un centre et la date de la proposition : rien n'a été enregistré.")
        return redirect(back)
    shelter = selectors.shelters_for(request.user).filter(pk=form.cleaned_data["shelter"]).first()
    if shelter is None:
        messages.error(request, "Centre introuvable : rien n'a été enregistré.")
        return redirect(back)
    try:
        workflow.do_propose_placement(placement_request, shelter, form.cleaned_data["on"], acting_user=request.user,
                                      refusals=matching.refusals)  # fmt: skip
    except AcseRefusedError as refusal:
        messages.error(request, f"{refusal} Rien n'a été enregistré.")
        return redirect(back)
    messages.success(request, f"Demande {placement_request.reference} proposée au centre « {shelter.label} ».")
    return redirect("acse:request_detail", request_id=placement_request.pk)


# --- Placement steps ------------------------------------------------------------------------------


def _step_page(
    request: HttpRequest, form: forms.Form, placement_request: PlacementRequest, placement: Placement | None,
    title: str,
) -> HttpResponse:  # fmt: skip
    back = _after_step(request, placement_request, placement)
    return render(request, "acse/step_form.html", {
        "form": form, "req": placement_request, "placement": placement, "title": title, "back": back,
    })  # fmt: skip


def _after_step(request: HttpRequest, placement_request: PlacementRequest, placement: Placement | None) -> str:
    if policies.can_coordinate(request.user, placement_request) or placement is None:
        return reverse("acse:request_detail", args=[placement_request.pk])
    return reverse("acse:host_placement", args=[placement.pk])


StepAction = Callable[[Placement, dict[str, Any], Any], object]


def _step(
    request: HttpRequest, placement: Placement, form_class: type[forms.Form], title: str, act: StepAction, done: str
) -> HttpResponse:
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            act(placement, form.cleaned_data, request.user)
        except AcseRefusedError as refusal:
            _refuse(form, refusal)
        else:
            messages.success(request, done)
            return redirect(_after_step(request, placement.request, placement))
    return _step_page(request, form, placement.request, placement, title)


@route_policy(ANSWER)
@require_http_methods(["GET", "POST"])
def placement_agree(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = selectors.access_placement(request.user, placement_id)
    return _step(request, placement, DateForm, "Accord de principe du centre",
                 lambda p, d, u: workflow.do_record_agreement(p, d["on"], acting_user=u),
                 "Accord de principe enregistré.")  # fmt: skip


@route_policy(ANSWER)
@require_http_methods(["GET", "POST"])
def placement_refuse(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = selectors.access_placement(request.user, placement_id)
    return _step(request, placement, RefusalForm, "Refus du centre",
                 lambda p, d, u: workflow.do_record_refusal(p, d["on"], d["reason"], acting_user=u),
                 "Refus enregistré : la demande attend une autre place.")  # fmt: skip


@route_policy(COORDINATE)
@require_http_methods(["GET", "POST"])
def placement_interview(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = selectors.access_placement_to_coordinate(request.user, placement_id)
    return _step(request, placement, InterviewForm, "Entretien de pré-admission en visioconférence",
                 lambda p, d, u: workflow.do_schedule_interview(p, d["on"], d["participants"], acting_user=u),
                 "Entretien de pré-admission enregistré.")  # fmt: skip


@route_policy(COORDINATE)
@require_http_methods(["GET", "POST"])
def placement_transfer(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = selectors.access_placement_to_coordinate(request.user, placement_id)
    return _step(request, placement, TransferForm, "Transfert",
                 lambda p, d, u: workflow.do_book_transfer(p, d["travel_on"], d["companion"], acting_user=u),
                 "Transfert enregistré.")  # fmt: skip


@route_policy(COORDINATE)
@require_http_methods(["GET", "POST"])
def placement_arrival(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = selectors.access_placement_to_coordinate(request.user, placement_id)
    return _step(request, placement, DateForm, "Arrivée au centre",
                 lambda p, d, u: workflow.do_record_arrival(p, d["on"], acting_user=u),
                 "Arrivée enregistrée : l'accueil est en cours.")  # fmt: skip


def _end(placement: Placement, data: dict[str, Any], user: Any) -> object:
    end = workflow.EndData(data["ended_on"], data["reason"], data["reorientation_kind"],
                           data["reorientation_organisation"])  # fmt: skip
    return workflow.do_end_placement(placement, end, acting_user=user)


@route_policy(COORDINATE)
@require_http_methods(["GET", "POST"])
def placement_end(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = selectors.access_placement_to_coordinate(request.user, placement_id)
    title = "Fin de l'accueil et réorientation"
    return _step(request, placement, EndForm, title, _end, "Fin de l'accueil enregistrée.")


@route_policy(COORDINATE)
@require_http_methods(["GET", "POST"])
def placement_cancel(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = selectors.access_placement_to_coordinate(request.user, placement_id)
    return _step(request, placement, CancelForm, "Annuler l'accueil",
                 lambda p, d, u: workflow.do_cancel_placement(p, d["on"], d["reason"], acting_user=u,
                                                              close_request=d["close_request"]),
                 "Accueil annulé.")  # fmt: skip
