"""Legal delays, each with its rule and its source. Dates are computed here, never typed.

Domain apps name the delays they use; this module knows calendars, not cases.
"""

import calendar
import datetime
from dataclasses import dataclass


def add_months(start: datetime.date, months: int) -> datetime.date:
    """Add calendar months, clamping to the month's last day (31 Jan + 1 month = 28/29 Feb).

    >>> add_months(datetime.date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    """
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


@dataclass(frozen=True)
class Delay:
    """A legal delay: its length in days or months, and the text that sets it."""

    name: str
    source: str
    days: int = 0
    months: int = 0

    def end(self, start: datetime.date) -> datetime.date:
        return add_months(start, self.months) + datetime.timedelta(days=self.days)


EXIT_PATHWAY_APPROVAL = Delay(
    name="Agrément des associations pour le parcours de sortie de la prostitution",
    source="Code de l'action sociale et des familles, art. L121-9 et R121-12-1 (agrément de 3 ans)",
    months=36,
)
