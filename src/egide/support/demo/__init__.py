"""Demo support: residence procedures in every state, exit pathways, support plans and their tasks.

Runs after the demo victims (`egide.cases.demo`), on their files, and draws each file's
story from `random.Random(f"support:{seed}:{association}:{reference}")`: the same load
gives the same story. Rows are those the actions write (`procedure_row` is the action's
own row builder, legal dates come from `egide.support.deadlines` only, the needs
assessment is encrypted under the person's data key); tasks are created by the support
app's own `sync_tasks`, then those due more than `OPEN_TASK_DAYS` ago are marked done, as
a caseworker would have. The trail gets one `support.demo_load` event per association
(counts only) and one `demo.support_load` event; loading twice writes nothing more.

The demo accounts' files are given, on top of the drawn stories, a reflection period ending
in the coming days, a card whose renewal is due and a receipt that ran out: their
dashboards show each kind of deadline.
"""

import datetime
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from egide.accounts.models import Membership, User
from egide.accounts.roles import Role
from egide.cases.demo import LOAD_ACTION as CASES_LOAD_ACTION
from egide.cases.models import (
    Case,
    CaseExploitationForm,
    CaseProfile,
    PersonLanguage,
    PersonNationality,
    StatusDecision,
)
from egide.cases.vocabulary import AdministrativeStatus, TraffickingStatus
from egide.core.audit import record_event
from egide.core.models import AuditEvent
from egide.organisations.demo import DEMO_DOMAIN
from egide.organisations.models import Organisation, OrganisationService
from egide.support import deadlines
from egide.support.actions import ProcedureData, procedure_deadlines_of, procedure_row
from egide.support.demo.plans import write_plans
from egide.support.demo.stories import (
    OPEN_TASK_DAYS,
    Facts,
    K,
    PathwayPlan,
    S,
    ensure_resident_card,
    open_days,
    showcase,
    story_of,
)
from egide.support.models import CaseTask, ExitPathway, ExitPathwayRenewal, ResidenceProcedure
from egide.support.reminders import raise_reminders
from egide.support.tasks_sync import sync_tasks

__all__ = ["LOAD_ACTION", "OPEN_TASK_DAYS", "DemoSupportError", "DemoSupportResult", "load_demo_support"]

LOAD_ACTION = "demo.support_load"
# The latest administrative situation a procedure leaves the person in, strongest first.
SITUATIONS: tuple[tuple[str, str, str], ...] = (
    (K.RESIDENT_CARD, S.GRANTED, AdministrativeStatus.RESIDENCE_PERMIT),
    (K.TEMPORARY_CARD, S.GRANTED, AdministrativeStatus.RESIDENCE_PERMIT),
    (K.ASYLUM, S.GRANTED, AdministrativeStatus.REFUGEE),
    (K.PROVISIONAL_AUTHORISATION, S.GRANTED, AdministrativeStatus.RECEIPT),
    (K.TEMPORARY_CARD, S.RECEIPT_DELIVERED, AdministrativeStatus.RECEIPT),
    (K.RESIDENT_CARD, S.RECEIPT_DELIVERED, AdministrativeStatus.RECEIPT),
    (K.ASYLUM, S.REQUESTED, AdministrativeStatus.ASYLUM_SEEKER),
    (K.REFLECTION_PERIOD, S.RECEIPT_DELIVERED, AdministrativeStatus.REFLECTION_PERIOD),
)


class DemoSupportError(Exception):
    """The demo support cannot be loaded; the message is French."""


@dataclass(frozen=True)
class DemoSupportResult:
    created: bool
    procedures: int = 0
    pathways: int = 0
    plans: int = 0
    tasks: int = 0
    seconds: float = 0.0


# --- Reading the files ----------------------------------------------------------------------------


def _facts(cases: list[Case], slots: dict[int, int], today: datetime.date) -> list[Facts]:
    person_ids = [c.person_id for c in cases]
    nationality = dict(PersonNationality.objects.filter(person_id__in=person_ids).values_list("person_id", "code"))
    french = set(PersonLanguage.objects.filter(person_id__in=person_ids, code="fr").values_list("person_id", flat=True))
    forms: dict[int, set[str]] = defaultdict(set)
    for case_id, code in CaseExploitationForm.objects.filter(case__in=cases).values_list("case_id", "code"):
        forms[case_id].add(code)
    complaints = dict(CaseProfile.objects.filter(case__in=cases).values_list("case_id", "complaint_date"))
    courts = dict(
        StatusDecision.objects.filter(case__in=cases, status=TraffickingStatus.RECOGNISED_BY_COURT).values_list(
            "case_id", "decided_on"
        )
    )
    return [
        Facts(c, slots[c.organisation_id], nationality.get(c.person_id, ""), frozenset(forms[c.pk]),
              complaints.get(c.pk), courts.get(c.pk), c.person_id in french, today)
        for c in cases
    ]  # fmt: skip


def _providers(organisations: list[Organisation]) -> dict[tuple[str, str], list[int]]:
    """Return the organisations offering each service, by département: the plan's providers."""
    found: dict[tuple[str, str], list[int]] = defaultdict(list)
    rows = OrganisationService.objects.filter(organisation__is_active=True).values_list(
        "code", "organisation__departement_id", "organisation_id"
    )
    for code, departement, organisation_id in rows.order_by("organisation_id", "code"):
        found[(code, departement or "")].append(organisation_id)
    return found


def _writers(organisations: list[Organisation]) -> dict[int, User]:
    """Return who records each association's support: its (demo) caseworker."""
    found: dict[int, User] = {}
    memberships = Membership.objects.filter(
        organisation__in=organisations, role=Role.CASEWORKER, user__email__endswith=f"@{DEMO_DOMAIN}"
    ).select_related("user")
    for membership in memberships.order_by("pk"):
        found.setdefault(membership.organisation_id, membership.user)
    return found


# --- Writing ------------------------------------------------------------------------------------------


@dataclass
class _Writer:
    writers: dict[int, User]
    today: datetime.date
    counts: dict[int, dict[str, int]] = field(default_factory=dict)
    origins: list[tuple[Case, str, list[deadlines.Deadline]]] = field(default_factory=list)

    def count(self, organisation_id: int, name: str, n: int = 1) -> None:
        per_org = self.counts.setdefault(organisation_id, {})
        per_org[name] = per_org.get(name, 0) + n

    def author(self, case: Case) -> User:
        assignee = case.assigned_to
        if assignee is not None and assignee.email.startswith(("caseworker@", "supervisor@")):
            return assignee
        return self.writers[case.organisation_id]

    def procedures(self, chains: list[tuple[Case, list[ProcedureData]]]) -> dict[int, list[ResidenceProcedure]]:
        """Write the chains generation by generation: a renewal points to the row it renews."""
        written: dict[int, list[ResidenceProcedure]] = defaultdict(list)
        previous: list[ResidenceProcedure | None] = [None] * len(chains)
        for step in range(max((len(chain) for _, chain in chains), default=0)):
            rows = [(i, procedure_row(case, chain[step], recorded_by=self.author(case), renews=previous[i]))
                    for i, (case, chain) in enumerate(chains) if step < len(chain)]  # fmt: skip
            ResidenceProcedure.objects.bulk_create([row for _, row in rows])
            for i, row in rows:
                previous[i] = row
                case = chains[i][0]
                written[case.pk].append(row)
                self.origins.append((case, row.origin, procedure_deadlines_of(row)))
                self.count(case.organisation_id, f"procedure_{row.kind}_{row.state}")
        return written

    def pathways(self, plans: list[tuple[Case, PathwayPlan]], aps: dict[int, list[ResidenceProcedure]]) -> None:
        rows = []
        for case, plan in plans:
            count = len(plan.renewals)
            rows.append(ExitPathway(
                case=case, association=plan.association, file_built_on=plan.file_built_on,
                commission_on=plan.commission_on, commission_opinion=plan.opinion, decision=plan.decision,
                decision_on=plan.decision_on, start_on=plan.start_on, afis=plan.afis,
                afis_monthly_amount=settings.EGIDE_AFIS_MONTHLY_AMOUNT if plan.afis else None,
                ends_on=deadlines.pathway_end(plan.start_on, count) if plan.start_on else None,
                aps=aps[case.pk][-1] if aps.get(case.pk) else None, recorded_by=self.author(case),
            ))  # fmt: skip
        ExitPathway.objects.bulk_create(rows)
        renewals = []
        for pathway, (case, plan) in zip(rows, plans, strict=True):
            for number, (commission_on, decided_on) in enumerate(plan.renewals, start=1):
                assert plan.start_on is not None
                renewals.append(ExitPathwayRenewal(
                    pathway=pathway, number=number, commission_on=commission_on, decided_on=decided_on,
                    starts_on=deadlines.pathway_end(plan.start_on, number - 1),
                    ends_on=deadlines.pathway_end(plan.start_on, number), recorded_by=self.author(case),
                ))  # fmt: skip
            found = deadlines.pathway_deadlines(plan.start_on, len(plan.renewals)) if plan.start_on else []
            self.origins.append((case, pathway.origin, found))
            self.count(case.organisation_id, "exit_pathways")
        ExitPathwayRenewal.objects.bulk_create(renewals)

    def tasks(self) -> int:
        """Create the tasks through the support app's own sync; mark those long past as done."""
        for case, origin, found in self.origins:
            sync_tasks(case, origin, found)
        past = CaseTask.objects.filter(done_at__isnull=True, due_on__lt=self.today - open_days()).select_related(
            "case__assigned_to"
        )
        done = []
        for task in past:
            task.done_at = timezone.make_aware(datetime.datetime.combine(task.due_on, datetime.time(11)))
            task.done_by = task.assigned_to or self.author(task.case)
            done.append(task)
        CaseTask.objects.bulk_update(done, ["done_at", "done_by"])
        return CaseTask.objects.count()


def _situations(written: dict[int, list[ResidenceProcedure]]) -> None:
    """Bring each profile's administrative situation in line with the procedures written."""
    rank = {(kind, state): (i, status) for i, (kind, state, status) in enumerate(SITUATIONS)}
    found: dict[int, str] = {}
    for case_id, rows in written.items():
        current = [rank[(p.kind, p.state)] for p in rows if (p.kind, p.state) in rank]
        found[case_id] = min(current)[1] if current else AdministrativeStatus.IRREGULAR
    profiles = list(CaseProfile.objects.filter(case_id__in=list(found)))
    for profile in profiles:
        profile.administrative_status = found[profile.case_id]
    CaseProfile.objects.bulk_update(profiles, ["administrative_status"])


def load_demo_support(*, today: datetime.date | None = None) -> DemoSupportResult:
    """Load the demo support on the demo victims' files, unless an earlier load did."""
    started = time.perf_counter()
    if AuditEvent.objects.filter(action=LOAD_ACTION).exists():
        return DemoSupportResult(created=False)
    event = AuditEvent.objects.filter(action=CASES_LOAD_ACTION).order_by("id").first()
    if event is None:
        raise DemoSupportError("Chargez d'abord les victimes de démonstration : aucun dossier à accompagner.")
    params = event.extra
    today = today or datetime.date.fromisoformat(params["today"])
    with transaction.atomic(durable=True):
        found = Organisation.objects.select_related("departement").in_bulk(params["organisations"])
        organisations = [found[pk] for pk in params["organisations"] if pk in found]
        slots = {o.pk: i for i, o in enumerate(organisations)}
        cases = list(
            Case.objects.filter(organisation__in=organisations)
            .select_related("person__data_key", "organisation", "assigned_to")
            .order_by("organisation_id", "reference")
        )
        facts = _facts(cases, slots, today)
        stories = {}
        for f in facts:
            rng = random.Random(f"support:{params['seed']}:{f.slot}:{f.case.reference}")  # noqa: S311  (demo data)
            stories[f.case.pk] = story_of(rng, f, f.case.organisation)
        showcase(facts, stories)
        ensure_resident_card(facts, stories)
        writer = _Writer(_writers(organisations), today)
        by_case = {f.case.pk: f.case for f in facts}
        chains = [
            (by_case[pk], chain) for pk, story in stories.items() for chain in (*story.chains, story.aps) if chain
        ]
        written = writer.procedures(chains)
        aps = {pk: [p for p in rows if p.kind == K.PROVISIONAL_AUTHORISATION] for pk, rows in written.items()}
        pathways = [(by_case[pk], story.pathway) for pk, story in stories.items() if story.pathway is not None]
        writer.pathways(pathways, aps)
        plans = write_plans(facts, params["seed"], _providers(organisations), writer.author, writer.count)
        tasks = writer.tasks()
        _situations(written)
        raise_reminders(today)
        for organisation in organisations:
            record_event("support.demo_load", actor=None, organisation_id=organisation.pk, target=organisation,
                         extra=writer.counts.get(organisation.pk, {}))  # fmt: skip
        procedures = sum(len(rows) for rows in written.values())
        record_event(LOAD_ACTION, actor=None, extra={
            "today": today.isoformat(), "procedures": procedures, "pathways": len(pathways), "plans": plans,
            "tasks": tasks,
        })  # fmt: skip
    return DemoSupportResult(True, procedures, len(pathways), plans, tasks, time.perf_counter() - started)
