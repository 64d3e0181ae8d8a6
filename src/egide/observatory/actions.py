"""Writes of the observatory: receive and withdraw submissions, start runs, decide review pairs.

Each `do_*` checks its policy, writes in one durable transaction with its audit event, and
raises an exception with a French message when it refuses (nothing is written then).
"""

from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from egide_analytics.linkage import Encoder, EncodingParameters, PersonIdentity

from egide.cases.consent import has_consent
from egide.cases.models import Case
from egide.cases.selectors import identity_of
from egide.cases.vocabulary import ConsentPurpose
from egide.core import crypto
from egide.core.audit import record_event
from egide.core.models import AuditKind
from egide.observatory import derive, policies
from egide.observatory.incoming import Incoming, IncomingRecord, SubmissionRefused, check_records
from egide.observatory.keys import expected_fingerprint, protection_key
from egide.observatory.linking import apply_decisions
from egide.observatory.models import (
    DEFAULT_MATCH_THRESHOLD,
    DEFAULT_REVIEW_THRESHOLD,
    LinkageRun,
    ReviewPair,
    Submission,
    SubmissionRecord,
)
from egide.observatory.tasks import execute_linkage_run
from egide.observatory.vocabulary import Channel, Decision, RunState, SubmissionState
from egide.organisations.models import Organisation

FIRST_YEAR = 2000


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise SubmissionRefused(f"Année {year} invalide : elle va de {FIRST_YEAR} à l'année en cours.")


# Submissions from the case files ----------------------------------------------------------


@dataclass(frozen=True)
class YearSelection:
    """The cases of an organisation that a submission for `year` includes, and why others are left out."""

    year: int
    cases: list[Case]
    exclusions: dict[str, int]

    @property
    def active(self) -> int:
        return len(self.cases) + sum(self.exclusions.values())


def select_cases(organisation: Organisation, year: int) -> YearSelection:
    """Return the cases active in `year` with the statistical consent, and counts of the others."""
    included: list[Case] = []
    reasons: list[str] = []
    today = timezone.localdate()
    for case in derive.cases_active_in(organisation.pk, year):
        if case.person.anonymised_at is not None:
            reasons.append(derive.ANONYMISED)
        elif derive.is_not_a_victim(case):
            reasons.append(derive.NOT_A_VICTIM)
        elif not has_consent(case, ConsentPurpose.STATISTICAL_SUBMISSION, on=today):
            reasons.append(derive.NO_CONSENT)
        else:
            included.append(case)
    return YearSelection(year, included, derive.Exclusions.of(reasons).as_dict())


def case_record_id(case: Case) -> str:
    """Return the case's pseudonym at the observatory: keyed, stable across resubmissions."""
    return crypto.blind_index(f"{case.person.uid}:{case.pk}", purpose="observatory-record")


def _person_identity(case: Case) -> tuple[PersonIdentity, int | None]:
    identity = identity_of(case.person)
    birth = identity.birth_date
    nationality = derive.nationality_of(case)
    person = PersonIdentity(
        family_name=identity.family_name,
        given_names=identity.given_names,
        birth_date=str(birth) if birth else "",
        sex=case.person.sex,
        # The case file has no country of birth: the first nationality stands in for it.
        birth_country=nationality if nationality != "unknown" else "",
    )
    return person, birth.year if birth else None


def _encode_cases(cases: list[Case], year: int) -> Incoming:
    key = protection_key()
    parameters = EncodingParameters()
    identities: list[PersonIdentity] = []
    records: list[tuple[str, dict[str, str | list[str]]]] = []
    for case in cases:
        person, birth_year = _person_identity(case)
        identities.append(person)
        records.append((case_record_id(case), derive.case_variables(case, year, birth_year)))
    encodings = Encoder(key, parameters).encode(identities) if identities else None
    incoming_records = [
        IncomingRecord(
            record_id=record_id,
            variables=variables,
            clk=bytes(encodings.clks[i]) if encodings is not None else b"",
            tokens={name: values[i] for name, values in encodings.tokens.items()} if encodings is not None else {},
        )
        for i, (record_id, variables) in enumerate(records)
    ]
    return Incoming(
        year=year,
        channel=Channel.EGIDE,
        records=incoming_records,
        encoding_parameters=parameters.to_dict(),
        key_fingerprint=key.fingerprint,
    )


def do_submit_year(organisation: Organisation, year: int, *, acting_user: Any) -> Submission:
    """Send the organisation's submission for `year` from its case files, encoded in the protection zone.

    Only cases with the statistical-submission consent are sent; identities are decrypted
    here, encoded at once, and only the encodings and the codes are stored.
    """
    if not policies.can_submit_for(acting_user, organisation.pk):
        raise PermissionDenied
    _check_year(year)
    protection_key()  # refuse before reading anything when no key is configured
    with transaction.atomic(durable=True):
        selection = select_cases(organisation, year)
        incoming = _encode_cases(selection.cases, year)
        incoming = replace(incoming, exclusions=selection.exclusions)
        record_event(
            "observatory.submission_identities_read",
            actor=acting_user,
            organisation_id=organisation.pk,
            kind=AuditKind.ACCESS,
            reason=f"Soumission statistique {year} : encodage des identités",
            extra={"year": year, "case_ids": [c.pk for c in selection.cases]},
        )
        return _store(organisation, incoming, acting_user)


# Receiving files and documents --------------------------------------------------------------


def _check_fingerprint(incoming: Incoming) -> None:
    if not any(r.linkable for r in incoming.records):
        return
    expected = expected_fingerprint()
    if incoming.key_fingerprint != expected:
        raise SubmissionRefused(
            "Ce fichier a été encodé avec une autre clé de rapprochement "
            f"(empreinte « {incoming.key_fingerprint or '—'} », attendue « {expected} ») : "
            "ses personnes ne pourraient être rapprochées d'aucune autre. "
            "Encodez-le à nouveau avec la clé commune des détenteurs de données."
        )


def _store(organisation: Organisation, incoming: Incoming, acting_user: Any) -> Submission:
    """Store `incoming` as the current submission of the holder and year; inside the caller's transaction."""
    check_records(incoming.records)
    _check_fingerprint(incoming)
    if not incoming.records and not incoming.aggregates:
        raise SubmissionRefused("La soumission est vide : ni enregistrement, ni agrégats.")
    previous = (
        Submission.objects.select_for_update()
        .filter(organisation=organisation, year=incoming.year, state=SubmissionState.RECEIVED)
        .first()
    )
    if previous is not None:
        previous.state = SubmissionState.SUPERSEDED
        previous.save(update_fields=["state", "updated_at"])
    submission = Submission.objects.create(
        organisation=organisation,
        year=incoming.year,
        channel=incoming.channel,
        schema_version=incoming.schema_version,
        encoding_parameters=incoming.encoding_parameters,
        key_fingerprint=incoming.key_fingerprint,
        submitted_by=acting_user,
        record_count=len(incoming.records),
        linkable_count=sum(1 for r in incoming.records if r.linkable),
        aggregates=incoming.aggregates,
        exclusions=incoming.exclusions,
        file_sha256=incoming.file_sha256,
    )
    SubmissionRecord.objects.bulk_create(
        (
            SubmissionRecord(
                submission=submission,
                record_id=r.record_id,
                clk=r.clk,
                tokens=r.tokens,
                variables=r.variables,
                linkable=r.linkable,
            )
            for r in incoming.records
        ),
        batch_size=2000,
    )
    if previous is not None:
        previous.superseded_by = submission
        previous.save(update_fields=["superseded_by", "updated_at"])
    record_event(
        "observatory.submission_received",
        actor=acting_user,
        organisation_id=organisation.pk,
        target=submission,
        extra={
            "year": incoming.year, "channel": str(incoming.channel), "records": submission.record_count,
            "linkable": submission.linkable_count, "superseded": previous.pk if previous else None,
        },
    )  # fmt: skip
    return submission


def do_receive_submission(organisation: Organisation, incoming: Incoming, *, acting_user: Any) -> Submission:
    """Receive an uploaded submission (encoded file, JSON, survey spreadsheet, API) for a holder."""
    if not policies.can_upload_for(acting_user, organisation.pk):
        raise PermissionDenied
    _check_year(incoming.year)
    with transaction.atomic(durable=True):
        return _store(organisation, incoming, acting_user)


def do_withdraw_submission(submission: Submission, *, acting_user: Any, reason: str = "") -> Submission:
    """Withdraw a current submission: it no longer counts in later runs."""
    if not policies.can_withdraw(acting_user, submission):
        raise PermissionDenied
    with transaction.atomic(durable=True):
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if not submission.is_current:
            raise SubmissionRefused("Cette soumission n'est plus en vigueur.")
        submission.state = SubmissionState.WITHDRAWN
        submission.withdrawn_at = timezone.now()
        submission.withdrawn_by = acting_user
        submission.save(update_fields=["state", "withdrawn_at", "withdrawn_by", "updated_at"])
        record_event(
            "observatory.submission_withdrawn", actor=acting_user, organisation_id=submission.organisation_id,
            target=submission, reason=reason,
        )  # fmt: skip
    return submission


# Linkage runs -----------------------------------------------------------------------------


class RunRefused(Exception):  # noqa: N818  (a refusal with a French message)
    """The run cannot start or the decision cannot be recorded; the message is French."""


def do_start_run(
    *,
    acting_user: Any,
    match_threshold: float = DEFAULT_MATCH_THRESHOLD,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
) -> LinkageRun:
    """Queue a linkage of every current submission, all years together; the worker runs it."""
    if not policies.can_link(acting_user):
        raise PermissionDenied
    if not 0 < review_threshold <= match_threshold <= 1:
        raise RunRefused("Les seuils doivent vérifier 0 < seuil des doublons possibles ≤ seuil d'appariement ≤ 1.")
    with transaction.atomic(durable=True):
        submissions = list(Submission.objects.current().filter(linkable_count__gt=0).order_by("id"))
        if not submissions:
            raise RunRefused("Aucune soumission encodée en vigueur : rien à rapprocher.")
        run = LinkageRun.objects.create(
            match_threshold=match_threshold,
            review_threshold=review_threshold,
            years=sorted({s.year for s in Submission.objects.current()}),
            started_by=acting_user,
        )
        run.submissions.set(Submission.objects.current())
        record_event(
            "observatory.run_started", actor=acting_user, target=run,
            extra={"years": run.years, "match": match_threshold, "review": review_threshold},
        )  # fmt: skip
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    execute_linkage_run.enqueue(run_id)


def do_decide_pair(pair: ReviewPair, decision: str, *, acting_user: Any) -> ReviewPair:
    """Record the statistician's decision on a possible duplicate and re-apply the run's decisions."""
    if not policies.can_link(acting_user):
        raise PermissionDenied
    if decision not in (Decision.SAME, Decision.DIFFERENT, Decision.PENDING):
        raise RunRefused(f"Décision inconnue : « {decision} ».")
    with transaction.atomic(durable=True):
        pair = ReviewPair.objects.select_for_update().select_related("run").get(pk=pair.pk)
        if pair.run.state != RunState.DONE:
            raise RunRefused("L'appariement n'est pas terminé : ses doublons possibles ne peuvent pas être examinés.")
        pair.decision = decision
        pair.decided_by = acting_user if decision != Decision.PENDING else None
        pair.decided_at = timezone.now() if decision != Decision.PENDING else None
        pair.save(update_fields=["decision", "decided_by", "decided_at"])
        apply_decisions(pair.run)
        record_event(
            "observatory.review_decided", actor=acting_user, target=pair.run,
            extra={"pair": pair.pk, "decision": decision, "score": round(pair.score, 4)},
        )  # fmt: skip
    return pair
