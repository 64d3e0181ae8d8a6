"""Ac.Sé statistics by year: aggregates only, never a person, a place or a location.

- requests: requests received in the year (`requested_on`);
- placements started: arrivals in the year;
- waiting time: from the request to the arrival, for the arrivals of the year (days);
- placements ended: ends in the year;
- per partner organisation: arrivals in the year, and placements under way at some time in
  the year (the places the scheme used there).
"""

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from egide.referrals.acse.models import Placement, PlacementRequest
from egide.referrals.acse.vocabulary import Step


@dataclass(frozen=True)
class YearRow:
    year: int
    requests: int
    placements_started: int
    placements_ended: int
    waiting_median_days: float | None
    waiting_mean_days: float | None


@dataclass(frozen=True)
class PartnerRow:
    organisation: str
    arrivals: int
    places_used: int


@dataclass(frozen=True)
class _Stay:
    organisation: str
    requested_on: datetime.date
    arrival_on: datetime.date
    ended_on: datetime.date | None


def _stays() -> list[_Stay]:
    rows = Placement.objects.filter(arrival_on__isnull=False).values_list(
        "shelter__organisation__name", "request__requested_on", "arrival_on", "ended_on"
    )
    return [
        _Stay(name, requested_on, arrival_on, ended_on)
        for name, requested_on, arrival_on, ended_on in rows
        if arrival_on
    ]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _year_row(year: int, requests: int, stays: Iterable[_Stay]) -> YearRow:
    stays = list(stays)
    started = [s for s in stays if s.arrival_on.year == year]
    waits = [(s.arrival_on - s.requested_on).days for s in started]
    ended = sum(1 for s in stays if s.ended_on is not None and s.ended_on.year == year)
    median = _round(statistics.median(waits)) if waits else None
    mean = _round(statistics.fmean(waits)) if waits else None
    return YearRow(year, requests, len(started), ended, median, mean)


def years() -> list[int]:
    """Every year from the first request to this one."""
    first = PlacementRequest.objects.order_by("requested_on").values_list("requested_on", flat=True).first()
    this_year = timezone.localdate().year
    return list(range(first.year if first else this_year, this_year + 1))


def by_year(only: int | None = None) -> list[YearRow]:
    """One row per year (or the one asked for), oldest first."""
    counts: dict[int, int] = defaultdict(int)
    for requested_on in PlacementRequest.objects.values_list("requested_on", flat=True):
        counts[requested_on.year] += 1
    stays = _stays()
    wanted = [only] if only is not None else years()
    return [_year_row(year, counts.get(year, 0), stays) for year in wanted]


def _under_way(stay: _Stay, year: int) -> bool:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return stay.arrival_on <= end and (stay.ended_on is None or stay.ended_on >= start)


def by_partner(year: int) -> list[PartnerRow]:
    """Arrivals and places used per partner organisation in one year, busiest first."""
    arrivals: dict[str, int] = defaultdict(int)
    used: dict[str, int] = defaultdict(int)
    for stay in _stays():
        if stay.arrival_on.year == year:
            arrivals[stay.organisation] += 1
        if _under_way(stay, year):
            used[stay.organisation] += 1
    names = sorted(set(arrivals) | set(used), key=lambda name: (-used[name], name))
    return [PartnerRow(name, arrivals[name], used[name]) for name in names]


def live_placements() -> int:
    return Placement.objects.filter(step=Step.ACTIVE).count()
