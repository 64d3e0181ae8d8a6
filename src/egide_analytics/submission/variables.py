"""The coded variables of a submission record: the survey's variables, with French labels.

One record is one person as one data holder saw her during the reporting year. Every
variable is a code from a closed list (or a list of codes), so that a record never carries
free text: nothing in it can name anyone. `unknown` is always allowed.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from egide_analytics.submission.regions import REGION_LABELS, region_of

SCHEMA_VERSION = "1.0"
UNKNOWN = "unknown"
# Lists are written « SEXUAL|BEGGING » in CSV and XLSX cells.
LIST_SEPARATOR = "|"

_YES_NO = {"yes": "oui", "no": "non", UNKNOWN: "inconnu"}


@dataclass(frozen=True)
class Variable:
    """One coded variable: its name, French title, codes with labels, and whether it is a list."""

    name: str
    title: str
    codes: Mapping[str, str]
    multiple: bool = False
    description: str = ""

    def label(self, code: str) -> str:
        return self.codes.get(code, code)


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "status",
        "situation",
        {"identified": "repérée", "supported": "accompagnée"},
        description="Repérée : identifiée sans accompagnement dans l'année ; accompagnée : suivie dans l'année.",
    ),
    Variable("sex", "sexe", {"female": "femme", "male": "homme", "other": "autre", UNKNOWN: "inconnu"}),
    Variable(
        "age_group",
        "âge",
        {
            "0-14": "moins de 15 ans",
            "15-17": "15 à 17 ans",
            "18-24": "18 à 24 ans",
            "25-34": "25 à 34 ans",
            "35-44": "35 à 44 ans",
            "45-54": "45 à 54 ans",
            "55+": "55 ans et plus",
            UNKNOWN: "inconnu",
        },
        description="Âge au 31 décembre de l'année déclarée, ou à la fin de l'accompagnement.",
    ),
    Variable("minor_at_start", "mineure au début de l'exploitation", _YES_NO),
    Variable("minor_now", "mineure pendant l'année déclarée", _YES_NO),
    Variable(
        "nationality",
        "nationalité",
        {},
        description="Code ISO 3166-1 alpha-3 (FRA, NGA, ROU…) ou « unknown ».",
    ),
    Variable("region_of_origin", "région d'origine", REGION_LABELS),
    Variable(
        "forms",
        "formes d'exploitation",
        {
            "SEXUAL": "exploitation sexuelle",
            "LABOUR_DOMESTIC": "exploitation par le travail — domestique",
            "LABOUR_OTHER": "exploitation par le travail — hors domestique",
            "BEGGING": "mendicité forcée",
            "CRIMINALITY": "contrainte à commettre des délits",
            "ORGANS": "prélèvement d'organes",
            "FORCED_MARRIAGE": "mariage forcé",
            "OTHER": "autre",
        },
        multiple=True,
    ),
    Variable(
        "exploited_in_france",
        "lieu d'exploitation",
        {"in_france": "au moins en partie en France", "only_abroad": "uniquement à l'étranger", UNKNOWN: "inconnu"},
    ),
    Variable("complaint_filed", "plainte déposée", _YES_NO),
    Variable(
        "administrative_status",
        "situation administrative",
        {
            "french": "nationalité française",
            "eu_citizen": "ressortissant·e de l'UE, de l'EEE ou de la Suisse",
            "residence_permit": "titre de séjour",
            "receipt": "récépissé ou autorisation provisoire de séjour",
            "reflection_period": "délai de réflexion",
            "asylum_seeker": "demande d'asile en cours",
            "refugee": "réfugié·e ou protection subsidiaire",
            "unaccompanied_minor": "mineur·e non accompagné·e",
            "irregular": "sans titre de séjour",
            UNKNOWN: "inconnue",
        },
    ),
    Variable(
        "support",
        "accompagnement apporté",
        {
            "housing": "hébergement, logement",
            "health": "santé",
            "legal": "accompagnement juridique",
            "psychological": "soutien psychologique",
            "interpreting": "interprétariat",
            "training_employment": "formation et emploi",
            "assisted_return": "aide au retour",
            "schooling": "scolarisation",
            "other": "autre",
        },
        multiple=True,
    ),
    Variable(
        "identified_by",
        "repérée par",
        {
            "association": "une association",
            "police": "la police",
            "gendarmerie": "la gendarmerie",
            "labour_inspection": "l'inspection du travail",
            "court": "une juridiction",
            "health_social": "un service social ou de santé",
            "self": "la personne elle-même",
            "other": "autre",
            UNKNOWN: "inconnu",
        },
    ),
    Variable("network", "exploitée au sein d'un réseau", _YES_NO),
    Variable("housed_by_exploiter", "hébergée par l'exploiteur", _YES_NO),
)

BY_NAME: Mapping[str, Variable] = {v.name: v for v in VARIABLES}


class VariableError(ValueError):
    """A coded value is not in its list; the message is French and names the variable."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(message)
        self.variable = variable
        self.message = message


def _check_nationality(value: str) -> str:
    value = value.strip().upper()
    if value in ("", UNKNOWN.upper()):
        return UNKNOWN
    if len(value) != 3 or not value.isalpha() or region_of(value) == UNKNOWN:
        raise VariableError("nationality", f"« {value} » n'est pas un code pays ISO 3166-1 alpha-3 connu.")
    return value


def clean_value(name: str, raw: str | list[str] | None) -> str | list[str]:
    """Return the coded value of variable `name`, or raise VariableError in French.

    Empty means unknown; lists come as a Python list or as « A|B » text.

    >>> clean_value("forms", "SEXUAL|BEGGING")
    ['BEGGING', 'SEXUAL']
    >>> clean_value("sex", "")
    'unknown'
    >>> clean_value("sex", "f")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    egide_analytics.submission.variables.VariableError: « f » n'est pas une valeur de « sexe » : female, ...
    """
    variable = BY_NAME.get(name)
    if variable is None:
        raise VariableError(name, f"Variable « {name} » inconnue du schéma {SCHEMA_VERSION}.")
    if variable.name == "nationality":
        return _check_nationality(raw if isinstance(raw, str) else "")
    if variable.multiple:
        items = raw if isinstance(raw, list) else (raw or "").split(LIST_SEPARATOR)
        codes = sorted({item.strip() for item in items if item.strip()})
        for code in codes:
            _check_code(variable, code)
        return codes
    code = (raw if isinstance(raw, str) else "").strip() or UNKNOWN
    if variable.name == "status" and code == UNKNOWN:
        raise VariableError(name, "La situation (identified ou supported) est obligatoire.")
    _check_code(variable, code)
    return code


def _check_code(variable: Variable, code: str) -> None:
    if code not in variable.codes:
        allowed = ", ".join(variable.codes)
        raise VariableError(variable.name, f"« {code} » n'est pas une valeur de « {variable.title} » : {allowed}.")


def clean_variables(raw: Mapping[str, str | list[str] | None]) -> dict[str, str | list[str]]:
    """Return every variable of a record coded; the region is derived from the nationality when absent.

    Raises VariableError on the first invalid value; unknown keys are refused.
    """
    extra = sorted(set(raw) - set(BY_NAME))
    if extra:
        raise VariableError(extra[0], f"Variable « {extra[0]} » inconnue du schéma {SCHEMA_VERSION}.")
    cleaned = {v.name: clean_value(v.name, raw.get(v.name)) for v in VARIABLES}
    if cleaned["region_of_origin"] == UNKNOWN and cleaned["nationality"] != UNKNOWN:
        cleaned["region_of_origin"] = region_of(str(cleaned["nationality"]))
    return cleaned
