"""A submission as received, whatever its channel, before it is stored.

Every channel (Égide case files, an `egide encode` file, a JSON document, the survey
spreadsheet, the API) builds an `Incoming`; one action stores it. Records without an
encoding (typed by hand in the survey spreadsheet) are kept as « not linkable ».
"""

import hashlib
import json
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]

from egide.observatory.vocabulary import Channel
from egide_analytics.linkage import EncodedFile, EncodedFileError, read_encoded
from egide_analytics.submission import SCHEMA_VERSION, json_schema

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


def from_encoded(encoded: EncodedFile, *, year: int, channel: Channel, file_sha256: str = "") -> Incoming:
    """Turn an `egide encode` file into a submission for `year`; refuse records without their codes."""
    if encoded.year is not None and encoded.year != year:
        raise SubmissionRefused(f"Le fichier porte sur l'année {encoded.year}, et non sur l'année {year} choisie.")
    if not encoded.record_ids:
        raise SubmissionRefused("Le fichier ne contient aucun enregistrement.")
    missing = [
        rid for i, rid in enumerate(encoded.record_ids) if i >= len(encoded.variables) or not encoded.variables[i]
    ]
    if missing:
        listed = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise SubmissionRefused(
            f"{len(missing)} enregistrement(s) sans variables codées (la situation est obligatoire) : {listed}. "
            "Indiquez les colonnes des variables à « egide encode »."
        )
    tokens = encoded.encodings.tokens
    records = [
        IncomingRecord(
            record_id=record_id,
            variables=dict(encoded.variables[i]),
            clk=encoded.encodings.clks[i].tobytes(),
            tokens={name: values[i] for name, values in tokens.items() if values[i]},
        )
        for i, record_id in enumerate(encoded.record_ids)
    ]
    return Incoming(
        year=year,
        channel=channel,
        records=records,
        encoding_parameters=dict(encoded.parameters),
        key_fingerprint=encoded.key_fingerprint,
        file_sha256=file_sha256,
    )


def from_json(
    document: Any, *, year: int | None = None, channel: Channel = Channel.API, file_sha256: str = ""
) -> Incoming:
    """Validate a JSON submission against the schema and return it; SubmissionRefused lists every error."""
    errors = _json_errors(document)
    if errors:
        raise SubmissionRefused("Le document ne respecte pas le schéma de soumission.", errors)
    try:
        encoded = EncodedFile.from_submission_json(document)
    except EncodedFileError as error:
        raise SubmissionRefused(str(error)) from None
    return from_encoded(encoded, year=year or int(document["year"]), channel=channel, file_sha256=file_sha256)


def read_encoded_upload(data: bytes, filename: str, *, year: int, channel: Channel) -> Incoming:
    """Read an uploaded `egide encode` file (.csv, .parquet) or JSON document into a submission."""
    digest = sha256(data)
    suffix = Path(filename).suffix.lower()
    if suffix == ".json":
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise SubmissionRefused(f"Document JSON illisible : {error}.") from None
        return from_json(document, year=year, channel=channel, file_sha256=digest)
    if suffix not in (".csv", ".parquet"):
        raise SubmissionRefused("Envoyez un fichier .csv, .parquet ou .json produit par « egide encode ».")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            encoded = read_encoded(path)
        except EncodedFileError as error:
            raise SubmissionRefused(str(error)) from None
    return from_encoded(encoded, year=year, channel=channel, file_sha256=digest)


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
