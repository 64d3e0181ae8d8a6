"""Schemas of the directory API: query parameters and responses (see `egide.organisations.api`)."""

import datetime
import functools
import re
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from egide.core.iso import canonical_language, language_name
from egide.organisations.selectors import OrganisationFilters
from egide.organisations.vocabulary import ExploitationForm, Kind, Service

MAX_PAGE = 500
# Metropolitan départements, Corsica (2A, 2B) and the overseas départements (971–976).
_DEPARTEMENT_CODE = re.compile(r"^(0[1-9]|1\d|2[1-9]|[3-8]\d|9[0-5]|2A|2B|97[1-6])$")


@functools.cache
def language_label(code: str) -> str:
    """Return the French name of an ISO 639 language code, or the code itself when unknown.

    >>> language_label("ro"), language_label("ti")
    ('roumain', 'tigrigna')
    """
    name = language_name(code)
    return name[:1].lower() + name[1:]


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """Parse `south,west,north,east` in degrees, or raise a validation error in French."""
    try:
        south, west, north, east = (float(part) for part in value.split(","))
    except ValueError:
        raise PydanticCustomError(
            "bbox", "Attendu : quatre nombres « sud,ouest,nord,est » en degrés, par exemple 48.8,2.2,48.9,2.4."
        ) from None
    if not (-90 <= south <= north <= 90 and -180 <= west <= east <= 180):
        raise PydanticCustomError(
            "bbox", "Emprise invalide : il faut -90 ≤ sud ≤ nord ≤ 90 et -180 ≤ ouest ≤ est ≤ 180."
        )
    return south, west, north, east


class DirectoryQuery(Schema):
    """Filters shared by the list and the markers."""

    q: str = Field(
        "",
        max_length=200,
        description="Mots cherchés (sans accents ni casse) dans le nom, le sigle, la commune et les services.",
    )
    service: Service | None = Field(None, description="Service proposé.")
    exploitation_form: ExploitationForm | None = Field(None, description="Forme d'exploitation prise en charge.")
    language: str = Field("", description="Langue parlée, code ISO 639 (639-1 s'il existe, sinon 639-3).")
    minors: bool | None = Field(None, description="Accueil des mineurs (true) ou non (false).")
    departement: str = Field("", description="Code INSEE du département, par exemple 75 ou 2A.")
    kind: Kind | None = Field(None, description="Type d'organisation.")

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        value = value.strip().lower()
        if value and (not re.fullmatch(r"[a-z]{2,3}", value) or canonical_language(value) is None):
            raise PydanticCustomError("language", "Code de langue ISO 639 inconnu : « {code} ».", {"code": value})
        return value

    @field_validator("departement")
    @classmethod
    def _known_departement(cls, value: str) -> str:
        value = value.strip().upper()
        if value and not _DEPARTEMENT_CODE.match(value):
            raise PydanticCustomError("departement", "Code de département inconnu : « {code} ».", {"code": value})
        return value

    def filters(self, bbox: tuple[float, float, float, float] | None = None) -> OrganisationFilters:
        return OrganisationFilters(
            q=self.q,
            service=self.service or "",
            exploitation_form=self.exploitation_form or "",
            language=self.language,
            minors=self.minors,
            departement=self.departement,
            kind=self.kind or "",
            bbox=bbox,
        )


class ListQuery(DirectoryQuery):
    bbox: str = Field("", description="Emprise « sud,ouest,nord,est » en degrés décimaux (WGS 84).")
    limit: int = Field(50, ge=1, le=MAX_PAGE, description=f"Taille de la page (au plus {MAX_PAGE}).")
    offset: int = Field(0, ge=0, description="Rang du premier résultat.")

    @field_validator("bbox")
    @classmethod
    def _valid_bbox(cls, value: str) -> str:
        if value.strip():
            parse_bbox(value)
        return value.strip()

    def list_filters(self) -> OrganisationFilters:
        return self.filters(parse_bbox(self.bbox) if self.bbox else None)


class DepartementRef(Schema):
    code: str
    name: str


class LocationOut(Schema):
    """Where the viewer may place the organisation; `exact` is false when only the département is public."""

    exact: bool
    address: str
    postcode: str
    commune: str
    latitude: float | None
    longitude: float | None


class OrganisationSummary(Schema):
    id: int
    name: str
    acronym: str
    kind: str
    kind_label: str
    services: list[str]
    service_labels: list[str]
    exploitation_forms: list[str]
    languages: list[str]
    departement: DepartementRef | None = Field(
        description="Absent (null) quand l'organisation n'a aucune localisation publique."
    )
    location: LocationOut | None
    phone: str
    email: str
    website: str
    hotline: str
    detail_url: str


class OrganisationDetail(OrganisationSummary):
    description: str
    opening_hours: str
    national_collective_member: bool
    exit_pathway_approved: bool
    exit_pathway_approval_expires_on: datetime.date | None
    acse_partner: bool
    acse_reserved_places: int | None = Field(
        description="Places réservées Ac.Sé, seulement pour qui peut voir l'adresse confidentielle."
    )
    capacity_places: int | None
    capacity_free_places: int | None
    capacity_updated_at: datetime.datetime | None
    language_labels: list[str]


class OrganisationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OrganisationSummary]


class PointGeometry(Schema):
    type: Literal["Point"]
    coordinates: tuple[float, float] = Field(description="[longitude, latitude], arrondies à 5 décimales.")


class MarkerProperties(Schema):
    """What the map shows of an organisation: its name, the label of its kind, its services."""

    id: int
    name: str
    kind_label: str
    services: list[str]


class MarkerFeature(Schema):
    type: Literal["Feature"]
    id: int
    geometry: PointGeometry
    properties: MarkerProperties


class MarkerCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[MarkerFeature]
