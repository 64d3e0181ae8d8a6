"""Counts of a reporting year from linked records: as declared, and in distinct persons.

A record is one person as one holder saw her (`StatRecord`, with the linkage cluster id);
holders that sent only the survey's aggregate part give `DeclaredCount`s. Tables come in
two populations: « declared » (each record counts once per holder, as in the historical
survey) and « persons » (each cluster once; see `persons.py` for the rule when holders
disagree). `year_statistics` returns the standard set, already protected.
"""

from egide_analytics.statistics.build import count_table, membership, variable_axis
from egide_analytics.statistics.capture import CaptureRows, capture_table
from egide_analytics.statistics.persons import consolidate, distinct_persons, group_by_person, person_variables
from egide_analytics.statistics.records import DeclaredCount, StatRecord
from egide_analytics.statistics.table import TOTAL, Axis, CellKey, Table, cell_key
from egide_analytics.statistics.year import (
    CROSSES,
    DECLARED,
    ONE_WAY,
    PERSONS,
    DuplicationSummary,
    HiddenPopulation,
    HolderActivity,
    YearStatistics,
    hidden_population,
    hidden_population_lists,
    standard_tables,
    year_statistics,
)

__all__ = [
    "CROSSES",
    "DECLARED",
    "ONE_WAY",
    "PERSONS",
    "TOTAL",
    "Axis",
    "CaptureRows",
    "CellKey",
    "DeclaredCount",
    "DuplicationSummary",
    "HiddenPopulation",
    "HolderActivity",
    "StatRecord",
    "Table",
    "YearStatistics",
    "capture_table",
    "cell_key",
    "consolidate",
    "count_table",
    "distinct_persons",
    "group_by_person",
    "hidden_population",
    "hidden_population_lists",
    "membership",
    "person_variables",
    "standard_tables",
    "variable_axis",
    "year_statistics",
]
