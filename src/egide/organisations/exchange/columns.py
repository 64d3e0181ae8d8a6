"""The columns of an organisations file and the parsers of their cells.

One spec serves import and export alike, so that an exported file imported again changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from stdnum.fr import siret as siret_number

from egide.core import exchange as x
from egide.core.iso import canonical_language
from egide.organisations.vocabulary import AddressVisibility, ExploitationForm, Kind, Service


@dataclass(frozen=True)
class Column:
    name: str
    width: int = 14
    required: bool = False
    as_text: bool = False  # Codes kept as text, so that spreadsheets keep their leading zeros.


COLUMNS = (
    Column("identifiant", 12),
    Column("nom", 40, required=True),
    Column("sigle", 12),
    Column("type", 20, required=True),
    Column("siret", 17, as_text=True),
    Column("adresse", 35),
    Column("code_postal", 12, as_text=True),
    Column("commune_insee", 15, as_text=True),
    Column("commune", 25),
    Column("departement", 13, as_text=True),
    Column("latitude", 11),
    Column("longitude", 11),
    Column("visibilite_adresse", 19),
    Column("telephone", 16, as_text=True),
    Column("email", 28),
    Column("site_web", 30),
    Column("ligne_ecoute", 16, as_text=True),
    Column("horaires", 30),
    Column("services", 40),
    Column("formes_exploitation", 30),
    Column("langues", 14),
    Column("membre_collectif", 17),
    Column("agrement_parcours_sortie", 25),
    Column("partenaire_acse", 16),
    Column("places_reservees_acse", 22),
    Column("places", 8),
    Column("places_libres", 14),
    Column("publiee", 9),
    Column("description", 50),
)
COLUMN_NAMES = [c.name for c in COLUMNS]
LOCATION_COLUMNS = ("commune_insee", "commune", "departement")

KINDS = x.CodeList(Kind.choices, aliases={"hebergement": Kind.SHELTER, "chrs": Kind.SHELTER})
SERVICES = x.CodeList(Service.choices)
EXPLOITATION_FORMS = x.CodeList(ExploitationForm.choices)
# The file speaks French; the database keeps the model's codes.
VISIBILITY_CODES = {
    "publique": AddressVisibility.PUBLIC,
    "departement": AddressVisibility.DEPARTEMENT,
    "masquee": AddressVisibility.HIDDEN,
}
VISIBILITY_TOKENS = {v: k for k, v in VISIBILITY_CODES.items()}
VISIBILITIES = x.CodeList(
    [(token, AddressVisibility(value).label) for token, value in VISIBILITY_CODES.items()],
    aliases={"public": "publique", "hidden": "masquee", "masque": "masquee"},
)

# Text columns: file column -> (model field, maximum length).
TEXT_FIELDS = {
    "sigle": ("acronym", 40),
    "adresse": ("address", 250),
    "telephone": ("phone", 30),
    "ligne_ecoute": ("hotline", 30),
    "horaires": ("opening_hours", 250),
    "description": ("description", 20_000),
}
MAX_PLACES = 100_000


def bounded_text(max_length: int) -> Callable[[x.Cell], str]:
    def parse(value: x.Cell) -> str:
        result = x.text(value)
        if len(result) > max_length:
            raise x.InvalidCell(f"texte trop long : {len(result)} caractères pour {max_length} au plus")
        return result

    return parse


def siret(value: x.Cell) -> str:
    raw = x.code(value, 14)
    if not raw:
        return ""
    compact: str = siret_number.compact(raw)
    if not (compact.isdigit() and len(compact) == 14):
        raise x.InvalidCell("numéro SIRET invalide : 14 chiffres attendus")
    if not siret_number.is_valid(compact):
        raise x.InvalidCell("numéro SIRET invalide : la clé de contrôle ne correspond pas")
    return compact


def postcode(value: x.Cell) -> str:
    raw = x.code(value, 5)
    if raw and not (raw.isdigit() and len(raw) == 5):
        raise x.InvalidCell("code postal invalide : 5 chiffres attendus")
    return raw


def email(value: x.Cell) -> str:
    raw = x.text(value)
    if raw:
        try:
            validate_email(raw)
        except ValidationError:
            raise x.InvalidCell("adresse e-mail invalide") from None
    return raw


def website(value: x.Cell) -> str:
    raw = x.text(value)
    if raw and "://" not in raw:
        raw = "https://" + raw
    if raw:
        if len(raw) > 200:
            raise x.InvalidCell("adresse trop longue : 200 caractères au plus")
        try:
            URLValidator(schemes=["http", "https"])(raw)
        except ValidationError:
            raise x.InvalidCell("adresse de site web invalide") from None
    return raw


def languages(value: x.Cell) -> list[str]:
    items = x.split_list(value)
    codes = {item: canonical_language(item) for item in items}
    unknown = [item for item, c in codes.items() if c is None]
    if unknown:
        listed = ", ".join(f"« {u} »" for u in unknown)
        raise x.InvalidCell(f"code(s) de langue inconnu(s) : {listed} (codes ISO 639, par exemple fr ; en ; ro)")
    return sorted({c for c in codes.values() if c is not None})


def identifier(value: x.Cell) -> int | None:
    return x.integer(value, minimum=1)


def reserved_places(value: x.Cell) -> int:
    return x.integer(value, 0, 32_767) or 0


def places(value: x.Cell) -> int | None:
    return x.integer(value, 0, MAX_PLACES)
