"""Reads of the annual report: the years a report can be made for."""

from egide.observatory.models import LinkageRun
from egide.observatory.vocabulary import RunState


def years_with_runs() -> list[int]:
    """Return the years covered by a finished linkage run, latest first."""
    years: set[int] = set()
    # Runs are few; JSON list containment is not portable to SQLite.
    for run_years in LinkageRun.objects.filter(state=RunState.DONE).values_list("years", flat=True):
        years.update(int(year) for year in run_years)
    return sorted(years, reverse=True)
