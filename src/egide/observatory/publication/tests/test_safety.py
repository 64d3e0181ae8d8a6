"""The release's own check refuses any published cell under the threshold or not rounded."""

import pytest

from egide.observatory.publication.safety import UnsafeReleaseError, cell_problems, require_safe
from egide.observatory.publication.tables import Cell, PublishedTable

RULES = {"threshold": 10, "rounding_base": 5}


def _table(*values: int | None) -> PublishedTable:
    cells = tuple(
        Cell(f"c{i}", f"code {i}", "", "", v, "" if v is not None else "primary") for i, v in enumerate(values)
    )
    return PublishedTable("t", "Tableau", "personnes distinctes", "sex", cells=cells)


def test_suppressed_zero_and_rounded_counts_above_the_threshold_pass() -> None:
    assert cell_problems([_table(None, 0, 10, 15, 1235)], RULES) == []


@pytest.mark.parametrize("value", [1, 5, 9])
def test_a_published_count_under_the_threshold_is_refused(value: int) -> None:
    with pytest.raises(UnsafeReleaseError, match="sous le seuil de 10"):
        require_safe([_table(None, value, 20)], RULES)


def test_an_unrounded_count_is_refused() -> None:
    assert cell_problems([_table(12)], RULES) == ["« Tableau », code 0 : 12 n'est pas arrondi à 5"]


def test_problems_found_by_the_attack_refuse_the_release() -> None:
    with pytest.raises(UnsafeReleaseError, match="1 case"):
        require_safe([_table(20)], RULES, ["« Tableau », code 1 : encadrée entre 3 et 4"])
