"""Validate an organisations file: parse every row, match it to the directory, report every problem."""

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from egide.core import exchange as x
from egide.core.models import Commune, Departement
from egide.core.text import fold
from egide.organisations.actions import OrganisationData
from egide.organisations.exchange import columns as spec
from egide.organisations.models import Organisation
from egide.organisations.vocabulary import AddressVisibility, Kind

T = TypeVar("T")


@dataclass
class ImportRow:
    row: int
    data: OrganisationData
    target_id: int | None


@dataclass
class ImportReport(x.ReportCounts):
    """What `validate_file` found: the valid rows, ready to apply, and every problem."""

    filename: str
    sha256: str
    total_rows: int = 0
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[x.RowError] = field(default_factory=list)

    @property
    def creations(self) -> int:
        return sum(1 for r in self.rows if r.target_id is None)


class _Row:
    """One row of the file being parsed; collects its errors."""

    def __init__(self, number: int, cells: dict[str, x.Cell], errors: list[x.RowError]) -> None:
        self.number = number
        self.cells = cells
        self.errors = errors
        self.failed = False

    def has(self, column: str) -> bool:
        return column in self.cells

    def raw(self, column: str) -> x.Cell:
        return self.cells.get(column)

    def error(self, column: str, message: str) -> None:
        self.failed = True
        self.errors.append(x.RowError(self.number, column, x.text(self.raw(column))[:80], message))

    def parse(self, column: str, parser: Callable[[x.Cell], T]) -> T | None:
        try:
            return parser(self.raw(column))
        except x.InvalidCell as exc:
            self.error(column, str(exc))
            return None

    def parse_present(self, column: str, parser: Callable[[x.Cell], T]) -> T | None:
        return self.parse(column, parser) if self.has(column) else None


@dataclass
class _Context:
    """Reference data and existing organisations, loaded once per file."""

    departements: dict[str, Departement]
    communes_by_code: dict[str, Commune]
    communes_by_name: dict[str, list[Commune]]
    organisations: dict[int, Organisation]
    by_siret: dict[str, list[Organisation]]
    by_name: dict[str, list[Organisation]]


def chunks(values: list[T], size: int = 500) -> Iterator[list[T]]:
    """Split the values of an IN query, so that no database meets its limit of parameters."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _load_context(rows: list[_Row]) -> _Context:
    codes = sorted({x.code(r.raw("commune_insee"), 5) for r in rows} - {""})
    names = sorted({fold(x.text(r.raw("commune"))) for r in rows} - {""})
    by_code: dict[str, Commune] = {}
    by_name: dict[str, list[Commune]] = defaultdict(list)
    for chunk in chunks(codes):
        by_code.update({c.code: c for c in Commune.objects.filter(code__in=chunk)})
    for chunk in chunks(names):
        for commune in Commune.objects.filter(search_name__in=chunk).order_by("code"):
            by_name[commune.search_name].append(commune)
    organisations = {o.pk: o for o in Organisation.objects.all()}
    org_by_siret: dict[str, list[Organisation]] = defaultdict(list)
    org_by_name: dict[str, list[Organisation]] = defaultdict(list)
    for org in organisations.values():
        if org.siret:
            org_by_siret[org.siret].append(org)
        org_by_name[fold(org.name)].append(org)
    return _Context(
        departements={d.code: d for d in Departement.objects.defer("geometry")},
        communes_by_code=by_code,
        communes_by_name=by_name,
        organisations=organisations,
        by_siret=org_by_siret,
        by_name=org_by_name,
    )


def _serves_postcode(commune: Commune, postcode: str) -> bool:
    codes = commune.postcodes.replace(";", " ").split()
    if codes:
        return postcode in codes
    dep = commune.departement_id
    return postcode.startswith("20" if dep in {"2A", "2B"} else dep)


def _commune_by_name(row: _Row, ctx: _Context, departement: Departement | None, postcode: str) -> Commune | None:
    name = x.text(row.raw("commune"))
    candidates = ctx.communes_by_name.get(fold(name), [])
    if departement is not None:
        candidates = [c for c in candidates if c.departement_id == departement.code]
    if postcode and len(candidates) > 1:
        candidates = [c for c in candidates if _serves_postcode(c, postcode)]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        where = f" dans le département {departement.code}" if departement else ""
        row.error("commune", f"commune inconnue{where} : vérifiez l'orthographe ou indiquez commune_insee")
    else:
        row.error(
            "commune",
            f"commune ambiguë : {len(candidates)} communes portent ce nom ; "
            "indiquez le code postal, le département ou commune_insee",
        )
    return None


def _commune(row: _Row, ctx: _Context, departement: Departement | None, postcode: str) -> Commune | None:
    insee = x.code(row.raw("commune_insee"), 5)
    if insee:
        commune = ctx.communes_by_code.get(insee)
        if commune is None:
            row.error("commune_insee", "code INSEE de commune inconnu")
            return None
        name = x.text(row.raw("commune"))
        if name and fold(name) != commune.search_name:
            row.error("commune", f"ne correspond pas à la commune du code INSEE {insee} ({commune.name})")
        return commune
    if x.text(row.raw("commune")):
        return _commune_by_name(row, ctx, departement, postcode)
    return None


def _location(row: _Row, ctx: _Context, fields: dict[str, Any]) -> None:
    """Resolve commune and département; fill `fields` with commune, département and coordinates."""
    dep_code = x.code(row.raw("departement"), 2)
    departement = ctx.departements.get(dep_code) if dep_code else None
    if dep_code and departement is None:
        row.error("departement", "code de département inconnu")
    postcode = fields.get("postcode", "")
    failed_before = row.failed
    commune = _commune(row, ctx, departement, postcode)
    if commune is not None and departement is not None and commune.departement_id != departement.code:
        row.error(
            "departement", f"ne correspond pas au département de la commune {commune.name} ({commune.departement_id})"
        )
    if commune is None and departement is None and not dep_code and row.failed == failed_before:
        row.error("departement", "valeur obligatoire quand la commune n'est pas indiquée")
    fields["commune"] = commune
    fields["departement"] = ctx.departements.get(commune.departement_id) if commune else departement
    _coordinates(row, fields, commune)


def _coordinates(row: _Row, fields: dict[str, Any], commune: Commune | None) -> None:
    if not (row.has("latitude") or row.has("longitude")):
        return
    lat = row.parse("latitude", lambda v: x.decimal(v, -90, 90))
    lon = row.parse("longitude", lambda v: x.decimal(v, -180, 180))
    lat_blank, lon_blank = x.is_blank(row.raw("latitude")), x.is_blank(row.raw("longitude"))
    if lat_blank and not lon_blank:
        row.error("latitude", "valeur obligatoire quand la longitude est indiquée")
    elif lon_blank and not lat_blank:
        row.error("longitude", "valeur obligatoire quand la latitude est indiquée")
    if lat_blank and lon_blank and commune is not None:
        # What `apply_organisation_data` would do; done here so that a second import sees no change.
        lat, lon = commune.latitude, commune.longitude
    fields["latitude"], fields["longitude"] = lat, lon


def _simple_fields(row: _Row) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    name = row.parse("nom", spec.bounded_text(200))
    if name == "":
        row.error("nom", "valeur obligatoire")
    fields["name"] = name
    raw_kind = x.text(row.raw("type"))
    if raw_kind:
        fields["kind"] = row.parse("type", lambda v: spec.KINDS.parse(x.text(v)))
    else:
        row.error("type", "valeur obligatoire")
    for column, (name_of_field, max_length) in spec.TEXT_FIELDS.items():
        if row.has(column):
            fields[name_of_field] = row.parse(column, spec.bounded_text(max_length))
    parsers: dict[str, tuple[str, Callable[[x.Cell], Any]]] = {
        "siret": ("siret", spec.siret),
        "code_postal": ("postcode", spec.postcode),
        "email": ("email", spec.email),
        "site_web": ("website", spec.website),
        "membre_collectif": ("national_collective_member", lambda v: bool(x.boolean(v))),
        "partenaire_acse": ("acse_partner", lambda v: bool(x.boolean(v))),
        "publiee": ("is_published", lambda v: x.boolean(v) is not False),
        "agrement_parcours_sortie": ("exit_pathway_approved_on", x.date),
        "places_reservees_acse": ("acse_reserved_places", spec.reserved_places),
        "places": ("capacity_places", spec.places),
        "places_libres": ("capacity_free_places", spec.places),
    }
    for column, (name_of_field, parser) in parsers.items():
        if row.has(column):
            fields[name_of_field] = row.parse(column, parser)
    return fields


def _visibility(row: _Row, fields: dict[str, Any], creating: bool) -> None:
    """Set the address visibility; blank means the default: shelters show their département only."""
    if not (row.has("visibilite_adresse") or creating):
        return
    raw = x.text(row.raw("visibilite_adresse"))
    if raw:
        token = row.parse("visibilite_adresse", lambda v: spec.VISIBILITIES.parse(x.text(v)))
        fields["address_visibility"] = spec.VISIBILITY_CODES.get(token or "", AddressVisibility.PUBLIC)
    elif fields.get("kind") == Kind.SHELTER:
        fields["address_visibility"] = AddressVisibility.DEPARTEMENT
    else:
        fields["address_visibility"] = AddressVisibility.PUBLIC


def _parse_row(row: _Row, ctx: _Context) -> tuple[OrganisationData, tuple[Any, ...] | None, int | None]:
    """Parse a row; return its data, its match key (None if unknown) and the organisation it updates."""
    fields = _simple_fields(row)
    _location(row, ctx, fields)
    # A list column absent from the file leaves the organisation's list alone (None).
    services = row.parse_present("services", spec.SERVICES.parse_many)
    forms = row.parse_present("formes_exploitation", spec.EXPLOITATION_FORMS.parse_many)
    languages = row.parse_present("langues", spec.languages)
    key, target_id = _match(row, ctx, fields)
    _visibility(row, fields, creating=target_id is None)
    _check_places(row, fields, ctx.organisations.get(target_id) if target_id else None)
    return OrganisationData(fields, services, forms, languages), key, target_id


def _match(row: _Row, ctx: _Context, fields: dict[str, Any]) -> tuple[tuple[Any, ...] | None, int | None]:
    """Find the organisation a row updates: by identifiant, else by SIRET, else by name and place.

    Return the row's match key (rows with the same key are duplicates) and the organisation's id.
    """
    identifier = row.parse("identifiant", spec.identifier)
    if identifier is not None:
        if identifier not in ctx.organisations:
            row.error("identifiant", "aucune organisation n'a cet identifiant")
            return None, None
        return ("identifiant", identifier), identifier
    siret = fields.get("siret")
    if not siret:
        return _match_by_name(row, ctx, fields, without_siret=False)
    matches = ctx.by_siret.get(siret, [])
    if len(matches) > 1:
        row.error("siret", "plusieurs organisations ont ce SIRET : indiquez l'identifiant")
        return ("siret", siret), None
    if matches:
        return ("siret", siret), matches[0].pk
    # An organisation entered without its SIRET is found by its name and place, and gets it.
    return ("siret", siret), _match_by_name(row, ctx, fields, without_siret=True)[1]


def _match_by_name(
    row: _Row, ctx: _Context, fields: dict[str, Any], *, without_siret: bool
) -> tuple[tuple[Any, ...] | None, int | None]:
    name, commune, departement = fields.get("name"), fields.get("commune"), fields.get("departement")
    if not name or departement is None:
        return None, None
    candidates = [o for o in ctx.by_name.get(fold(name), []) if not (without_siret and o.siret)]
    if commune is not None:
        place = f"commune {commune.code}"
        matches = [o for o in candidates if o.commune_id == commune.code]
    else:
        place = f"département {departement.code}"
        matches = [o for o in candidates if o.departement_id == departement.code]
    if len(matches) > 1:
        row.error("nom", f"plusieurs organisations portent ce nom ({place}) : indiquez l'identifiant")
    return ("nom", fold(name), place), matches[0].pk if len(matches) == 1 else None


def _check_places(row: _Row, fields: dict[str, Any], target: Organisation | None) -> None:
    places = fields["capacity_places"] if row.has("places") else getattr(target, "capacity_places", None)
    free = fields["capacity_free_places"] if row.has("places_libres") else getattr(target, "capacity_free_places", None)
    if places is not None and free is not None and free > places:
        column = "places_libres" if row.has("places_libres") else "places"
        row.error(column, f"les places libres ({free}) dépassent le nombre de places ({places})")


def _header_errors(headers: list[str], table: x.Table) -> tuple[dict[int, str], list[x.RowError]]:
    """Map column positions to spec names; report unknown, repeated and missing columns."""
    positions: dict[int, str] = {}
    errors: list[x.RowError] = []
    for index, header in enumerate(headers):
        name = fold(header).replace(" ", "_")
        if not name:
            if any(index < len(cells) and not x.is_blank(cells[index]) for _, cells in table.rows):
                errors.append(x.RowError(1, f"n° {index + 1}", "", "colonne sans en-tête"))
        elif name not in spec.COLUMN_NAMES:
            errors.append(x.RowError(1, header, "", "colonne inconnue (voir la liste des colonnes possibles)"))
        elif name in positions.values():
            errors.append(x.RowError(1, header, "", "colonne en double"))
        else:
            positions[index] = name
    present = set(positions.values())
    for column in spec.COLUMNS:
        if column.required and column.name not in present:
            errors.append(x.RowError(1, column.name, "", "colonne obligatoire absente"))
    if not present & set(spec.LOCATION_COLUMNS):
        errors.append(x.RowError(1, "departement", "", "colonne obligatoire absente (ou commune_insee, ou commune)"))
    return positions, errors


def _rows(table: x.Table, positions: dict[int, str], errors: list[x.RowError]) -> list[_Row]:
    rows = []
    for number, cells in table.rows:
        row = _Row(number, {name: cells[i] if i < len(cells) else None for i, name in positions.items()}, errors)
        if any(not x.is_blank(c) for c in cells[len(table.headers) :]):
            row.error("", "la ligne a plus de cellules que l'en-tête n'a de colonnes")
        rows.append(row)
    return rows


def _read(source: bytes | str | Path, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, filename or "import.csv"
    path = Path(source)
    return path.read_bytes(), filename or path.name


def validate_file(source: bytes | str | Path, filename: str | None = None) -> ImportReport:
    """Parse and check every row of a file; write nothing."""
    data, name = _read(source, filename)
    report = ImportReport(filename=name, sha256=hashlib.sha256(data).hexdigest())
    try:
        table = x.read_table(data, name)
    except x.ExchangeError as exc:
        report.errors.append(x.RowError(0, "", "", str(exc)))
        return report
    report.total_rows = len(table.rows)
    positions, header_errors = _header_errors(table.headers, table)
    report.errors.extend(header_errors)
    if any(e.message.startswith("colonne obligatoire") for e in header_errors):
        return report
    rows = _rows(table, positions, report.errors)
    ctx = _load_context(rows)
    first_seen: dict[Any, int] = {}
    for row in rows:
        data_row, key, target_id = _parse_row(row, ctx)
        for seen in (key, ("target", target_id) if target_id else None):
            if seen is None:
                continue
            if seen in first_seen:
                column = key[0] if key else "nom"
                row.error(column, f"cette organisation figure déjà à la ligne {first_seen[seen]}")
                break
            first_seen[seen] = row.number
        if not row.failed:
            report.rows.append(ImportRow(row.number, data_row, target_id))
    order = {name: i for i, name in enumerate(spec.COLUMN_NAMES)}
    report.errors.sort(key=lambda e: (e.row, order.get(e.column, -1)))
    return report
