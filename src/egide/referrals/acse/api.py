"""Ac.Sé API: yearly statistics, and the host's update of a shelter's availability."""

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field, ValidationError

from egide.accounts.roles import Cap
from egide.core.access import capability
from egide.core.api import Problem, api_policy
from egide.referrals.acse import policies, stats
from egide.referrals.acse.actions import do_update_availability
from egide.referrals.acse.models import Shelter
from egide.referrals.acse.rules import AcseRefusedError

router = Router()


class YearOut(Schema):
    year: int
    requests: int
    placements_started: int
    placements_ended: int
    waiting_median_days: float | None
    waiting_mean_days: float | None


class PartnerOut(Schema):
    organisation: str
    arrivals: int
    places_used: int


class StatisticsOut(Schema):
    years: list[YearOut]
    partners: list[PartnerOut] = Field(description="Par organisation partenaire, pour l'année demandée.")
    partners_year: int


class AvailabilityIn(Schema):
    free_places: int = Field(ge=0, le=50, description="Places libres aujourd'hui pour Ac.Sé.")


class AvailabilityOut(Schema):
    id: int
    free_places: int
    reserved_places: int
    updated_at: str


@router.get("/statistics", response=StatisticsOut, summary="Statistiques annuelles d'Ac.Sé (agrégats)")
@api_policy(capability(Cap.ACSE_STATISTICS))
def statistics(request: HttpRequest, year: int | None = None) -> StatisticsOut:
    years = stats.years()
    if year is not None and year not in years:
        raise Problem(404, "Année sans données", f"Années disponibles : {years[0]} à {years[-1]}.")
    rows = stats.by_year(year)
    partners_year = year if year is not None else years[-1]
    return StatisticsOut(
        years=[YearOut(**row.__dict__) for row in rows],
        partners=[PartnerOut(**p.__dict__) for p in stats.by_partner(partners_year)],
        partners_year=partners_year,
    )


# The body is read after the policy and the shelter's check, so that an anonymous caller or a
# stranger learns nothing from the validation of what they sent.
_AVAILABILITY_BODY = {
    "required": True,
    "content": {"application/json": {"schema": AvailabilityIn.model_json_schema()}},
}


def _availability(request: HttpRequest) -> AvailabilityIn:
    try:
        return AvailabilityIn.model_validate_json(request.body or b"{}")
    except ValidationError as error:
        errors = [{"champ": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in error.errors()]
        raise Problem(422, "Paramètres invalides", 'Envoyez {"free_places": n} en JSON.', errors=errors) from error


@router.post("/shelters/{shelter_id}/availability", response=AvailabilityOut,
             summary="Mettre à jour les places libres d'un centre (centre d'accueil)",
             openapi_extra={"requestBody": _AVAILABILITY_BODY})  # fmt: skip
@api_policy(capability(Cap.PLACEMENT_HOST, Cap.ACSE_COORDINATE))
def update_availability(request: HttpRequest, shelter_id: int) -> AvailabilityOut:
    shelter = Shelter.objects.filter(pk=shelter_id).first()
    if shelter is None or not policies.can_update_availability(request.user, shelter):
        raise Problem(404, "Centre introuvable")
    payload = _availability(request)
    try:
        shelter = do_update_availability(shelter, payload.free_places, acting_user=request.user)
    except AcseRefusedError as refusal:
        raise Problem(422, "Disponibilité refusée", str(refusal)) from refusal
    assert shelter.availability_updated_at is not None
    return AvailabilityOut(id=shelter.pk, free_places=shelter.free_places, reserved_places=shelter.reserved_places,
                           updated_at=shelter.availability_updated_at.isoformat())  # fmt: skip
