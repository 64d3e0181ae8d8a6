"""Deterministic demo victims: about 3 000 fictitious persons over five years in about 60 associations.

`planner` draws one scenario per case file from the seed, writing nothing; `writer` stores
them; this module picks the associations, gives them staff, and records the load.

Why bulk writes rather than the `do_*` actions: through the actions, 3 000 persons would
cost some 15 000 transactions and as many audit events (opening, consents, decisions,
confirmations, screenings), each serialised on the audit chain's lock — minutes on two
cores, and a trail where demo noise buries everything else. The writer stores the very
rows the actions store (identity and notes sealed by the same function under a data key
of each person's own, blind indexes filled, consents against the text in force), in one
transaction, and the trail gets one summary event per association (`case.demo_load`,
counts only) plus one `demo.cases_load` event holding the load's parameters.

Ground truth: the files of a person followed by two or three associations are linked
nowhere in the database. `demo_ground_truth()` regenerates the plan from the parameters
of the `demo.cases_load` event (seed, size, date, associations' ids) and returns which
files (organisation, reference) belong to the same person, for the evaluation of linkage.
"""

import datetime
import time
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from egide.accounts.models import Membership, Team, User
from egide.accounts.roles import Role
from egide.cases.demo import tables
from egide.cases.demo.planner import CaseScenario, DemoPlan, Slot, plan_victims
from egide.cases.demo.profiles import TEAM_NAMES
from egide.cases.demo.writer import PARTS, Batch, Staff
from egide.cases.models import Case
from egide.core.audit import record_event
from egide.core.models import AuditEvent
from egide.identification.actions import load_shipped_lists
from egide.organisations.demo import DEMO_DOMAIN
from egide.organisations.models import Organisation
from egide.organisations.vocabulary import Kind

__all__ = [
    "DEFAULT_ASSOCIATIONS",
    "DEFAULT_SEED",
    "DEFAULT_VICTIMS",
    "LOAD_ACTION",
    "CaseScenario",
    "DemoCasesError",
    "DemoCasesResult",
    "TruthRecord",
    "demo_associations",
    "demo_ground_truth",
    "load_demo_cases",
    "plan_victims",
    "slots_of",
]

DEFAULT_SEED = 2014
DEFAULT_VICTIMS = 3000
DEFAULT_ASSOCIATIONS = 60
LOAD_ACTION = "demo.cases_load"
# Départements without a known population weigh as a small one.
MIN_POPULATION = 100_000


class DemoCasesError(Exception):
    """The demo victims cannot be loaded or their ground truth rebuilt; the message is French."""


@dataclass(frozen=True)
class DemoCasesResult:
    created: bool
    persons: int
    cases: int
    associations: int
    seconds: float


@dataclass(frozen=True)
class TruthRecord:
    """One case file and the person it belongs to (an index in the plan)."""

    person: int
    organisation_id: int
    reference: str
    variants: tuple[str, ...]


def demo_associations(count: int) -> list[Organisation]:
    """Return the association of the demo accounts, then the other associations by name, `count` in all."""
    home = (
        Membership.objects.filter(user__email=f"caseworker@{DEMO_DOMAIN}", role=Role.CASEWORKER)
        .select_related("organisation__departement")
        .first()
    )
    if home is None:
        raise DemoCasesError("Chargez d'abord les organisations de démonstration : le compte caseworker est absent.")
    others = (
        Organisation.objects.filter(kind=Kind.ASSOCIATION, is_active=True)
        .exclude(pk=home.organisation_id)
        .select_related("departement")
        .order_by("name", "pk")
    )
    return [home.organisation, *others[: max(count - 1, 0)]]


def slots_of(organisations: list[Organisation]) -> list[Slot]:
    """Weigh each association by its département's population: big cities see more victims."""
    slots = []
    for organisation in organisations:
        departement = organisation.departement
        population = max(departement.population if departement else 0, MIN_POPULATION)
        region = departement.region_id if departement else ""
        slots.append(Slot(organisation.name, population**tables.DEPARTEMENT_WEIGHT_POWER, region))
    return slots


def _home_staff(organisation: Organisation) -> Staff:
    """Return the demo accounts; create two teams and put the caseworker in the first one."""
    memberships = {
        m.role: m
        for m in Membership.objects.filter(organisation=organisation, user__email__endswith=f"@{DEMO_DOMAIN}")
        .select_related("user")
        .order_by("pk")
    }
    teams = []
    for name in TEAM_NAMES:
        team, created = Team.objects.get_or_create(organisation=organisation, name=name)
        if created:
            record_event("team.create", actor=None, organisation_id=organisation.pk, target=team)
        teams.append(team)
    caseworker = memberships[Role.CASEWORKER]
    caseworker.team = teams[0]
    caseworker.save(update_fields=["team", "updated_at"])
    record_event("membership.team", actor=None, organisation_id=organisation.pk, target=caseworker.user,
                 extra={"team": teams[0].pk})  # fmt: skip
    volunteer = memberships.get(Role.VOLUNTEER)
    return Staff(
        caseworker.user, memberships[Role.CASE_SUPERVISOR].user, volunteer.user if volunteer else None, tuple(teams)
    )


def _create_staff(index: int, organisation: Organisation, password: str) -> Staff:
    """Create a caseworker and a supervisor who cannot log in: files need authors and four eyes."""
    team = organisation.acronym or f"équipe {index:02d}"
    users = []
    for role, local_part, label in (
        (Role.CASEWORKER, "intervention", "Intervenant·e"),
        (Role.CASE_SUPERVISOR, "encadrement", "Responsable"),
    ):
        user = User.objects.create(
            email=f"{local_part}-{index:02d}@{DEMO_DOMAIN}", full_name=f"{label} {team} (démo)", password=password
        )
        record_event("user.create", actor=None, target=user)
        Membership.objects.create(user=user, organisation=organisation, role=role)
        record_event("membership.add", actor=None, organisation_id=organisation.pk, target=user,
                     extra={"role": role.value})  # fmt: skip
        users.append(user)
    return Staff(users[0], users[1])


def _check_free_references(plan: DemoPlan, organisations: list[Organisation]) -> None:
    taken = set(
        Case.objects.filter(organisation__in=organisations).values_list("organisation_id", "reference").order_by()
    )
    clashes = sorted(
        f"{organisations[s.slot].name} {s.reference}"
        for s in plan.scenarios
        if (organisations[s.slot].pk, s.reference) in taken
    )
    if clashes:
        raise DemoCasesError(
            f"{len(clashes)} référence(s) de dossier déjà prise(s), dont {', '.join(clashes[:3])} : "
            "chargez les victimes de démonstration dans une base sans dossiers."
        )


def load_demo_cases(
    seed: int = DEFAULT_SEED,
    victims: int = DEFAULT_VICTIMS,
    associations: int = DEFAULT_ASSOCIATIONS,
    *,
    today: datetime.date | None = None,
) -> DemoCasesResult:
    """Load the demo victims and their files, unless an earlier load did; needs the demo organisations."""
    started = time.perf_counter()
    if AuditEvent.objects.filter(action=LOAD_ACTION).exists():
        return DemoCasesResult(created=False, persons=0, cases=0, associations=0, seconds=0.0)
    today = today or timezone.localdate()
    load_shipped_lists()  # Screenings use the ILO/EC lists; idempotent.
    with transaction.atomic(durable=True):
        organisations = demo_associations(associations)
        plan = plan_victims(seed, victims, slots_of(organisations), today)
        _check_free_references(plan, organisations)
        password = make_password(None)  # Unusable: the associations' staff never log in.
        staff = [_home_staff(organisations[0])]
        staff += [_create_staff(i, org, password) for i, org in enumerate(organisations[1:], start=1)]
        batch = Batch(plan.scenarios, organisations, staff, today=today)
        for part in PARTS:
            part(batch)
        for organisation in organisations:
            record_event("case.demo_load", actor=None, organisation_id=organisation.pk, target=organisation,
                         extra=batch.counts.get(organisation.pk, {}))  # fmt: skip
        record_event(LOAD_ACTION, actor=None, extra={
            "seed": seed, "victims": victims, "today": today.isoformat(), "cases": len(plan.scenarios),
            "organisations": [o.pk for o in organisations],
        })  # fmt: skip
    return DemoCasesResult(True, plan.persons, len(plan.scenarios), len(organisations), time.perf_counter() - started)


def demo_ground_truth() -> list[TruthRecord]:
    """Regenerate which demo files belong to the same person, from the parameters of the load.

    Reads the `demo.cases_load` event and the directory (associations and their
    départements), never the case tables.
    """
    event = AuditEvent.objects.filter(action=LOAD_ACTION).order_by("id").first()
    if event is None:
        raise DemoCasesError("Aucune victime de démonstration n'a été chargée.")
    params = event.extra
    found = Organisation.objects.select_related("departement").in_bulk(params["organisations"])
    missing = [pk for pk in params["organisations"] if pk not in found]
    if missing:
        raise DemoCasesError(f"Associations de démonstration supprimées depuis le chargement : {missing}.")
    organisations = [found[pk] for pk in params["organisations"]]
    today = datetime.date.fromisoformat(params["today"])
    plan = plan_victims(params["seed"], params["victims"], slots_of(organisations), today)
    return [TruthRecord(s.person, organisations[s.slot].pk, s.reference, s.variants) for s in plan.scenarios]
