"""What the statistics read: linked records, and the counts of holders that sent only aggregates."""

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class StatRecord:
    """One person as one data holder saw her during the year, after linkage.

    `person` is the linkage cluster id (the same for every record of the same person);
    `variables` are the coded variables of `egide_analytics.submission` (a missing variable
    counts as unknown).
    """

    holder: str
    person: int
    variables: Mapping[str, str | list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class DeclaredCount:
    """One number of the survey's aggregate part, from a holder that sent no records.

    `count` persons of status `status` (identified or supported) had `code` for `variable`.
    The holder's total for a status is given by `variable="status"`, `code=status`; persons
    of a variable left undeclared count as unknown. These counts only enter the « as
    declared » tables: they cannot be linked, so they have no distinct persons.
    """

    holder: str
    status: str
    variable: str
    code: str
    count: int

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError(f"Effectif négatif pour {self.holder} ({self.variable} = {self.code}) : {self.count}.")
