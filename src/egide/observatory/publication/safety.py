"""The last check before figures leave the observatory: every published cell must be safe.

Disclosure control itself lives in `egide_analytics.sdc`; this module does not trust it
blindly and re-checks what a release is about to publish: no count below the threshold,
every count rounded, and (in `figures.py`) no suppressed cell pinned by linear programming.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from egide.observatory.publication.tables import PublishedTable

DEFAULT_THRESHOLD = 10
DEFAULT_ROUNDING_BASE = 5


class ReleaseRefusedError(Exception):
    """A release operation is refused; the message is in French, for the statistician."""


class UnsafeReleaseError(ReleaseRefusedError):
    """A release would publish an unsafe cell."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = " ; ".join(self.problems[:5]) + (" ; …" if len(self.problems) > 5 else "")
        super().__init__(f"Publication refusée : {len(self.problems)} case(s) non sûre(s) — {shown}")


def threshold_of(rules: Mapping[str, Any]) -> int:
    return int(rules.get("threshold", DEFAULT_THRESHOLD))


def rounding_base_of(rules: Mapping[str, Any]) -> int:
    return int(rules.get("rounding_base", DEFAULT_ROUNDING_BASE))


def cell_problems(tables: Sequence[PublishedTable], rules: Mapping[str, Any]) -> list[str]:
    """Describe, in French, every published cell that is under the threshold or not rounded."""
    threshold, base = threshold_of(rules), rounding_base_of(rules)
    problems = []
    for table in tables:
        for cell in table.cells:
            where = f"« {table.title} », {cell.row_label or cell.row_code}" + (
                f" × {cell.column_label or cell.column_code}" if cell.column_code else ""
            )
            if cell.value is None:
                continue
            if cell.value < 0:
                problems.append(f"{where} : valeur négative ({cell.value})")
            elif 0 < cell.value < threshold:
                problems.append(f"{where} : {cell.value} est sous le seuil de {threshold}")
            elif base > 1 and cell.value % base:
                problems.append(f"{where} : {cell.value} n'est pas arrondi à {base}")
    return problems


def require_safe(tables: Sequence[PublishedTable], rules: Mapping[str, Any], lp_problems: Sequence[str] = ()) -> None:
    """Raise UnsafeReleaseError unless every cell passes and no suppressed cell is pinned."""
    problems = cell_problems(tables, rules) + list(lp_problems)
    if problems:
        raise UnsafeReleaseError(problems)
