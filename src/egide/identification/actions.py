"""Writes of the identification app; each `do_*` runs in one transaction with its audit event."""

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from egide.core.audit import record_event
from egide.identification import rules
from egide.identification.loader import ListSpec, shipped_lists
from egide.identification.models import Dimension, Indicator, IndicatorList, Screening, ScreeningAnswer
from egide.identification.vocabulary import Answer, Conclusion, ScreeningStatus


class ScreeningRefusedError(Exception):
    """The action is not allowed in the screening's present state; the message is French."""


def _create_version(spec: ListSpec, digest: str, acting_user: Any) -> IndicatorList:
    last = IndicatorList.objects.filter(code=spec.code).aggregate(v=Max("version"))["v"] or 0
    IndicatorList.objects.filter(code=spec.code, is_current=True).update(is_current=False)
    lst = IndicatorList.objects.create(
        code=spec.code, title=spec.title, profile=spec.profile, exploitation_forms=spec.exploitation_forms,
        version=last + 1, status=spec.status, source=spec.source, rules=spec.rules, content_hash=digest,
        loaded_by=acting_user, is_current=True,
    )  # fmt: skip
    for d_order, d in enumerate(spec.dimensions):
        dim = Dimension.objects.create(
            indicator_list=lst, code=d.code, label=d.label, palermo_element=d.palermo_element, order=d_order
        )
        Indicator.objects.bulk_create(
            Indicator(
                dimension=dim,
                code=i.code,
                label=i.label,
                label_en=i.label_en,
                strength=i.strength,
                uncertain=i.uncertain,
                order=i_order,
            )
            for i_order, i in enumerate(d.indicators)
        )
    return lst


def do_load_indicator_lists(specs: Sequence[ListSpec], *, acting_user: Any) -> list[IndicatorList]:
    """Load each changed list as a new current version, all or nothing; return the new versions.

    A list whose content equals its current version is left alone. Older versions are never
    changed, so past screenings keep pointing at the version they used.
    """
    loaded = []
    with transaction.atomic(durable=True):
        for spec in specs:
            digest = spec.content_hash()
            if IndicatorList.objects.filter(code=spec.code, is_current=True, content_hash=digest).exists():
                continue
            lst = _create_version(spec, digest, acting_user)
            record_event(
                "indicator_list.load", actor=acting_user, target=lst,
                extra={"code": lst.code, "version": lst.version, "status": lst.status,
                       "indicators": spec.indicator_count},
            )  # fmt: skip
            loaded.append(lst)
    return loaded


def load_shipped_lists(acting_user: Any = None) -> tuple[list[IndicatorList], list[str]]:
    """Load the lists shipped in `data/ilo-indicators.yaml`; return the new versions and what was skipped.

    Idempotent: the test suite and `egide demo` call it as often as they like.
    """
    parsed = shipped_lists()
    if parsed.errors:
        raise ValueError("Listes livrées invalides : " + " ; ".join(parsed.errors))
    return do_load_indicator_lists(parsed.lists, acting_user=acting_user), parsed.skipped


@dataclass(frozen=True)
class ScreeningData:
    organisation_id: int
    indicator_list: IndicatorList
    profile: str
    exploitation_form: str
    screened_on: datetime.date
    place_code: str
    reference: str


def do_create_screening(data: ScreeningData, *, acting_user: Any) -> Screening:
    with transaction.atomic(durable=True):
        screening = Screening.objects.create(
            organisation_id=data.organisation_id, created_by=acting_user, indicator_list=data.indicator_list,
            profile=data.profile, exploitation_form=data.exploitation_form, screened_on=data.screened_on,
            place_code=data.place_code, reference=data.reference,
        )  # fmt: skip
        record_event(
            "screening.create", actor=acting_user, organisation_id=data.organisation_id, target=screening,
            extra={"list": data.indicator_list.code, "list_version": data.indicator_list.version,
                   "profile": data.profile, "exploitation_form": data.exploitation_form},
        )  # fmt: skip
    return screening


def compute_results(
    indicator_list: IndicatorList, present: Mapping[int, bool], act_established: str
) -> tuple[dict[str, dict[str, Any]], str]:
    """Apply the list's rules to the present indicators (by indicator id); return results and conclusion."""
    dimension_rule = indicator_list.rules["dimension_positive"]
    results: dict[str, rules.DimensionResult] = {}
    for dim in indicator_list.dimensions.prefetch_related("indicators"):
        by_strength: dict[str, list[str]] = defaultdict(list)
        for indicator in dim.indicators.all():
            if present.get(indicator.pk):
                by_strength[indicator.strength].append(indicator.code)
        results[dim.code] = rules.evaluate_dimension(by_strength, dimension_rule)
    facts = {"act_established": {Answer.YES: True, Answer.NO: False}.get(Answer(act_established))}
    victim = rules.evaluate_victim(results, indicator_list.rules["victim"], facts)
    stored = {code: {"positive": r.positive, "evidence": r.evidence} for code, r in results.items()}
    return stored, Conclusion.PRESUMED_VICTIM if victim.positive else Conclusion.CRITERIA_NOT_MET


def do_record_answers(
    screening: Screening, answers: Mapping[int, tuple[str, str]], act_established: str, *, acting_user: Any
) -> Screening:
    """Store every answer (indicator id → (answer, note)), compute the result and complete the screening."""
    with transaction.atomic(durable=True):
        screening = Screening.objects.select_for_update().get(pk=screening.pk)
        if screening.status == ScreeningStatus.CONFIRMED:
            raise ScreeningRefusedError("Ce repérage est confirmé : ses réponses ne peuvent plus changer.")
        ScreeningAnswer.objects.filter(screening=screening).delete()
        ScreeningAnswer.objects.bulk_create(
            ScreeningAnswer(screening=screening, indicator_id=pk, answer=answer, note=note)
            for pk, (answer, note) in answers.items()
        )
        present = {pk: answer == Answer.YES for pk, (answer, _) in answers.items()}
        results, conclusion = compute_results(screening.indicator_list, present, act_established)
        screening.act_established = act_established
        screening.dimension_results, screening.conclusion = results, conclusion
        screening.status, screening.completed_at = ScreeningStatus.COMPLETED, timezone.now()
        screening.save()
        counts = {a: sum(1 for v, _ in answers.values() if v == a) for a in Answer.values}
        record_event(
            "screening.answer", actor=acting_user, organisation_id=screening.organisation_id, target=screening,
            extra={"answers": counts, "conclusion": conclusion,
                   "positive_dimensions": sorted(c for c, r in results.items() if r["positive"])},
        )  # fmt: skip
    return screening


def do_confirm_screening(screening: Screening, *, acting_user: Any) -> Screening:
    """Confirm a « presumed victim » conclusion; the caller has checked the supervisor capability."""
    with transaction.atomic(durable=True):
        screening = Screening.objects.select_for_update().get(pk=screening.pk)
        if screening.created_by_id == acting_user.pk:
            raise ScreeningRefusedError("Vous ne pouvez pas confirmer un repérage que vous avez fait vous-même.")
        if screening.status != ScreeningStatus.COMPLETED or not screening.is_presumed_victim:
            raise ScreeningRefusedError("Seul un repérage complété concluant à une victime présumée se confirme.")
        screening.status, screening.confirmed_by, screening.confirmed_at = (
            ScreeningStatus.CONFIRMED,
            acting_user,
            timezone.now(),
        )
        screening.save()
        record_event("screening.confirm", actor=acting_user, organisation_id=screening.organisation_id,
                     target=screening, extra={"conclusion": screening.conclusion})  # fmt: skip
    return screening
