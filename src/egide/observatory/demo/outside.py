"""The demo's holders that do not use Égide: sources of other kinds that see some of the same persons.

A multiple-systems estimate is only as good as the overlaps between its lists. If the
outside holders saw nobody the associations know (as random synthetic records would), the
lists would barely overlap and the estimate would run to tens of times the persons seen.
Here each year has a true population, known to the demo and to nobody else:

- the demo persons followed by an association during the year (from the demo plan, which
  `plan_from_load` rebuilds from the parameters of the cases load, never from the case
  tables), except those concluded not to be victims;
- `HIDDEN_PER_FOLLOWED` times as many persons no association met (synthetic identities).

Each outside source (a health establishment, a police unit, an outreach association) sees
each person of that population independently, with its own probability, and writes down
her identity its own way (`vary` for the demo persons, `duplicate` for the others), so that
linkage has to find her again. Independent captures are the multiple-systems estimate's
own assumption: the estimate should then fall near the true population, which
`outside_plan(...).population` gives for checking.
"""

import datetime
import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from egide.cases.demo import LOAD_ACTION as CASES_LOAD_ACTION
from egide.cases.demo import CaseScenario, DemoCasesError, plan_victims, slots_of
from egide.cases.demo.tables import NAMINGS
from egide.cases.demo.variants import vary
from egide.cases.identity import Identity
from egide.cases.vocabulary import TraffickingStatus
from egide.core.models import AuditEvent
from egide.observatory.derive import age_group
from egide.organisations.models import Organisation
from egide.organisations.vocabulary import Kind
from egide_analytics.linkage import PersonIdentity
from egide_analytics.linkage.synthetic import duplicate, generate
from egide_analytics.submission import BY_NAME, clean_variables

# Persons nobody in the associations met, per person an association followed in the year.
HIDDEN_PER_FOLLOWED = 2.0
# A source records the same person twice in the year (two stays, two calls) this often.
REPEAT_ODDS = 0.05
# A source writes a person's identity otherwise than the file it is compared with this often
# (another spelling, swapped names, a typo, a partial date); else as on her papers.
VARIANT_ODDS = 0.6


@dataclass(frozen=True)
class OutsideSource:
    """A kind of holder without Égide: which organisation plays it, how often it sees a victim, what it codes."""

    kind: str
    capture: float
    supported_odds: float
    identified_by: str


SOURCES = (
    OutsideSource(Kind.HOSPITAL, capture=0.15, supported_odds=0.3, identified_by="health_social"),
    OutsideSource(Kind.POLICE_UNIT, capture=0.10, supported_odds=0.0, identified_by="police"),
    OutsideSource(Kind.ASSOCIATION, capture=0.12, supported_odds=0.7, identified_by="association"),
)


@dataclass(frozen=True)
class OutsideRecord:
    """One record of an outside source: its id, identity as written, codes, and its true person."""

    source: int
    record_id: str
    identity: PersonIdentity
    variables: dict[str, str | list[str]]
    person: Hashable  # ("demo", plan index) or ("hidden", year, index)


@dataclass(frozen=True)
class OutsidePlan:
    year: int
    records: tuple[OutsideRecord, ...]
    followed: int  # demo persons followed by an association during the year
    population: int  # followed + hidden: the true population the estimate aims at

    def for_source(self, source: int) -> list[OutsideRecord]:
        return [record for record in self.records if record.source == source]


def plan_from_load() -> tuple[CaseScenario, ...]:
    """Rebuild the demo plan from the parameters of the cases load (as `demo_ground_truth` does)."""
    event = AuditEvent.objects.filter(action=CASES_LOAD_ACTION).order_by("id").first()
    if event is None:
        raise DemoCasesError("Aucune victime de démonstration n'a été chargée.")
    params = event.extra
    found = Organisation.objects.select_related("departement").in_bulk(params["organisations"])
    organisations = [found[pk] for pk in params["organisations"] if pk in found]
    if len(organisations) != len(params["organisations"]):
        raise DemoCasesError("Associations de démonstration supprimées depuis le chargement.")
    today = datetime.date.fromisoformat(params["today"])
    return plan_victims(params["seed"], params["victims"], slots_of(organisations), today).scenarios


def followed_in(scenarios: Sequence[CaseScenario], year: int) -> list[CaseScenario]:
    """Return each person's first file when one of her files is open during `year` and she is a victim."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    firsts: dict[int, CaseScenario] = {}
    active: set[int] = set()
    for scenario in scenarios:
        firsts.setdefault(scenario.person, scenario)
        open_in_year = scenario.opened_on <= last and (scenario.closed_on is None or scenario.closed_on >= first)
        not_a_victim = bool(scenario.decisions) and scenario.decisions[-1].status == TraffickingStatus.NOT_A_VICTIM
        if open_in_year and not not_a_victim:
            active.add(scenario.person)
    return [firsts[person] for person in sorted(active)]


def _written(identity: Identity, sex: str, nationality: str) -> PersonIdentity:
    return PersonIdentity(
        family_name=identity.family_name,
        given_names=identity.given_names,
        birth_date=str(identity.birth_date) if identity.birth_date else "",
        sex=sex,
        birth_country=nationality,
    )


def _variables(
    rng: random.Random, source: OutsideSource, sex: str, nationality: str, forms: Sequence[str], age: str
) -> dict[str, str | list[str]]:
    raw: dict[str, str | list[str] | None] = {
        "status": "supported" if rng.random() < source.supported_odds else "identified",
        "sex": sex if sex in BY_NAME["sex"].codes else "unknown",
        "age_group": age,
        "nationality": nationality or "unknown",
        "forms": list(forms),
        "identified_by": source.identified_by,
        "complaint_filed": rng.choice(["yes", "no", "unknown"]),
    }
    return clean_variables(raw)


def _hidden_forms(rng: random.Random) -> list[str]:
    forms = list(BY_NAME["forms"].codes)
    return [rng.choices(forms, weights=[70, 8, 10, 6, 3, 0.5, 2, 0.5])[0]]


def _hidden_age(rng: random.Random, birth_date: str, year: int) -> str:
    return age_group(int(birth_date[:4]), year) if birth_date else "unknown"


Written = tuple[PersonIdentity, dict[str, str | list[str]], Hashable]


def _followed_records(
    rng: random.Random, source: OutsideSource, followed: Sequence[CaseScenario], year: int
) -> list[Written]:
    """The records a source writes of the demo persons it sees: another file than the associations'."""
    written: list[Written] = []
    for scenario in followed:
        if rng.random() >= source.capture:
            continue
        naming = NAMINGS[scenario.nationality]
        age = age_group(scenario.birth.year, year)
        variables = _variables(rng, source, scenario.sex, scenario.nationality, scenario.forms, age)
        for _ in range(2 if rng.random() < REPEAT_ODDS else 1):
            identity = vary(rng, scenario.identity, naming)[0] if rng.random() < VARIANT_ODDS else scenario.identity
            person = _written(identity, scenario.sex, scenario.nationality)
            written.append((person, variables, ("demo", scenario.person)))
    return written


def _hidden_records(
    rngs: tuple[random.Random, np.random.Generator],
    source: OutsideSource,
    hidden: Sequence[PersonIdentity],
    seen: set[int],
    year: int,
) -> list[Written]:
    """The records a source writes of the persons no association met; `seen` holds those already written."""
    rng, np_rng = rngs
    written: list[Written] = []
    for number, person in enumerate(hidden):
        if rng.random() >= source.capture:
            continue
        age = _hidden_age(rng, person.birth_date, year)
        variables = _variables(rng, source, person.sex, person.birth_country, _hidden_forms(rng), age)
        first = number not in seen
        seen.add(number)
        for repeat in range(2 if rng.random() < REPEAT_ODDS else 1):
            # The first record of a person is as drawn; the later ones are sometimes written otherwise.
            as_drawn = (first and not repeat) or rng.random() >= VARIANT_ODDS
            identity = person if as_drawn else duplicate(person, np_rng)
            written.append((identity, variables, ("hidden", year, number)))
    return written


def outside_plan(scenarios: Sequence[CaseScenario], year: int, seed: int) -> OutsidePlan:
    """Draw the outside sources' records of `year`: the same arguments give the same records."""
    rng = random.Random(seed * 10_000 + year)  # noqa: S311  (fictitious data, reproducible from the seed)
    np_rng = np.random.default_rng(seed * 10_000 + year)
    followed = followed_in(scenarios, year)
    hidden = generate(round(HIDDEN_PER_FOLLOWED * len(followed)), duplicate_rate=0.0, seed=seed + year, year=year)
    records: list[OutsideRecord] = []
    seen: set[int] = set()
    for index, source in enumerate(SOURCES):
        written = _followed_records(rng, source, followed, year)
        written += _hidden_records((rng, np_rng), source, hidden.identities, seen, year)
        order = list(range(len(written)))
        rng.shuffle(order)  # a file is not sorted by whether the associations know the person
        records += [
            OutsideRecord(index, f"H{index}-{year}-{rank:05d}", *written[position])
            for rank, position in enumerate(order, start=1)
        ]
    return OutsidePlan(year, tuple(records), len(followed), len(followed) + len(hidden))
