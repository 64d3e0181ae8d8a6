"""Demo observatory: a year (and the year before) of submissions, then a finished linkage run.

Runs after the demo victims (`egide.cases.demo`). The demo writer asks the statistical
consent of fewer than half the persons; this load records it, agreed, for most of those
never asked (bulk rows against the text in force, as the writer stores them, with one
summary audit event). Then each demo association sends its submissions for the last full
year and the one before through `do_submit_year`, as its supervisor would, encoded with
the demo linkage key (`var/keys/demo-linkage.key`, created once). Three holders that do
not use Égide (a health establishment, a police unit, an outreach association) upload
each year's records, encoded with the same key: they see some of the persons the
associations follow and some nobody else saw (`outside`), so that the lists overlap as
real sources do and the hidden-population estimate means something. A linkage run of
everything follows, executed at once. `demo_linkage_quality` measures the run against the
demo ground truth. Loading twice writes nothing more.
"""

import datetime
import random
import time
from collections import Counter
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from egide.accounts.models import Membership, User
from egide.accounts.roles import Role
from egide.cases.consent import current_text
from egide.cases.demo import LOAD_ACTION as CASES_LOAD_ACTION
from egide.cases.demo import demo_ground_truth
from egide.cases.models import Case, Consent
from egide.cases.vocabulary import ConsentPurpose
from egide.core.audit import record_event
from egide.core.models import AuditEvent
from egide.observatory.actions import case_record_id, do_receive_submission, do_start_run, do_submit_year
from egide.observatory.demo.outside import SOURCES, outside_plan, plan_from_load
from egide.observatory.incoming import Incoming, IncomingRecord
from egide.observatory.linking import execute_run
from egide.observatory.models import LinkageRun, RecordPerson
from egide.observatory.vocabulary import Channel
from egide.organisations.demo import DEMO_DOMAIN
from egide.organisations.models import Organisation
from egide.organisations.vocabulary import Kind
from egide_analytics.linkage import Encoder, EncodingParameters, LinkageKey

__all__ = [
    "LOAD_ACTION",
    "DemoObservatoryError",
    "DemoObservatoryResult",
    "demo_linkage_quality",
    "load_demo_observatory",
]

LOAD_ACTION = "demo.observatory_load"
STATISTICIAN_EMAIL = f"statistics@{DEMO_DOMAIN}"
CONSENT_ADDED_ODDS = 0.85
SEED = 2014


class DemoObservatoryError(Exception):
    """The demo observatory cannot be loaded; the message is French."""


@dataclass(frozen=True)
class DemoObservatoryResult:
    created: bool
    submissions: int = 0
    records: int = 0
    persons: int = 0
    run_id: int | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class LinkageQuality:
    precision: float
    recall: float
    f1: float
    records: int


def demo_key_path() -> Path:
    return Path(settings.VAR_DIR) / "keys" / "demo-linkage.key"


def ensure_demo_key() -> LinkageKey:
    """Use the configured key; else create the demo key file once and configure it for this process."""
    configured = getattr(settings, "EGIDE_LINKAGE_KEY_FILE", "")
    if configured and Path(configured).is_file():
        return LinkageKey.from_file(configured)
    path = Path(configured) if configured else demo_key_path()
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(LinkageKey.generate().to_text())
        path.chmod(0o600)
    settings.EGIDE_LINKAGE_KEY_FILE = str(path)
    return LinkageKey.from_file(path)


def _add_consents(rng: random.Random) -> int:
    """Record the statistical consent, agreed, for most cases never asked; return how many."""
    asked = Consent.objects.filter(purpose=ConsentPurpose.STATISTICAL_SUBMISSION).values("case_id")
    cases = list(Case.objects.exclude(pk__in=asked).select_related("created_by").order_by("pk"))
    text = current_text(ConsentPurpose.STATISTICAL_SUBMISSION)
    today = timezone.localdate()
    rows = [
        Consent(
            case=case,
            text=text,
            purpose=ConsentPurpose.STATISTICAL_SUBMISSION,
            given=True,
            language="fr",
            recorded_on=min(case.opened_on + datetime.timedelta(days=rng.randint(0, 30)), today),
            recorded_by=case.created_by,
        )
        for case in cases
        if rng.random() < CONSENT_ADDED_ODDS
    ]
    Consent.objects.bulk_create(rows, batch_size=2000)
    record_event("consent.demo_statistical", actor=None, extra={"consents": len(rows)})
    return len(rows)


def _supervisor(organisation: Organisation) -> User | None:
    membership = (
        Membership.objects.filter(organisation=organisation, role=Role.CASE_SUPERVISOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _submit_associations(years: list[int]) -> int:
    event = AuditEvent.objects.filter(action=CASES_LOAD_ACTION).order_by("id").first()
    if event is None:
        raise DemoObservatoryError("Chargez d'abord les victimes de démonstration.")
    organisations = Organisation.objects.in_bulk(event.extra["organisations"])
    sent = 0
    for pk in event.extra["organisations"]:
        organisation, supervisor = organisations[pk], _supervisor(organisations[pk])
        if supervisor is None:
            continue
        for year in years:
            if Case.objects.filter(organisation=organisation, opened_on__year__lte=year).exists():
                do_submit_year(organisation, year, acting_user=supervisor)
                sent += 1
    return sent


def _source_holders() -> list[Organisation]:
    """Pick an organisation of each outside source's kind that has no case file; else an association."""
    with_cases = Case.objects.values("organisation_id")
    spare = Organisation.objects.exclude(pk__in=with_cases).order_by("name", "pk")
    chosen: list[Organisation] = []
    for source in SOURCES:
        taken = [o.pk for o in chosen]
        holder = (
            spare.filter(kind=source.kind).exclude(pk__in=taken).first()
            or spare.filter(kind=Kind.ASSOCIATION).exclude(pk__in=taken).first()
        )
        if holder is None:
            raise DemoObservatoryError("Aucune organisation sans dossiers pour jouer un détenteur hors Égide.")
        chosen.append(holder)
    return chosen


def _outside_holders(key: LinkageKey, years: list[int], statistician: User) -> int:
    """The holders without Égide send each year's records of their source, encoded with the demo key."""
    holders = _source_holders()
    scenarios = plan_from_load()
    parameters = EncodingParameters()
    encoder = Encoder(key, parameters)
    sent = 0
    for year in years:
        plan = outside_plan(scenarios, year, SEED)
        for index, holder in enumerate(holders):
            rows = plan.for_source(index)
            encodings = encoder.encode([row.identity for row in rows])
            records = [
                IncomingRecord(
                    record_id=row.record_id,
                    variables=row.variables,
                    clk=encodings.clks[i].tobytes(),
                    tokens={name: values[i] for name, values in encodings.tokens.items() if values[i]},
                )
                for i, row in enumerate(rows)
            ]
            incoming = Incoming(
                year=year, channel=Channel.ENCODED_FILE, records=records,
                encoding_parameters=parameters.to_dict(), key_fingerprint=key.fingerprint,
            )  # fmt: skip
            do_receive_submission(holder, incoming, acting_user=statistician)
            sent += 1
    return sent


def load_demo_observatory(*, today: datetime.date | None = None) -> DemoObservatoryResult:
    """Load the demo submissions and a finished run, unless an earlier load did; needs the demo victims."""
    started = time.perf_counter()
    if AuditEvent.objects.filter(action=LOAD_ACTION).exists():
        return DemoObservatoryResult(created=False)
    statistician = User.objects.filter(email=STATISTICIAN_EMAIL).first()
    if statistician is None:
        raise DemoObservatoryError(f"Compte de démonstration {STATISTICIAN_EMAIL} absent : chargez l'annuaire.")
    key = ensure_demo_key()
    last_full_year = (today or timezone.localdate()).year - 1
    years = [last_full_year - 1, last_full_year]
    with transaction.atomic(durable=True):
        consents = _add_consents(random.Random(SEED))  # noqa: S311  (fictitious data, from the seed)
    sent = _submit_associations(years)
    sent += _outside_holders(key, years, statistician)
    run = do_start_run(acting_user=statistician)
    run = execute_run(run.pk)
    with transaction.atomic(durable=True):
        record_event(LOAD_ACTION, actor=None, target=run, extra={
            "years": years, "submissions": sent, "consents_added": consents, "run": run.pk,
        })  # fmt: skip
    return DemoObservatoryResult(True, sent, run.record_count, run.person_count, run.pk, time.perf_counter() - started)


def demo_linkage_quality(run: LinkageRun, channels: Collection[str] = ()) -> LinkageQuality:
    """Compare the run's persons with the demo ground truth (pairs), on the records of `channels` (default: all).

    The associations' records come from their case files (`Channel.EGIDE`), the outside
    holders' from `outside` (`Channel.ENCODED_FILE`), demo persons and hidden ones alike.
    """
    truth = {(t.organisation_id, t.reference): t.person for t in demo_ground_truth()}
    cases = Case.objects.filter(organisation_id__in={o for o, _ in truth}).select_related("person")
    true_person: dict[str, Hashable] = {
        case_record_id(c): ("demo", truth[(c.organisation_id, c.reference)])
        for c in cases
        if (c.organisation_id, c.reference) in truth
    }
    scenarios = plan_from_load()
    for year in run.years:
        true_person.update((r.record_id, r.person) for r in outside_plan(scenarios, year, SEED).records)
    rows = RecordPerson.objects.filter(run=run)
    if channels:
        rows = rows.filter(record__submission__channel__in=list(channels))
    linked = [
        (true_person[record_id], person)
        for record_id, person in rows.values_list("record__record_id", "person")
        if record_id in true_person
    ]
    return _pairwise(linked)


def _pairs(groups: Mapping[Any, int]) -> int:
    return sum(n * (n - 1) // 2 for n in groups.values())


def _pairwise(linked: list[tuple[Hashable, int]]) -> LinkageQuality:
    """Pairwise precision and recall of the predicted clusters against the true persons."""
    both = _pairs(Counter(linked))
    true_pairs = _pairs(Counter(t for t, _ in linked))
    predicted = _pairs(Counter(p for _, p in linked))
    precision = both / predicted if predicted else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return LinkageQuality(precision, recall, f1, len(linked))
