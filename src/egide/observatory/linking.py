"""Run a linkage over the run's submissions and store its persons and possible duplicates.

Every submission is one source of `egide_analytics.linkage.link`; persons are linked
within and across submissions and years. Records without an encoding become persons of
their own. Review pairs (the « possible duplicate » band) are not merged by the engine:
the statistician's « même personne » decisions merge their two persons afterwards
(`apply_decisions`), pending and « personnes distinctes » pairs stay apart.
"""

import json
import logging
import time
from collections import defaultdict

import numpy as np
from django.db import transaction
from django.utils import timezone

from egide.core.audit import record_event
from egide.observatory.models import LinkageRun, RecordPerson, ReviewPair, Submission, SubmissionRecord
from egide.observatory.vocabulary import Decision, RunState
from egide_analytics.linkage import Encodings, LinkResult, Source, Thresholds, link

logger = logging.getLogger(__name__)


class LinkageFailed(Exception):  # noqa: N818  (a refusal with a French message)
    """The run cannot complete; the message is French and is shown on the run's page."""


def _parameters_signature(submission: Submission) -> str:
    parameters = {k: v for k, v in submission.encoding_parameters.items() if k != "key_fingerprint"}
    return json.dumps(parameters, sort_keys=True)


def _check_compatible(submissions: list[Submission]) -> None:
    fingerprints = {s.key_fingerprint for s in submissions}
    if len(fingerprints) > 1:
        raise LinkageFailed("Les soumissions n'ont pas été encodées avec la même clé : rapprochement impossible.")
    if len({_parameters_signature(s) for s in submissions}) > 1:
        raise LinkageFailed(
            "Les soumissions n'ont pas été encodées avec les mêmes paramètres (longueur du filtre, "
            "durcissement) : demandez aux détenteurs concernés de les encoder à nouveau."
        )


def _source(submission: Submission, rows: list[tuple[int, str, bytes, dict[str, str]]]) -> Source:
    clks = np.frombuffer(b"".join(bytes(r[2]) for r in rows), dtype=np.uint8).reshape(len(rows), -1)
    names = sorted({name for r in rows for name in r[3]})
    tokens = {name: [r[3].get(name, "") for r in rows] for name in names}
    return Source(
        name=str(submission.pk),
        record_ids=[r[1] for r in rows],
        encodings=Encodings(clks=clks, tokens=tokens),
        year=submission.year,
    )


def _load(run: LinkageRun) -> tuple[list[Submission], list[list[int]], list[Source], list[int]]:
    """Return linkable submissions, their record pks, their sources, and the unlinkable record pks."""
    submissions = list(run.submissions.order_by("id"))
    linkable: list[Submission] = []
    pks: list[list[int]] = []
    sources: list[Source] = []
    alone: list[int] = []
    for submission in submissions:
        rows = list(
            SubmissionRecord.objects.filter(submission=submission)
            .order_by("id")
            .values_list("id", "record_id", "clk", "tokens", "linkable")
        )
        alone += [r[0] for r in rows if not r[4]]
        encoded = [(r[0], r[1], bytes(r[2]), r[3]) for r in rows if r[4]]
        if encoded:
            linkable.append(submission)
            pks.append([r[0] for r in encoded])
            sources.append(_source(submission, encoded))
    return linkable, pks, sources, alone


def _persist(run: LinkageRun, pks: list[list[int]], result: LinkResult, alone: list[int]) -> None:
    rows: list[RecordPerson] = []
    next_cluster = 0
    for source_pks, clusters in zip(pks, result.cluster_of, strict=True):
        for pk, cluster in zip(source_pks, np.asarray(clusters).tolist(), strict=True):
            rows.append(RecordPerson(run=run, record_id=pk, cluster=int(cluster), person=int(cluster)))
            next_cluster = max(next_cluster, int(cluster) + 1)
    for offset, pk in enumerate(alone):
        rows.append(RecordPerson(run=run, record_id=pk, cluster=next_cluster + offset, person=next_cluster + offset))
    RecordPerson.objects.bulk_create(rows, batch_size=5000)
    ReviewPair.objects.bulk_create(
        (
            ReviewPair(
                run=run,
                record_a_id=pks[p.source_a][p.index_a],
                record_b_id=pks[p.source_b][p.index_b],
                score=float(p.score),
            )
            for p in result.review_pairs
        ),
        batch_size=5000,
        ignore_conflicts=True,
    )
    run.candidate_pairs = result.candidate_pairs
    run.review_count = len(result.review_pairs)


def refresh_counts(run: LinkageRun) -> None:
    """Recompute the run's persons, duplicates and per-year counts from its record persons."""
    per_year: dict[int, list[int]] = defaultdict(list)
    for year, person in RecordPerson.objects.filter(run=run).values_list("record__submission__year", "person"):
        per_year[year].append(person)
    all_persons = [p for persons in per_year.values() for p in persons]
    run.record_count = len(all_persons)
    run.person_count = len(set(all_persons))
    run.duplicate_count = run.record_count - run.person_count
    run.year_counts = {
        str(year): {
            "records": len(persons),
            "persons": len(set(persons)),
            "duplication_rate": round(1 - len(set(persons)) / len(persons), 4) if persons else 0.0,
        }
        for year, persons in sorted(per_year.items())
    }


def apply_decisions(run: LinkageRun) -> None:
    """Merge the persons of every « même personne » pair; undo merges whose decision changed."""
    rows = list(RecordPerson.objects.filter(run=run))
    parent: dict[int, int] = {r.cluster: r.cluster for r in rows}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    cluster_of = {r.record_id: r.cluster for r in rows}
    for a, b in ReviewPair.objects.filter(run=run, decision=Decision.SAME).values_list("record_a_id", "record_b_id"):
        root_a, root_b = find(cluster_of[a]), find(cluster_of[b])
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    changed = []
    for row in rows:
        person = find(row.cluster)
        if row.person != person:
            row.person = person
            changed.append(row)
    RecordPerson.objects.bulk_update(changed, ["person"], batch_size=5000)
    refresh_counts(run)
    run.save(update_fields=["record_count", "person_count", "duplicate_count", "year_counts", "updated_at"])


def _fail(run_id: int, message: str) -> None:
    with transaction.atomic(durable=True):
        run = LinkageRun.objects.select_for_update().get(pk=run_id)
        run.state = RunState.FAILED
        run.error = message
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "error", "finished_at", "updated_at"])
        record_event("observatory.run_failed", actor=None, target=run, reason=message)


def execute_run(run_id: int) -> LinkageRun:
    """Link the run's submissions and store the result; a failure is recorded on the run, in French."""
    with transaction.atomic(durable=True):
        run = LinkageRun.objects.select_for_update().get(pk=run_id)
        if run.state != RunState.QUEUED:
            return run
        run.state = RunState.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["state", "started_at", "updated_at"])
    try:
        with transaction.atomic(durable=True):
            run = LinkageRun.objects.select_for_update().get(pk=run_id)
            submissions, pks, sources, alone = _load(run)
            _check_compatible(submissions)
            started = time.perf_counter()
            result = link(sources, thresholds=Thresholds(match=run.match_threshold, review=run.review_threshold))
            _persist(run, pks, result, alone)
            refresh_counts(run)
            run.key_fingerprint = submissions[0].key_fingerprint if submissions else ""
            run.state = RunState.DONE
            run.finished_at = timezone.now()
            run.save()
            record_event(
                "observatory.run_done",
                actor=None,
                target=run,
                extra={
                    "records": run.record_count,
                    "persons": run.person_count,
                    "review": run.review_count,
                    "seconds": round(time.perf_counter() - started, 3),
                },
            )
    except LinkageFailed as error:
        _fail(run_id, str(error))
    except Exception as error:
        logger.exception("Linkage run %s failed", run_id)
        _fail(
            run_id,
            f"Erreur inattendue pendant le rapprochement ({type(error).__name__}) : voir les journaux du serveur.",
        )
    return LinkageRun.objects.get(pk=run_id)
