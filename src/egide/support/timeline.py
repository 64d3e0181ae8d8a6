"""The case timeline: what happened to the case, from the case file and the support data, by date."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from egide.cases.models import Case
from egide.support.models import CaseTask, ExitPathway, ResidenceProcedure, SupportService


@dataclass(frozen=True, order=True)
class Entry:
    on: datetime.date
    rank: int  # keeps same-day entries in the order they happen (opening first, closing last)
    label: str
    category: str


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def _case_entries(case: Case) -> Iterator[Entry]:
    yield Entry(case.opened_on, 0, "Ouverture du dossier", "Dossier")
    for consent in case.consents.all():
        verb = "donné" if consent.given else "refusé"
        yield Entry(consent.recorded_on, 1, f"Consentement {verb} : {consent.get_purpose_display()}", "Consentement")
        if consent.withdrawn_on:
            yield Entry(consent.withdrawn_on, 1, f"Retrait du consentement : {consent.get_purpose_display()}",
                        "Consentement")  # fmt: skip
    for decision in case.status_decisions.all():
        label = f"Statut : {decision.get_status_display()} ({decision.get_authority_display()})"
        yield Entry(decision.decided_on, 2, label, "Statut")
    for link in case.screening_links.all():
        yield Entry(_day(link.created_at), 2, f"Repérage n° {link.screening_id} rattaché", "Repérage")
    if case.closed_on:
        yield Entry(case.closed_on, 9, "Clôture du dossier", "Dossier")


def _service_entries(case: Case) -> Iterator[Entry]:
    for service in SupportService.objects.filter(case=case).select_related("provider"):
        name = service.get_category_display()
        provider = f" — {service.provider.name}" if service.provider else ""
        yield Entry(service.start_on or _day(service.created_at), 3, f"Début : {name}{provider}", "Accompagnement")
        if service.end_on:
            yield Entry(service.end_on, 3, f"Fin : {name} ({service.get_status_display()})", "Accompagnement")


def _procedure_entries(case: Case) -> Iterator[Entry]:
    for p in ResidenceProcedure.objects.filter(case=case):
        kind = p.get_kind_display()
        steps = [(p.requested_on, f"Demande : {kind}"), (p.receipt_on, f"Récépissé remis : {kind}"),
                 (p.decision_on, f"Décision ({p.get_state_display()}) : {kind}")]  # fmt: skip
        for on, label in steps:
            if on is not None:
                yield Entry(on, 4, label, "Séjour")


def _pathway_entries(case: Case) -> Iterator[Entry]:
    pathway = ExitPathway.objects.filter(case=case).first()
    if pathway is None:
        return
    steps = [
        (pathway.file_built_on, "Dossier de parcours de sortie constitué"),
        (pathway.commission_on, f"Commission départementale : avis {pathway.get_commission_opinion_display() or '—'}"),
        (pathway.decision_on, f"Décision du préfet : {pathway.get_decision_display() or '—'}"),
        (pathway.start_on, "Début du parcours de sortie"),
    ]
    steps += [(r.decided_on, f"Renouvellement n° {r.number} du parcours de sortie") for r in pathway.renewals.all()]
    for on, label in steps:
        if on is not None:
            yield Entry(on, 5, label, "Parcours de sortie")


def _task_entries(case: Case) -> Iterator[Entry]:
    for task in CaseTask.objects.filter(case=case, done_at__isnull=False):
        assert task.done_at is not None
        yield Entry(_day(task.done_at), 6, f"Tâche faite : {task.title}", "Tâche")


def timeline_of(case: Case) -> list[Entry]:
    """Return every dated event of the case, oldest first."""
    sources = (_case_entries, _service_entries, _procedure_entries, _pathway_entries, _task_entries)
    return sorted(entry for source in sources for entry in source(case))
