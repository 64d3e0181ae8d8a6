"""The statistics of a year: as declared, distinct persons, duplication, capture table, year_statistics."""

import json

import pytest

from egide_analytics.mse import estimate_population
from egide_analytics.sdc import Rules
from egide_analytics.statistics import (
    DeclaredCount,
    StatRecord,
    Table,
    YearStatistics,
    capture_table,
    consolidate,
    standard_tables,
    year_statistics,
)
from egide_analytics.statistics.synthetic import synthetic_capture, synthetic_year


def record(holder: str, person: int, **variables: str | list[str]) -> StatRecord:
    return StatRecord(holder, person, {"status": "supported", **variables})


RECORDS = [
    record("A", 1, sex="female", forms=["SEXUAL"]),
    record("B", 1, sex="female", forms=["BEGGING"], status="identified"),
    record("A", 2, sex="male", forms=["LABOUR_OTHER"], status="identified"),
    record("B", 3, sex="unknown"),
    record("C", 3, sex="female", forms=["SEXUAL"]),
    record("D", 3, sex="male", forms=["SEXUAL"]),
    record("C", 4, sex="female", forms=["SEXUAL"]),
]


def tables_by_name(records: list[StatRecord], declared: list[DeclaredCount] | None = None) -> dict[str, Table]:
    return {table.name: table for table in standard_tables(records, declared or [])}


def test_as_declared_counts_each_record_and_distinct_counts_each_person() -> None:
    tables = tables_by_name(RECORDS)
    declared, persons = tables["declared.sex"], tables["persons.sex"]
    codes = list(declared.rows.codes)
    assert declared.counts[:, 0].tolist() == [4, 2, 0, 1]
    assert declared.total == 7
    # Person 3: female once, male once, unknown once → tie broken by code order: female.
    assert persons.counts[:, 0].tolist() == [3, 1, 0, 0]
    assert persons.total == 4
    assert codes == ["female", "male", "other", "unknown"]


def test_list_variables_take_the_union_and_margins_are_not_sums() -> None:
    forms = tables_by_name(RECORDS)["persons.forms"]
    counts = dict(zip(forms.rows.codes, forms.counts[:, 0].tolist(), strict=True))
    assert counts["SEXUAL"] == 3 and counts["BEGGING"] == 1 and counts["LABOUR_OTHER"] == 1
    assert sum(counts.values()) == 5 and forms.total == 4
    assert any("dépasse le total" in note for note in forms.notes)


def test_status_supported_wins_and_persons_by_holder_count() -> None:
    tables = tables_by_name(RECORDS)
    status = tables["persons.status"]
    assert dict(zip(status.rows.codes, status.counts[:, 0].tolist(), strict=True)) == {
        "identified": 1,
        "supported": 3,
    }
    holders = tables["persons.holder_count"]
    assert holders.counts[:, 0].tolist() == [2, 1, 1, 0]


def test_consolidate_prefers_the_most_frequent_known_code() -> None:
    assert consolidate("sex", ["unknown", "male", "female", "male"]) == "male"
    assert consolidate("sex", ["unknown", "unknown"]) == "unknown"
    assert consolidate("nationality", ["ROU", "NGA"]) == "NGA"
    assert consolidate("support", [["housing"], ["legal", "housing"], []]) == ["housing", "legal"]


def test_declared_counts_enter_only_the_declared_tables() -> None:
    declared = [
        DeclaredCount("E", "supported", "status", "supported", 20),
        DeclaredCount("E", "identified", "status", "identified", 5),
        DeclaredCount("E", "supported", "sex", "female", 18),
    ]
    tables = tables_by_name(RECORDS, declared)
    sex = tables["declared.sex"]
    assert sex.counts[:, 0].tolist() == [22, 2, 0, 8]
    assert sex.total == 32
    assert tables["persons.sex"].total == 4
    with pytest.raises(ValueError, match="plus que son total"):
        tables_by_name(RECORDS, [*declared, DeclaredCount("E", "supported", "sex", "male", 10)])


def test_capture_table_feeds_the_population_estimate() -> None:
    rows = capture_table(RECORDS, {"A": "assoc", "B": "assoc", "C": "police", "D": "police"})
    assert rows.lists == ("assoc", "police")
    assert dict(zip(rows.patterns, rows.counts, strict=True)) == {(0, 1): 1, (1, 0): 2, (1, 1): 1}
    assert estimate_population(rows.to_capture_table()).observed == 4


def test_year_statistics_duplication_and_round_trip() -> None:
    records = synthetic_year(persons=1500, holders=12, seed=7)
    stats = year_statistics(records, year=2025)
    n_persons = len({r.person for r in records})
    assert stats.duplication.persons == Rules().round(n_persons)
    assert stats.duplication.rate == round(len(records) / n_persons - 1, 3)
    assert stats.duplication.rate_by_holder_count["1"] == 0.0
    assert stats.hidden_population.status in ("ok", "too_sparse")
    assert all(name.startswith("détenteur") or name.startswith("autres") for name in stats.hidden_population.lists)
    frozen = json.loads(json.dumps(stats.to_dict()))
    assert YearStatistics.from_dict(frozen).to_dict() == stats.to_dict()
    rows = list(stats.rows())
    assert all(row.value is None or row.value % 5 == 0 for row in rows)
    assert {row.table for row in rows} == {table.name for table in stats.tables}


def test_the_standard_release_of_a_small_year_resists_the_lp_attack() -> None:
    from egide_analytics.sdc import ReleaseAttack, true_values

    records = synthetic_year(persons=400, holders=15, seed=11)
    declared = [
        DeclaredCount("sans-egide", "supported", "status", "supported", 12),
        DeclaredCount("sans-egide", "supported", "sex", "female", 11),
    ]
    stats = year_statistics(records, declared)
    truth = true_values(standard_tables(records, declared))
    attack = ReleaseAttack(stats.release)
    suppressed = 0
    for table in stats.tables:
        for row, column in table.positions():
            key, cell = table.key(row, column), table.cell(row, column)
            if cell.published:
                assert not 0 < truth[key] < 10
            else:
                suppressed += 1
                low, high = attack.bounds(key)
                assert high - low >= 5, (table.name, key, low, high)
    assert suppressed > 10  # a small year has small cells: the test attacks something


def test_an_empty_year_and_a_year_of_aggregates_only() -> None:
    empty = year_statistics([])
    assert empty.duplication.persons is None and empty.hidden_population.status == "too_few_lists"
    assert empty.table("persons.sex").total.value == 0
    only = year_statistics([], [DeclaredCount("E", "supported", "status", "supported", 40)])
    assert only.table("declared.status").total.value == 40
    assert only.holders.aggregate_only == 1 and only.holders.with_records == 0


def test_the_hidden_population_estimate_finds_the_generated_population() -> None:
    records, population = synthetic_capture(persons=1800, holders=10, seed=3)
    assert len({r.person for r in records}) == 1800 and population > 1800
    hidden = year_statistics(records).hidden_population
    assert hidden.ok and hidden.lower is not None and hidden.upper is not None
    assert hidden.lower <= population <= hidden.upper
    assert hidden.observed == Rules().round(len({r.person for r in records}))


def test_capture_table_by_holder_or_for_some_holders() -> None:
    by_holder = capture_table(RECORDS)
    assert by_holder.lists == ("A", "B", "C", "D") and sum(by_holder.counts) == 4
    kept = capture_table(RECORDS, ["A", "C"])
    assert kept.lists == ("A", "C")
    assert dict(zip(kept.patterns, kept.counts, strict=True)) == {(1, 0): 2, (0, 1): 2}


def test_no_estimate_from_a_handful_of_persons() -> None:
    records = [record(holder, person) for person in range(12) for holder in ("A", "B")[: 1 + person % 2]]
    hidden = year_statistics(records).hidden_population
    assert hidden.status == "too_small" and hidden.estimate is None and hidden.observed == 10
