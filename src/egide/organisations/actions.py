"""Writes to the directory. Each `do_*` runs in one transaction with its audit event."""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from egide.core.audit import record_event
from egide.core.models import Commune
from egide.core.text import fold
from egide.organisations.models import (
    Organisation,
    OrganisationExploitationForm,
    OrganisationLanguage,
    OrganisationService,
)
from egide.organisations.vocabulary import AddressVisibility, Service

# Fields whose values may be confidential: the audit keeps their names, never their values.
CONFIDENTIAL_FIELDS = {"address", "postcode", "commune", "latitude", "longitude"}


@dataclass
class OrganisationData:
    """What a form, an import row or an API call sets on an organisation."""

    fields: dict[str, Any]
    services: list[str] | None = None
    exploitation_forms: list[str] | None = None
    languages: list[str] | None = None
    changed: list[str] = field(default_factory=list)


def _search_text(org: Organisation) -> str:
    codes = OrganisationService.objects.filter(organisation=org).values_list("code", flat=True)
    services = " ".join(str(Service(code).label) for code in codes)
    # A confidential place must not be findable by searching for it: the commune only when the
    # address is public, the département unless the organisation has no public location at all.
    commune = org.commune.name if org.commune and org.address_is_public else ""
    departement = "" if org.address_visibility == AddressVisibility.HIDDEN else org.departement.name
    parts = [org.name, org.acronym, commune, departement, services]
    return fold(" ".join(parts))


def _place(org: Organisation) -> None:
    """Derive the département from the commune; put an organisation without coordinates at its commune."""
    commune: Commune | None = org.commune
    if commune is None:
        return
    org.departement_id = commune.departement_id
    if org.latitude is None or org.longitude is None:
        org.latitude, org.longitude = commune.latitude, commune.longitude


def _replace_codes(org: Organisation, model: type[Any], codes: list[str] | None) -> bool:
    if codes is None:
        return False
    current = set(model.objects.filter(organisation=org).values_list("code", flat=True))
    wanted = set(codes)
    if current == wanted:
        return False
    model.objects.filter(organisation=org).exclude(code__in=wanted).delete()
    model.objects.bulk_create([model(organisation=org, code=c) for c in sorted(wanted - current)])
    return True


def apply_organisation_data(org: Organisation, data: OrganisationData) -> list[str]:
    """Set fields and code lists on `org` and save; return the names of what changed.

    Runs inside the caller's transaction; the caller records the audit event.
    """
    is_new = org.pk is None
    changed = list(data.fields) if is_new else [n for n, v in data.fields.items() if getattr(org, n) != v]
    for name in changed:
        setattr(org, name, data.fields[name])
    if {"capacity_places", "capacity_free_places"} & set(changed):
        org.capacity_updated_at = timezone.now()
    _place(org)
    saved = is_new or bool(changed)
    if saved:
        org.save()
    if _replace_codes(org, OrganisationService, data.services):
        changed.append("services")
    if _replace_codes(org, OrganisationExploitationForm, data.exploitation_forms):
        changed.append("exploitation_forms")
    if _replace_codes(org, OrganisationLanguage, data.languages):
        changed.append("languages")
    search_text = _search_text(org)
    if search_text != org.search_text or (changed and not saved):
        # `updated_at` dates every change, code lists included: the API's ETag and Last-Modified rely on it.
        org.search_text, org.updated_at = search_text, timezone.now()
        Organisation.objects.filter(pk=org.pk).update(search_text=search_text, updated_at=org.updated_at)
    return changed


def _audit_extra(changed: list[str]) -> dict[str, Any]:
    return {"fields": sorted(changed), "confidential_fields_changed": sorted(CONFIDENTIAL_FIELDS & set(changed))}


def do_create_organisation(data: OrganisationData, *, acting_user: Any) -> Organisation:
    with transaction.atomic(durable=True):
        org = Organisation()
        changed = apply_organisation_data(org, data)
        record_event(
            "organisation.create", actor=acting_user, organisation_id=org.pk, target=org, extra=_audit_extra(changed)
        )
    return org


def do_update_organisation(org: Organisation, data: OrganisationData, *, acting_user: Any) -> list[str]:
    """Update an organisation; an unchanged submission writes nothing, not even an event."""
    with transaction.atomic(durable=True):
        org = Organisation.objects.select_for_update().get(pk=org.pk)
        changed = apply_organisation_data(org, data)
        if changed:
            record_event(
                "organisation.update",
                actor=acting_user,
                organisation_id=org.pk,
                target=org,
                extra=_audit_extra(changed),
            )
    return changed
