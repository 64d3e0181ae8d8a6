"""Reads of indicator lists and screenings, always scoped to the acting user."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from egide.core.audit import record_access
from egide.identification import policies
from egide.identification.models import Dimension, Indicator, IndicatorList, Screening
from egide.identification.vocabulary import LABOUR_FALLBACK_FORMS, LABOUR_FORMS


def current_lists() -> list[IndicatorList]:
    return list(IndicatorList.objects.filter(is_current=True).order_by("code"))


def all_versions() -> QuerySet[IndicatorList]:
    return IndicatorList.objects.select_related("loaded_by").order_by("code", "-version")


def list_for(profile: str, exploitation_form: str) -> IndicatorList | None:
    """Return the current list made for this profile and form, if there is one."""
    # A handful of lists: filtered here, since JSON `contains` on lists is not portable.
    for lst in current_lists():
        if lst.profile == profile and exploitation_form in lst.exploitation_forms:
            return lst
    return None


def labour_fallback_for(profile: str, exploitation_form: str) -> IndicatorList | None:
    """Return the labour list that may stand in for a form without a list of its own."""
    if exploitation_form not in LABOUR_FALLBACK_FORMS:
        return None
    for form in sorted(LABOUR_FORMS):
        lst = list_for(profile, form)
        if lst is not None:
            return lst
    return None


def screenings_for(user: Any) -> QuerySet[Screening]:
    return Screening.objects.visible_to(user, policies.SCREENING_CAPABILITIES).select_related(
        "indicator_list", "organisation", "created_by", "confirmed_by"
    )


def access_screening(user: Any, screening_id: int) -> Screening:
    """Return the screening if `user` may see it; the same 404 whether missing or forbidden."""
    screening = Screening.objects.select_related("indicator_list", "organisation").filter(pk=screening_id).first()
    if screening is None or not policies.can_view(user, screening):
        raise Http404("Repérage introuvable")
    return screening


def read_screening(user: Any, screening_id: int) -> Screening:
    """Return a screening for display and record the access."""
    screening = access_screening(user, screening_id)
    record_access("screening.view", actor=user, target=screening, organisation_id=screening.organisation_id)
    return screening


def dimensions_of(indicator_list: IndicatorList) -> list[Dimension]:
    return list(
        indicator_list.dimensions.prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("order")))
    )
