"""Reference geography API (mounted at `/api/v1/geo` by `egide.api`): départements and communes."""

import json
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.views.decorators.gzip import gzip_page
from ninja import Field, Query, Router, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from egide.core.access import PUBLIC
from egide.core.api import api_policy
from egide.core.geo import selectors

router = Router()
CACHE_CONTROL = "public, max-age=300"


class DepartementStatsQuery(Schema):
    service: str = Field("", description="Ne compter que ce service (code de l'annuaire).")

    @field_validator("service")
    @classmethod
    def _known_service(cls, value: str) -> str:
        if value and value not in selectors.service_codes():
            allowed = ", ".join(sorted(selectors.service_codes()))
            message = "Service inconnu : « {code} » ; valeurs admises : {allowed}."
            raise PydanticCustomError("service", message, {"code": value, "allowed": allowed})
        return value


class DepartementProperties(Schema):
    code: str
    nom: str
    region: str
    population: int
    organisations: int = Field(description="Organisations publiées et actives localisables dans le département.")
    services: int = Field(description="Couples (organisation, service) proposés dans le département.")
    services_per_100k: float | None = Field(description="Services pour 100 000 habitants (null sans population).")


class DepartementFeature(Schema):
    type: Literal["Feature"]
    id: str
    geometry: dict[str, Any] = Field(description="Contour simplifié (GeoJSON MultiPolygon ou Polygon).")
    properties: DepartementProperties


class DepartementCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[DepartementFeature]


class DepartementItem(Schema):
    code: str
    name: str
    region: str


class DepartementRef(Schema):
    code: str
    name: str


class CommuneQuery(Schema):
    q: str = Field(min_length=2, max_length=100, description="Début du nom (sans accents ni casse) ou du code postal.")
    limit: int = Field(10, ge=1, le=50, description="Nombre de résultats (au plus 50).")

    @field_validator("q")
    @classmethod
    def _enough_letters(cls, value: str) -> str:
        if len(selectors.search_query(value).replace(" ", "")) < 2:
            raise PydanticCustomError("commune_query", "Saisissez au moins deux lettres ou chiffres.")
        return value


class CommuneItem(Schema):
    code: str
    name: str
    departement: DepartementRef
    postcodes: list[str]
    latitude: float | None
    longitude: float | None


def _feature_json(dep: selectors.StaticDepartement, organisations: int, services: int) -> str:
    properties = {
        "code": dep.code,
        "nom": dep.name,
        "region": dep.region,
        "population": dep.population,
        "organisations": organisations,
        "services": services,
        "services_per_100k": selectors.services_per_100k(services, dep.population),
    }
    head = json.dumps({"type": "Feature", "id": dep.code}, ensure_ascii=False)[:-1]
    # The boundary is spliced in already serialised: it is most of the bytes and never changes.
    return f'{head},"geometry":{dep.geometry_json},"properties":{json.dumps(properties, ensure_ascii=False)}}}'


@router.get(
    "/departements",
    response=DepartementCollection,
    summary="Départements avec contours et comptages (GeoJSON)",
    description="Les 101 départements, leur contour simplifié, le nombre d'organisations publiées localisables "
    "et le nombre de services proposés (pour 100 000 habitants), éventuellement pour un seul service.",
)
@api_policy(PUBLIC)
# Public reference data, no secret to guess by compression (BREACH): about 10 times fewer bytes.
@gzip_page
def departements(request: HttpRequest, params: Query[DepartementStatsQuery]) -> HttpResponse:
    """Return the départements as GeoJSON with published organisations and services per 100 000 inhabitants."""
    organisations, services = selectors.departement_counts(params.service)
    features = ",".join(
        _feature_json(dep, organisations.get(dep.code, 0), services.get(dep.code, 0))
        for dep in selectors.static_departements()
    )
    response = HttpResponse(f'{{"type":"FeatureCollection","features":[{features}]}}', content_type="application/json")
    response["Cache-Control"] = CACHE_CONTROL
    return response


@router.get(
    "/departements/list",
    response=list[DepartementItem],
    summary="Liste des départements",
    description="Code, nom et région de chaque département, par code.",
)
@api_policy(PUBLIC)
def departement_list(request: HttpRequest, response: HttpResponse) -> list[dict[str, str]]:
    """List the départements by code, for select boxes."""
    response["Cache-Control"] = CACHE_CONTROL
    return [{"code": code, "name": name, "region": region} for code, name, region in selectors.departement_list()]


@router.get(
    "/communes",
    response=list[CommuneItem],
    summary="Recherche de communes (autocomplétion)",
    description="Communes dont le nom (sans accents ni casse, « st » pour « saint ») ou un code postal commence "
    "par le texte saisi, les plus peuplées d'abord.",
)
@api_policy(PUBLIC)
def communes(request: HttpRequest, params: Query[CommuneQuery]) -> list[dict[str, Any]]:
    """Find communes by the beginning of their name or postcode, most populous first."""
    return [
        {
            "code": c.code,
            "name": c.name,
            "departement": {"code": c.departement.code, "name": c.departement.name},
            "postcodes": selectors.split_postcodes(c.postcodes),
            "latitude": c.latitude,
            "longitude": c.longitude,
        }
        for c in selectors.search_communes(params.q, params.limit)
    ]
