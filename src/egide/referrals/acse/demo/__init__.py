"""Demo Ac.Sé: partner shelters at secret communes, and about forty requests in every state.

Runs after the demo victims (`egide.cases.demo`). Every partner organisation of the demo
directory gets a shelter at a real commune of its région, chosen at random and sealed like
any other; so does the demo supervisor's association, which makes the demo supervisor (and
caseworker) hosts of one shelter. Requests come from referrals of adult demo cases to the
demo Ac.Sé coordination, spread over 2021 to today, and go through the real actions, the
engine's check included: every step has its audit event, and no placement breaks a hard
constraint. The newest requests wait for the demo coordinator to place them, one of them
from the demo caseworker's association; two referrals still wait for their request.
Loading twice writes nothing more.
"""

import datetime
import random
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from egide.accounts.models import Membership, Notification, User
from egide.accounts.roles import Role
from egide.cases.consent import current_text
from egide.cases.demo import LOAD_ACTION as CASES_LOAD_ACTION
from egide.cases.models import Case, Consent
from egide.cases.vocabulary import AgeStatus, CaseStatus, ConsentPurpose, Sex
from egide.core.audit import record_event
from egide.core.iso import canonical_language
from egide.core.models import AuditEvent, Commune
from egide.organisations.demo import DEMO_DOMAIN
from egide.organisations.models import Organisation
from egide.organisations.vocabulary import Kind, Service
from egide.referrals.acse import matching, workflow
from egide.referrals.acse.actions import (
    RequestData,
    ShelterData,
    do_create_shelter,
    do_open_request,
    do_withdraw_request,
)
from egide.referrals.acse.models import PlacementRequest, Shelter
from egide.referrals.acse.rules import AcseRefusedError
from egide.referrals.acse.sealed import AvoidPlace, ShelterLocation
from egide.referrals.acse.vocabulary import AvoidKind, AvoidScope, EndReason, Gender, Participant, Step
from egide.referrals.actions import Clearance, send_in_transaction
from egide.referrals.models import Referral, ReferralStatus
from egide.referrals.vocabulary import Urgency

__all__ = ["LOAD_ACTION", "DemoAcseError", "DemoAcseResult", "load_demo_acse"]

LOAD_ACTION = "demo.acse_load"
FIRST_DAY = datetime.date(2021, 1, 4)
REQUESTS = 40
OLD_BEFORE = 200
# The last requests, in this order of states: the coordinator's current work.
RECENT = ("pending", "pending", "pending", "proposed", "agreed", "interview", "transfer", "active", "active")
STREETS = ("rue des Lilas", "chemin des Vignes", "allée des Tilleuls", "rue du Moulin", "impasse des Glycines")
NAMES = ("Les Tilleuls", "La Source", "Le Phare", "Les Glycines", "La Passerelle", "Le Relais", "Les Embruns",
         "La Maison d'Ariane", "Le Chêne", "L'Escale", "La Clairière", "Le Jardin")  # fmt: skip

SHARE = ConsentPurpose.SHARE_WITH_ORGANISATION
SHARED_FIELDS = ["sex", "age_status", "exploitation_forms", "administrative_status"]
REFERRAL_REASON = "Orientation de démonstration : danger sur place, mise à l'abri loin de la ville demandée."


class DemoAcseError(Exception):
    """The demo Ac.Sé cannot be loaded; the message is French."""


@dataclass(frozen=True)
class DemoAcseResult:
    created: bool
    shelters: int = 0
    requests: int = 0
    placements: int = 0
    seconds: float = 0.0


def _demo_user(local_part: str) -> User:
    found = User.objects.filter(email=f"{local_part}@{DEMO_DOMAIN}").first()
    if found is None:
        raise DemoAcseError(f"Compte {local_part}@{DEMO_DOMAIN} introuvable : chargez d'abord la démonstration.")
    return found


def _organisation_of(user: User, role: Role) -> Organisation:
    return Membership.objects.select_related("organisation").get(user=user, role=role).organisation


# --- Shelters ----------------------------------------------------------------------------------


def _secret_commune(rng: random.Random, organisation: Organisation) -> str:
    """A real commune of the organisation's région, of some size, drawn at random."""
    communes = list(
        Commune.objects.filter(departement__region_id=organisation.departement.region_id, population__gte=3000,
                               latitude__isnull=False).order_by("code").values_list("code", flat=True)
    )  # fmt: skip
    return rng.choice(communes)


def _label(index: int) -> str:
    """A name per shelter: « Les Tilleuls », then « Les Tilleuls II » once the names run out."""
    rank = index // len(NAMES)
    return f"{NAMES[index % len(NAMES)]}{' ' + 'I' * (rank + 1) if rank else ''} (démo)"


def _shelter_data(rng: random.Random, organisation: Organisation, index: int) -> ShelterData:
    reserved = max(1, organisation.acse_reserved_places)
    men = rng.random() < 0.3
    languages = sorted({"fr", *(c for c in organisation.language_codes() if canonical_language(c) == c)})
    return ShelterData(
        organisation_id=organisation.pk, label=_label(index),
        location=ShelterLocation(_secret_commune(rng, organisation),
                                 f"{rng.randint(1, 90)} {rng.choice(STREETS)}"),
        reserved_places=reserved, free_places=reserved, accepts_women=not men or rng.random() < 0.5,
        accepts_men=men, accepts_children=rng.random() < 0.35, wheelchair_accessible=rng.random() < 0.3,
        languages=tuple(languages),
    )  # fmt: skip


def _shelters(rng: random.Random, coordinator: User, host: Organisation) -> list[Shelter]:
    if not host.acse_partner:
        # The demo supervisor's association joins the network with one place: its accounts are hosts.
        Organisation.objects.filter(pk=host.pk).update(acse_partner=True, acse_reserved_places=1)
        host.refresh_from_db()
        with transaction.atomic(durable=True):
            record_event("acse.demo_partner", actor=None, organisation_id=host.pk, target=host)
    partners = list(Organisation.objects.filter(acse_partner=True, is_active=True).select_related("departement")
                    .order_by("pk"))  # fmt: skip
    return [do_create_shelter(_shelter_data(rng, o, i), acting_user=coordinator) for i, o in enumerate(partners)]


# --- Requests ----------------------------------------------------------------------------------


def _nearby_commune(rng: random.Random, departement: str, exclude: str = "") -> str:
    codes = list(Commune.objects.filter(departement_id=departement, population__gte=1000)
                 .exclude(code=exclude).order_by("code").values_list("code", flat=True))  # fmt: skip
    return rng.choice(codes) if codes else exclude


def _places(rng: random.Random, case: Case) -> tuple[AvoidPlace, ...]:
    """Where the person was exploited (near the referrer), where the exploiters go, where the ties are."""
    origin = case.organisation
    exploitation = origin.commune_id or _nearby_commune(rng, origin.departement_id)
    places = [AvoidPlace(AvoidKind.EXPLOITATION, AvoidScope.COMMUNE, exploitation)]
    if rng.random() < 0.6:
        places.append(AvoidPlace(AvoidKind.EXPLOITERS, AvoidScope.COMMUNE,
                                 _nearby_commune(rng, origin.departement_id, exploitation)))  # fmt: skip
    if rng.random() < 0.35:
        places.append(AvoidPlace(AvoidKind.TIES, AvoidScope.DEPARTEMENT, origin.departement_id))
    return tuple(places)


def _request_data(rng: random.Random, case: Case, requested_on: datetime.date) -> RequestData:
    gender = Gender.MAN if case.person.sex == Sex.MALE else Gender.WOMAN
    services = rng.sample([Service.HEALTH_CARE, Service.PSYCHOLOGICAL_SUPPORT, Service.LEGAL_SUPPORT,
                           Service.INTERPRETING], k=rng.randint(0, 2))  # fmt: skip
    languages = tuple(sorted({lang.code for lang in case.person.languages.all()} & {"fr", "en", "ro", "es", "pt"}))
    return RequestData(
        requested_on=requested_on, gender=gender, adult_confirmed=True, places=_places(rng, case),
        consent_on=requested_on, with_children=rng.random() < 0.15, needs_wheelchair=rng.random() < 0.05,
        languages=languages, needed_services=tuple(services), avoid_same_departement=rng.random() < 0.4,
        avoid_same_region=rng.random() < 0.15,
    )  # fmt: skip


def _cases(rng: random.Random, own: Organisation) -> tuple[list[Case], list[Case]]:
    """Open files of adults, not sealed: those of the demo caseworker's association, and the others."""
    adults = Case.objects.filter(age_status=AgeStatus.ADULT, status=CaseStatus.OPEN, sealed=False).select_related(
        "organisation__departement", "person"
    )
    mine = list(adults.filter(organisation=own).order_by("pk")[:1])
    ids = list(adults.exclude(organisation=own).order_by("pk").values_list("pk", flat=True))
    drawn = rng.sample(ids, min(len(ids), REQUESTS + 2))
    found = adults.in_bulk(drawn)
    return mine, [found[pk] for pk in drawn]


def _referral(case: Case, coordination: Organisation, on: datetime.date) -> Referral:
    """Refer the case to the coordination as a caseworker would: consent, then the situation shared."""
    sender = case.organisation
    membership = (Membership.objects.filter(organisation=sender, role__in=[Role.CASEWORKER, Role.CASE_SUPERVISOR])
                  .select_related("user").order_by("pk").first())  # fmt: skip
    writer = membership.user if membership else case.created_by
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10)))
    with transaction.atomic():
        consent = Consent.objects.create(
            case=case, text=current_text(SHARE), purpose=SHARE, recipient=coordination, given=True, language="fr",
            recorded_on=on, recorded_by=writer,
        )  # fmt: skip
        return send_in_transaction(
            case, coordination, [Service.LONG_TERM_SHELTER], Urgency.URGENT, REFERRAL_REASON, SHARED_FIELDS,
            Clearance(consent), acting_user=writer, sent_at=moment,
        )  # fmt: skip


def _accept(referral: Referral, coordinator: User) -> None:
    """Record the coordination's acceptance, as it did when it opened the request; its alert is read."""
    answered_at = referral.sent_at + datetime.timedelta(hours=2)
    Referral.objects.filter(pk=referral.pk).update(
        status=ReferralStatus.ACCEPTED, answered_at=answered_at, answered_by=coordinator
    )
    url = reverse("referrals:referral_detail", args=[referral.pk])
    Notification.objects.filter(url=url, read_at=None).update(read_at=answered_at)


# --- Carrying each request to its state -------------------------------------------------------------


def _days(rng: random.Random, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, high))


def _best_shelter(request: PlacementRequest, shelters: list[Shelter], today: datetime.date) -> Shelter | None:
    fresh = list(Shelter.objects.filter(pk__in=[s.pk for s in shelters], is_active=True))
    instance = matching.build_instance([request], fresh, today)
    result = matching.proposals_for(instance)[0]
    return result.proposed.shelter.shelter if result.proposed else None


@dataclass(frozen=True)
class _Plan:
    """One request of the demo: when it came, and how far its placement goes."""

    requested_on: datetime.date
    target: str  # "pending", "withdrawn", or the step its placement reaches
    proposed_on: datetime.date | None = None
    refused_first: bool = False


def _carry(plan: _Plan, request: PlacementRequest, shelters: list[Shelter], coordinator: User,
           rng: random.Random, today: datetime.date) -> int:  # fmt: skip
    """Take the request through the steps up to its target; return the placements written."""
    assert plan.proposed_on is not None
    written, on = 0, plan.proposed_on
    for attempt in range(2 if plan.refused_first else 1):
        request.refresh_from_db()
        shelter = _best_shelter(request, shelters, today)
        if shelter is None:
            return written  # No shelter can take it today: it waits, as it would.
        placement = workflow.do_propose_placement(request, shelter, on, acting_user=coordinator,
                                                  refusals=matching.refusals)  # fmt: skip
        written += 1
        if plan.target == Step.PROPOSED:
            return written
        on = min(today, on + _days(rng, 2, 8))
        if attempt == 0 and plan.refused_first:
            workflow.do_record_refusal(placement, on, "Pas de place adaptée au profil pour le moment.",
                                       acting_user=coordinator)  # fmt: skip
            on = min(today, on + _days(rng, 1, 5))
            continue
        _advance(placement, plan.target, on, coordinator, rng, today)
    return written


def _advance(placement: Any, target: str, on: datetime.date, coordinator: User, rng: random.Random,
             today: datetime.date) -> None:  # fmt: skip
    placement = workflow.do_record_agreement(placement, on, acting_user=coordinator)
    if target == "agreed":
        return
    interview_on = on + _days(rng, 3, 10)
    participants = [Participant.REFERRER, Participant.HOST, Participant.PERSON, Participant.COORDINATOR]
    if rng.random() < 0.4:
        participants.append(Participant.INTERPRETER)
    placement = workflow.do_schedule_interview(placement, interview_on, participants, acting_user=coordinator)
    if target == "interview":
        return
    travel_on = interview_on + _days(rng, 3, 10)
    placement = workflow.do_book_transfer(placement, travel_on, rng.random() < 0.5, acting_user=coordinator)
    if target == "transfer" or travel_on > today:
        return
    placement = workflow.do_record_arrival(placement, travel_on, acting_user=coordinator)
    if target == "active":
        return
    # An old placement has ended by today, so that the recent requests find their places free.
    ended_on = travel_on + _days(rng, 30, max(30, min(420, (today - travel_on).days - 1)))
    if ended_on >= today:
        return
    reason = rng.choice([EndReason.DANGER_ENDED, EndReason.DANGER_ENDED, EndReason.AUTONOMY, EndReason.PERSON_LEFT])
    kind = rng.choice([Kind.ASSOCIATION, Kind.SHELTER, Kind.OTHER])
    workflow.do_end_placement(placement, workflow.EndData(ended_on, reason, kind), acting_user=coordinator)


def _plans(rng: random.Random, today: datetime.date) -> list[_Plan]:
    """Plan the requests oldest first: the old ones ended (a few withdrawn), the last ones in every state."""
    # The old requests stop OLD_BEFORE days back: their placements end before the recent ones start.
    span = (today - datetime.timedelta(days=OLD_BEFORE) - FIRST_DAY).days
    old = sorted(FIRST_DAY + datetime.timedelta(days=rng.randint(0, span)) for _ in range(REQUESTS - len(RECENT)))
    plans = [
        _Plan(on, "withdrawn") if rng.random() < 0.1
        else _Plan(on, Step.ENDED, on + _days(rng, 5, 40), refused_first=rng.random() < 0.2)
        for on in old
    ]  # fmt: skip
    for target in RECENT:
        if target == "pending":
            plans.append(_Plan(today - _days(rng, 3, 60), target))
            continue
        back = {"proposed": 3, "agreed": 10, "interview": 20, "transfer": 30, "active": 150}[target]
        proposed_on = today - _days(rng, back, back + 5)
        plans.append(_Plan(proposed_on - _days(rng, 7, 40), target, proposed_on))
    return plans


def _write(plan: _Plan, case: Case, coordination: Organisation, shelters: list[Shelter], coordinator: User,
           rng: random.Random, today: datetime.date) -> int:  # fmt: skip
    """Refer the case, open its request, carry it to its planned state; return the placements written."""
    referral = _referral(case, coordination, plan.requested_on)
    _accept(referral, coordinator)
    request = do_open_request(referral, _request_data(rng, case, plan.requested_on), acting_user=coordinator)
    if plan.target == "withdrawn":
        do_withdraw_request(request, min(today, plan.requested_on + _days(rng, 10, 60)),
                            "La personne a choisi une autre solution.", acting_user=coordinator)  # fmt: skip
        return 0
    if plan.target == "pending":
        return 0
    try:
        return _carry(plan, request, shelters, coordinator, rng, today)
    except AcseRefusedError:
        return 0  # A date the draw made impossible: the request stays at the step it reached.


def load_demo_acse(today: datetime.date | None = None) -> DemoAcseResult:
    """Load the demo shelters and requests, unless an earlier load did; their dates run up to today."""
    started = time.perf_counter()
    if AuditEvent.objects.filter(action=LOAD_ACTION).exists():
        return DemoAcseResult(created=False)
    if not AuditEvent.objects.filter(action=CASES_LOAD_ACTION).exists():
        raise DemoAcseError("Chargez d'abord les victimes de démonstration : aucun dossier à orienter.")
    today = today or timezone.localdate()
    # One seed for every day: the same shelters and people whatever the date of the load.
    rng = random.Random("acse")  # noqa: S311  (reproducible demo data, not secrets)
    coordinator = _demo_user("acse")
    coordination = _organisation_of(coordinator, Role.ACSE_COORDINATOR)
    own = _organisation_of(_demo_user("caseworker"), Role.CASEWORKER)
    shelters = _shelters(rng, coordinator, _organisation_of(_demo_user("supervisor"), Role.CASE_SUPERVISOR))
    plans = _plans(rng, today)
    mine, others = _cases(rng, own)
    if not mine or len(others) < len(plans) + 1:
        raise DemoAcseError("Pas assez de dossiers de personnes majeures dans la démo pour les demandes Ac.Sé.")
    # The first pending request comes from the demo caseworker's association.
    chosen = others[: len(plans) - 1]
    chosen.insert(RECENT.index("pending") + len(plans) - len(RECENT), mine[0])
    placements = sum(
        _write(plan, case, coordination, shelters, coordinator, rng, today)
        for plan, case in zip(plans, chosen, strict=True)
    )
    for case in others[len(plans) - 1 : len(plans) + 1]:
        _referral(case, coordination, today - _days(rng, 1, 6))  # waiting for « ouvrir une demande »
    with transaction.atomic(durable=True):
        record_event(LOAD_ACTION, actor=None, extra={"shelters": len(shelters), "requests": len(plans),
                                                     "placements": placements})  # fmt: skip
    return DemoAcseResult(True, len(shelters), len(plans), placements, time.perf_counter() - started)
