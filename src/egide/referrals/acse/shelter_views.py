"""Shelter pages (the coordinator's network) and the host's pages: own shelters, availability, placements."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from egide.accounts.roles import Cap
from egide.core.access import capability, route_policy
from egide.core.iso import language_name
from egide.organisations.vocabulary import Service
from egide.referrals.acse import policies, selectors
from egide.referrals.acse.actions import ShelterData, do_create_shelter, do_update_availability, do_update_shelter
from egide.referrals.acse.forms import AvailabilityForm, ShelterForm
from egide.referrals.acse.models import Shelter
from egide.referrals.acse.rules import AcseRefusedError
from egide.referrals.acse.sealed import ShelterLocation
from egide.referrals.acse.views import COORDINATE, _coordinator, _refuse
from egide.referrals.acse.vocabulary import Step

HOST = capability(Cap.PLACEMENT_HOST)
SEE_SHELTER = capability(Cap.ACSE_COORDINATE, Cap.PLACEMENT_HOST)


def _with_places(user: Any, shelters: list[Shelter]) -> list[tuple[Shelter, str, str]]:
    """Each shelter with its commune and address, read (and audited) for this page."""
    locations = selectors.locations_of(user, shelters)
    names = selectors.commune_names([loc.commune_code for loc in locations.values()])
    rows = []
    for shelter in shelters:
        location = locations.get(shelter.pk)
        commune = names.get(location.commune_code, location.commune_code) if location else ""
        rows.append((shelter, commune, location.address if location else ""))
    return rows


# --- The coordinator's network --------------------------------------------------------------------


@route_policy(COORDINATE)
@require_safe
def shelter_list(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    shelters = list(selectors.shelters_for(request.user))
    return render(request, "acse/shelter_list.html", {"rows": _with_places(request.user, shelters)})


def _shelter_data(data: dict[str, Any]) -> ShelterData:
    return ShelterData(
        organisation_id=int(data["organisation"]), label=data["label"].strip(),
        location=ShelterLocation(data["commune"], data["address"].strip()), reserved_places=data["reserved_places"],
        free_places=data["free_places"], accepts_women=data["accepts_women"], accepts_men=data["accepts_men"],
        accepts_children=data["accepts_children"], wheelchair_accessible=data["wheelchair_accessible"],
        languages=tuple(data["languages"]), is_active=data["is_active"],
    )  # fmt: skip


def _shelter_page(request: HttpRequest, shelter: Shelter | None, initial: dict[str, Any]) -> HttpResponse:
    form = ShelterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = _shelter_data(form.cleaned_data)
        try:
            if shelter is None:
                shelter = do_create_shelter(data, acting_user=request.user)
            else:
                shelter = do_update_shelter(shelter, data, acting_user=request.user)
        except AcseRefusedError as refusal:
            _refuse(form, refusal)
        else:
            messages.success(request, f"Centre « {shelter.label} » enregistré.")
            return redirect("acse:shelter_detail", shelter_id=shelter.pk)
    title = "Nouveau centre partenaire" if shelter is None else f"Modifier le centre « {shelter.label} »"
    return render(request, "acse/shelter_form.html", {"form": form, "shelter": shelter, "title": title})


@route_policy(COORDINATE)
@require_http_methods(["GET", "POST"])
def shelter_create(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    return _shelter_page(request, None, {"reserved_places": 1, "free_places": 0, "accepts_women": True,
                                         "is_active": True})  # fmt: skip


@route_policy(COORDINATE)
@require_http_methods(["GET", "POST"])
def shelter_edit(request: HttpRequest, shelter_id: int) -> HttpResponse:
    _coordinator(request)
    shelter = selectors.access_shelter(request.user, shelter_id)
    initial: dict[str, Any] = {}
    if request.method == "GET":
        location = selectors.locations_of(request.user, [shelter])[shelter.pk]
        initial = {name: getattr(shelter, name) for name in ("label", "reserved_places", "free_places",
                   "accepts_women", "accepts_men", "accepts_children", "wheelchair_accessible", "languages",
                   "is_active")}  # fmt: skip
        initial |= {"organisation": shelter.organisation_id, "commune": location.commune_code,
                    "address": location.address}  # fmt: skip
    return _shelter_page(request, shelter, initial)


@route_policy(SEE_SHELTER)
@require_safe
def shelter_detail(request: HttpRequest, shelter_id: int) -> HttpResponse:
    shelter = selectors.access_shelter(request.user, shelter_id)
    [(_, commune, address)] = _with_places(request.user, [shelter])
    placements = list(selectors.placements_for_host(request.user).filter(shelter=shelter)) if not (
        policies.is_coordinator(request.user)) else list(shelter.placements.select_related("request"))  # fmt: skip
    return render(request, "acse/shelter_detail.html", {
        "shelter": shelter, "commune": commune, "address": address, "placements": placements,
        "languages": [language_name(c) for c in shelter.languages],
        "coordinator": policies.is_coordinator(request.user),
    })  # fmt: skip


# --- The host's pages -------------------------------------------------------------------------------


@route_policy(HOST)
@require_safe
def host_home(request: HttpRequest) -> HttpResponse:
    shelters = list(selectors.shelters_for(request.user).filter(
        organisation_id__in=policies.host_organisation_ids(request.user)))  # fmt: skip
    placements = list(selectors.placements_for_host(request.user))
    return render(request, "acse/host_home.html", {
        "rows": _with_places(request.user, shelters), "placements": placements,
        "waiting": [p for p in placements if p.step == Step.PROPOSED],
    })  # fmt: skip


@route_policy(SEE_SHELTER)
@require_http_methods(["GET", "POST"])
def host_availability(request: HttpRequest, shelter_id: int) -> HttpResponse:
    shelter = selectors.access_shelter(request.user, shelter_id)
    form = AvailabilityForm(request.POST or None, initial={"free_places": shelter.free_places})
    if request.method == "POST" and form.is_valid():
        try:
            do_update_availability(shelter, form.cleaned_data["free_places"], acting_user=request.user)
        except AcseRefusedError as refusal:
            _refuse(form, refusal)
        else:
            messages.success(request, f"Disponibilité du centre « {shelter.label} » mise à jour.")
            return redirect("acse:shelter_detail", shelter_id=shelter.pk)
    return render(request, "acse/availability_form.html", {"form": form, "shelter": shelter})


@route_policy(SEE_SHELTER)
@require_safe
def host_placement(request: HttpRequest, placement_id: int) -> HttpResponse:
    """What a host knows of a placement: no identity, no place to avoid."""
    placement = selectors.access_placement(request.user, placement_id)
    req = placement.request
    return render(request, "acse/host_placement.html", {
        "placement": placement, "req": req, "languages": [language_name(c) for c in req.languages],
        "needs_note": selectors.needs_note_of(req),
        "services": [str(Service(c).label) for c in req.needed_services if c in Service.values],
        "Step": Step, "can_answer": policies.can_answer(request.user, placement),
    })  # fmt: skip
