"""Disclosure control: after `protect`, no small count is published and the LP attack pins no suppressed count."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egide_analytics.sdc import (
    Cell,
    Flag,
    ReleaseAttack,
    Rules,
    SafeRelease,
    SafeTable,
    lp_bounds,
    protect,
    true_values,
)
from egide_analytics.statistics import Axis, Table, count_table

A = Axis("a", "a", ("a1", "a2", "a3", "unknown"), ("A1", "A2", "A3", "inconnu"))
B = Axis("b", "b", ("b1", "b2"), ("B1", "B2"))
M = Axis("m", "m", ("m1", "m2", "unknown"), ("M1", "M2", "non renseigné"), multiple=True)


def tables_of(units: list[dict[str, str | list[str]]]) -> list[Table]:
    def make(rows: Axis, columns: Axis | None = None) -> Table:
        name = rows.variable if columns is None else f"{rows.variable}_by_{columns.variable}"
        return count_table(units, name=name, title=name, population="p", unit="personnes", rows=rows, columns=columns)

    return [make(A), make(B), make(M), make(A, B), make(M, B)]


unit_strategy = st.fixed_dictionaries(
    {
        "a": st.sampled_from(A.codes),
        "b": st.sampled_from(B.codes),
        "m": st.lists(st.sampled_from(("m1", "m2")), unique=True, max_size=2),
    }
)


def assert_safe(tables: list[Table], release: SafeRelease) -> None:
    rules = release.rules
    truth = true_values(tables)
    attack = ReleaseAttack(release)
    for table in release:
        for row, column in table.positions():
            cell, key = table.cell(row, column), table.key(row, column)
            if cell.published:
                assert not 0 < truth[key] < rules.threshold, (table.name, key)
                assert cell.value == rules.round(truth[key])
            else:
                assert cell.value is None
                low, high = attack.bounds(key)
                assert low <= truth[key] <= high
                assert high - low >= rules.protection_width, (table.name, key, low, high, truth[key])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(unit_strategy, max_size=120), st.sampled_from([3, 5, 10]), st.sampled_from([1, 5]))
def test_linked_tables_are_safe_after_protect(
    units: list[dict[str, str | list[str]]], threshold: int, base: int
) -> None:
    tables = tables_of(units)
    rules = Rules(threshold=threshold, rounding_base=base)
    assert_safe(tables, protect(tables, rules))


def one_way(counts: list[int], multiple: bool = False) -> Table:
    codes = tuple(f"c{i}" for i in range(len(counts)))
    axis = Axis("v", "v", codes, codes, multiple)
    array = np.array(counts, dtype=np.int64)
    return Table("t", "t", "p", "personnes", axis, array.reshape(-1, 1), array, int(array.sum()))


def flags(release: SafeRelease, name: str = "t") -> list[Flag]:
    return [cell.flag for cell in release.table(name).row_margin]


def test_a_single_small_cell_in_a_line_forces_a_second_suppression() -> None:
    release = protect([one_way([120, 4, 40, 300])])
    assert flags(release) == [Flag.PUBLISHED, Flag.PRIMARY, Flag.SECONDARY, Flag.PUBLISHED]
    assert release.table("t").total == Cell(465)
    assert_safe([one_way([120, 4, 40, 300])], release)


def test_without_secondary_suppression_the_attack_recovers_the_cell() -> None:
    """The attack is real: with only the small cell suppressed, the margin gives it away."""
    table = protect([one_way([120, 4, 40, 300])], Rules(rounding_base=1))
    cells = list(table.table("t").row_margin)
    cells[2] = Cell(40)
    naive = SafeRelease((_replace_rows(table.table("t"), cells),), Rules(rounding_base=1))
    assert lp_bounds(naive, ("t", 1, None)) == (4.0, 4.0)


def _replace_rows(table: SafeTable, cells: list[Cell]) -> SafeTable:
    return SafeTable(
        table.name,
        table.title,
        table.population,
        table.unit,
        table.rows,
        tuple((c,) for c in cells),
        tuple(cells),
        table.total,
    )


def test_a_zero_in_a_small_group_is_suppressed() -> None:
    units: list[dict[str, str | list[str]]] = [{"a": "a1", "b": "b1", "m": []} for _ in range(6)]
    units += [{"a": "a2", "b": code, "m": []} for code in ["b1"] * 30 + ["b2"] * 30]
    tables = tables_of(units)
    release = protect(tables)
    cross = release.table("a_by_b")
    assert cross.cell(0, 1).flag is Flag.ZERO  # a1 × b2: nobody, in a group of 6
    assert cross.cell(0, 0).flag is Flag.PRIMARY
    assert_safe(tables, release)


def test_a_zero_revealing_a_homogeneous_group_is_suppressed() -> None:
    units: list[dict[str, str | list[str]]] = [{"a": "a1", "b": "b1", "m": []} for _ in range(40)]
    units += [{"a": "a2", "b": code, "m": []} for code in ["b1"] * 30 + ["b2"] * 30]
    units += [{"a": "a3", "b": code, "m": []} for code in ["b1"] * 25 + ["b2"] * 20]
    tables = tables_of(units)
    release = protect(tables)
    assert release.table("a_by_b").cell(0, 1).flag is Flag.ZERO  # « every a1 is b1 »
    assert release.table("a_by_b").cell(3, 1).flag is Flag.PUBLISHED  # unknown × b2: zeros of unknown reveal nothing
    assert_safe(tables, release)


def test_zeros_are_published_when_the_rule_is_off() -> None:
    units: list[dict[str, str | list[str]]] = [{"a": "a1", "b": "b1", "m": []} for _ in range(40)]
    units += [{"a": "a2", "b": "b2", "m": []} for _ in range(40)]
    release = protect(tables_of(units), Rules(zeros_disclosive=False))
    assert release.table("a_by_b").cell(0, 1) == Cell(0)


def test_rounding_to_base_five_margins_independently() -> None:
    release = protect([one_way([12, 13, 0])])
    assert [cell.value for cell in release.table("t").row_margin] == [10, 15, 0]
    assert release.table("t").total == Cell(25)
    assert Rules().round(22) == 20 and Rules().round(23) == 25 and Rules(rounding_base=1).round(7) == 7


def test_tables_disagreeing_on_a_shared_count_are_refused() -> None:
    with pytest.raises(ValueError, match="donne"):
        protect([one_way([12, 13]), one_way([12, 14])])


def test_multi_valued_table_is_protected() -> None:
    units: list[dict[str, str | list[str]]] = [{"a": "a1", "b": "b1", "m": ["m1", "m2"]} for _ in range(30)]
    units += [{"a": "a1", "b": "b2", "m": ["m1"]} for _ in range(3)]
    tables = tables_of(units)
    assert_safe(tables, protect(tables))


def test_cells_are_found_by_code() -> None:
    units: list[dict[str, str | list[str]]] = [{"a": "a1", "b": "b1", "m": []} for _ in range(40)]
    units += [{"a": "a2", "b": "b2", "m": []} for _ in range(22)]
    release = protect(tables_of(units), Rules(zeros_disclosive=False))
    assert release.table("a").get("a2") == Cell(20)
    assert release.table("a").get() == Cell(60)
    assert release.table("a_by_b").get("a1", "b1") == Cell(40)
    assert release.table("a_by_b").get("a1") == Cell(40)
    assert release.table("a_by_b").get("total", "b2") == Cell(20)
