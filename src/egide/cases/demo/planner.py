"""Plan the demo victims and their case files from a seed, writing nothing.

One `CaseScenario` is drawn per case file, once; every part of the file (person, case,
forms, status decisions, consents, screening) is written from it. Each scenario carries a
seed of its own: a part added later (profile, procedures, support plan) draws from
`random.Random(scenario.seed)` without shifting anything drawn here.
"""

import datetime
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from egide.cases.demo import tables as t
from egide.cases.demo.variants import typo, vary
from egide.cases.identity import Identity, IdentityDocument, PartialDate
from egide.cases.vocabulary import Authority, ConsentPurpose, DocumentKind, Sex, TraffickingStatus
from egide.identification.vocabulary import Profile

FIRST_DAY = datetime.date(2021, 1, 1)
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Slot:
    """An association that follows victims: a stable label, a weight, its région."""

    key: str
    weight: float
    region: str


@dataclass(frozen=True)
class DecisionPlan:
    status: str
    authority: str
    decided_on: datetime.date
    document_reference: str = ""
    # None for a « presumed » conclusion still awaiting the supervisor's confirmation.
    confirmed_on: datetime.date | None = None


@dataclass(frozen=True)
class ConsentPlan:
    purpose: str
    given: bool
    recorded_on: datetime.date
    language: str
    interpreter: bool
    withdrawn_on: datetime.date | None = None


@dataclass(frozen=True)
class ScreeningPlan:
    screened_on: datetime.date
    profile: str
    exploitation_form: str
    reference: str
    shows_signs: bool
    seed: int


@dataclass(frozen=True)
class CaseScenario:
    """Everything about one case file, drawn once; `person` is the ground truth of linkage."""

    person: int
    slot: int
    reference: str
    seed: int
    identity: Identity
    variants: tuple[str, ...]
    sex: str
    nationality: str
    forms: tuple[str, ...]
    birth: datetime.date
    opened_on: datetime.date
    closed_on: datetime.date | None
    assignee: str  # "caseworker", "volunteer" or "" (unassigned)
    decisions: tuple[DecisionPlan, ...]
    consents: tuple[ConsentPlan, ...]
    screening: ScreeningPlan | None

    @property
    def minor_at_opening(self) -> bool:
        return age_on(self.birth, self.opened_on) < 18


@dataclass(frozen=True)
class DemoPlan:
    scenarios: tuple[CaseScenario, ...]
    persons: int


def age_on(birth: datetime.date, day: datetime.date) -> int:
    """Return the age in whole years on `day`.

    >>> birth = datetime.date(2008, 3, 1)
    >>> age_on(birth, datetime.date(2026, 2, 28)), age_on(birth, datetime.date(2026, 3, 1))
    (17, 18)
    """
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _days(rng: random.Random, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, high))


def _odds(rng: random.Random, odds: Sequence[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in odds], weights=[w for _, w in odds])[0]


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _opening_day(rng: random.Random, today: datetime.date) -> datetime.date:
    years = {y: w for y, w in t.YEAR_WEIGHTS.items() if datetime.date(y, 1, 1) <= today}
    year = rng.choices(list(years), weights=list(years.values()))[0]
    last = min(datetime.date(year, 12, 31), today)
    return datetime.date(year, 1, 1) + _days(rng, 0, (last - datetime.date(year, 1, 1)).days)


# --- Persons --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    index: int
    sex: str
    nationality: str
    forms: tuple[str, ...]
    birth: datetime.date
    identity: Identity
    openings: tuple[datetime.date, ...]
    slots: tuple[int, ...]


def _forms(rng: random.Random) -> tuple[str, ...]:
    main = _weighted(rng, t.FORM_WEIGHTS)
    odds, others = t.SECOND_FORM[main]
    return (main, rng.choice(others)) if rng.random() < odds else (main,)


def _birth(rng: random.Random, main_form: str, opened_on: datetime.date) -> datetime.date:
    if rng.random() < t.MINOR_ODDS[main_form]:
        low, high = t.MINOR_AGES
    else:
        low, high, _ = rng.choices(t.ADULT_AGES, weights=[w for *_, w in t.ADULT_AGES])[0]
    # Up to a year less than low + (high - low + 1) years: the age on the day is between low and high.
    span = rng.uniform(low, high + 1 - 1 / DAYS_PER_YEAR)
    return opened_on - datetime.timedelta(days=int(span * DAYS_PER_YEAR) + 1)


def _identity(rng: random.Random, sex: str, nationality: str, birth: datetime.date) -> Identity:
    naming = t.NAMINGS[nationality]
    given = rng.choice(naming.male if sex == Sex.MALE else naming.female)
    family = rng.choice(naming.family)
    if naming.feminine and sex != Sex.MALE:
        family = naming.feminine.get(family, family)
    documents: tuple[IdentityDocument, ...] = ()
    if rng.random() < t.PASSPORT_ODDS:
        number = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2)) + f"{rng.randrange(10**7):07d}"
        documents = (IdentityDocument(DocumentKind.PASSPORT, number),)
    return Identity(
        family_name=family,
        given_names=given,
        aliases=(rng.choice(t.ALIASES),) if rng.random() < t.ALIAS_ODDS else (),
        birth_date=PartialDate(birth.year, birth.month, birth.day),
        birth_place=rng.choice(naming.birth_places) if rng.random() < t.BIRTH_PLACE_ODDS else "",
        # ARCEP keeps 06 39 98 xx xx for works of fiction: these numbers ring nowhere.
        phone=f"06 39 98 {rng.randrange(100):02d} {rng.randrange(100):02d}" if rng.random() < t.PHONE_ODDS else "",
        identity_documents=documents,
    )


def _slots(rng: random.Random, slots: Sequence[Slot]) -> tuple[int, ...]:
    weights = [s.weight for s in slots]
    chosen = [rng.choices(range(len(slots)), weights=weights)[0]]
    if len(slots) > 1 and rng.random() < t.DUPLICATE_ODDS:
        count = 3 if rng.random() < t.TRIPLE_SHARE and len(slots) > 2 else 2
        while len(chosen) < count:
            near = [i for i, s in enumerate(slots) if s.region == slots[chosen[-1]].region and i not in chosen]
            pool = (
                near
                if near and rng.random() < t.SAME_REGION_ODDS
                else [i for i in range(len(slots)) if i not in chosen]
            )
            chosen.append(rng.choices(pool, weights=[slots[i].weight for i in pool])[0])
    return tuple(chosen)


def _openings(rng: random.Random, count: int, today: datetime.date) -> tuple[datetime.date, ...]:
    days = [_opening_day(rng, today)]
    while len(days) < count:
        later = days[-1] + _days(rng, 20, 540)
        days.append(later if later <= today else days[-1] + _days(rng, 0, (today - days[-1]).days))
    return tuple(days)


def _person(rng: random.Random, index: int, slots: Sequence[Slot], today: datetime.date) -> _Person:
    forms = _forms(rng)
    female, male, _ = t.SEX_ODDS[forms[0]]
    draw = rng.random()
    sex = Sex.FEMALE if draw < female else Sex.MALE if draw < female + male else Sex.OTHER
    nationality = _weighted(rng, t.NATIONALITY_WEIGHTS[forms[0]])
    chosen = _slots(rng, slots)
    openings = _openings(rng, len(chosen), today)
    birth = _birth(rng, forms[0], openings[0])
    identity = _identity(rng, sex, nationality, birth)
    return _Person(index, sex.value, nationality, forms, birth, identity, openings, chosen)


def _recorded(rng: random.Random, person: _Person, first: Identity | None) -> tuple[Identity, tuple[str, ...]]:
    """Return the identity as this association wrote it down; a later file differs from the `first`."""
    naming = t.NAMINGS[person.nationality]
    identity, variants = (person.identity, ()) if first is None else vary(rng, person.identity, naming)
    birth = identity.birth_date
    precision = _odds(rng, t.BIRTH_PRECISION)
    # A date already written otherwise by a variant stays as the variant wrote it.
    if birth is not None and precision != "day" and not any(v.startswith("birth_") for v in variants):
        birth = None if precision == "none" else PartialDate(birth.year, birth.month if precision == "month" else None)
    phone = identity.phone if first is None or rng.random() < 0.5 else ""
    documents = identity.identity_documents if first is None or rng.random() < 0.6 else ()
    recorded = replace(identity, birth_date=birth, phone=phone, identity_documents=documents)
    if first is not None and (recorded.family_name, recorded.given_names) == (first.family_name, first.given_names):
        # A date alone may match the first file's (both year only): then a name differs too.
        recorded = replace(recorded, family_name=typo(rng, recorded.family_name))
        variants = (*variants, "typo")
    return recorded, variants


# --- Case files -----------------------------------------------------------------------------


def _capped(day: datetime.date, today: datetime.date) -> datetime.date | None:
    return day if day <= today else None


def _document(rng: random.Random, authority: str, year: int) -> str:
    n = rng.randrange(1, 10**5)
    if authority == Authority.POLICE:
        return f"PV n° {year}/{n:06d}"
    if authority == Authority.GENDARMERIE:
        return f"PV n° {n:05d}/{year} (gendarmerie)"
    if authority == Authority.LABOUR_INSPECTION:
        return f"Procès-verbal de l'inspection du travail {year}-{n:05d}"
    return f"Jugement n° {year % 100:02d}/{n:05d}"


def _decisions(
    rng: random.Random, forms: tuple[str, ...], opened_on: datetime.date, today: datetime.date
) -> tuple[DecisionPlan, ...]:
    if rng.random() < t.NO_DECISION_ODDS:
        return ()
    if rng.random() < t.NOT_A_VICTIM_ODDS:
        decided = _capped(opened_on + _days(rng, 30, 120), today)
        return (DecisionPlan(TraffickingStatus.NOT_A_VICTIM, Authority.ASSOCIATION, decided),) if decided else ()
    presumed_on = min(opened_on + _days(rng, 0, 20), today)
    confirmed_on = _capped(presumed_on + _days(rng, 0, 10), today)
    if rng.random() < t.UNCONFIRMED_ODDS:
        confirmed_on = None
    plans = [DecisionPlan(TraffickingStatus.PRESUMED, Authority.ASSOCIATION, presumed_on, "", confirmed_on)]
    if rng.random() < t.FORMAL_ODDS:
        odds = t.LABOUR_FORMAL_AUTHORITIES if forms[0] in {t.DOMESTIC, t.LABOUR} else t.FORMAL_AUTHORITIES
        authority = _odds(rng, odds)
        formal_on = _capped(presumed_on + _days(rng, 20, 365), today)
        if formal_on:
            reference = _document(rng, authority, formal_on.year)
            plans.append(DecisionPlan(TraffickingStatus.FORMALLY_IDENTIFIED, authority, formal_on, reference))
            court_on = _capped(formal_on + _days(rng, 365, 1460), today)
            if court_on and rng.random() < t.COURT_ODDS:
                reference = _document(rng, Authority.COURT, court_on.year)
                plans.append(DecisionPlan(TraffickingStatus.RECOGNISED_BY_COURT, Authority.COURT, court_on, reference))
    return tuple(plans)


def _consents(
    rng: random.Random, nationality: str, opened_on: datetime.date, today: datetime.date
) -> tuple[ConsentPlan, ...]:
    language = t.NAMINGS[nationality].language
    interpreter = language != "fr" and rng.random() < t.INTERPRETER_ODDS
    given = rng.random() >= t.CASE_MANAGEMENT_REFUSED_ODDS
    plans = [ConsentPlan(ConsentPurpose.CASE_MANAGEMENT, given, opened_on, language, interpreter)]
    if given and rng.random() < t.STATISTICS_ASKED_ODDS:
        recorded_on = min(opened_on + _days(rng, 0, 60), today)
        agreed = rng.random() >= t.STATISTICS_REFUSED_ODDS
        withdrawn_on = None
        if agreed and rng.random() < t.STATISTICS_WITHDRAWN_ODDS:
            withdrawn_on = _capped(recorded_on + _days(rng, 30, 720), today)
        plans.append(
            ConsentPlan(ConsentPurpose.STATISTICAL_SUBMISSION, agreed, recorded_on, language, interpreter, withdrawn_on)
        )
    return tuple(plans)


def _closing(
    rng: random.Random,
    opened_on: datetime.date,
    today: datetime.date,
    decisions: tuple[DecisionPlan, ...],
    consents: tuple[ConsentPlan, ...],
    next_opening: datetime.date | None,
) -> datetime.date | None:
    """Close refused and « not a victim » files, most of the old ones, and files the person left."""
    if not consents[0].given:
        return min(opened_on + _days(rng, 0, 14), today)
    if decisions and decisions[-1].status == TraffickingStatus.NOT_A_VICTIM:
        return decisions[-1].decided_on
    if next_opening is not None and rng.random() < 0.6:
        return max(opened_on, next_opening - _days(rng, 0, 30))
    years = (today - opened_on).days / DAYS_PER_YEAR
    if rng.random() < min(t.CLOSE_MAX_ODDS, t.CLOSE_BASE_ODDS + t.CLOSE_YEARLY_ODDS * years):
        return _capped(opened_on + _days(rng, 90, 900), today - datetime.timedelta(days=1))
    return None


def _screening(
    rng: random.Random, forms: tuple[str, ...], birth: datetime.date, opened_on: datetime.date
) -> ScreeningPlan | None:
    if forms[0] not in t.SCREENED_FORMS or rng.random() >= t.SCREENING_ODDS:
        return None
    screened_on = max(opened_on - _days(rng, 0, 10), FIRST_DAY)
    profile = Profile.CHILD if age_on(birth, screened_on) < 18 else Profile.ADULT
    # A pseudonym, as the screening form asks: a day and a kind of place, never a name.
    reference = f"Personne rencontrée le {screened_on:%d/%m} — {rng.choice(t.SCREENING_PLACES)}"
    shows_signs = rng.random() < t.SCREENING_SIGNS_ODDS
    return ScreeningPlan(screened_on, profile.value, forms[0], reference, shows_signs, rng.getrandbits(64))


def _assignee(rng: random.Random, slot: int) -> str:
    if slot == 0:
        return "volunteer" if rng.random() < t.VOLUNTEER_SHARE else "caseworker"
    return "" if rng.random() < t.UNASSIGNED_ODDS else "caseworker"


def _scenario(person: _Person, rank: int, seed: int, today: datetime.date, first: Identity | None) -> CaseScenario:
    rng = random.Random(seed)  # noqa: S311  (reproducible demo data, not secrets)
    identity, variants = _recorded(rng, person, first)
    opened_on = person.openings[rank]
    next_opening = person.openings[rank + 1] if rank + 1 < len(person.openings) else None
    decisions = _decisions(rng, person.forms, opened_on, today)
    consents = _consents(rng, person.nationality, opened_on, today)
    return CaseScenario(
        person=person.index, slot=person.slots[rank], reference="", seed=seed, identity=identity,
        variants=variants, sex=person.sex, nationality=person.nationality, forms=person.forms,
        birth=person.birth, opened_on=opened_on,
        closed_on=_closing(rng, opened_on, today, decisions, consents, next_opening),
        assignee=_assignee(rng, person.slots[rank]), decisions=decisions, consents=consents,
        screening=_screening(rng, person.forms, person.birth, opened_on),
    )  # fmt: skip


def _numbered(scenarios: list[CaseScenario]) -> tuple[CaseScenario, ...]:
    """Give each file its « AAAA-NNNN » reference, in order of opening within its association."""
    by_slot: dict[int, list[int]] = defaultdict(list)
    for index, scenario in enumerate(scenarios):
        by_slot[scenario.slot].append(index)
    numbered = list(scenarios)
    for indexes in by_slot.values():
        counters: dict[int, int] = defaultdict(int)
        for index in sorted(indexes, key=lambda i: (scenarios[i].opened_on, i)):
            year = scenarios[index].opened_on.year
            counters[year] += 1
            numbered[index] = replace(scenarios[index], reference=f"{year}-{counters[year]:04d}")
    return tuple(numbered)


def plan_victims(seed: int, victims: int, slots: Sequence[Slot], today: datetime.date) -> DemoPlan:
    """Plan `victims` persons and their files in `slots`; the same arguments give the same plan."""
    if not slots:
        raise ValueError("Aucune association où ouvrir les dossiers de démonstration.")
    rng = random.Random(seed)  # noqa: S311  (reproducible demo data, not secrets)
    scenarios: list[CaseScenario] = []
    for index in range(victims):
        person = _person(rng, index, slots, today)
        first = _scenario(person, 0, rng.getrandbits(64), today, None)
        scenarios.append(first)
        scenarios += [
            _scenario(person, rank, rng.getrandbits(64), today, first.identity) for rank in range(1, len(person.slots))
        ]
    return DemoPlan(_numbered(scenarios), victims)
