"""The work of `egide encode`: a data holder's table in, encodings and coded variables out, offline.

Runs on the holder's own computer without Django or a database. Every bad row is reported
with its number, its column and the reason, in French; nothing is written if any row is
bad, unless `import_valid_rows`. The output never holds a name or a date of birth.
"""

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import yaml

from egide_analytics.linkage.encoding import HARDENED, HARDENED_SALTED, PLAIN, Encoder, EncodingParameters
from egide_analytics.linkage.files import EncodedFile, EncodedFileError, write_encoded
from egide_analytics.linkage.keys import LinkageKey, LinkageKeyError
from egide_analytics.linkage.normalise import BirthDateError, check_birth_date, country_code, fold, parse_sex
from egide_analytics.linkage.tables import Table, TableError, read_table
from egide_analytics.submission import BY_NAME, UNKNOWN, VariableError, clean_variables, region_of

EXIT_OK = 0
EXIT_BAD_INPUT = 1
IDENTITY_FIELDS = ("family_name", "given_names", "birth_date", "sex", "birth_country")
FIELDS = ("record_id", *IDENTITY_FIELDS, *BY_NAME)
# Column headers recognised without a mapping, folded (lower case, no accents).
_SYNONYMS = {
    "record_id": ("record id", "identifiant", "id", "dossier", "numero de dossier", "reference"),
    "family_name": ("family name", "nom", "nom de famille", "nom de naissance"),
    "given_names": ("given names", "prenom", "prenoms"),
    "birth_date": ("birth date", "date de naissance", "naissance", "ddn"),
    "sex": ("sexe",),
    "birth_country": ("birth country", "pays de naissance"),
    "nationality": ("nationalite",),
}
_ITEM_SEPARATORS = ("|", ";", ",")
_AGE_GROUPS = ((15, "0-14"), (18, "15-17"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"))


class ConfigError(ValueError):
    """The mapping (options or configuration file) is wrong; the message is French."""


@dataclass
class ColumnMapping:
    """Which column feeds each field, fixed values, and value translations."""

    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    holder: str = ""
    year: int | None = None


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Ligne {self.row}" + (f", colonne « {self.column} »" if self.column else "")
        return f"{where} : {self.message}"


def _pairs(items: Sequence[str], option: str) -> dict[str, str]:
    result = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"{option} attend CHAMP=VALEUR : « {item} ».")
        result[name.strip()] = value.strip()
    return result


def load_mapping(config: str | Path | None, maps: Sequence[str] = (), sets: Sequence[str] = ()) -> ColumnMapping:
    """Return the mapping of the configuration file, overridden by --map and --set."""
    mapping = ColumnMapping()
    if config is not None:
        try:
            data = yaml.safe_load(Path(config).read_text(encoding="utf-8")) or {}
        except OSError as error:
            raise ConfigError(f"Fichier de configuration illisible : {config} ({error.strerror}).") from None
        except yaml.YAMLError as error:
            raise ConfigError(f"Fichier de configuration {config} : YAML invalide ({error}).") from None
        if not isinstance(data, dict):
            raise ConfigError(f"Fichier de configuration {config} : un dictionnaire est attendu.")
        unknown = sorted(set(data) - {"holder", "year", "columns", "constants", "values"})
        if unknown:
            raise ConfigError(f"Clé(s) inconnue(s) dans {config} : {', '.join(map(str, unknown))}.")
        mapping.columns = {str(k): str(v) for k, v in (data.get("columns") or {}).items()}
        mapping.constants = {str(k): str(v) for k, v in (data.get("constants") or {}).items()}
        mapping.values = {str(k): {str(a): str(b) for a, b in (v or {}).items()}
                          for k, v in (data.get("values") or {}).items()}  # fmt: skip
        mapping.holder = str(data.get("holder") or "")
        mapping.year = int(data["year"]) if data.get("year") is not None else None
    mapping.columns |= _pairs(maps, "--map")
    mapping.constants |= _pairs(sets, "--set")
    unknown = sorted((set(mapping.columns) | set(mapping.constants) | set(mapping.values)) - set(FIELDS))
    if unknown:
        raise ConfigError(f"Champ(s) inconnu(s) : {', '.join(unknown)}. Champs possibles : {', '.join(FIELDS)}.")
    return mapping


def resolve_columns(table: Table, mapping: ColumnMapping) -> dict[str, int]:
    """Return the column index of each field, from the mapping, else from the usual headers."""
    folded = {fold(column): index for index, column in enumerate(table.columns) if column}
    exact = {column: index for index, column in enumerate(table.columns) if column}
    found: dict[str, int] = {}
    for name, column in mapping.columns.items():
        index = exact.get(column, folded.get(fold(column)))
        if index is None:
            raise ConfigError(f"Colonne « {column} » (pour {name}) absente : colonnes lues : {', '.join(exact)}.")
        found[name] = index
    for name in FIELDS:
        if name in found or name in mapping.constants:
            continue
        for candidate in (fold(name.replace("_", " ")), *_SYNONYMS.get(name, ())):
            if candidate in folded:
                found[name] = folded[candidate]
                break
    if "family_name" not in found and "given_names" not in found:
        raise ConfigError(
            "Aucune colonne de nom ni de prénom : indiquez-les avec --map family_name=… --map given_names=…"
        )
    if "status" not in found and "status" not in mapping.constants:
        raise ConfigError(
            "La situation (status) n'a ni colonne ni valeur : --map status=COLONNE ou --set status=supported."
        )
    return found


@dataclass
class Prepared:
    record_ids: list[str] = field(default_factory=list)
    columns: tuple[list[str], ...] = field(default_factory=lambda: ([], [], [], [], []))
    variables: list[dict[str, str | list[str]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _translate(mapping: ColumnMapping, name: str, raw: str) -> str:
    table = mapping.values.get(name)
    if not table or not raw:
        return raw
    if raw in table:
        return table[raw]
    folded = fold(raw)
    return next((code for written, code in table.items() if fold(written) == folded), raw)


def _list_items(mapping: ColumnMapping, name: str, raw: str) -> list[str]:
    separator = next((s for s in _ITEM_SEPARATORS if s in raw), None)
    items = [item.strip() for item in (raw.split(separator) if separator else [raw]) if item.strip()]
    return [_translate(mapping, name, item) for item in items]


def _age_group(birth_date: str, year: int | None) -> str:
    if not birth_date or year is None:
        return UNKNOWN
    age = year - int(birth_date[:4])
    return next((group for limit, group in _AGE_GROUPS if age < limit), "55+")


class _RowReader:
    """Check and translate one row; errors are collected, never raised."""

    def __init__(self, table: Table, mapping: ColumnMapping, columns: dict[str, int], year: int | None) -> None:
        self.table, self.mapping, self.columns, self.year = table, mapping, columns, year

    def value(self, row: list[str], name: str) -> str:
        index = self.columns.get(name)
        raw = row[index] if index is not None else self.mapping.constants.get(name, "")
        return raw.strip()

    def column(self, name: str) -> str:
        index = self.columns.get(name)
        return self.table.columns[index] if index is not None else f"--set {name}"

    def identity(self, row: list[str], number: int, errors: list[RowError]) -> tuple[str, ...] | None:
        family, given = self.value(row, "family_name"), self.value(row, "given_names")
        if not family and not given:
            errors.append(RowError(number, "", "ni nom ni prénom : la personne ne peut pas être rapprochée."))
        try:
            birth_date = check_birth_date(self.value(row, "birth_date"))
        except BirthDateError as error:
            errors.append(RowError(number, self.column("birth_date"), str(error)))
            birth_date = ""
        sex_raw = _translate(self.mapping, "sex", self.value(row, "sex"))
        sex = parse_sex(sex_raw)
        if sex is None:
            errors.append(RowError(number, self.column("sex"), f"« {sex_raw} » n'est pas un sexe (F, H, autre…)."))
        country_raw = _translate(self.mapping, "birth_country", self.value(row, "birth_country"))
        country = self._country(country_raw, number, self.column("birth_country"), errors)
        if not country:
            country = country_code(_translate(self.mapping, "nationality", self.value(row, "nationality")))
        if errors:
            return None
        return (family, given, birth_date, "" if sex == UNKNOWN else str(sex), country)

    @staticmethod
    def _country(raw: str, number: int, column: str, errors: list[RowError]) -> str:
        code = country_code(raw)
        if raw and (not code or region_of(code) == UNKNOWN):
            errors.append(RowError(number, column, f"« {raw} » n'est pas un code pays ISO 3166-1 alpha-3 (FRA, NGA…)."))
        return code

    def variables(self, row: list[str], number: int, identity: Sequence[str], errors: list[RowError]) -> Any:
        raw: dict[str, str | list[str] | None] = {}
        for name, variable in BY_NAME.items():
            value = self.value(row, name)
            raw[name] = (
                _list_items(self.mapping, name, value) if variable.multiple else _translate(self.mapping, name, value)
            )
        # The identity's sex is the variable's: one column, read once (F, femme… → female).
        raw["sex"] = identity[3] or UNKNOWN
        if not raw["age_group"]:
            raw["age_group"] = _age_group(identity[2], self.year)
        try:
            return clean_variables(raw)
        except VariableError as error:
            errors.append(RowError(number, self.column(error.variable), error.message))
            return None


def prepare(table: Table, mapping: ColumnMapping, year: int | None) -> Prepared:
    """Check every row; return the valid ones and every error."""
    columns = resolve_columns(table, mapping)
    reader = _RowReader(table, mapping, columns, year)
    prepared = Prepared()
    seen: dict[str, int] = {}
    for offset, row in enumerate(table.rows):
        number = table.first_row + offset
        if not any(row):
            continue
        errors: list[RowError] = []
        identity = reader.identity(row, number, errors)
        variables = reader.variables(row, number, identity or ("", "", "", "", ""), errors)
        record_id = reader.value(row, "record_id") or str(number)
        if record_id in seen:
            errors.append(
                RowError(number, reader.column("record_id"), f"identifiant déjà utilisé ligne {seen[record_id]}.")
            )
        elif identity and _names_in(record_id, identity):
            errors.append(RowError(number, reader.column("record_id"), "l'identifiant contient le nom de la personne."))
        seen.setdefault(record_id, number)
        if errors or identity is None:
            prepared.errors += errors
            continue
        prepared.record_ids.append(record_id)
        for column, value in zip(prepared.columns, identity, strict=True):
            column.append(value)
        prepared.variables.append(variables)
    return prepared


def _names_in(record_id: str, identity: Sequence[str]) -> bool:
    words = fold(f"{identity[0]} {identity[1]}").split()
    folded = fold(record_id).replace(" ", "")
    return any(len(word) >= 3 and word in folded for word in words)


def write_new_key(path: str | Path) -> LinkageKey:
    """Create a random key in a new file readable by its owner only."""
    path = Path(path)
    if path.exists():
        raise LinkageKeyError(f"{path} existe déjà : une clé n'est jamais écrasée.")
    key = LinkageKey.generate()
    path.touch(mode=0o600)
    path.write_text(key.to_text() + "\n", encoding="ascii")
    return key


def _parameters(plain: bool, salted: bool) -> EncodingParameters:
    if plain and salted:
        raise ConfigError("--plain et --salt-birth-year s'excluent : le salage est un durcissement.")
    return PLAIN if plain else HARDENED_SALTED if salted else HARDENED


def _summary(out: TextIO, count: int, errors: int, key: LinkageKey, parameters: EncodingParameters,
             output: Path) -> None:  # fmt: skip
    if parameters == PLAIN:
        hardening = "AUCUN (--plain)"
    else:
        hardening = "équilibrage, repliement XOR" + (", salage par l'année de naissance" if parameters.salt else "")
    print(f"Enregistrements encodés : {count}", file=out)
    print(f"Lignes en erreur        : {errors}", file=out)
    print(f"Empreinte de la clé     : {key.fingerprint}", file=out)
    print(
        f"Paramètres              : {parameters.fingerprint()} ({parameters.filter_bits} bits ; {hardening})", file=out
    )
    print(f"Fichier écrit           : {output}", file=out)


def _key(key_file: str | None, key_env: str, created: LinkageKey | None) -> LinkageKey:
    if key_file:
        return LinkageKey.from_file(key_file)
    if created is not None:
        return created
    return LinkageKey.from_env(key_env)


def _write(output: Path, encoded: EncodedFile) -> None:
    if output.suffix.lower() == ".json":
        document = encoded.to_submission_json()
        output.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    else:
        write_encoded(output, encoded)


def run(
    input_path: str | None,
    output: str | None,
    *,
    key_file: str | None = None,
    key_env: str = "EGIDE_LINKAGE_KEY",
    holder: str | None = None,
    year: int | None = None,
    maps: Sequence[str] = (),
    sets: Sequence[str] = (),
    config: str | None = None,
    plain: bool = False,
    salted: bool = False,
    new_key: str | None = None,
    import_valid_rows: bool = False,
    sheet: str | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Encode the table at `input_path` into `output`; print the summary and every error; return the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        parameters = _parameters(plain, salted)
        created = write_new_key(new_key) if new_key else None
        if created is not None:
            print(f"Nouvelle clé écrite dans {new_key} (empreinte {created.fingerprint}) : transmettez-la "
                  "aux autres détenteurs par un canal sûr, jamais à l'observatoire.", file=out)  # fmt: skip
            if input_path is None:
                return EXIT_OK
        if input_path is None or output is None:
            raise ConfigError("Indiquez le fichier à encoder et le fichier de sortie (-o).")
        target = Path(output)
        if target.suffix.lower() not in (".csv", ".parquet", ".json"):
            raise ConfigError(f"Format de sortie « {target.suffix} » non pris en charge : .csv, .parquet ou .json.")
        mapping = load_mapping(config, maps, sets)
        key = _key(key_file, key_env, created)
        holder = (holder or mapping.holder).strip()
        year = year if year is not None else mapping.year
        if not holder:
            raise ConfigError("Indiquez le nom du détenteur des données (--holder).")
        if year is not None and not 2000 <= year <= 2100:
            raise ConfigError(f"Année {year} invalide.")
        prepared = prepare(read_table(input_path, sheet), mapping, year)
    except (ConfigError, LinkageKeyError, TableError) as error:
        print(f"Erreur : {error}", file=err)
        return EXIT_BAD_INPUT
    for row_error in prepared.errors:
        print(row_error, file=err)
    if prepared.errors and not import_valid_rows:
        print(f"{len(prepared.errors)} erreur(s) : aucun fichier écrit (--import-valid-rows pour écrire "
              "les lignes valides).", file=err)  # fmt: skip
        return EXIT_BAD_INPUT
    family, given, dates, sexes, countries = prepared.columns
    encodings = Encoder(key, parameters).encode_columns(family, given, dates, sexes, countries)
    encoded = EncodedFile(parameters.to_dict(), key.fingerprint, holder, year, prepared.record_ids, encodings,
                          prepared.variables)  # fmt: skip
    try:
        _write(target, encoded)
    except (EncodedFileError, OSError) as error:
        print(f"Erreur : {error}", file=err)
        return EXIT_BAD_INPUT
    if plain:
        print("Attention : encodages NON durcis (--plain), vulnérables aux attaques par fréquences.", file=err)
    _summary(out, len(prepared.record_ids), len({e.row for e in prepared.errors}), key, parameters, target)
    return EXIT_OK
