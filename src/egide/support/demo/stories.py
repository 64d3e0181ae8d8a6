"""The story of each demo file: its residence procedures and exit pathway, drawn from its seed.

Legal dates come from `egide.support.deadlines` only: a story picks the days things happen
(request, receipt, decision) and asks the rules when the documents end.
"""

import datetime
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from egide.cases.models import Case
from egide.cases.vocabulary import MINOR_AGE_STATUSES
from egide.organisations.demo import DEMO_DOMAIN
from egide.organisations.models import Organisation
from egide.organisations.vocabulary import ExploitationForm
from egide.support import deadlines
from egide.support.actions import ProcedureData
from egide.support.vocabulary import (
    CommissionOpinion,
    DeadlineKind,
    PrefectDecision,
    ProcedureKind,
    ProcedureState,
)

# Tasks due longer ago than this were done; later ones are still open (the overdue ones).
OPEN_TASK_DAYS = 21
NO_PERMIT_NEEDED = frozenset({"FRA", "ROU", "BGR"})  # French and EU citizens
ASYLUM_ODDS = 0.15
ASYLUM_GRANTED_ODDS = 0.45
CARD_AFTER_COMPLAINT_ODDS = 0.8
REFUSED_ODDS = 0.12
NO_RENEWAL_ODDS = 0.15
RESIDENT_CARD_ODDS = 0.8
PATHWAY_ODDS = 0.3
FAVOURABLE_ODDS = 0.85
AUTHORISED_ODDS = 0.95
PATHWAY_STOPS_ODDS = 0.25
AFIS_ODDS = 0.7
K, S = ProcedureKind, ProcedureState


@dataclass(frozen=True)
class Facts:
    """What a file's story depends on, read once for all files."""

    case: Case
    slot: int
    nationality: str
    forms: frozenset[str]
    complaint_on: datetime.date | None
    court_on: datetime.date | None
    speaks_french: bool
    today: datetime.date

    @property
    def end(self) -> datetime.date:
        """The last day anything happens: today, or the closing day."""
        return min(self.today, self.case.closed_on or self.today)

    @property
    def needs_permit(self) -> bool:
        return self.nationality not in NO_PERMIT_NEEDED and self.case.age_status not in MINOR_AGE_STATUSES


@dataclass
class PathwayPlan:
    association: Organisation
    file_built_on: datetime.date
    commission_on: datetime.date | None = None
    opinion: str = ""
    decision: str = ""
    decision_on: datetime.date | None = None
    start_on: datetime.date | None = None
    renewals: list[tuple[datetime.date, datetime.date]] = field(default_factory=list)  # commission, decision
    afis: bool = False


@dataclass
class Story:
    """One file's procedures (chains: each renews the one before) and pathway."""

    chains: list[list[ProcedureData]] = field(default_factory=list)
    pathway: PathwayPlan | None = None
    aps: list[ProcedureData] = field(default_factory=list)


def days(rng: random.Random, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, high))


def _due(data: ProcedureData, kind: str) -> datetime.date:
    found = deadlines.procedure_deadlines(data.kind, S.GRANTED, valid_from=data.valid_from)
    return next(d.due_on for d in found if d.kind == kind)


# --- Stories ----------------------------------------------------------------------------------


def _permit_chain(rng: random.Random, kind: str, requested: datetime.date, f: Facts) -> list[ProcedureData]:
    """Request, receipt, decision, then renewals while the file lasts; a lapsed card expires."""
    if requested > f.end:
        return []
    receipt = requested + days(rng, 5, 30)
    if receipt > f.end:
        return [ProcedureData(kind, S.REQUESTED, requested)]
    decision = receipt + days(rng, 45, 150)
    if decision > f.end:
        return [ProcedureData(kind, S.RECEIPT_DELIVERED, requested, receipt)]
    if rng.random() < REFUSED_ODDS:
        return [ProcedureData(kind, S.REFUSED, requested, receipt, decision)]
    chain = [ProcedureData(kind, S.GRANTED, requested, receipt, decision, decision)]
    while len(chain) < 6:
        asked = _due(chain[-1], DeadlineKind.RENEWAL_REQUEST) + days(rng, 0, 30)
        granted = asked + days(rng, 20, 60)
        if granted > f.end or rng.random() < NO_RENEWAL_ODDS:
            break
        chain[-1] = replace(chain[-1], state=S.RENEWED)
        chain.append(ProcedureData(kind, S.GRANTED, asked, None, granted, granted))
    return _lapse(chain, f.today)


def _lapse(chain: list[ProcedureData], today: datetime.date) -> list[ProcedureData]:
    last = chain[-1] if chain else None
    if last and last.state == S.GRANTED and _due(last, DeadlineKind.PERMIT_EXPIRY) < today - open_days():
        chain[-1] = replace(last, state=S.EXPIRED)
    return chain


def open_days() -> datetime.timedelta:
    return datetime.timedelta(days=OPEN_TASK_DAYS)


def _asylum(rng: random.Random, f: Facts) -> list[ProcedureData]:
    requested = f.case.opened_on + days(rng, 5, 60)
    if requested > f.end:
        return []
    decided = requested + days(rng, 180, 540)
    if decided > f.end:
        return [ProcedureData(K.ASYLUM, S.REQUESTED, requested)]
    state = S.GRANTED if rng.random() < ASYLUM_GRANTED_ODDS else S.REFUSED
    return [ProcedureData(K.ASYLUM, state, requested, decision_on=decided)]


def _reflection(rng: random.Random, f: Facts) -> list[ProcedureData]:
    requested = f.case.opened_on + days(rng, 0, 15)
    if requested > f.end:
        return []
    receipt = requested + days(rng, 0, 10)
    if receipt > f.end:
        return [ProcedureData(K.REFLECTION_PERIOD, S.REQUESTED, requested)]
    ended = deadlines.reflection_end(receipt) < f.today - open_days()
    return [ProcedureData(K.REFLECTION_PERIOD, S.EXPIRED if ended else S.RECEIPT_DELIVERED, requested, receipt)]


def _residence(rng: random.Random, f: Facts) -> list[list[ProcedureData]]:
    if rng.random() < ASYLUM_ODDS:
        return [_asylum(rng, f)]
    reflection = _reflection(rng, f)
    chains = [reflection]
    if f.complaint_on is not None and reflection and rng.random() < CARD_AFTER_COMPLAINT_ODDS:
        start = max(f.complaint_on, reflection[0].receipt_on or reflection[0].requested_on or f.complaint_on)
        chains.append(_permit_chain(rng, K.TEMPORARY_CARD, start + days(rng, 0, 30), f))
    if f.court_on is not None and rng.random() < RESIDENT_CARD_ODDS:
        chains.append(_permit_chain(rng, K.RESIDENT_CARD, f.court_on + days(rng, 15, 90), f))
    return [c for c in chains if c]


def _pathway(rng: random.Random, f: Facts, association: Organisation) -> PathwayPlan | None:
    built = f.case.opened_on + days(rng, 30, 240)
    if built > f.end or not association.exit_pathway_approved(built):
        return None
    plan = PathwayPlan(association, built, afis=rng.random() < AFIS_ODDS)
    commission = built + days(rng, 20, 75)
    if commission > f.end:
        return plan
    plan.commission_on = commission
    plan.opinion = CommissionOpinion.FAVOURABLE if rng.random() < FAVOURABLE_ODDS else CommissionOpinion.UNFAVOURABLE
    decided = commission + days(rng, 7, 30)
    if decided > f.end:
        return plan
    authorised = plan.opinion == CommissionOpinion.FAVOURABLE and rng.random() < AUTHORISED_ODDS
    plan.decision = PrefectDecision.AUTHORISED if authorised else PrefectDecision.REFUSED
    plan.decision_on = decided
    start = decided + days(rng, 0, 14)
    if not authorised or start > f.end:
        return plan
    plan.start_on = start
    while len(plan.renewals) < deadlines.MAX_PATHWAY_RENEWALS:
        ends = deadlines.pathway_end(start, len(plan.renewals))
        renewed_on = ends - days(rng, 3, 25)
        if renewed_on > f.end or rng.random() < PATHWAY_STOPS_ODDS:
            break
        plan.renewals.append((renewed_on - days(rng, 5, 20), renewed_on))
    return plan


def _aps(plan: PathwayPlan, today: datetime.date) -> list[ProcedureData]:
    """The APS (L425-4) of a foreign person's pathway: granted at its start, renewed with it."""
    if plan.start_on is None or plan.decision_on is None:
        return []
    chain = [ProcedureData(K.PROVISIONAL_AUTHORISATION, S.GRANTED, plan.decision_on, None, plan.start_on,
                           plan.start_on)]  # fmt: skip
    for _, decided in plan.renewals:
        chain[-1] = replace(chain[-1], state=S.RENEWED)
        chain.append(ProcedureData(K.PROVISIONAL_AUTHORISATION, S.GRANTED, decided, None, decided, decided))
    return _lapse(chain, today)


def story_of(rng: random.Random, f: Facts, association: Organisation) -> Story:
    story = Story()
    if f.needs_permit:
        story.chains = _residence(rng, f)
    sexual = ExploitationForm.SEXUAL in f.forms and f.case.age_status not in MINOR_AGE_STATUSES
    if sexual and rng.random() < PATHWAY_ODDS:
        story.pathway = _pathway(rng, f, association)
        if story.pathway is not None and f.needs_permit:
            story.aps = _aps(story.pathway, f.today)
    return story


# --- The demo accounts' deadlines ---------------------------------------------------------------


def _landing(days: Iterator[datetime.date], due: Callable[[datetime.date], datetime.date],
             low: datetime.date, high: datetime.date, f: Facts) -> datetime.date | None:  # fmt: skip
    """Return a day whose computed deadline falls between `low` and `high`, varying from file to file."""
    found = [day for day in days if low <= due(day) <= high]
    return found[sum(map(ord, f.case.reference)) % len(found)] if found else None


def _back(today: datetime.date, floor: datetime.date, span: int) -> Iterator[datetime.date]:
    for back in range(span):
        day = today - datetime.timedelta(days=back)
        if day < floor:
            return
        yield day


def _reflection_soon(f: Facts) -> list[list[ProcedureData]] | None:
    day = _landing(_back(f.today, f.case.opened_on, 40), deadlines.reflection_end,
                   f.today + datetime.timedelta(days=1), f.today + datetime.timedelta(days=SOON_DAYS), f)  # fmt: skip
    return [[ProcedureData(K.REFLECTION_PERIOD, S.RECEIPT_DELIVERED, day, day)]] if day else None


def _renewal_due(f: Facts) -> list[list[ProcedureData]] | None:
    def renewal(day: datetime.date) -> datetime.date:
        return _due(ProcedureData(K.TEMPORARY_CARD, S.GRANTED, valid_from=day), DeadlineKind.RENEWAL_REQUEST)

    day = _landing(_back(f.today, f.case.opened_on + datetime.timedelta(days=60), 500), renewal,
                   f.today, f.today + datetime.timedelta(days=SOON_DAYS), f)  # fmt: skip
    if day is None:
        return None
    asked = day - datetime.timedelta(days=90)
    return [[ProcedureData(K.TEMPORARY_CARD, S.GRANTED, asked, asked + datetime.timedelta(days=10), day, day)]]


def _receipt_overdue(f: Facts) -> list[list[ProcedureData]] | None:
    def expiry(day: datetime.date) -> datetime.date:
        found = deadlines.procedure_deadlines(K.TEMPORARY_CARD, S.RECEIPT_DELIVERED, receipt_on=day)
        return found[0].due_on

    day = _landing(_back(f.today, f.case.opened_on, 200), expiry,
                   f.today - datetime.timedelta(days=12), f.today - datetime.timedelta(days=2), f)  # fmt: skip
    return [[ProcedureData(K.TEMPORARY_CARD, S.RECEIPT_DELIVERED, day, day)]] if day else None


def _reflection_asked(f: Facts) -> list[list[ProcedureData]] | None:
    day = next(_back(f.today - datetime.timedelta(days=3), f.case.opened_on, 1), None)
    return [[ProcedureData(K.REFLECTION_PERIOD, S.REQUESTED, day)]] if day else None


def _resident_card(f: Facts) -> list[ProcedureData] | None:
    """A ten-year card (L425-3) granted after the conviction, for a file the court recognised."""
    if f.court_on is None or not f.needs_permit:
        return None
    asked = f.court_on + datetime.timedelta(days=20)
    receipt, decided = asked + datetime.timedelta(days=10), asked + datetime.timedelta(days=70)
    return [ProcedureData(K.RESIDENT_CARD, S.GRANTED, asked, receipt, decided, decided)] if decided <= f.end else None


def ensure_resident_card(facts: list[Facts], stories: dict[int, Story]) -> None:
    """Grant one L425-3 card if the draws granted none: a small demo still shows that state."""
    chains = (c for story in stories.values() for c in story.chains)
    if any(c[-1].kind == K.RESIDENT_CARD and c[-1].state == S.GRANTED for c in chains if c):
        return
    for f in facts:
        card = _resident_card(f)
        if card is not None:
            story = stories[f.case.pk]
            story.chains = [*(c for c in story.chains if c and c[0].kind != K.RESIDENT_CARD), card]
            return


# Within the dashboard's « this week and next » even on a Sunday.
SOON_DAYS = 6
# Per demo account: the deadlines its dashboard must show, each on one of its open files.
SHOWCASE: dict[str, tuple[Callable[[Facts], list[list[ProcedureData]] | None], ...]] = {
    f"caseworker@{DEMO_DOMAIN}": (
        _reflection_soon,
        _reflection_soon,
        _renewal_due,
        _receipt_overdue,
        _reflection_asked,
    ),
    f"supervisor@{DEMO_DOMAIN}": (_reflection_soon, _renewal_due, _receipt_overdue),
    f"volunteer@{DEMO_DOMAIN}": (_reflection_soon, _renewal_due, _reflection_asked),
}


def showcase(facts: list[Facts], stories: dict[int, Story]) -> None:
    """Give the demo accounts' open files of foreign adults the deadlines their dashboards show."""
    for email, makers in SHOWCASE.items():
        mine = [f for f in facts if f.case.is_open and f.needs_permit and f.case.assigned_to is not None
                and f.case.assigned_to.email == email]  # fmt: skip
        mine.sort(key=lambda f: (-f.case.opened_on.toordinal(), f.case.reference))
        for maker in makers:
            for f in mine:
                chains = maker(f)
                if chains is not None:
                    stories[f.case.pk] = Story(chains=chains)
                    mine.remove(f)
                    break
