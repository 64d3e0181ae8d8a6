"""What a data holder sends the observatory for one reporting year: encodings and coded variables.

A submission never carries a name: each record holds the linkage encodings of the person
(a keyed Bloom filter and exact keyed tokens, made by `egide_analytics.linkage` with the
data holders' key) and the survey's coded variables. The schema is versioned; its JSON
Schema is `docs/observatory/submission-1.0.schema.json`, written by `json_schema()`.

>>> from egide_analytics.submission import clean_variables
>>> clean_variables({"status": "supported", "nationality": "nga", "forms": "SEXUAL"})["region_of_origin"]
'africa_subsaharan'
"""

from typing import Any

from egide_analytics.submission.regions import REGION_LABELS, region_of
from egide_analytics.submission.variables import (
    BY_NAME,
    LIST_SEPARATOR,
    SCHEMA_VERSION,
    UNKNOWN,
    VARIABLES,
    Variable,
    VariableError,
    clean_value,
    clean_variables,
)

__all__ = [
    "BY_NAME",
    "LIST_SEPARATOR",
    "REGION_LABELS",
    "SCHEMA_VERSION",
    "UNKNOWN",
    "VARIABLES",
    "Variable",
    "VariableError",
    "clean_value",
    "clean_variables",
    "json_schema",
    "region_of",
]


def _variable_schema(variable: Variable) -> dict[str, Any]:
    if variable.name == "nationality":
        item: dict[str, Any] = {"type": "string", "pattern": "^([A-Z]{3}|unknown)$"}
    else:
        item = {"type": "string", "enum": list(variable.codes)}
    schema: dict[str, Any] = {"type": "array", "items": item, "uniqueItems": True} if variable.multiple else item
    labels = "; ".join(f"{code} = {label}" for code, label in variable.codes.items())
    schema["title"] = variable.title
    schema["description"] = " ".join(p for p in (variable.description, labels) if p)
    return schema


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a submission document."""
    record = {
        "type": "object",
        "additionalProperties": False,
        "required": ["record_id", "encoding", "variables"],
        "properties": {
            "record_id": {
                "type": "string",
                "minLength": 1,
                "maxLength": 64,
                "description": "Identifiant du dossier chez le détenteur, sans signification hors de chez lui.",
            },
            "encoding": {
                "type": "object",
                "required": ["clk"],
                "additionalProperties": False,
                "properties": {
                    "clk": {"type": "string", "contentEncoding": "base64", "description": "Filtre de Bloom chiffré."},
                    "tokens": {
                        "type": "object",
                        "additionalProperties": {"type": "string", "pattern": "^[0-9a-f]{16,64}$"},
                        "description": "Jetons exacts à clé (HMAC), par nom de jeton.",
                    },
                },
            },
            "variables": {
                "type": "object",
                "additionalProperties": False,
                "required": ["status"],
                "properties": {v.name: _variable_schema(v) for v in VARIABLES},
            },
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://egide.example/schemas/submission-{SCHEMA_VERSION}.schema.json",
        "title": f"Soumission à l'observatoire Égide, schéma {SCHEMA_VERSION}",
        "type": "object",
        "additionalProperties": False,
        "required": ["schema_version", "holder", "year", "encoding_parameters", "records"],
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "holder": {"type": "string", "minLength": 1, "description": "Nom du détenteur des données."},
            "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
            "encoding_parameters": {
                "type": "object",
                "required": ["scheme", "key_fingerprint"],
                "description": "Paramètres de l'encodage (longueur du filtre, durcissement…) et empreinte de la clé.",
            },
            "records": {"type": "array", "items": record},
        },
    }
