"""Import an HTCDS file (the IOM Excel template, or an Égide export) into an organisation's cases.

`validate_htcds` checks every cell and reports each problem with its row, column and French
reason, writing nothing. `do_import_htcds` then creates or updates the cases of every valid
row in one transaction, or nothing. A row is found again by its key: the case reference
(`fra_CaseReference`) when the file has one, otherwise the file's content and the row's
number, so that importing the same file twice changes nothing.
"""

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pycountry
from django.core.exceptions import PermissionDenied
from django.db import transaction

from egide.accounts.roles import Cap
from egide.cases import actions, policies
from egide.cases.htcds import mapping as m
from egide.cases.identity import Identity
from egide.cases.models import Case, CaseProfile, Person
from egide.cases.profile import ProfileData, apply_profile, profile_data_of
from egide.cases.vocabulary import (
    AdministrativeStatus,
    ComplaintService,
    ExploitedInFrance,
    RelationshipToTrafficker,
    Sex,
    YesNoUnknown,
)
from egide.core import exchange as x
from egide.core.audit import record_event
from egide.core.iso import canonical_language
from egide.core.text import fold
from egide.organisations.models import Organisation
from egide.organisations.vocabulary import ExploitationForm

T = TypeVar("T")
_KNOWN = {fold(n): n for n in (*m.CASE_COLUMN_NAMES, *m.IGNORED_COLUMNS, *m.LANGUAGE_COLUMNS)}
_KNOWN |= {fold(alias): name for alias, name in m.COLUMN_ALIASES.items()}
_SEPARATORS = re.compile(r"[;,]")


class ImportRefused(Exception):  # noqa: N818  (a refusal, with its reason in French)
    """The report holds errors and the user did not choose to import the valid rows."""


@dataclass(frozen=True)
class ImportRow:
    row: int
    key: str
    sex: str
    profile: ProfileData
    case_id: int | None  # the case the row updates; None creates one


@dataclass
class ImportReport(x.ReportCounts):
    filename: str
    sha256: str
    organisation_id: int
    total_rows: int = 0
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[x.RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    keyed_by_reference: bool = False

    @property
    def creations(self) -> int:
        return sum(1 for r in self.rows if r.case_id is None)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    rejected: int


class _CodeParser:
    """Codes of one column, recognised by code or label, case and accents aside."""

    def __init__(self, mapping: dict[str, str], labels: dict[str, str] | None = None) -> None:
        self.lookup = {fold(k): v for k, v in mapping.items()}
        for code, label in (labels or {}).items():
            if code in mapping:
                self.lookup.setdefault(fold(label), mapping[code])

    def one(self, raw: str) -> str:
        found = self.lookup.get(fold(raw))
        if found is None:
            raise x.InvalidCell(f"valeur inconnue « {raw} » (voir la liste des codes dans la documentation HTCDS)")
        return found

    def many(self, value: x.Cell) -> list[str]:
        """Split on « ; » or « , » (or on spaces, as XLSForm writes lists); report every unknown value."""
        found, unknown = set(), []
        for item in (i.strip() for i in _SEPARATORS.split(x.text(value)) if i.strip()):
            parts = [item] if fold(item) in self.lookup else item.split()
            for part in parts:
                if fold(part) in self.lookup:
                    found.add(self.lookup[fold(part)])
                else:
                    unknown.append(part)
        if unknown:
            raise x.InvalidCell("valeur(s) inconnue(s) : " + ", ".join(f"« {u} »" for u in unknown))
        return sorted(found)


def _choices(choices: Any) -> _CodeParser:
    return _CodeParser({c: c for c in choices.values}, {c: str(label) for c, label in choices.choices})


PARSERS = {
    "prs_Gender": _CodeParser(m.GENDER_IMPORT, m.HTCDS_LABELS),
    "vic_RelationshipToTrafficker": _CodeParser(m.RELATIONSHIP_IMPORT, m.HTCDS_LABELS),
    "vic_MethodOfRecruitment": _CodeParser(m.column("vic_MethodOfRecruitment").codes, m.HTCDS_LABELS),
    "vic_MethodsOfControl": _CodeParser(m.column("vic_MethodsOfControl").codes, m.HTCDS_LABELS),
    "vic_TypeOfExploitation": _CodeParser(m.EXPLOITATION_TYPE_IMPORT, m.HTCDS_LABELS),
    "fra_FormsOfExploitation": _choices(ExploitationForm),
    "fra_RelationshipToTrafficker": _choices(RelationshipToTrafficker),
    "fra_ExploitedInFrance": _choices(ExploitedInFrance),
    "fra_MinorAtStart": _choices(YesNoUnknown),
    "fra_AdministrativeStatus": _choices(AdministrativeStatus),
    "fra_ComplaintFiled": _choices(YesNoUnknown),
    "fra_ComplaintService": _choices(ComplaintService),
}


def _countries(value: x.Cell) -> list[str]:
    found, unknown = set(), []
    for item in (i.strip() for i in re.split(r"[;,\s]+", x.text(value)) if i.strip()):
        country = pycountry.countries.get(alpha_2=item.upper()) if len(item) == 2 else None
        country = country or (pycountry.countries.get(alpha_3=item.upper()) if len(item) == 3 else None)
        if country is None:
            unknown.append(item)
        else:
            found.add(str(country.alpha_3))
    if unknown:
        raise x.InvalidCell("code(s) de pays ISO 3166 inconnu(s) : " + ", ".join(f"« {u} »" for u in unknown))
    return sorted(found)


def _languages(value: x.Cell) -> list[str]:
    found, unknown = set(), []
    for item in (i.strip() for i in re.split(r"[;,\s]+", x.text(value)) if i.strip()):
        code = canonical_language(item)
        if code is None:
            unknown.append(item)
        else:
            found.add(code)
    if unknown:
        raise x.InvalidCell("code(s) de langue ISO 639 inconnu(s) : " + ", ".join(f"« {u} »" for u in unknown))
    return sorted(found)


class _Row:
    def __init__(self, number: int, cells: dict[str, x.Cell], errors: list[x.RowError]) -> None:
        self.number, self.cells, self.errors, self.failed = number, cells, errors, False

    def raw(self, column: str) -> x.Cell:
        return self.cells.get(column)

    def blank(self, column: str) -> bool:
        return x.is_blank(self.raw(column))

    def parse(self, column: str, parser: Callable[[x.Cell], T], default: T) -> T:
        if self.blank(column):
            return default
        try:
            return parser(self.raw(column))
        except x.InvalidCell as exc:
            self.failed = True
            self.errors.append(x.RowError(self.number, column, x.text(self.raw(column))[:80], str(exc)))
            return default

    def code(self, column: str, default: str) -> str:
        parser = PARSERS[column]
        return self.parse(column, lambda v: parser.one(x.text(v)), default)

    def codes(self, column: str) -> list[str]:
        return self.parse(column, PARSERS[column].many, [])


def _profile(row: _Row) -> tuple[str, ProfileData]:
    """Parse the row's sex and profile; the finer `fra_` columns win over the HTCDS ones."""
    sex = row.code("prs_Gender", Sex.UNKNOWN)
    forms = row.codes("vic_TypeOfExploitation")
    if not row.blank("fra_FormsOfExploitation"):
        forms = row.codes("fra_FormsOfExploitation")
    relationship = row.code("vic_RelationshipToTrafficker", "")
    if not row.blank("fra_RelationshipToTrafficker"):
        relationship = row.code("fra_RelationshipToTrafficker", "")
    no_languages: list[str] = []
    languages = set(row.parse("fra_Languages", _languages, no_languages))
    for column in m.LANGUAGE_COLUMNS:
        languages |= set(row.parse(column, _languages, no_languages))
    data = ProfileData(
        exploitation_forms=tuple(forms),
        control_means=tuple(row.codes("vic_MethodsOfControl")),
        recruitment_methods=tuple(row.codes("vic_MethodOfRecruitment")),
        relationship_to_trafficker=relationship,
        exploited_in_france=row.code("fra_ExploitedInFrance", ExploitedInFrance.UNKNOWN),
        minor_at_start=row.code("fra_MinorAtStart", YesNoUnknown.UNKNOWN),
        nationalities=tuple(row.parse("prs_Citizenship", _countries, [])),
        languages=tuple(languages),
        administrative_status=row.code("fra_AdministrativeStatus", AdministrativeStatus.UNKNOWN),
        complaint_filed=row.code("fra_ComplaintFiled", YesNoUnknown.UNKNOWN),
        complaint_date=row.parse("fra_ComplaintDate", x.date, None),
        complaint_service=row.code("fra_ComplaintService", ""),
    )
    columns = {"complaint_date": "fra_ComplaintDate", "complaint_service": "fra_ComplaintService"}
    if not row.failed:
        for name, message in data.errors().items():
            column = columns.get(name, "")
            row.failed = True
            row.errors.append(
                x.RowError(row.number, column, x.text(row.raw(column))[:80], message[:1].lower() + message[1:])
            )
    return sex, data


def _headers(table: x.Table, report: ImportReport) -> dict[int, str]:
    """Map positions to canonical column names; unnamed columns of row numbers or blanks are left aside."""
    positions: dict[int, str] = {}
    for index, header in enumerate(table.headers):
        if not header:
            values = [cells[index] for _, cells in table.rows if index < len(cells) and not x.is_blank(cells[index])]
            if any(not isinstance(v, int | float) for v in values):
                report.errors.append(x.RowError(1, f"n° {index + 1}", "", "colonne sans en-tête"))
            continue
        name = _KNOWN.get(fold(header))
        if name is None:
            report.errors.append(
                x.RowError(1, header, "", "colonne inconnue : ni un champ HTCDS v2.0, ni une extension fra_")
            )
        elif name in positions.values():
            report.errors.append(x.RowError(1, header, "", "colonne en double"))
        else:
            positions[index] = name
            if name in m.IGNORED_COLUMNS or (name in m.CASE_COLUMN_NAMES and not m.column(name).imported):
                report.ignored_columns.append(name)
    return positions


def _is_label_row(cells: dict[str, x.Cell]) -> bool:
    """The IOM template repeats its columns' English labels on the row under the names."""
    filled = {k: fold(x.text(v)) for k, v in cells.items() if not x.is_blank(v)}
    labels = {"prs_Gender": "gender", "vic_TypeOfExploitation": "type of exploitation", "cas_Status": "status",
              "prs_FirstName": "first name", "prs_Citizenship": "citizenship"}  # fmt: skip
    return bool(filled) and any(filled.get(k) == v for k, v in labels.items())


def _key(row: _Row, fingerprint: str, organisation: Organisation) -> tuple[str, str]:
    """Return the row's import key and the reference it gives, if any."""
    reference = x.text(row.raw(m.REFERENCE_COLUMN))
    if reference:
        origin = fold(x.text(row.raw("org_Name"))) or fold(organisation.name)
        return f"ref:{origin}:{reference}"[:100], reference
    return f"file:{fingerprint}:{row.number}", ""


def _target(key: str, reference: str, row: _Row, organisation: Organisation) -> int | None:
    """Find the case a row updates: an earlier import of the same key, or the organisation's own reference."""
    found = CaseProfile.objects.filter(case__organisation=organisation, import_key=key).values_list(
        "case_id", flat=True
    )
    if found:
        return found[0]
    same_organisation = fold(x.text(row.raw("org_Name"))) in {"", fold(organisation.name)}
    if reference and same_organisation:
        case = Case.objects.filter(organisation=organisation, reference=reference).values_list("pk", flat=True)
        return case[0] if case else None
    return None


def _fingerprint(table: x.Table, positions: dict[int, str]) -> str:
    digest = hashlib.sha256()
    for _, cells in table.rows:
        digest.update(repr([x.text(cells[i]) if i < len(cells) else "" for i in sorted(positions)]).encode())
    return digest.hexdigest()[:40]


def validate_htcds(data: bytes, filename: str, organisation: Organisation) -> ImportReport:
    """Parse and check every cell of an HTCDS file for `organisation`; write nothing."""
    report = ImportReport(filename, hashlib.sha256(data).hexdigest(), organisation.pk)
    try:
        table = x.read_table(data, filename)
    except x.ExchangeError as exc:
        report.errors.append(x.RowError(0, "", "", str(exc)))
        return report
    positions = _headers(table, report)
    if report.blocking:
        return report
    fingerprint = _fingerprint(table, positions)
    report.keyed_by_reference = m.REFERENCE_COLUMN in positions.values()
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        named = {name: cells[i] if i < len(cells) else None for i, name in positions.items()}
        if all(x.is_blank(v) for v in named.values()) or _is_label_row(named):
            continue
        report.total_rows += 1
        row = _Row(number, named, report.errors)
        sex, profile = _profile(row)
        key, reference = _key(row, fingerprint, organisation)
        if key in seen:
            row.failed = True
            report.errors.append(
                x.RowError(number, m.REFERENCE_COLUMN, reference, f"ce dossier figure déjà à la ligne {seen[key]}")
            )
        seen.setdefault(key, number)
        if not row.failed:
            report.rows.append(ImportRow(number, key, sex, profile, _target(key, reference, row, organisation)))
    return report


def _apply(row: ImportRow, organisation: Organisation, actor: Any) -> str:
    if row.case_id is None:
        case = actions.open_case(
            organisation, Identity(), row.sex, row.profile.exploitation_forms, acting_user=actor,
            nationalities=row.profile.nationalities, source="htcds_import",
        )  # fmt: skip
        changed = apply_profile(case, row.profile, import_key=row.key)
        _audit(case, changed, actor)
        return "created"
    case = Case.objects.select_for_update().select_related("person").get(pk=row.case_id, organisation=organisation)
    changed = [] if profile_data_of(case) == row.profile else apply_profile(case, row.profile)
    if case.person.sex != row.sex:
        Person.objects.filter(pk=case.person_id).update(sex=row.sex)
        changed.append("sex")
    if not changed:
        return "unchanged"
    _audit(case, changed, actor)
    return "updated"


def _audit(case: Case, changed: list[str], actor: Any) -> None:
    record_event(
        "case.profile_update", actor=actor, organisation_id=case.organisation_id, target=case,
        extra={"reference": case.reference, "fields": sorted(changed), "source": "htcds_import"},
    )  # fmt: skip


def do_import_htcds(report: ImportReport, *, acting_user: Any, import_valid_rows: bool = False) -> ImportResult:
    """Apply every valid row of a validated report in one transaction, with its audit events, or nothing."""
    org_id = report.organisation_id
    if not (
        acting_user.has_capability_in(Cap.CASE_HTCDS_EXCHANGE, org_id) and policies.can_create_in(acting_user, org_id)
    ):
        raise PermissionDenied("Import HTCDS non autorisé dans cette organisation.")
    if report.blocking:
        raise ImportRefused("Le fichier ne peut pas être importé : corrigez les erreurs signalées sur le fichier.")
    if report.has_errors and not import_valid_rows:
        raise ImportRefused("Le fichier contient des erreurs : rien n'a été importé.")
    outcomes: Counter[str] = Counter()
    with transaction.atomic(durable=True):
        organisation = Organisation.objects.select_for_update().get(pk=org_id)
        for row in report.rows:
            outcomes[_apply(row, organisation, acting_user)] += 1
        result = ImportResult(outcomes["created"], outcomes["updated"], outcomes["unchanged"], report.rejected_rows)
        record_event(
            "case.htcds_import", actor=acting_user, organisation_id=org_id,
            extra={"file_sha256": report.sha256, "rows": report.total_rows, "created": result.created,
                   "updated": result.updated, "unchanged": result.unchanged, "rejected": result.rejected,
                   "valid_rows_only": report.has_errors, "htcds_version": m.HTCDS_VERSION},
        )  # fmt: skip
    return result
