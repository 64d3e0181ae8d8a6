"""Writes of Ac.Sé: shelters, requests and every step of a placement; one transaction each, audited.

Audit events carry ids, codes, counts and the names of changed fields; never a location, a
place to avoid, a free-text reason or anything that would tell where someone is.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from egide.cases.vocabulary import MINOR_AGE_STATUSES
from egide.core.audit import record_event
from egide.core.iso import canonical_language
from egide.core.keys import create_data_key
from egide.core.models import Commune, Departement, Region
from egide.core.numbering import next_number
from egide.organisations.models import Organisation
from egide.organisations.vocabulary import Service
from egide.referrals.acse import policies
from egide.referrals.acse.models import PlacementRequest, Shelter
from egide.referrals.acse.rules import AcseRefusedError, not_before, not_future, require
from egide.referrals.acse.sealed import (
    AvoidPlace,
    ShelterLocation,
    open_location,
    open_note,
    open_places,
    seal_location,
    seal_note,
    seal_places,
)
from egide.referrals.acse.vocabulary import (
    AvoidKind,
    AvoidScope,
    Gender,
    RequestState,
)
from egide.referrals.models import Referral, ReferralStatus

OPEN_REFERRAL_STATUSES = (ReferralStatus.PENDING, ReferralStatus.ACCEPTED)


def _changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(name for name, value in after.items() if before.get(name) != value)


def _languages(codes: Sequence[str], field: str) -> list[str]:
    unknown = [c for c in codes if canonical_language(c) != c]
    if unknown:
        raise AcseRefusedError(f"Langue(s) inconnue(s) : {', '.join(unknown)} (codes ISO 639 attendus).", field)
    return sorted(set(codes))


# --- Shelters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShelterData:
    organisation_id: int
    label: str
    location: ShelterLocation
    reserved_places: int = 1
    free_places: int = 0
    accepts_women: bool = True
    accepts_men: bool = False
    accepts_children: bool = False
    wheelchair_accessible: bool = False
    languages: tuple[str, ...] = ()
    is_active: bool = True

    def fields(self) -> dict[str, Any]:
        names = ("organisation_id", "label", "reserved_places", "free_places", "accepts_women", "accepts_men",
                 "accepts_children", "wheelchair_accessible", "is_active")  # fmt: skip
        return {name: getattr(self, name) for name in names} | {"languages": sorted(set(self.languages))}


def _check_shelter(data: ShelterData) -> None:
    if not data.label.strip():
        raise AcseRefusedError("Indiquez le nom du centre.", "label")
    organisation = Organisation.objects.filter(pk=data.organisation_id).first()
    if organisation is None:
        raise AcseRefusedError("Organisation inconnue.", "organisation")
    if not organisation.acse_partner:
        raise AcseRefusedError(f"« {organisation.name} » n'est pas partenaire Ac.Sé dans l'annuaire.", "organisation")
    if not Commune.objects.filter(pk=data.location.commune_code).exists():
        raise AcseRefusedError(f"Commune inconnue : « {data.location.commune_code} ».", "commune")
    if data.free_places > data.reserved_places:
        raise AcseRefusedError("Les places libres ne peuvent dépasser les places réservées à Ac.Sé.", "free_places")
    if not (data.accepts_women or data.accepts_men):
        raise AcseRefusedError("Un centre accueille des femmes, des hommes, ou les deux.", "accepts_women")
    _languages(data.languages, "languages")


def do_create_shelter(data: ShelterData, *, acting_user: Any) -> Shelter:
    """Add a partner shelter; its location is sealed under a data key of its own."""
    require(policies.is_coordinator(acting_user))
    _check_shelter(data)
    with transaction.atomic(durable=True):
        shelter = Shelter(created_by=acting_user, data_key=create_data_key(), **data.fields())
        shelter.location = seal_location(shelter.data_key, shelter.uid, data.location)
        shelter.availability_updated_at, shelter.availability_updated_by = timezone.now(), acting_user
        shelter.save()
        record_event("acse.shelter_create", actor=acting_user, organisation_id=data.organisation_id, target=shelter,
                     extra={"reserved_places": data.reserved_places, "free_places": data.free_places})  # fmt: skip
    return shelter


def do_update_shelter(shelter: Shelter, data: ShelterData, *, acting_user: Any) -> Shelter:
    """Change a shelter; the event names the changed fields, « location » included, never its value."""
    require(policies.is_coordinator(acting_user))
    _check_shelter(data)
    with transaction.atomic(durable=True):
        shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
        before = {name: getattr(shelter, name) for name in data.fields()}
        changed = _changed(before, data.fields())
        if open_location(shelter.data_key, shelter.uid, bytes(shelter.location)) != data.location:
            shelter.location = seal_location(shelter.data_key, shelter.uid, data.location)
            changed.append("location")
        for name, value in data.fields().items():
            setattr(shelter, name, value)
        if "free_places" in changed:
            shelter.availability_updated_at, shelter.availability_updated_by = timezone.now(), acting_user
        shelter.save()
        record_event("acse.shelter_update", actor=acting_user, organisation_id=shelter.organisation_id,
                     target=shelter, extra={"fields": changed})  # fmt: skip
    return shelter


def do_update_availability(shelter: Shelter, free_places: int, *, acting_user: Any) -> Shelter:
    """Record the shelter's current free places for Ac.Sé (the host's everyday update)."""
    require(policies.can_update_availability(acting_user, shelter))
    with transaction.atomic(durable=True):
        shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
        if not 0 <= free_places <= shelter.reserved_places:
            raise AcseRefusedError(
                f"Les places libres vont de 0 à {shelter.reserved_places} (places réservées à Ac.Sé).", "free_places"
            )
        previous = shelter.free_places
        shelter.free_places = free_places
        shelter.availability_updated_at, shelter.availability_updated_by = timezone.now(), acting_user
        shelter.save(update_fields=["free_places", "availability_updated_at", "availability_updated_by", "updated_at"])
        record_event("acse.availability_update", actor=acting_user, organisation_id=shelter.organisation_id,
                     target=shelter, extra={"free_places": free_places, "previous": previous})  # fmt: skip
    return shelter


# --- Requests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestData:
    requested_on: datetime.date
    gender: str
    adult_confirmed: bool
    places: tuple[AvoidPlace, ...]
    consent_on: datetime.date | None
    with_children: bool = False
    needs_wheelchair: bool = False
    languages: tuple[str, ...] = ()
    needed_services: tuple[str, ...] = ()
    needs_note: str = ""
    min_distance_km: int | None = None
    avoid_same_departement: bool = False
    avoid_same_region: bool = False
    preferred_regions: tuple[str, ...] = ()

    def fields(self) -> dict[str, Any]:
        return {
            "requested_on": self.requested_on, "gender": self.gender, "with_children": self.with_children,
            "adult_confirmed": self.adult_confirmed, "needs_wheelchair": self.needs_wheelchair,
            "languages": sorted(set(self.languages)), "needed_services": sorted(set(self.needed_services)),
            "min_distance_km": settings.EGIDE_ACSE_MIN_DISTANCE_KM if self.min_distance_km is None
            else self.min_distance_km,
            "avoid_same_departement": self.avoid_same_departement, "avoid_same_region": self.avoid_same_region,
            "preferred_regions": sorted(set(self.preferred_regions)), "consent_on": self.consent_on,
        }  # fmt: skip


def _check_places(places: Sequence[AvoidPlace]) -> None:
    if not places:
        raise AcseRefusedError("Indiquez au moins un lieu à éviter (lieu d'exploitation, des exploiteurs, attaches).",
                               "places")  # fmt: skip
    for number, place in enumerate(places, start=1):
        if place.kind not in AvoidKind.values or place.scope not in AvoidScope.values:
            raise AcseRefusedError(f"Lieu à éviter n° {number} : nature ou étendue inconnue.", "places")
        model = Departement if place.is_departement else Commune
        if not model.objects.filter(pk=place.code).exists():
            what = "département" if place.is_departement else "commune"
            raise AcseRefusedError(f"Lieu à éviter n° {number} : {what} inconnu·e (« {place.code} »).", "places")


def _check_request(referral: Referral, data: RequestData) -> None:
    if referral.case.age_status in MINOR_AGE_STATUSES:
        raise AcseRefusedError(
            "Ac.Sé n'accueille que des personnes majeures : le dossier orienté est celui d'une personne mineure "
            "(ou présumée mineure). Orientez-la vers l'aide sociale à l'enfance.", "adult_confirmed",
        )  # fmt: skip
    if not data.adult_confirmed:
        raise AcseRefusedError("Confirmez que la personne est majeure : Ac.Sé n'accueille que des adultes.",
                               "adult_confirmed")  # fmt: skip
    if data.gender not in Gender.values:
        raise AcseRefusedError("Choisissez le profil : femme ou homme.", "gender")
    not_future(data.requested_on, "requested_on", "La date de la demande")
    if data.consent_on is None:
        raise AcseRefusedError("Le consentement de la personne à l'accueil sécurisant est obligatoire : indiquez "
                               "la date à laquelle il a été recueilli.", "consent_on")  # fmt: skip
    not_future(data.consent_on, "consent_on", "La date du consentement")
    _check_places(data.places)
    distance = data.fields()["min_distance_km"]
    if not 0 <= distance <= 1000:
        raise AcseRefusedError("La distance minimale va de 0 à 1 000 km.", "min_distance_km")
    unknown = sorted(set(data.needed_services) - set(Service.values))
    if unknown:
        raise AcseRefusedError(f"Service(s) inconnu(s) : {', '.join(unknown)}.", "needed_services")
    _languages(data.languages, "languages")
    regions = set(data.preferred_regions)
    if regions and Region.objects.filter(pk__in=regions).count() != len(regions):
        raise AcseRefusedError("Région souhaitée inconnue.", "preferred_regions")


def _next_reference(year: int) -> str:
    prefix = f"AS-{year}-"
    used = PlacementRequest.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    return next_number(used, prefix)


def do_open_request(referral: Referral, data: RequestData, *, acting_user: Any) -> PlacementRequest:
    """Open the placement request of a referral the coordination received (the joint assessment)."""
    require(referral.recipient_id in policies.coordination_ids(acting_user))
    if referral.status not in OPEN_REFERRAL_STATUSES:
        raise AcseRefusedError(f"L'orientation est « {referral.get_status_display()} » : pas de demande possible.")
    _check_request(referral, data)
    with transaction.atomic(durable=True):
        # The coordination's row lock serialises the numbering of requests.
        Organisation.objects.select_for_update().filter(pk=referral.recipient_id).exists()
        if PlacementRequest.objects.filter(referral=referral).exists():
            raise AcseRefusedError("Une demande existe déjà pour cette orientation.")
        request = PlacementRequest(
            referral=referral, coordination_id=referral.recipient_id, reference=_next_reference(data.requested_on.year),
            data_key=create_data_key(), consent_recorded_by=acting_user, created_by=acting_user, **data.fields(),
        )  # fmt: skip
        request.places = seal_places(request.data_key, request.uid, data.places)
        request.needs_note = seal_note(request.data_key, request.uid, data.needs_note.strip())
        request.save()
        record_event("acse.request_open", actor=acting_user, organisation_id=request.coordination_id, target=request,
                     extra={"reference": request.reference, "referral": referral.pk, "sender": referral.sender_id,
                            "places": len(data.places)})  # fmt: skip
    return request


def do_update_request(request: PlacementRequest, data: RequestData, *, acting_user: Any) -> PlacementRequest:
    """Correct the assessment of a request still waiting for a place."""
    require(policies.can_coordinate(acting_user, request))
    if request.state != RequestState.PENDING:
        raise AcseRefusedError("Seule une demande en attente d'une place peut être modifiée.")
    _check_request(request.referral, data)
    with transaction.atomic(durable=True):
        request = PlacementRequest.objects.select_for_update().get(pk=request.pk)
        before = {name: getattr(request, name) for name in data.fields()}
        changed = _changed(before, data.fields())
        if open_places(request.data_key, request.uid, bytes(request.places)) != data.places:
            request.places = seal_places(request.data_key, request.uid, data.places)
            changed.append("places")
        if open_note(request.data_key, request.uid, bytes(request.needs_note)) != data.needs_note.strip():
            request.needs_note = seal_note(request.data_key, request.uid, data.needs_note.strip())
            changed.append("needs_note")
        for name, value in data.fields().items():
            setattr(request, name, value)
        request.save()
        record_event("acse.request_update", actor=acting_user, organisation_id=request.coordination_id,
                     target=request, extra={"reference": request.reference, "fields": changed})  # fmt: skip
    return request


def do_withdraw_request(request: PlacementRequest, on: datetime.date, reason: str, *, acting_user: Any) -> None:
    """Close a request that waits for a place without placing the person (with the reason)."""
    require(policies.can_coordinate(acting_user, request))
    if request.state != RequestState.PENDING:
        raise AcseRefusedError("Seule une demande en attente d'une place peut être close ; annulez d'abord l'accueil "
                               "en cours.")  # fmt: skip
    if not reason.strip():
        raise AcseRefusedError("Indiquez le motif de la clôture.", "reason")
    not_future(on, "on", "La date de clôture")
    not_before(on, request.requested_on, "on", "La clôture ne peut précéder la demande")
    with transaction.atomic(durable=True):
        request = PlacementRequest.objects.select_for_update().get(pk=request.pk)
        request.state, request.closed_on, request.close_reason = RequestState.WITHDRAWN, on, reason.strip()
        request.save(update_fields=["state", "closed_on", "close_reason", "updated_at"])
        record_event("acse.request_withdraw", actor=acting_user, organisation_id=request.coordination_id,
                     target=request, extra={"reference": request.reference})  # fmt: skip
