"""Export the directory as CSV or XLSX, locations blanked for those who may not see them."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from egide.core import exchange as x
from egide.core.audit import record_event
from egide.core.models import AuditKind
from egide.organisations import policies, selectors
from egide.organisations.exchange import columns as spec
from egide.organisations.models import Organisation
from egide.organisations.vocabulary import AddressVisibility


def _yes_no(value: bool) -> str:
    return "oui" if value else "non"


def export_row(user: Any, org: Organisation) -> list[x.Cell]:
    """Return an organisation as a row of `spec.COLUMNS`, locations blanked for those who may not see them."""
    where = selectors.location_for(user, org)
    exact = where is not None and where.exact
    return [
        org.pk,
        org.name,
        org.acronym,
        org.kind,
        org.siret,
        org.address if exact else "",
        org.postcode if exact else "",
        (org.commune_id or "") if exact else "",
        org.commune.name if exact and org.commune else "",
        where.departement_code if where else "",
        org.latitude if exact else None,
        org.longitude if exact else None,
        spec.VISIBILITY_TOKENS[AddressVisibility(org.address_visibility)],
        org.phone,
        org.email,
        org.website,
        org.hotline,
        org.opening_hours,
        "; ".join(org.service_codes()),
        "; ".join(org.exploitation_form_codes()),
        "; ".join(org.language_codes()),
        _yes_no(org.national_collective_member),
        org.exit_pathway_approved_on,
        _yes_no(org.acse_partner),
        org.acse_reserved_places,
        org.capacity_places,
        org.capacity_free_places,
        _yes_no(org.is_published),
        org.description,
    ]


def _code_rows() -> Iterable[list[x.Cell]]:
    lists = (
        ("type", spec.KINDS),
        ("services", spec.SERVICES),
        ("formes_exploitation", spec.EXPLOITATION_FORMS),
        ("visibilite_adresse", spec.VISIBILITIES),
    )
    for column, codes in lists:
        for value, label in codes.choices:
            yield [column, value, label]


@dataclass(frozen=True)
class Export:
    content: bytes
    filename: str
    content_type: str


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_organisations(user: Any, filters: selectors.OrganisationFilters, fmt: str) -> Export:
    """Write the organisations the user may see, with the directory's filters; audit the export."""
    if not policies.can_export(user):
        raise PermissionDenied("Export des organisations non autorisé.")
    # The départements' boundaries are large and not exported.
    organisations = list(selectors.search_organisations(user, filters).defer("departement__geometry"))
    rows = [export_row(user, org) for org in organisations]
    if fmt == "xlsx":
        text_columns = frozenset(i for i, c in enumerate(spec.COLUMNS) if c.as_text)
        content = x.write_xlsx(
            [
                x.Sheet("Organisations", spec.COLUMN_NAMES, rows, [c.width for c in spec.COLUMNS], text_columns),
                x.Sheet("Codes", ["colonne", "code", "libellé"], _code_rows(), [22, 24, 50]),
            ]
        )
    else:
        content = x.write_csv(spec.COLUMN_NAMES, rows)
    confidential = sum(
        1 for org in organisations if not org.address_is_public and policies.can_view_confidential_location(user, org)
    )
    with transaction.atomic():
        record_event(
            "organisation.export",
            actor=user,
            kind=AuditKind.ACCESS,
            extra={"format": fmt, "rows": len(rows), "confidential_locations": confidential},
        )
    filename = f"organisations-{timezone.localdate():%Y-%m-%d}.{fmt}"
    return Export(content, filename, CONTENT_TYPES[fmt])
