"""Export of one case file as JSON or PDF, for someone who re-entered their password.

The export goes through the same masking as the pages; what it contains is decided here
once, and both formats render the same dictionary.
"""

import json
from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from egide.cases import consent, minors, selectors, status
from egide.cases.masking import mask_identity, masked_fields
from egide.cases.models import Case
from egide.core.audit import record_event
from egide.core.crypto import DecryptionError
from egide.core.iso import country_name

FORMATS = {"json": "application/json", "pdf": "application/pdf"}


def password_confirmed(request: HttpRequest, password: str) -> bool:
    """Check the password through the authentication backends, so that django-axes counts failures."""
    user: Any = request.user
    checked = authenticate(request, username=user.get_username(), password=password)
    return checked is not None and checked.pk == user.pk


def record_refusal(user: Any, case: Case) -> None:
    with transaction.atomic(durable=True):
        record_event(
            "case.export_refused", actor=user, organisation_id=case.organisation_id, target=case,
            reason="mot de passe incorrect",
        )  # fmt: skip


def case_data(user: Any, case: Case) -> dict[str, Any]:
    """Return what the export holds, masked for `user`."""
    try:
        identity = mask_identity(user, case, selectors.identity_of(case.person))
        identity_data: dict[str, Any] | None = identity.to_dict()
        notes = selectors.notes_of(case.person)
    except DecryptionError:
        identity_data, notes = None, ""
    return {
        "reference": case.reference, "organisation": case.organisation.name,
        "status": case.status, "opened_on": _iso(case.opened_on), "closed_on": _iso(case.closed_on),
        "assigned_to": str(case.assigned_to) if case.assigned_to else None,
        "age_status": case.age_status, "sealed": case.sealed, "seal_reason": case.seal_reason,
        "sex": case.person.sex, "exploitation_forms": [f.code for f in case.exploitation_forms.all()],
        "identity": identity_data, "notes": notes,
        "consents": [
            {"purpose": c.purpose, "text_version": c.text.version, "given": c.given, "recorded_on": _iso(c.recorded_on),
             "recipient": c.recipient.name if c.recipient else None, "withdrawn_on": _iso(c.withdrawn_on)}
            for c in consent.consents_of(case)
        ],
        "status_decisions": [
            {"status": d.status, "authority": d.authority, "decided_on": _iso(d.decided_on),
             "document_reference": d.document_reference, "counts": d.counts}
            for d in status.decisions_of(case)
        ],
        "age_assessments": [
            {"assessed_on": _iso(a.assessed_on), "outcome": a.outcome} for a in case.age_assessments.all()
        ],
        "child_welfare_referrals": [
            {"departement": r.departement.code, "referred_on": _iso(r.referred_on), "reference": r.reference}
            for r in case.ase_referrals.select_related("departement")
        ],
        "guardians": [
            {"kind": g.kind, "name": minors.guardian_name(g), "appointed_on": _iso(g.appointed_on)}
            for g in case.guardians.select_related("case__person__data_key")
        ],
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "exported_by": user.get_username(),
    }  # fmt: skip


def _iso(day: Any) -> str | None:
    return day.isoformat() if day else None


def render_export(user: Any, case: Case, fmt: str) -> bytes:
    """Return the export in `fmt` and record it, in the same transaction as its audit event."""
    data = case_data(user, case)
    content = json.dumps(data, ensure_ascii=False, indent=2).encode() if fmt == "json" else _pdf(data)
    with transaction.atomic(durable=True):
        record_event(
            "case.export", actor=user, organisation_id=case.organisation_id, target=case,
            extra={"reference": case.reference, "format": fmt, "masked": sorted(masked_fields(user, case))},
        )  # fmt: skip
    return content


def _pdf(data: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # Imported here: loading pango is slow and only exports need it.

    html = render_to_string("cases/export_pdf.html", {
        "data": data, "nationalities": [country_name(c) for c in (data["identity"] or {}).get("nationalities", [])],
    })  # fmt: skip
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
