"""The profile, the journey and the protection of each demo file, each drawn from a seed of its own.

Each part draws from `random.Random(f"<part>:{scenario.seed}")`: the planner's draws stay
as they were, and a part added later shifts nothing here. The rows are those the actions
write: `apply_profile` (profile and its code tables), `do_add_event` (events), `open_case`
(age status from the date of birth, a minor's case sealed with reason « minor »).
"""

import datetime
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from egide.accounts.models import User
from egide.cases.demo import tables as t
from egide.cases.demo.planner import CaseScenario, age_on
from egide.cases.minors import age_status_from_birth
from egide.cases.models import (
    CaseControlMeans,
    CaseEvent,
    CaseProfile,
    CaseRecruitmentMethod,
    PersonLanguage,
)
from egide.cases.vocabulary import (
    MINOR_AGE_STATUSES,
    AdministrativeStatus,
    AgeStatus,
    Authority,
    ComplaintService,
    EventKind,
    ExploitedInFrance,
    MeansOfControl,
    RecruitmentMethod,
    RelationshipToTrafficker,
    SealReason,
    TraffickingStatus,
    YesNoUnknown,
)
from egide.core.models import Commune

if TYPE_CHECKING:  # The writer imports this module.
    from egide.cases.demo.writer import Batch, Staff

M = MeansOfControl
R = RecruitmentMethod
EU = frozenset({"ROU", "BGR"})
# Means of control by main form: the usual ones first, drawn two to four at a time.
CONTROL_MEANS: dict[str, tuple[str, ...]] = {
    t.SEXUAL: (M.DEBT_BONDAGE, M.PHYSICAL_THREATS, M.THREATENS_CHILDREN_FAMILY, M.TAKES_EARNINGS,
               M.WITHHOLDS_DOCUMENTS, M.PSYCHOLOGICAL_ABUSE, M.SEXUAL_ABUSE, M.FALSE_PROMISES),
    t.DOMESTIC: (M.WITHHOLDS_DOCUMENTS, M.EXCESSIVE_WORKING_HOURS, M.RESTRICTS_FINANCIAL_ACCESS,
                 M.THREATS_LAW_ENFORCEMENT, M.PSYCHOLOGICAL_ABUSE, M.WITHHOLDS_NECESSITIES),
    t.LABOUR: (M.EXCESSIVE_WORKING_HOURS, M.DEBT_BONDAGE, M.TAKES_EARNINGS, M.THREATS_LAW_ENFORCEMENT,
               M.WITHHOLDS_DOCUMENTS, M.FALSE_PROMISES),
    t.BEGGING: (M.TAKES_EARNINGS, M.PHYSICAL_ABUSE, M.PHYSICAL_THREATS, M.THREATENS_CHILDREN_FAMILY),
    t.CRIMINALITY: (M.PHYSICAL_THREATS, M.PSYCHOACTIVE_SUBSTANCE, M.DEBT_BONDAGE, M.PHYSICAL_ABUSE),
    t.MARRIAGE: (M.PSYCHOLOGICAL_ABUSE, M.THREATENS_CHILDREN_FAMILY, M.SEXUAL_ABUSE, M.RESTRICTS_FINANCIAL_ACCESS),
}  # fmt: skip
RECRUITMENT: dict[str, tuple[str, ...]] = {
    t.SEXUAL: (R.FRIENDS, R.FAMILY, R.ONLINE_SOCIAL_NETWORKS, R.ONLINE_ADVERTISEMENT),
    t.DOMESTIC: (R.FAMILY, R.FRIENDS, R.NEWSPAPER_ADVERT),
    t.LABOUR: (R.ONLINE_ADVERTISEMENT, R.AT_WORK, R.FRIENDS, R.AT_A_PLACE_OF_BUSINESS),
    t.BEGGING: (R.FAMILY, R.FRIENDS),
    t.CRIMINALITY: (R.FRIENDS, R.ONLINE_SOCIAL_NETWORKS, R.FAMILY),
    t.MARRIAGE: (R.FAMILY,),
}
RELATIONSHIP: dict[str, tuple[tuple[str, float], ...]] = {
    t.SEXUAL: ((RelationshipToTrafficker.ACQUAINTANCE, 0.45), (RelationshipToTrafficker.STRANGER, 0.25),
               (RelationshipToTrafficker.PARTNER, 0.2), (RelationshipToTrafficker.FAMILY, 0.1)),
    t.DOMESTIC: ((RelationshipToTrafficker.EMPLOYER, 0.6), (RelationshipToTrafficker.FAMILY, 0.4)),
    t.LABOUR: ((RelationshipToTrafficker.EMPLOYER, 0.8), (RelationshipToTrafficker.ACQUAINTANCE, 0.2)),
    t.BEGGING: ((RelationshipToTrafficker.FAMILY, 0.6), (RelationshipToTrafficker.ACQUAINTANCE, 0.4)),
    t.CRIMINALITY: ((RelationshipToTrafficker.ACQUAINTANCE, 0.6), (RelationshipToTrafficker.FAMILY, 0.4)),
    t.MARRIAGE: ((RelationshipToTrafficker.FAMILY, 0.7), (RelationshipToTrafficker.PARTNER, 0.3)),
}  # fmt: skip
# Other languages spoken, by nationality, beside the one of the naming tables.
MORE_LANGUAGES: dict[str, tuple[str, ...]] = {
    "NGA": ("pcm", "bin"), "CMR": ("en",), "MAR": ("fr", "zgh"), "ROU": ("rom",), "BGR": ("rom", "tr"),
    "UKR": ("ru",), "ALB": ("it",), "CHN": ("wuu",), "BRA": ("es",), "VNM": (), "CIV": (), "FRA": (),
}  # fmt: skip
# Countries crossed on the way, by nationality; none for neighbours and French nationals.
TRANSIT: dict[str, tuple[str, ...]] = {
    "NGA": ("NER", "LBY", "ITA"), "CIV": ("MLI", "LBY", "ITA"), "CMR": ("NGA", "MAR", "ESP"), "MAR": ("ESP",),
    "CHN": ("RUS", "SRB"), "VNM": ("RUS", "POL", "DEU"), "ALB": ("ITA",), "BRA": ("PRT", "ESP"),
    "UKR": ("POL", "DEU"), "ROU": ("HUN", "AUT"), "BGR": ("SRB", "ITA"),
}  # fmt: skip
ABROAD = ("ESP", "ITA", "BEL", "DEU", "NLD", "CHE", "GBR")
EXPLOITED_ODDS = ((ExploitedInFrance.IN_FRANCE, 0.9), (ExploitedInFrance.ONLY_ABROAD, 0.06),
                  (ExploitedInFrance.UNKNOWN, 0.04))  # fmt: skip
COMPLAINT_WITHOUT_IDENTIFICATION_ODDS = 0.15
COMPLAINT_UNKNOWN_ODDS = 0.2
MINOR_AT_START_UNKNOWN_ODDS = 0.05
TRANSIT_ODDS = 0.6
# Adults whose case is sealed for their safety (a trafficker looking for them).
HIGH_RISK_ODDS = 0.02
# In the demo accounts' association, this share of the caseworker's cases goes to the supervisor.
SUPERVISOR_SHARE = 0.15
# The first team also takes this share of the volunteer's cases; the second team the rest.
VOLUNTEER_FIRST_TEAM_SHARE = 0.5
TEAM_NAMES = ("Équipe accueil et maraude", "Équipe hébergement")
COMMUNES_PER_DEPARTEMENT = 15
FORMAL_SERVICES = {Authority.POLICE: ComplaintService.POLICE, Authority.GENDARMERIE: ComplaintService.GENDARMERIE,
                   Authority.LABOUR_INSPECTION: ComplaintService.OTHER}  # fmt: skip


def _rng(part: str, scenario: CaseScenario) -> random.Random:
    return random.Random(f"{part}:{scenario.seed}")  # noqa: S311  (reproducible demo data, not secrets)


def _pick(rng: random.Random, odds: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([k for k, _ in odds], weights=[w for _, w in odds])[0]


def _some(rng: random.Random, pool: tuple[str, ...], low: int, high: int) -> list[str]:
    return sorted(rng.sample(pool, rng.randint(low, min(high, len(pool)))))


# --- Age, seal, team and assignee: on the case row itself ---------------------------------------


def age_status_of(scenario: CaseScenario) -> str:
    """Return the age status at opening: what the recorded date of birth settles, else presumed minor."""
    if not scenario.minor_at_opening:
        return AgeStatus.ADULT
    settled = age_status_from_birth(scenario.identity.birth_date, scenario.opened_on)
    return AgeStatus.MINOR if settled == AgeStatus.MINOR else AgeStatus.PRESUMED_MINOR


def case_protection(scenario: CaseScenario, staff: "Staff") -> dict[str, Any]:
    """Return the case's age status, seal (as `seal_in_transaction` stores it), team and assignee."""
    rng = _rng("protection", scenario)
    age_status = age_status_of(scenario)
    reason = ""
    if age_status in MINOR_AGE_STATUSES:
        reason = SealReason.MINOR
    elif rng.random() < HIGH_RISK_ODDS:
        reason = SealReason.HIGH_RISK
    assignee: User | None = staff.assignee(scenario.assignee)
    team = None
    if staff.teams:
        first, second = staff.teams
        if assignee == staff.caseworker and rng.random() < SUPERVISOR_SHARE:
            assignee = staff.supervisor
        if assignee == staff.caseworker:
            team = first
        elif assignee == staff.supervisor:
            team = second
        else:
            team = first if rng.random() < VOLUNTEER_FIRST_TEAM_SHARE else second
    return {"age_status": age_status, "sealed": bool(reason), "seal_reason": reason, "team": team,
            "assigned_to": assignee}  # fmt: skip


# --- Profile and events ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Journey:
    exploited: str
    events: tuple[tuple[str, str, str, str, str], ...]  # kind, commune code, country, start, end
    exploitation_start: datetime.date


def _month(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


def _journey(rng: random.Random, scenario: CaseScenario, communes: list[str]) -> _Journey:
    exploited = ExploitedInFrance.IN_FRANCE if scenario.nationality == "FRA" else _pick(rng, EXPLOITED_ODDS)
    end = scenario.opened_on - datetime.timedelta(days=rng.randint(0, 120))
    start = end - datetime.timedelta(days=rng.randint(30, 4 * 365))
    recruited = start - datetime.timedelta(days=rng.randint(0, 180))
    home = rng.choice(communes) if communes else ""
    events: list[tuple[str, str, str, str, str]] = []
    if scenario.nationality == "FRA" and home:
        events.append((EventKind.RECRUITMENT, home, "", _month(recruited), ""))
    elif scenario.nationality != "FRA":
        events.append((EventKind.RECRUITMENT, "", scenario.nationality, _month(recruited), ""))
        if scenario.nationality in TRANSIT and rng.random() < TRANSIT_ODDS:
            events.append((EventKind.TRANSIT, "", rng.choice(TRANSIT[scenario.nationality]), _month(recruited),
                           _month(start)))  # fmt: skip
    if exploited == ExploitedInFrance.IN_FRANCE and home:
        events.append((EventKind.EXPLOITATION, home, "", _month(start), _month(end)))
    elif exploited == ExploitedInFrance.ONLY_ABROAD:
        events.append((EventKind.EXPLOITATION, "", rng.choice(ABROAD), _month(start), _month(end)))
    return _Journey(exploited, tuple(events), start)


def _administrative_status(rng: random.Random, scenario: CaseScenario) -> str:
    if scenario.nationality == "FRA":
        return AdministrativeStatus.FRENCH
    if scenario.nationality in EU:
        return AdministrativeStatus.EU_CITIZEN
    if scenario.minor_at_opening:
        return AdministrativeStatus.UNACCOMPANIED_MINOR if rng.random() < 0.7 else AdministrativeStatus.UNKNOWN
    # The support demo refines it from the residence procedures it writes.
    return AdministrativeStatus.IRREGULAR if rng.random() < 0.7 else AdministrativeStatus.UNKNOWN


def _complaint(rng: random.Random, scenario: CaseScenario, today: datetime.date) -> dict[str, Any]:
    formal = [d for d in scenario.decisions if d.status == TraffickingStatus.FORMALLY_IDENTIFIED]
    if formal and formal[0].authority in FORMAL_SERVICES:
        filed_on = max(formal[0].decided_on - datetime.timedelta(days=rng.randint(0, 30)), scenario.opened_on)
        return {"complaint_filed": YesNoUnknown.YES, "complaint_date": filed_on,
                "complaint_service": FORMAL_SERVICES[Authority(formal[0].authority)]}  # fmt: skip
    filed_on = scenario.opened_on + datetime.timedelta(days=rng.randint(0, 200))
    if rng.random() < COMPLAINT_WITHOUT_IDENTIFICATION_ODDS and filed_on <= today:
        service = rng.choice((ComplaintService.POLICE, ComplaintService.GENDARMERIE))
        return {"complaint_filed": YesNoUnknown.YES, "complaint_date": filed_on, "complaint_service": service}
    unknown = rng.random() < COMPLAINT_UNKNOWN_ODDS
    return {"complaint_filed": YesNoUnknown.UNKNOWN if unknown else YesNoUnknown.NO}


def _minor_at_start(rng: random.Random, scenario: CaseScenario, start: datetime.date) -> str:
    if rng.random() < MINOR_AT_START_UNKNOWN_ODDS and not scenario.minor_at_opening:
        return YesNoUnknown.UNKNOWN
    return YesNoUnknown.YES if age_on(scenario.birth, min(start, scenario.opened_on)) < 18 else YesNoUnknown.NO


def _communes(batch: "Batch") -> dict[str, list[str]]:
    """Return the most populous communes of each association's département: where exploitation happens."""
    departements = {o.departement_id for o in batch.organisations if o.departement_id}
    found: dict[str, list[str]] = {}
    rows = Commune.objects.filter(departement_id__in=sorted(departements)).order_by("-population", "code")
    for code, departement in rows.values_list("code", "departement_id"):
        kept = found.setdefault(departement, [])
        if len(kept) < COMMUNES_PER_DEPARTEMENT:
            kept.append(code)
    return found


def write_profiles(batch: "Batch") -> None:
    """Write each file's profile, codes, languages and events, as `apply_profile` and `do_add_event` do."""
    communes = _communes(batch)
    profiles, means, methods, languages, events = [], [], [], [], []
    for scenario, case, _ in batch.rows():
        rng = _rng("profile", scenario)
        main = scenario.forms[0]
        organisation = batch.organisations[scenario.slot]
        journey = _journey(rng, scenario, communes.get(organisation.departement_id or "", []))
        minor_at_start = _minor_at_start(rng, scenario, journey.exploitation_start)
        profiles.append(CaseProfile(
            case=case, relationship_to_trafficker=_pick(rng, RELATIONSHIP[main]),
            exploited_in_france=journey.exploited, minor_at_start=minor_at_start,
            administrative_status=_administrative_status(rng, scenario), **_complaint(rng, scenario, batch.today),
        ))  # fmt: skip
        means += [CaseControlMeans(case=case, code=c) for c in _some(rng, CONTROL_MEANS[main], 2, 4)]
        methods += [CaseRecruitmentMethod(case=case, code=c) for c in _some(rng, RECRUITMENT[main], 1, 2)]
        spoken = {t.NAMINGS[scenario.nationality].language}
        spoken |= {c for c in MORE_LANGUAGES[scenario.nationality] if rng.random() < 0.4}
        if scenario.nationality != "FRA" and rng.random() < 0.3:
            spoken.add("fr")
        languages += [PersonLanguage(person_id=case.person_id, code=c) for c in sorted(spoken)]
        events += [CaseEvent(case=case, kind=k, commune_id=commune or None, country=country, start=start, end=end)
                   for k, commune, country, start, end in journey.events]  # fmt: skip
        batch.count(case.organisation_id, "events", len(journey.events))
    CaseProfile.objects.bulk_create(profiles)
    CaseControlMeans.objects.bulk_create(means)
    CaseRecruitmentMethod.objects.bulk_create(methods)
    PersonLanguage.objects.bulk_create(languages)
    CaseEvent.objects.bulk_create(events)


def count_protection(batch: "Batch") -> None:
    """Count sealed and minors' files for the summary events (one per association)."""
    for case in batch.cases:
        batch.count(case.organisation_id, "sealed", int(case.sealed))
        batch.count(case.organisation_id, "minors", int(case.age_status in MINOR_AGE_STATUSES))
