"""Write a validated organisations file to the directory: every valid row in one transaction, or nothing."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from egide.core import exchange as x
from egide.core.audit import record_event
from egide.organisations import policies
from egide.organisations.actions import CONFIDENTIAL_FIELDS, OrganisationData, apply_organisation_data
from egide.organisations.exchange.validation import ImportReport, ImportRow, chunks
from egide.organisations.models import (
    Organisation,
    OrganisationExploitationForm,
    OrganisationLanguage,
    OrganisationService,
)

IMPORT_ACTOR = x.SystemActor("egide import")

# Services, forms of exploitation and languages of each organisation, by organisation id.
_CodeSets = tuple[dict[int, set[str]], dict[int, set[str]], dict[int, set[str]]]


class ImportRefused(Exception):  # noqa: N818  (a refusal, with its reason in French)
    """The report holds errors and the user did not choose to import the valid rows."""


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    rejected: int


def _audit_extra(changed: list[str]) -> dict[str, Any]:
    return {
        "fields": sorted(changed),
        "confidential_fields_changed": sorted(CONFIDENTIAL_FIELDS & set(changed)),
        "source": "import",
    }


def _lock_targets(ids: list[int]) -> dict[int, Organisation]:
    targets = (
        Organisation.objects.select_for_update(of=("self",))
        .select_related("commune", "departement")
        .defer("departement__geometry")
    )
    return {o.pk: o for chunk in chunks(ids) for o in targets.filter(pk__in=chunk)}


def _current_codes(ids: list[int]) -> _CodeSets:
    result: _CodeSets = (defaultdict(set), defaultdict(set), defaultdict(set))
    models: tuple[type[Any], ...] = (OrganisationService, OrganisationExploitationForm, OrganisationLanguage)
    for found, model in zip(result, models, strict=True):
        for chunk in chunks(ids):
            for org_id, code in model.objects.filter(organisation_id__in=chunk).values_list("organisation_id", "code"):
                found[org_id].add(code)
    return result


def _unchanged(org: Organisation, data: OrganisationData, codes: _CodeSets) -> bool:
    """Tell, without a query, that applying `data` would change nothing.

    Re-importing a file is the common case; this spares each unchanged row the queries of
    `apply_organisation_data`.
    """
    if any(getattr(org, name) != value for name, value in data.fields.items()):
        return False
    wanted = (data.services, data.exploitation_forms, data.languages)
    return all(w is None or set(w) == current[org.pk] for w, current in zip(wanted, codes, strict=True))


def _audit(action: str, org: Organisation, changed: list[str], actor: Any) -> None:
    record_event(action, actor=actor, organisation_id=org.pk, target=org, extra=_audit_extra(changed))


def _apply_row(row: ImportRow, existing: dict[int, Organisation], codes: _CodeSets, actor: Any) -> str:
    """Create or update the row's organisation with its audit event; return what happened."""
    if row.target_id is None:
        org = Organisation()
        _audit("organisation.create", org, apply_organisation_data(org, row.data), actor)
        return "created"
    target = existing.get(row.target_id)
    if target is None:
        raise ImportRefused(f"Ligne {row.row} : l'organisation {row.target_id} a été supprimée entre-temps.")
    if _unchanged(target, row.data, codes):
        return "unchanged"
    changed = apply_organisation_data(target, row.data)
    if not changed:
        return "unchanged"
    _audit("organisation.update", target, changed, actor)
    return "updated"


def do_import_organisations(report: ImportReport, *, acting_user: Any, import_valid_rows: bool = False) -> ImportResult:
    """Apply every valid row of a validated file in one transaction, with its audit events.

    A report with errors imports nothing unless `import_valid_rows` is set; errors about the
    file itself (unknown or missing columns) forbid any import. `acting_user` None means an
    operator's command, recorded as "egide import".
    """
    if acting_user is not None and not policies.can_import(acting_user):
        raise PermissionDenied("Import des organisations non autorisé.")
    if report.blocking:
        raise ImportRefused("Le fichier ne peut pas être importé : corrigez les erreurs signalées sur le fichier.")
    if report.has_errors and not import_valid_rows:
        raise ImportRefused("Le fichier contient des erreurs : rien n'a été importé.")
    actor: Any = acting_user if acting_user is not None else IMPORT_ACTOR
    outcomes: Counter[str] = Counter()
    with transaction.atomic(durable=True):
        ids = [r.target_id for r in report.rows if r.target_id is not None]
        existing, codes = _lock_targets(ids), _current_codes(ids)
        for row in report.rows:
            outcomes[_apply_row(row, existing, codes, actor)] += 1
        result = ImportResult(outcomes["created"], outcomes["updated"], outcomes["unchanged"], report.rejected_rows)
        record_event(
            "organisation.import",
            actor=actor,
            extra={
                "file_name": report.filename[:200],
                "file_sha256": report.sha256,
                "rows": report.total_rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rejected": result.rejected,
                "valid_rows_only": report.has_errors,
            },
        )
    return result
