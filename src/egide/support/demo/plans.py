"""The support plan of each demo file: its needs assessment (encrypted) and its services."""

import datetime
import random
from collections.abc import Callable

from egide.accounts.models import User
from egide.cases.identity import field_context
from egide.cases.models import Case
from egide.cases.vocabulary import MINOR_AGE_STATUSES
from egide.core import crypto
from egide.core.keys import open_data_key
from egide.organisations.vocabulary import Service
from egide.support.actions import NEEDS_FIELD
from egide.support.demo.stories import Facts, days
from egide.support.models import SupportPlan, SupportService
from egide.support.vocabulary import ServiceCategory, ServiceStatus

CLOSED_PLAN_ODDS = 0.5
SELF_PROVIDED_ODDS = 0.3
# Services of the plan: (category, odds, the directory service that provides it, if any).
SERVICES: tuple[tuple[str, float, str], ...] = (
    (ServiceCategory.HOUSING, 0.7, Service.LONG_TERM_SHELTER),
    (ServiceCategory.HEALTH, 0.6, Service.HEALTH_CARE),
    (ServiceCategory.LEGAL, 0.5, Service.LEGAL_SUPPORT),
    (ServiceCategory.PSYCHOLOGICAL, 0.4, Service.PSYCHOLOGICAL_SUPPORT),
    (ServiceCategory.INTERPRETING, 0.6, Service.INTERPRETING),
    (ServiceCategory.TRAINING_EMPLOYMENT, 0.3, ""),
    (ServiceCategory.ASSISTED_RETURN, 0.03, Service.ASSISTED_RETURN),
)
NEEDS: dict[str, str] = {
    ServiceCategory.HOUSING: "mise à l'abri puis hébergement stable, loin du lieu d'exploitation",
    ServiceCategory.HEALTH: "ouverture des droits à la santé (AME ou PUMa) et bilan de santé",
    ServiceCategory.LEGAL: "information sur les droits, plainte et démarches de séjour",
    ServiceCategory.PSYCHOLOGICAL: "soutien psychologique (psychotraumatisme)",
    ServiceCategory.INTERPRETING: "interprète pour les entretiens",
    ServiceCategory.TRAINING_EMPLOYMENT: "cours de français et projet d'insertion professionnelle",
    ServiceCategory.ASSISTED_RETURN: "étude d'un retour volontaire accompagné",
    ServiceCategory.SCHOOLING: "scolarisation et lien avec l'aide sociale à l'enfance",
}


def _plan_services(rng: random.Random, f: Facts, providers: dict[tuple[str, str], list[int]],
                   departement: str) -> tuple[datetime.date, list[SupportService], list[str]]:  # fmt: skip
    assessed = min(f.case.opened_on + days(rng, 0, 30), f.end)
    wanted = [(c, s) for c, odds, s in SERVICES if rng.random() < odds]
    if f.case.age_status in MINOR_AGE_STATUSES:
        wanted = [(ServiceCategory.SCHOOLING, Service.MINORS), *wanted]
    if f.speaks_french:
        wanted = [(c, s) for c, s in wanted if c != ServiceCategory.INTERPRETING]
    services = []
    for category, service in wanted:
        nearby = providers.get((service, departement), []) if service else []
        nearby = [pk for pk in nearby if pk != f.case.organisation_id]
        provider = rng.choice(nearby) if nearby and rng.random() >= SELF_PROVIDED_ODDS else None
        row = SupportService(case=f.case, category=category, provider_id=provider, status=ServiceStatus.PLANNED)
        start = assessed + days(rng, 0, 60)
        draw = rng.random()
        if start <= f.end:
            row.start_on, row.status = start, ServiceStatus.IN_PROGRESS
            finished = start + days(rng, 30, 300)
            if draw < 0.05:
                row.status, row.end_on = ServiceStatus.CANCELLED, min(start + days(rng, 0, 30), f.end)
            elif (draw < 0.45 and finished <= f.end) or f.case.closed_on is not None:
                row.status, row.end_on = ServiceStatus.DONE, min(finished, f.end)
        services.append(row)
    return assessed, services, [c for c, _ in wanted]


def write_plans(facts: list[Facts], seed: int, providers: dict[tuple[str, str], list[int]],
                author: Callable[[Case], User], count: Callable[[int, str, int], None]) -> int:  # fmt: skip
    """Write the plans (needs encrypted as `do_save_needs` does) and services of open and some closed files."""
    plans, services = [], []
    for f in facts:
        rng = random.Random(f"support-plan:{seed}:{f.slot}:{f.case.reference}")  # noqa: S311  (demo data)
        if not f.case.is_open and rng.random() >= CLOSED_PLAN_ODDS:
            continue
        departement = f.case.organisation.departement_id or ""
        assessed, rows, categories = _plan_services(rng, f, providers, departement)
        person = f.case.person
        needs = "Besoins évalués : " + " ; ".join(NEEDS[c] for c in categories) + "." if categories else ""
        cipher = crypto.encrypt(open_data_key(person.data_key), needs.encode(),
                                context=field_context(person.uid, NEEDS_FIELD))  # fmt: skip
        plans.append(SupportPlan(case=f.case, assessed_on=assessed, needs=cipher, updated_by=author(f.case)))
        for row in rows:
            row.recorded_by = author(f.case)
        services += rows
        count(f.case.organisation_id, "support_plans", 1)
        count(f.case.organisation_id, "support_services", len(rows))
    SupportPlan.objects.bulk_create(plans)
    SupportService.objects.bulk_create(services)
    return len(plans)
