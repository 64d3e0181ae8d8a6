"""The encoded file a data holder sends: encodings and coded variables, never a name.

CSV: a first line `# egide-encodings {JSON header}` (schema_version, parameters,
key_fingerprint, holder, year), then a header row `record_id,clk,tok_<name>…,<variables>`
with the CLK in base64 and lists joined by « | ». Parquet: the same columns (the CLK as
binary), the header JSON in the schema metadata under `egide-encodings`. JSON: the
submission document of `docs/observatory/submission-1.0.schema.json`.
"""

import base64
import binascii
import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from egide_analytics.linkage.encoding import TOKEN_NAMES, EncodingParameters, Encodings
from egide_analytics.submission import LIST_SEPARATOR, SCHEMA_VERSION, VARIABLES, VariableError, clean_variables

MAGIC = "# egide-encodings "
METADATA_KEY = b"egide-encodings"
TOKEN_PREFIX = "tok_"  # noqa: S105 (a column prefix, not a secret)
_VARIABLE_NAMES = [v.name for v in VARIABLES]
_MULTIPLE = {v.name for v in VARIABLES if v.multiple}
_HEX = re.compile(r"^[0-9a-f]{16,64}$")

VariableValues = dict[str, str | list[str]]


class EncodedFileError(ValueError):
    """An encoded file cannot be read; the message is French and names the row when there is one."""


@dataclass
class EncodedFile:
    """One data holder's encoded records for one year."""

    parameters: dict[str, Any]
    key_fingerprint: str
    holder: str
    year: int | None
    record_ids: list[str]
    encodings: Encodings
    variables: list[VariableValues] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.record_ids)

    def header(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "parameters": self.parameters,
            "key_fingerprint": self.key_fingerprint,
            "holder": self.holder,
            "year": self.year,
        }

    def to_submission_json(self) -> dict[str, Any]:
        """Return the submission document (JSON Schema `submission-1.0`); needs a year and every record's status."""
        if self.year is None:
            raise EncodedFileError("Une soumission porte sur une année : l'année est absente.")
        records = []
        for index, record_id in enumerate(self.record_ids):
            variables = self.variables[index] if index < len(self.variables) else {}
            if not variables:
                raise EncodedFileError(
                    f"Enregistrement {record_id} : variables codées absentes (situation obligatoire)."
                )
            tokens = {name: values[index] for name, values in self.encodings.tokens.items() if values[index]}
            clk = base64.b64encode(self.encodings.clks[index].tobytes()).decode("ascii")
            records.append({"record_id": record_id, "encoding": {"clk": clk, "tokens": tokens}, "variables": variables})
        return {
            "schema_version": SCHEMA_VERSION,
            "holder": self.holder,
            "year": self.year,
            "encoding_parameters": {**self.parameters, "key_fingerprint": self.key_fingerprint},
            "records": records,
        }

    @classmethod
    def from_submission_json(cls, document: dict[str, Any]) -> "EncodedFile":
        """Read a submission document; raise EncodedFileError in French on a bad one."""
        try:
            parameters = dict(document["encoding_parameters"])
            fingerprint = str(parameters.pop("key_fingerprint"))
            header = {
                "schema_version": document["schema_version"],
                "parameters": parameters,
                "key_fingerprint": fingerprint,
                "holder": document["holder"],
                "year": document["year"],
            }
            records = list(document["records"])
        except (KeyError, TypeError) as error:
            raise EncodedFileError(f"Document de soumission incomplet : {error}.") from None
        names = {name for record in records if isinstance(record, dict)
                 for name in (record.get("encoding") or {}).get("tokens", {})}  # fmt: skip
        header["token_names"] = [n for n in TOKEN_NAMES if n in names] + sorted(names - set(TOKEN_NAMES))
        builder = _Builder(header)
        for number, record in enumerate(records, start=1):
            try:
                encoding = record["encoding"]
                tokens = encoding.get("tokens", {})
                row = {"record_id": record["record_id"], "clk": encoding["clk"]}
                row |= {TOKEN_PREFIX + name: tokens.get(name, "") for name in builder.token_names}
                raw = record.get("variables", {})
            except (KeyError, TypeError, AttributeError) as error:
                raise EncodedFileError(f"Enregistrement {number} : champ manquant {error}.") from None
            builder.add(f"enregistrement {number}", row, _decode_clk, raw)
        return builder.build()


def _decode_clk(text: Any) -> bytes:
    return base64.b64decode(str(text), validate=True)


class _Builder:
    """Check a header, then rows one by one, and assemble the EncodedFile."""

    def __init__(self, header: Any) -> None:
        if not isinstance(header, dict):
            raise EncodedFileError("En-tête du fichier d'encodages illisible.")
        if header.get("schema_version") != SCHEMA_VERSION:
            version = header.get("schema_version")
            raise EncodedFileError(
                f"Version de schéma « {version} » non prise en charge (attendue : {SCHEMA_VERSION})."
            )
        try:
            self.parameters = EncodingParameters.from_dict(header["parameters"])
        except (KeyError, TypeError, ValueError) as error:
            raise EncodedFileError(f"Paramètres d'encodage absents ou invalides : {error}") from None
        fingerprint = header.get("key_fingerprint")
        if not isinstance(fingerprint, str) or not re.fullmatch(r"[0-9a-f]{16}", fingerprint):
            raise EncodedFileError("Empreinte de clé absente ou invalide (16 caractères hexadécimaux).")
        year = header.get("year")
        if year is not None and (not isinstance(year, int) or not 2000 <= year <= 2100):
            raise EncodedFileError(f"Année « {year} » invalide.")
        self.header = header
        self.token_names: list[str] = list(header.get("token_names") or ())
        self.record_ids: list[str] = []
        self.clks: list[bytes] = []
        self.tokens: dict[str, list[str]] = {}
        self.variables: list[VariableValues] = []
        self.seen: set[str] = set()
        # Rows repeat a few combinations of codes: each distinct one is checked once.
        self.checked: dict[tuple[tuple[str, Any], ...], VariableValues] = {}

    def use_columns(self, columns: list[str]) -> None:
        missing = [c for c in ("record_id", "clk") if c not in columns]
        if missing:
            raise EncodedFileError(f"Colonne(s) obligatoire(s) absente(s) : {', '.join(missing)}.")
        unknown = [c for c in columns if c not in ("record_id", "clk") and not c.startswith(TOKEN_PREFIX)
                   and c not in _VARIABLE_NAMES]  # fmt: skip
        if unknown:
            raise EncodedFileError(
                f"Colonne(s) inconnue(s) : {', '.join(unknown)} (un fichier d'encodages ne porte aucun nom)."
            )
        self.token_names = [c.removeprefix(TOKEN_PREFIX) for c in columns if c.startswith(TOKEN_PREFIX)]

    def add(self, where: str, row: dict[str, Any], decode: Any, raw_variables: dict[str, Any]) -> None:
        record_id = str(row.get("record_id") or "").strip()
        if not record_id or len(record_id) > 64:
            raise EncodedFileError(
                f"{where.capitalize()} : identifiant d'enregistrement vide ou trop long (64 caractères)."
            )
        if record_id in self.seen:
            raise EncodedFileError(f"{where.capitalize()} : identifiant « {record_id} » en double.")
        try:
            clk = decode(row.get("clk"))
        except (binascii.Error, ValueError, TypeError):
            raise EncodedFileError(f"{where.capitalize()}, colonne clk : encodage illisible.") from None
        if len(clk) != self.parameters.filter_bytes:
            raise EncodedFileError(
                f"{where.capitalize()}, colonne clk : {len(clk)} octets au lieu de {self.parameters.filter_bytes}."
            )
        for name in self.token_names:
            value = str(row.get(TOKEN_PREFIX + name) or "")
            if value and not _HEX.match(value):
                raise EncodedFileError(f"{where.capitalize()}, colonne {TOKEN_PREFIX}{name} : jeton invalide.")
            self.tokens.setdefault(name, []).append(value)
        self.seen.add(record_id)
        self.record_ids.append(record_id)
        self.clks.append(clk)
        self.variables.append(self._variables(where, raw_variables))

    def _variables(self, where: str, raw: dict[str, Any]) -> VariableValues:
        if not any(value not in (None, "", []) for value in raw.values()):
            return {}
        key = tuple((name, tuple(value) if isinstance(value, list) else value) for name, value in raw.items())
        cleaned = self.checked.get(key)
        if cleaned is None:
            try:
                cleaned = self.checked[key] = clean_variables(raw)
            except VariableError as error:
                raise EncodedFileError(f"{where.capitalize()}, colonne {error.variable} : {error.message}") from None
        return {name: list(value) if isinstance(value, list) else value for name, value in cleaned.items()}

    def build(self) -> EncodedFile:
        size = self.parameters.filter_bytes
        clks = np.frombuffer(b"".join(self.clks), dtype=np.uint8).reshape(len(self.clks), size).copy()
        tokens = {name: self.tokens.get(name, []) for name in self.token_names}
        year = self.header.get("year")
        return EncodedFile(
            parameters=self.parameters.to_dict(),
            key_fingerprint=str(self.header["key_fingerprint"]),
            holder=str(self.header.get("holder") or ""),
            year=year if isinstance(year, int) else None,
            record_ids=self.record_ids,
            encodings=Encodings(clks, tokens),
            variables=self.variables,
        )


def _cell(value: str | list[str] | None) -> str:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return value or ""


def _columns(encoded: EncodedFile) -> tuple[list[str], list[str]]:
    token_columns = [TOKEN_PREFIX + name for name in encoded.encodings.tokens]
    used = [name for name in _VARIABLE_NAMES if any(name in values for values in encoded.variables)]
    return token_columns, used


def _check_lengths(encoded: EncodedFile) -> None:
    n = len(encoded.record_ids)
    if len(encoded.encodings) != n or (encoded.variables and len(encoded.variables) != n):
        raise EncodedFileError("Nombres d'identifiants, d'encodages et de variables différents.")


def write_encoded(path: str | Path, encoded: EncodedFile) -> None:
    """Write `encoded` as CSV or Parquet, chosen by the file's suffix."""
    path = Path(path)
    _check_lengths(encoded)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        _write_parquet(path, encoded)
    elif suffix == ".csv":
        _write_csv(path, encoded)
    else:
        raise EncodedFileError(f"Format de sortie « {path.suffix} » non pris en charge : .csv ou .parquet.")


def _row_variables(encoded: EncodedFile, index: int, names: list[str]) -> list[str]:
    values = encoded.variables[index] if encoded.variables else {}
    return [_cell(values.get(name)) for name in names]


def _write_csv(path: Path, encoded: EncodedFile) -> None:
    token_columns, variable_names = _columns(encoded)
    header = {**encoded.header(), "token_names": list(encoded.encodings.tokens)}
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(MAGIC + json.dumps(header, ensure_ascii=False, sort_keys=True) + "\n")
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["record_id", "clk", *token_columns, *variable_names])
        token_lists = list(encoded.encodings.tokens.values())
        b64 = base64.b64encode
        for index, record_id in enumerate(encoded.record_ids):
            clk = b64(encoded.encodings.clks[index].tobytes()).decode("ascii")
            writer.writerow([record_id, clk, *(t[index] for t in token_lists),
                             *_row_variables(encoded, index, variable_names)])  # fmt: skip


def _write_parquet(path: Path, encoded: EncodedFile) -> None:
    token_columns, variable_names = _columns(encoded)
    clks = encoded.encodings.clks
    columns: dict[str, Any] = {
        "record_id": pa.array(encoded.record_ids, pa.string()),
        "clk": pa.array([row.tobytes() for row in clks], pa.binary(clks.shape[1] if clks.ndim == 2 else 0)),
    }
    for column, values in zip(token_columns, encoded.encodings.tokens.values(), strict=True):
        columns[column] = pa.array(values, pa.string())
    for name in variable_names:
        columns[name] = pa.array([_cell(v.get(name)) for v in encoded.variables], pa.string())
    header = {**encoded.header(), "token_names": list(encoded.encodings.tokens)}
    table = pa.table(columns).replace_schema_metadata({METADATA_KEY: json.dumps(header, ensure_ascii=False)})
    pq.write_table(table, path)


def read_encoded(path: str | Path) -> EncodedFile:
    """Read an encoded CSV or Parquet file; raise EncodedFileError in French on a bad one."""
    path = Path(path)
    if not path.is_file():
        raise EncodedFileError(f"Fichier introuvable : {path}.")
    if path.suffix.lower() == ".parquet":
        return _read_parquet(path)
    if path.suffix.lower() == ".csv":
        return _read_csv(path)
    raise EncodedFileError(f"Format « {path.suffix} » non pris en charge : .csv ou .parquet.")


def _raw_variables(row: dict[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in _VARIABLE_NAMES if name in row}


def _read_csv(path: Path) -> EncodedFile:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise EncodedFileError(f"{path.name} n'est pas un fichier d'encodages (texte UTF-8 attendu).") from None
    first, _, rest = text.partition("\n")
    if not first.startswith(MAGIC):
        raise EncodedFileError(
            f"{path.name} n'est pas un fichier d'encodages Égide (première ligne « {MAGIC.strip()} »)."
        )
    try:
        header = json.loads(first[len(MAGIC) :])
    except json.JSONDecodeError:
        raise EncodedFileError("Ligne 1 : en-tête JSON illisible.") from None
    builder = _Builder(header)
    reader = csv.DictReader(io.StringIO(rest))
    builder.use_columns(list(reader.fieldnames or []))
    for row in reader:
        # Line 1 is the JSON header and line 2 the column names.
        builder.add(f"ligne {reader.line_num + 1}", row, _decode_clk, _raw_variables(row))
    return builder.build()


def _read_parquet(path: Path) -> EncodedFile:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as error:
        raise EncodedFileError(f"{path.name} n'est pas un fichier Parquet lisible : {error}") from None
    metadata = table.schema.metadata or {}
    if METADATA_KEY not in metadata:
        raise EncodedFileError(f"{path.name} n'est pas un fichier d'encodages Égide (métadonnées absentes).")
    try:
        header = json.loads(metadata[METADATA_KEY])
    except json.JSONDecodeError:
        raise EncodedFileError("En-tête JSON des métadonnées illisible.") from None
    builder = _Builder(header)
    builder.use_columns(table.column_names)
    columns = table.to_pydict()
    for index in range(table.num_rows):
        row = {name: values[index] for name, values in columns.items()}
        builder.add(f"ligne {index + 1}", row, bytes, _raw_variables(row))
    return builder.build()
