"""Demo victims: published distributions, persons in several associations, stored like the actions store."""

import datetime
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator

import pytest
from django.db import connection
from django.db.models import Q

from egide.accounts.models import User
from egide.accounts.roles import Role
from egide.cases import selectors
from egide.cases.consent import has_consent
from egide.cases.demo import (
    LOAD_ACTION,
    DemoCasesError,
    demo_associations,
    demo_ground_truth,
    load_demo_cases,
    plan_victims,
    slots_of,
)
from egide.cases.demo.planner import CaseScenario, DemoPlan, Slot
from egide.cases.demo.tables import NAMINGS
from egide.cases.identity import name_tokens
from egide.cases.models import Case, CaseProfile, Consent, Person, ScreeningLink, StatusDecision
from egide.cases.profile import profile_data_of
from egide.cases.status import current_status
from egide.cases.vocabulary import AgeStatus, Authority, ConsentPurpose, SealReason, TraffickingStatus
from egide.core.audit import verify_chain
from egide.core.models import AuditEvent
from egide.core.text import fold
from egide.identification.vocabulary import ScreeningStatus
from egide.organisations.demo import DEMO_DOMAIN, load_demo
from egide.organisations.models import Organisation

TODAY = datetime.date(2026, 6, 15)
SEED = 2014
VICTIMS, ASSOCIATIONS = 300, 20
# Sixty associations in three régions, heavier ones first: enough to plan at full size without a database.
SLOTS = [Slot(f"association {i}", 60.0 - i, str(i % 3)) for i in range(60)]
# Public data the victims demo never writes: the reference geography and the directory,
# whose town names (« Rouen ») are also birth places of the French victims.
PUBLIC_TABLES = ("core_commune", "core_departement", "core_region", "organisations_")


@pytest.fixture(scope="module")
def full_plan() -> DemoPlan:
    return plan_victims(SEED, 3000, SLOTS, TODAY)


def first_files(plan: DemoPlan) -> list[CaseScenario]:
    """Return each person's first file: the survey counts persons, not files."""
    firsts: dict[int, CaseScenario] = {}
    for scenario in plan.scenarios:
        firsts.setdefault(scenario.person, scenario)
    return list(firsts.values())


def files_by_person(scenarios: tuple[CaseScenario, ...]) -> dict[int, list[CaseScenario]]:
    grouped: dict[int, list[CaseScenario]] = defaultdict(list)
    for scenario in scenarios:
        grouped[scenario.person].append(scenario)
    return grouped


def share(items: list[CaseScenario], test: Callable[[CaseScenario], bool]) -> float:
    return sum(1 for item in items if test(item)) / len(items)


# --- The plan, at full size (no database) ---------------------------------------------------


def test_the_plan_follows_the_published_distributions(full_plan: DemoPlan) -> None:
    persons = first_files(full_plan)
    assert len(persons) == 3000 and 3150 <= len(full_plan.scenarios) <= 3450
    # DOMAIN.md §8: 74–86 % sexual exploitation, 82–89 % women, 14–16 % minors.
    assert 0.76 <= share(persons, lambda s: "SEXUAL" in s.forms) <= 0.86
    assert 0.82 <= share(persons, lambda s: s.sex == "female") <= 0.89
    assert 0.13 <= share(persons, lambda s: s.minor_at_opening) <= 0.17
    forms = Counter(f for s in persons for f in s.forms)
    assert {"LABOUR_DOMESTIC", "LABOUR_OTHER", "BEGGING", "CRIMINALITY", "FORCED_MARRIAGE"} <= set(forms)
    nationalities = Counter(s.nationality for s in persons)
    assert nationalities.most_common(1)[0][0] == "NGA" and set(nationalities) == set(NAMINGS)
    assert all(n >= 30 for n in nationalities.values())


def test_files_open_over_five_years_and_a_few_this_year_never_after_today(full_plan: DemoPlan) -> None:
    years = Counter(s.opened_on.year for s in full_plan.scenarios)
    total = len(full_plan.scenarios)
    assert set(years) == {2021, 2022, 2023, 2024, 2025, 2026}
    assert all(0.12 <= years[y] / total <= 0.28 for y in range(2021, 2026))
    assert 0 < years[2026] / total <= 0.06
    dates = [d for s in full_plan.scenarios for d in _dates(s)]
    assert max(dates) <= TODAY and min(s.opened_on for s in full_plan.scenarios) >= datetime.date(2021, 1, 1)
    # Heavier associations (bigger départements) see more victims.
    per_slot = Counter(s.slot for s in full_plan.scenarios)
    assert sum(per_slot[i] for i in range(10)) > 1.5 * sum(per_slot[i] for i in range(50, 60))


def _dates(s: CaseScenario) -> Iterator[datetime.date]:
    yield s.opened_on
    if s.closed_on:
        yield s.closed_on
    for d in s.decisions:
        yield d.decided_on
        if d.confirmed_on:
            yield d.confirmed_on
    for c in s.consents:
        yield c.recorded_on
        if c.withdrawn_on:
            yield c.withdrawn_on


def test_some_persons_are_followed_by_two_or_three_associations_under_other_spellings(full_plan: DemoPlan) -> None:
    grouped = files_by_person(full_plan.scenarios)
    sizes = Counter(len(files) for files in grouped.values())
    assert set(sizes) == {1, 2, 3}
    assert 0.08 <= (sizes[2] + sizes[3]) / len(grouped) <= 0.10
    variants: Counter[str] = Counter()
    for files in grouped.values():
        assert len({f.slot for f in files}) == len(files)  # never twice in one association
        for later in files[1:]:
            assert later.variants and later.identity != files[0].identity
            variants.update(later.variants)
    assert {"accents", "spelling", "swap", "typo", "separator", "birth_year_only"} <= set(variants)


def letters(scenario: CaseScenario) -> list[str]:
    return sorted(name_tokens(f"{scenario.identity.family_name} {scenario.identity.given_names}").replace(" ", ""))


def test_spelling_variants_look_like_the_same_person(full_plan: DemoPlan) -> None:
    grouped = files_by_person(full_plan.scenarios)
    pairs = [(files[0], later) for files in grouped.values() for later in files[1:]]
    for first, later in pairs:
        assert later.nationality == first.nationality and later.sex == first.sex
        if set(later.variants) <= {"accents", "swap", "separator"}:
            # Without typos or transliterations the folded words are the same, in any order.
            assert letters(later) == letters(first)
        if "birth_year_only" in later.variants:
            assert later.identity.birth_date is not None and later.identity.birth_date.month is None
            assert later.identity.birth_date.year == first.birth.year


def test_statuses_consents_and_closures_cover_every_state(full_plan: DemoPlan) -> None:
    decisions = [d for s in full_plan.scenarios for d in s.decisions]
    kinds = Counter((d.status, d.authority) for d in decisions)
    for status, authority in [
        (TraffickingStatus.PRESUMED, Authority.ASSOCIATION),
        (TraffickingStatus.FORMALLY_IDENTIFIED, Authority.POLICE),
        (TraffickingStatus.FORMALLY_IDENTIFIED, Authority.GENDARMERIE),
        (TraffickingStatus.FORMALLY_IDENTIFIED, Authority.LABOUR_INSPECTION),
        (TraffickingStatus.RECOGNISED_BY_COURT, Authority.COURT),
        (TraffickingStatus.NOT_A_VICTIM, Authority.ASSOCIATION),
    ]:
        assert kinds[(status, authority)] > 0, (status, authority)
    presumed = [d for d in decisions if d.status == TraffickingStatus.PRESUMED]
    pending = [d for d in presumed if d.confirmed_on is None]
    assert 0 < len(pending) < 0.1 * len(presumed)
    consents = Counter(
        (c.purpose, c.given, c.withdrawn_on is not None) for s in full_plan.scenarios for c in s.consents
    )
    assert consents[(ConsentPurpose.CASE_MANAGEMENT, True, False)] > 0.9 * len(full_plan.scenarios)
    for key in [
        (ConsentPurpose.STATISTICAL_SUBMISSION, g, w) for g, w in ((True, False), (False, False), (True, True))
    ]:
        assert consents[key] > 0, key
    closed = share(list(full_plan.scenarios), lambda s: s.closed_on is not None)
    assert 0.3 <= closed <= 0.75
    assert sum(1 for s in full_plan.scenarios if s.screening) > 100


def test_the_same_seed_gives_the_same_plan_and_another_seed_another() -> None:
    first = plan_victims(7, 200, SLOTS, TODAY)
    assert plan_victims(7, 200, SLOTS, TODAY) == first
    assert plan_victims(8, 200, SLOTS, TODAY) != first


def test_references_are_unique_and_numbered_by_year_in_each_association(full_plan: DemoPlan) -> None:
    keys = [(s.slot, s.reference) for s in full_plan.scenarios]
    assert len(set(keys)) == len(keys)
    assert all(s.reference.startswith(f"{s.opened_on.year}-") for s in full_plan.scenarios)


# --- The load (database) ---------------------------------------------------------------------


@pytest.fixture
def loaded(db: None) -> DemoPlan:
    load_demo(organisations=60, today=TODAY)  # about 25 associations: enough for 20, and quicker
    result = load_demo_cases(SEED, VICTIMS, ASSOCIATIONS, today=TODAY)
    assert result.created and result.persons == VICTIMS and result.associations == ASSOCIATIONS
    plan = plan_victims(SEED, VICTIMS, slots_of(demo_associations(ASSOCIATIONS)), TODAY)
    assert result.cases == len(plan.scenarios)
    return plan


def test_loading_twice_writes_nothing_more(loaded: DemoPlan) -> None:
    counts = [m.objects.count() for m in (Person, Case, Consent, StatusDecision, ScreeningLink, AuditEvent, User)]
    again = load_demo_cases(SEED, VICTIMS, ASSOCIATIONS, today=TODAY)
    assert not again.created
    assert [
        m.objects.count() for m in (Person, Case, Consent, StatusDecision, ScreeningLink, AuditEvent, User)
    ] == counts
    assert counts[:2] == [len(loaded.scenarios)] * 2


def test_the_victims_need_the_demo_organisations(db: None) -> None:
    with pytest.raises(DemoCasesError, match="organisations de démonstration"):
        load_demo_cases(SEED, 10, 2, today=TODAY)
    assert not Case.objects.exists() and not AuditEvent.objects.filter(action=LOAD_ACTION).exists()


def test_the_stored_files_follow_the_distributions(loaded: DemoPlan) -> None:
    cases = Case.objects.select_related("person")
    persons = len(loaded.scenarios)
    assert cases.count() == persons and Case.objects.values("organisation").distinct().count() == ASSOCIATIONS
    women = cases.filter(person__sex="female").count() / persons
    sexual = cases.filter(exploitation_forms__code="SEXUAL").count() / persons
    # 300 victims: wider bounds than the full-size plan's.
    assert 0.75 <= women <= 0.93 and 0.70 <= sexual <= 0.90
    assert cases.filter(status="closed").exists() and cases.filter(status="open").exists()


def test_the_demo_accounts_have_files_in_their_association(loaded: DemoPlan) -> None:
    caseworker = User.objects.get(email=f"caseworker@{DEMO_DOMAIN}")
    volunteer = User.objects.get(email=f"volunteer@{DEMO_DOMAIN}")
    supervisor = User.objects.get(email=f"supervisor@{DEMO_DOMAIN}")
    home = caseworker.active_memberships()[0].organisation
    assert Case.objects.filter(organisation=home, assigned_to=caseworker).count() >= 5
    assert Case.objects.filter(organisation=home, assigned_to=volunteer).count() >= 2
    assert StatusDecision.objects.filter(case__organisation=home, confirmed_by=supervisor).exists()
    # Two teams: the caseworker sees their team's files and theirs, the supervisor all, the volunteer theirs.
    mine = Case.objects.filter(organisation=home)
    team = caseworker.active_memberships()[0].team
    assert team is not None and mine.exclude(team=team).exclude(assigned_to=caseworker).exists()
    reached = set(selectors.cases_for(caseworker).values_list("pk", flat=True))
    assert reached == set(mine.filter(Q(team=team) | Q(assigned_to=caseworker)).values_list("pk", flat=True))
    assert selectors.cases_for(supervisor).count() == mine.count()
    assert Case.objects.filter(organisation=home, assigned_to=supervisor).exists()
    assert set(selectors.cases_for(volunteer)) == set(mine.filter(assigned_to=volunteer))
    # Every other association has a caseworker and a supervisor, who cannot log in.
    staff = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", email__regex=r"^(intervention|encadrement)-")
    assert staff.count() == 2 * (ASSOCIATIONS - 1) and not any(u.has_usable_password() for u in staff)
    roles = Counter(m.role for u in staff for m in u.active_memberships())
    assert roles == {Role.CASEWORKER: ASSOCIATIONS - 1, Role.CASE_SUPERVISOR: ASSOCIATIONS - 1}


def test_stored_rows_read_back_as_the_actions_would_write_them(loaded: DemoPlan) -> None:
    organisations = demo_associations(ASSOCIATIONS)
    for scenario in loaded.scenarios[:40]:
        organisation = organisations[scenario.slot]
        case = Case.objects.select_related("person__data_key").get(
            organisation=organisation, reference=scenario.reference
        )
        assert selectors.identity_of(case.person) == scenario.identity
        assert case.opened_on == scenario.opened_on and case.closed_on == scenario.closed_on
        assert sorted(f.code for f in case.exploitation_forms.all()) == sorted(set(scenario.forms))
        given = scenario.consents[0].given
        assert has_consent(case, ConsentPurpose.CASE_MANAGEMENT, on=TODAY) == given
        status = current_status(case)
        counting = [d for d in scenario.decisions if d.status != TraffickingStatus.PRESUMED or d.confirmed_on]
        assert (status.status if status else None) == (counting[-1].status if counting else None)
    # The blind indexes find a file by name, as a search from the case list does.
    caseworker = User.objects.get(email=f"caseworker@{DEMO_DOMAIN}")
    mine = next(s for s in loaded.scenarios if s.slot == 0 and s.identity.family_name)
    found = selectors.search_cases(caseworker, name=f"{mine.identity.given_names} {mine.identity.family_name}")
    assert mine.reference in {c.reference for c in found}
    screened = ScreeningLink.objects.select_related("screening").all()
    assert screened.exists()
    assert {link.screening.status for link in screened} <= {ScreeningStatus.CONFIRMED, ScreeningStatus.COMPLETED}
    assert all(link.screening.organisation_id == link.case.organisation_id for link in screened)


def test_the_ground_truth_is_rebuilt_without_the_case_tables(loaded: DemoPlan) -> None:
    truth = demo_ground_truth()
    stored = set(Case.objects.values_list("organisation_id", "reference"))
    assert {(r.organisation_id, r.reference) for r in truth} == stored and len(truth) == len(stored)
    by_person: dict[int, set[int]] = defaultdict(set)
    for record in truth:
        by_person[record.person].add(record.organisation_id)
    several = [orgs for orgs in by_person.values() if len(orgs) > 1]
    assert 0.04 * VICTIMS <= len(several) <= 0.15 * VICTIMS
    # Two files of one person have unrelated blind indexes: the database alone does not link them.
    cases = {(c.organisation_id, c.reference): c for c in Case.objects.select_related("person")}
    person = next(p for p, orgs in by_person.items() if len(orgs) > 1)
    files = [cases[(r.organisation_id, r.reference)] for r in truth if r.person == person]
    assert len({c.person.name_index for c in files}) == len(files) > 1


def _raw_values() -> Iterator[bytes]:
    """Yield every stored value of every table the demo may write, bypassing the ORM."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table.startswith(PUBLIC_TABLES):
                continue
            # Table names come from the database itself, quoted: no outside input.
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    yield bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()


def test_no_demo_name_birth_place_or_phone_is_stored_in_clear(loaded: DemoPlan) -> None:
    secrets_: set[str] = set()
    for scenario in loaded.scenarios:
        identity = scenario.identity
        for value in (identity.family_name, identity.given_names, identity.birth_place, identity.phone,
                      *identity.aliases, *(d.number for d in identity.identity_documents)):  # fmt: skip
            # Short words (« Ye », « Lin ») would match by chance inside random ciphertext bytes.
            if len(fold(value).replace(" ", "")) >= 5:
                secrets_ |= {value.lower(), fold(value)}
        secrets_.add(f"{identity.given_names} {identity.family_name}".lower())
    assert len(secrets_) > 300
    blob = b"\n".join(value.lower() for value in _raw_values())
    # Audit events name their target organisation (« … — Rouen (démo) »): public, and not a birth place.
    for name in Organisation.objects.values_list("name", flat=True):
        blob = blob.replace(name.lower().encode(), b"")
    assert sorted(s for s in secrets_ if s.encode() in blob) == []
    audit = json.dumps(list(AuditEvent.objects.values("action", "actor_label", "reason", "extra")), default=str,
                       ensure_ascii=False).lower()  # fmt: skip
    assert not [s for s in secrets_ if s in audit]


def test_the_audit_chain_verifies_with_one_summary_event_per_association(loaded: DemoPlan) -> None:
    assert verify_chain().ok
    summaries = AuditEvent.objects.filter(action="case.demo_load")
    assert summaries.count() == ASSOCIATIONS
    assert sum(e.extra.get("cases", 0) for e in summaries) == len(loaded.scenarios)
    assert not AuditEvent.objects.filter(action="case.open").exists()
    load = AuditEvent.objects.get(action=LOAD_ACTION)
    assert load.extra["seed"] == SEED and load.extra["today"] == TODAY.isoformat()


def test_minors_files_are_sealed_as_the_sealing_action_stores_them(loaded: DemoPlan) -> None:
    organisations = demo_associations(ASSOCIATIONS)
    cases = {(c.organisation_id, c.reference): c for c in Case.objects.all()}
    for scenario in loaded.scenarios:
        case = cases[(organisations[scenario.slot].pk, scenario.reference)]
        if scenario.minor_at_opening:
            assert case.age_status in {AgeStatus.MINOR, AgeStatus.PRESUMED_MINOR}
            assert case.sealed and case.seal_reason == SealReason.MINOR
        else:
            assert case.age_status == AgeStatus.ADULT
            assert case.sealed == (case.seal_reason == SealReason.HIGH_RISK)
    sealed = Counter(Case.objects.filter(sealed=True).values_list("seal_reason", flat=True))
    assert sealed[SealReason.MINOR] > 0 and sealed[SealReason.HIGH_RISK] > 0 and set(sealed) <= set(SealReason)
    assert Case.objects.filter(age_status=AgeStatus.PRESUMED_MINOR).exists()


def test_every_file_has_a_coherent_profile_and_journey(loaded: DemoPlan) -> None:
    organisations = demo_associations(ASSOCIATIONS)
    cases = Case.objects.select_related("profile", "organisation").prefetch_related(
        "events__commune", "control_means", "recruitment_methods", "person__languages", "person__nationalities"
    )
    by_key = {(c.organisation_id, c.reference): c for c in cases}
    for scenario in loaded.scenarios:
        case = by_key[(organisations[scenario.slot].pk, scenario.reference)]
        profile = profile_data_of(case)
        assert profile.errors() == {} and profile.control_means and profile.recruitment_methods
        assert NAMINGS[scenario.nationality].language in profile.languages
        if scenario.minor_at_opening:
            assert profile.minor_at_start == "yes"
        for event in case.events.all():
            assert event.start <= scenario.opened_on.isoformat()[:7]
            if event.kind == "Exploitation" and event.commune is not None:
                assert event.commune.departement_id == case.organisation.departement_id
            if event.kind == "Recruitment" and scenario.nationality != "FRA":
                assert event.country == scenario.nationality
        if profile.complaint_filed == "yes":
            assert profile.complaint_date is not None and profile.complaint_date <= TODAY
    profiles = CaseProfile.objects.all()
    assert profiles.count() == len(loaded.scenarios)
    assert {"in_france", "only_abroad"} <= set(profiles.values_list("exploited_in_france", flat=True))
    assert 0.1 < profiles.filter(complaint_filed="yes").count() / profiles.count() < 0.7
