"""Export the cases of an organisation in the HTCDS v2.0 layout, without any identity value."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pycountry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from egide.accounts.roles import Cap
from egide.cases import policies
from egide.cases.htcds import mapping as m
from egide.cases.models import (
    Case,
    CaseEvent,
    CaseProfile,
    Consent,
    PersonLanguage,
    PersonNationality,
    StatusDecision,
)
from egide.cases.vocabulary import ConsentPurpose
from egide.core import exchange as x
from egide.core.audit import record_event
from egide.core.models import AuditKind

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Export:
    content: bytes
    filename: str
    content_type: str
    rows: int


def exchange_organisations(user: Any) -> list[int]:
    """Organisations whose cases `user` may exchange in the HTCDS format."""
    readers = set(policies.organisation_ids(user, Cap.CASE_VIEW))
    return [o for o in policies.organisation_ids(user, Cap.CASE_HTCDS_EXCHANGE) if o in readers]


def alpha_2(alpha_3: str) -> str:
    country = pycountry.countries.get(alpha_3=alpha_3)
    return str(country.alpha_2) if country is not None else alpha_3


def _codes(column: str, values: Iterable[str]) -> str:
    codes = m.column(column).codes
    return ";".join(sorted({codes[v] for v in values}))


class _Facts:
    """Everything the rows need, loaded in a few queries for all the cases at once."""

    def __init__(self, cases: list[Case]) -> None:
        ids = [c.pk for c in cases]
        persons = [c.person_id for c in cases]
        self.profiles = {p.case_id: p for p in CaseProfile.objects.filter(case_id__in=ids)}
        self.nationalities = _grouped(PersonNationality.objects.filter(person_id__in=persons), "person_id")
        self.languages = _grouped(PersonLanguage.objects.filter(person_id__in=persons), "person_id")
        self.status: dict[int, StatusDecision] = {}
        decisions = StatusDecision.objects.filter(case_id__in=ids).counting()
        for decision in decisions.order_by("-decided_on", "-created_at", "-id"):
            self.status.setdefault(decision.case_id, decision)
        self.consent: dict[int, Consent] = {}
        consents = Consent.objects.filter(case_id__in=ids, purpose=ConsentPurpose.CASE_MANAGEMENT)
        for consent in consents.filter(recorded_on__lte=timezone.localdate()).order_by("-recorded_on", "-id"):
            self.consent.setdefault(consent.case_id, consent)

    def consents(self, case: Case) -> str:
        latest = self.consent.get(case.pk)
        if latest is None:
            return ""
        return "TRUE" if latest.given and not latest.is_withdrawn else "FALSE"


def _grouped(queryset: Any, key: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for owner, code in queryset.values_list(key, "code"):
        found[owner].append(code)
    return found


def case_row(case: Case, facts: _Facts) -> list[x.Cell]:
    profile = facts.profiles.get(case.pk) or CaseProfile(case=case)
    status = facts.status.get(case.pk)
    forms = [f.code for f in case.exploitation_forms.all()]
    relationship = profile.relationship_to_trafficker
    return [
        case.reference,
        case.organisation.name,
        m.GENDER[case.person.sex],
        ";".join(sorted(alpha_2(c) for c in facts.nationalities[case.person_id])),
        m.TRAFFICKING_STATUS[status.status] if status else "",
        m.DECISION_MAKING_ORG[status.authority] if status else "",
        m.RELATIONSHIP[relationship] if relationship else "",
        _codes("vic_MethodOfRecruitment", (r.code for r in case.recruitment_methods.all())),
        _codes("vic_MethodsOfControl", (c.code for c in case.control_means.all())),
        _codes("vic_TypeOfExploitation", forms),
        m.CASE_STATUS[case.status],
        facts.consents(case),
        ";".join(sorted(forms)),
        relationship,
        profile.exploited_in_france,
        profile.minor_at_start,
        case.age_status,
        ";".join(sorted(facts.languages[case.person_id])),
        profile.administrative_status,
        profile.complaint_filed,
        profile.complaint_date.isoformat() if profile.complaint_date else "",
        profile.complaint_service,
    ]


def event_row(event: CaseEvent) -> list[x.Cell]:
    commune = event.commune
    return [
        event.case.reference,
        event.kind,
        "FR" if commune is not None else alpha_2(event.country),
        commune.name if commune is not None else "",
        commune.code if commune is not None else "",
        event.start,
        event.end,
    ]


def export_htcds(user: Any, fmt: str) -> Export:
    """Write the cases of the user's organisations in the HTCDS layout; audit one access per organisation."""
    org_ids = exchange_organisations(user)
    if not org_ids:
        raise PermissionDenied("Échange HTCDS non autorisé.")
    cases = list(
        Case.objects.filter(organisation_id__in=org_ids)
        .select_related("organisation", "person")
        .prefetch_related("exploitation_forms", "control_means", "recruitment_methods")
        .order_by("organisation_id", "reference")
    )
    facts = _Facts(cases)
    rows = [case_row(c, facts) for c in cases]
    if fmt == "xlsx":
        events = CaseEvent.objects.filter(case__in=cases).select_related("case", "commune").order_by("case_id", "start")
        content = x.write_xlsx([
            x.Sheet("Cases", m.CASE_COLUMN_NAMES, rows, [max(14, len(n) + 2) for n in m.CASE_COLUMN_NAMES]),
            x.Sheet("Historic Trafficking Events", m.EVENT_COLUMN_NAMES, [event_row(e) for e in events],
                    [max(14, len(n) + 2) for n in m.EVENT_COLUMN_NAMES], frozenset({4})),
        ])  # fmt: skip
    else:
        content = x.write_csv(m.CASE_COLUMN_NAMES, rows)
    with transaction.atomic():
        for org_id in org_ids:
            count = sum(1 for c in cases if c.organisation_id == org_id)
            record_event(
                "case.htcds_export", actor=user, kind=AuditKind.ACCESS, organisation_id=org_id,
                extra={"format": fmt, "rows": count, "htcds_version": m.HTCDS_VERSION},
            )  # fmt: skip
    filename = f"htcds-{timezone.localdate():%Y-%m-%d}.{fmt}"
    return Export(content, filename, CONTENT_TYPES[fmt], len(rows))
