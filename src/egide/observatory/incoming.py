"""A submission as received, whatever its channel, before it is stored.

Every channel (Égide case files, an `egide encode` file, a JSON document, the survey
spreadsheet, the API) builds an `Incoming`; one action stores it. Records without an
encoding (typed by hand in the survey spreadsheet) are kept as « not linkable ».
"""

import base64
import binascii
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import jsonschema

from egide.observatory.vocabulary import Channel
from egide_analytics.submission import SCHEMA_VERSION, VariableError, clean_variables, json_schema

MAX_RECORDS = 200_000


class SubmissionRefused(Exception):  # noqa: N818  (a refusal with a French message)
    """The submission cannot be received; the message is French and says what to fix."""

    def __init__(self, message: str, errors: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors)


@dataclass(frozen=True)
class IncomingRecord:
    record_id: str
    variables: dict[str, str | list[str]]
    clk: bytes = b""
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def linkable(self) -> bool:
        return bool(self.clk)


@dataclass(frozen=True)
class Incoming:
    year: int
    channel: Channel
    records: list[IncomingRecord]
    encoding_parameters: dict[str, Any] = field(default_factory=dict)
    key_fingerprint: str = ""
    aggregates: dict[str, Any] = field(default_factory=dict)
    exclusions: dict[str, int] = field(default_factory=dict)
    file_sha256: str = ""
    schema_version: str = SCHEMA_VERSION


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json_errors(document: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(json_schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in e.absolute_path) or 'document'} : {e.message}" for e in errors[:50]]


def from_json(document: Any, *, channel: Channel = Channel.API, file_sha256: str = "") -> Incoming:
    """Validate a JSON submission against the schema and return it; SubmissionRefused lists every error."""
    errors = _json_errors(document)
    if errors:
        raise SubmissionRefused("Le document ne respecte pas le schéma de soumission.", errors)
    records: list[IncomingRecord] = []
    problems: list[str] = []
    for index, raw in enumerate(document["records"]):
        try:
            clk = base64.b64decode(raw["encoding"]["clk"], validate=True)
            variables = clean_variables(raw["variables"])
        except (binascii.Error, ValueError) as error:
            message = error.message if isinstance(error, VariableError) else "encodage base64 invalide"
            problems.append(f"records/{index} : {message}")
            continue
        records.append(IncomingRecord(raw["record_id"], variables, clk, dict(raw["encoding"].get("tokens", {}))))
    if problems:
        raise SubmissionRefused("Des enregistrements sont invalides.", problems)
    parameters = dict(document["encoding_parameters"])
    return Incoming(
        year=int(document["year"]),
        channel=channel,
        records=records,
        encoding_parameters=parameters,
        key_fingerprint=str(parameters.get("key_fingerprint", "")),
        file_sha256=file_sha256,
    )


def check_records(records: Sequence[IncomingRecord]) -> None:
    """Refuse too many records, or a pseudonym given twice, or encodings of different lengths."""
    if len(records) > MAX_RECORDS:
        raise SubmissionRefused(f"Trop d'enregistrements : {len(records)} (au plus {MAX_RECORDS}).")
    twice = sorted(rid for rid, n in Counter(r.record_id for r in records).items() if n > 1)
    if twice:
        raise SubmissionRefused(f"Identifiants donnés plusieurs fois : {', '.join(twice[:10])}.")
    lengths = {len(r.clk) for r in records if r.linkable}
    if len(lengths) > 1:
        raise SubmissionRefused("Les filtres de Bloom n'ont pas tous la même longueur : fichier incohérent.")
