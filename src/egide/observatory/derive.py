"""The coded variables of a case for one reporting year, read from the case file.

Runs inside the protection zone (the submit action): it reads the case, its profile, its
support services and status decisions, and returns codes of `egide_analytics.submission`
only. The age group needs the birth date, so the caller passes the decrypted year of birth.
"""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from egide.cases.models import Case, CaseProfile, StatusDecision
from egide.cases.vocabulary import MINOR_AGE_STATUSES, AgeStatus, Authority, TraffickingStatus
from egide.support.models import SupportService
from egide.support.vocabulary import ServiceStatus
from egide_analytics.submission import UNKNOWN, VariableError, clean_value, clean_variables

# Decisions' authorities → the survey's « repérée par » codes.
_IDENTIFIED_BY = {
    Authority.ASSOCIATION: "association",
    Authority.POLICE: "police",
    Authority.GENDARMERIE: "gendarmerie",
    Authority.LABOUR_INSPECTION: "labour_inspection",
    Authority.COURT: "court",
    Authority.OTHER: "other",
}
_AGE_GROUPS = ((14, "0-14"), (17, "15-17"), (24, "18-24"), (34, "25-34"), (44, "35-44"), (54, "45-54"))
# Services that were not delivered do not make a person « accompagnée ».
_NOT_DELIVERED = (ServiceStatus.PLANNED, ServiceStatus.CANCELLED)


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def cases_active_in(organisation_id: int, year: int) -> QuerySet[Case]:
    """Return the organisation's cases open at some point of `year`, with what derivation reads."""
    first, last = year_bounds(year)
    services = SupportService.objects.exclude(status__in=_NOT_DELIVERED).filter(
        Q(start_on__isnull=True) | Q(start_on__lte=last), Q(end_on__isnull=True) | Q(end_on__gte=first)
    )
    return (
        Case.objects.filter(organisation_id=organisation_id, opened_on__lte=last)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=first))
        .select_related("person", "person__data_key")
        .prefetch_related(
            "exploitation_forms",
            "person__nationalities",
            Prefetch("support_services", queryset=services, to_attr="services_in_year"),
            Prefetch(
                "status_decisions",
                queryset=StatusDecision.objects.counting().order_by("decided_on", "id"),
                to_attr="counting_decisions",
            ),
        )
        .order_by("id")
    )


def is_not_a_victim(case: Case) -> bool:
    """Whether the latest counting decision says the person is not a victim of trafficking."""
    decisions: list[StatusDecision] = getattr(case, "counting_decisions", [])
    return bool(decisions) and decisions[-1].status == TraffickingStatus.NOT_A_VICTIM


def age_group(birth_year: int | None, year: int) -> str:
    """Return the age group at 31 December of `year`; a year of birth is enough for that day."""
    if birth_year is None or birth_year > year:
        return UNKNOWN
    age = year - birth_year
    return next((group for limit, group in _AGE_GROUPS if age <= limit), "55+")


def nationality_of(case: Case) -> str:
    """Return the first valid nationality of the person (alphabetical), or « unknown »."""
    for code in sorted(n.code for n in case.person.nationalities.all()):
        try:
            return str(clean_value("nationality", code))
        except VariableError:
            continue
    return UNKNOWN


def _minor_now(case: Case, group: str) -> str:
    if case.age_status in MINOR_AGE_STATUSES:
        return "yes"
    if case.age_status == AgeStatus.ADULT:
        return "no"
    if group == UNKNOWN:
        return UNKNOWN
    return "yes" if group in ("0-14", "15-17") else "no"


def _profile(case: Case) -> CaseProfile | None:
    try:
        return case.profile
    except CaseProfile.DoesNotExist:
        return None


def case_variables(case: Case, year: int, birth_year: int | None) -> dict[str, str | list[str]]:
    """Return the cleaned coded variables of `case` for `year` (see the module docstring)."""
    services: list[SupportService] = getattr(case, "services_in_year", [])
    decisions: list[StatusDecision] = getattr(case, "counting_decisions", [])
    profile = _profile(case)
    group = age_group(birth_year, year)
    raw: dict[str, str | list[str] | None] = {
        "status": "supported" if services else "identified",
        "sex": case.person.sex,
        "age_group": group,
        "minor_now": _minor_now(case, group),
        "minor_at_start": profile.minor_at_start if profile else UNKNOWN,
        "nationality": nationality_of(case),
        "forms": [f.code for f in case.exploitation_forms.all()],
        "exploited_in_france": profile.exploited_in_france if profile else UNKNOWN,
        "complaint_filed": profile.complaint_filed if profile else UNKNOWN,
        "administrative_status": profile.administrative_status if profile else UNKNOWN,
        "support": sorted({s.category for s in services}),
        "identified_by": _IDENTIFIED_BY.get(Authority(decisions[0].authority), UNKNOWN) if decisions else UNKNOWN,
    }
    return clean_variables(raw)


@dataclass(frozen=True)
class Exclusions:
    """Why cases active in the year are not submitted: counts per French reason, never a case."""

    counts: Counter[str]

    @classmethod
    def of(cls, reasons: Iterable[str]) -> "Exclusions":
        return cls(Counter(reasons))

    def as_dict(self) -> dict[str, int]:
        return dict(sorted(self.counts.items()))


NO_CONSENT = "sans consentement à la transmission statistique"
NOT_A_VICTIM = "statut : pas une victime de traite"
ANONYMISED = "identité effacée (dossier anonymisé)"
