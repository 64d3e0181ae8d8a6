"""The standard statistics of a year, already protected: what releases, the dashboard and the annual report show.

`year_statistics(records, declared)` builds every standard table twice (« as declared »:
each record counts once per holder, comparable with the historical survey; « distinct
persons »: each linkage cluster once), the duplication summary, and the hidden-population
estimate, then protects the tables together (`egide_analytics.sdc.protect`: they share
margins) and rounds every published number.
"""

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from egide_analytics.mse import Method, estimate_population
from egide_analytics.sdc.protect import protect
from egide_analytics.sdc.rules import Rules
from egide_analytics.sdc.safe import SafeRelease, SafeTable, TableRow
from egide_analytics.statistics.build import OTHER, Unit, count_table, variable_axis
from egide_analytics.statistics.capture import capture_table
from egide_analytics.statistics.persons import group_by_person, person_variables
from egide_analytics.statistics.records import DeclaredCount, StatRecord
from egide_analytics.statistics.table import Axis, IntArray, Table
from egide_analytics.submission import BY_NAME, UNKNOWN

PERSONS = "persons"
DECLARED = "declared"
UNITS = {PERSONS: "personnes distinctes", DECLARED: "déclarations"}
ONE_WAY = (
    "status",
    "sex",
    "age_group",
    "minor_at_start",
    "minor_now",
    "region_of_origin",
    "nationality",
    "forms",
    "exploited_in_france",
    "complaint_filed",
    "administrative_status",
    "support",
    "identified_by",
    "network",
    "housed_by_exploiter",
)
CROSSES = (("forms", "sex"), ("age_group", "sex"), ("region_of_origin", "status"), ("forms", "status"))
TOP_NATIONALITIES = 10
# Capture lists: the largest holders one by one, the others together (see `hidden_population_lists`).
LARGEST_HOLDERS = 4
# Below this many distinct persons a log-linear estimate says nothing worth publishing.
MIN_PERSONS_FOR_ESTIMATE = 50
HOLDER_COUNT = Axis(
    "holder_count",
    "nombre de détenteurs l'ayant déclarée",
    ("1", "2", "3", "4+"),
    ("un détenteur", "deux détenteurs", "trois détenteurs", "quatre détenteurs ou plus"),
)
HOLDER_SIZE = Axis(
    "holder_size",
    "taille du détenteur (déclarations dans l'année)",
    ("1-9", "10-49", "50-199", "200+"),
    ("moins de 10", "10 à 49", "50 à 199", "200 ou plus"),
)
DECLARED_NOTE = (
    "« Telles que déclarées » : chaque détenteur compte les personnes qu'il a vues ; une personne vue "
    "par plusieurs détenteurs compte plusieurs fois, comme dans l'enquête historique."
)
PERSONS_NOTE = (
    "Personnes distinctes : chaque personne compte une fois, quel que soit le nombre de détenteurs "
    "qui l'ont déclarée (appariement sans nom) ; en cas de codes différents, le code le plus fréquent."
)


@dataclass(frozen=True)
class DuplicationSummary:
    """Records, distinct persons and the duplication rate (records / persons − 1), published values only."""

    records: int | None
    persons: int | None
    rate: float | None
    rate_by_holder_count: Mapping[str, float | None] = field(default_factory=dict)
    table: str = f"{PERSONS}.holder_count"


@dataclass(frozen=True)
class HiddenPopulation:
    """The multiple-systems estimate of the year's total population, rounded; `status` says whether there is one."""

    status: str
    lists: tuple[str, ...] = ()
    grouping: str = ""
    observed: int | None = None
    estimate: int | None = None
    lower: int | None = None
    upper: int | None = None
    level: float = 0.95
    method: str = Method.STEPWISE.value
    interactions: tuple[tuple[str, str], ...] = ()
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class HolderActivity:
    """How many holders sent records, sent only aggregates, and how many fall in each size class."""

    with_records: int
    aggregate_only: int
    by_size: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class YearStatistics:
    """Everything published about a year: protected tables, duplication, hidden population, holders."""

    year: int | None
    release: SafeRelease
    duplication: DuplicationSummary
    hidden_population: HiddenPopulation
    holders: HolderActivity

    @property
    def tables(self) -> tuple[SafeTable, ...]:
        return self.release.tables

    @property
    def rules(self) -> Rules:
        return self.release.rules

    def table(self, name: str) -> SafeTable:
        """Return the protected table `name`, e.g. « persons.sex » or « declared.forms »."""
        return self.release.table(name)

    def rows(self) -> Iterator[TableRow]:
        """Yield the flat rows of every table (table, row_code, row_label, column_code, column_label, value, flag)."""
        return self.release.rows()

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON types (to freeze a release)."""
        hidden = asdict(self.hidden_population)
        hidden["interactions"] = [list(pair) for pair in self.hidden_population.interactions]
        return {
            "year": self.year,
            "release": self.release.to_dict(),
            "duplication": {
                **asdict(self.duplication),
                "rate_by_holder_count": dict(self.duplication.rate_by_holder_count),
            },
            "hidden_population": {**hidden, "lists": list(self.hidden_population.lists)},
            "holders": {**asdict(self.holders), "by_size": dict(self.holders.by_size)},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "YearStatistics":
        hidden = dict(data["hidden_population"])
        hidden["lists"] = tuple(hidden["lists"])
        hidden["interactions"] = tuple(tuple(pair) for pair in hidden["interactions"])
        return cls(
            year=data["year"],
            release=SafeRelease.from_dict(data["release"]),
            duplication=DuplicationSummary(**data["duplication"]),
            hidden_population=HiddenPopulation(**hidden),
            holders=HolderActivity(**data["holders"]),
        )


def year_statistics(
    records: Sequence[StatRecord],
    declared: Sequence[DeclaredCount] = (),
    rules: Rules | None = None,
    *,
    year: int | None = None,
) -> YearStatistics:
    """Return the protected standard statistics of one year's linked records and aggregate-only counts."""
    rules = rules or Rules()
    tables = standard_tables(records, declared)
    release = protect(tables, rules)
    persons = group_by_person(records)
    return YearStatistics(
        year=year,
        release=release,
        duplication=_duplication(records, persons, release, rules),
        hidden_population=hidden_population(records, rules),
        holders=_holders(records, declared),
    )


def standard_tables(records: Sequence[StatRecord], declared: Sequence[DeclaredCount] = ()) -> list[Table]:
    """Return the true (unprotected) standard tables of a year: never publish them as they are."""
    groups = group_by_person(records)
    persons: list[dict[str, str | list[str]]] = []
    for person in sorted(groups):
        variables = person_variables(groups[person])
        variables["holder_count"] = _holder_count(len({record.holder for record in groups[person]}))
        persons.append(variables)
    sizes = _holder_sizes(records, declared)
    declarations: list[Unit] = [{**record.variables, "holder_size": sizes[record.holder]} for record in records]
    aggregates = _aggregate_totals(declared)
    nationalities = _top_nationalities(persons)
    tables: list[Table] = []
    for population, units in ((PERSONS, persons), (DECLARED, declarations)):
        for variable in ONE_WAY:
            axis = variable_axis(variable, nationalities if variable == "nationality" else None)
            extra = _declared_vector(declared, aggregates, axis) if population == DECLARED else None
            tables.append(_one_way(units, population, axis, extra, sum(aggregates.values())))
    for row, column in CROSSES:
        tables.append(_cross(persons, PERSONS, variable_axis(row), variable_axis(column)))
    tables.append(_one_way(persons, PERSONS, HOLDER_COUNT, None, 0))
    size_extra = np.array([sum(n for h, n in aggregates.items() if sizes[h] == code) for code in HOLDER_SIZE.codes])
    tables.append(_one_way(declarations, DECLARED, HOLDER_SIZE, size_extra, sum(aggregates.values())))
    return tables


def _one_way(units: Sequence[Unit], population: str, axis: Axis, extra: IntArray | None, extra_total: int) -> Table:
    unit = UNITS[population]
    title = f"{axis.title[0].upper()}{axis.title[1:]} ({unit})"
    note = PERSONS_NOTE if population == PERSONS else DECLARED_NOTE
    return count_table(
        units,
        name=f"{population}.{axis.variable}",
        title=title,
        population=population,
        unit=unit,
        rows=axis,
        extra=extra,
        extra_total=extra_total if extra is not None else 0,
        notes=(note,),
    )


def _cross(units: Sequence[Unit], population: str, rows: Axis, columns: Axis) -> Table:
    unit = UNITS[population]
    return count_table(
        units,
        name=f"{population}.{rows.variable}_by_{columns.variable}",
        title=f"{rows.title[0].upper()}{rows.title[1:]} selon {columns.title} ({unit})",
        population=population,
        unit=unit,
        rows=rows,
        columns=columns,
        notes=(PERSONS_NOTE,),
    )


def _holder_count(holders: int) -> str:
    return str(holders) if holders < 4 else "4+"


def _size_class(count: int) -> str:
    if count < 10:
        return "1-9"
    if count < 50:
        return "10-49"
    return "50-199" if count < 200 else "200+"


def _holder_sizes(records: Sequence[StatRecord], declared: Sequence[DeclaredCount]) -> dict[str, str]:
    counts = Counter(record.holder for record in records)
    counts.update(_aggregate_totals(declared))
    return {holder: _size_class(count) for holder, count in counts.items()}


def _aggregate_totals(declared: Sequence[DeclaredCount]) -> dict[str, int]:
    """Return each aggregate-only holder's number of persons (its status counts, else its largest variable)."""
    sums: dict[tuple[str, str], int] = {}
    for count in declared:
        sums[(count.holder, count.variable)] = sums.get((count.holder, count.variable), 0) + count.count
    totals: dict[str, int] = {}
    for (holder, variable), value in sums.items():
        if variable == "status":
            totals[holder] = value
    for (holder, variable), value in sums.items():
        if holder in totals and not BY_NAME[variable].multiple and value > totals[holder]:
            raise ValueError(
                f"{holder} : {value} personnes déclarées pour « {BY_NAME[variable].title} », "
                f"plus que son total de {totals[holder]}."
            )
        if variable not in ("status",) and holder not in totals:
            raise ValueError(f"{holder} : effectifs sans total par situation (variable « status »).")
    return totals


def _declared_vector(declared: Sequence[DeclaredCount], totals: Mapping[str, int], axis: Axis) -> IntArray:
    """Return the aggregate counts along `axis`; persons of an undeclared code count as unknown (or « other »)."""
    vector = np.zeros(len(axis.codes), dtype=np.int64)
    index = {code: position for position, code in enumerate(axis.codes)}
    given: Counter[str] = Counter()
    for count in declared:
        if count.variable != axis.variable:
            continue
        if count.code not in BY_NAME[axis.variable].codes and axis.variable != "nationality":
            raise ValueError(f"{count.holder} : « {count.code} » n'est pas une valeur de « {axis.title} ».")
        position = index.get(count.code, index.get(OTHER))
        if position is None:
            raise ValueError(f"{count.holder} : « {count.code} » n'est pas une valeur de « {axis.title} ».")
        vector[position] += count.count
        given[count.holder] += count.count
    unknown = index.get(UNKNOWN)
    for holder, total in totals.items():
        if unknown is not None:
            vector[unknown] += max(0, total - given[holder])
        elif given[holder] != total:
            raise ValueError(f"{holder} : les effectifs de « {axis.title} » ne font pas le total de {total}.")
    return vector


def _top_nationalities(persons: Sequence[Unit]) -> list[str]:
    counts = Counter(str(unit.get("nationality", UNKNOWN)) for unit in persons)
    counts.pop(UNKNOWN, None)
    top = sorted(counts, key=lambda code: (-counts[code], code))[:TOP_NATIONALITIES]
    return [*top, OTHER, UNKNOWN]


def _duplication(
    records: Sequence[StatRecord], persons: Mapping[int, list[StatRecord]], release: SafeRelease, rules: Rules
) -> DuplicationSummary:
    table = release.table(f"{PERSONS}.holder_count")
    by_class: dict[str, list[int]] = {code: [0, 0] for code in HOLDER_COUNT.codes}
    for person_records in persons.values():
        code = _holder_count(len({record.holder for record in person_records}))
        by_class[code][0] += 1
        by_class[code][1] += len(person_records)
    rates: dict[str, float | None] = {}
    for row, code in enumerate(HOLDER_COUNT.codes):
        n_persons, n_records = by_class[code]
        published = table.row_margin[row].published and n_persons > 0
        rates[code] = round(n_records / n_persons - 1, 2) if published else None
    n_persons = len(persons)
    safe = n_persons >= rules.threshold
    return DuplicationSummary(
        records=rules.round(len(records)) if len(records) >= rules.threshold else None,
        persons=rules.round(n_persons) if safe else None,
        rate=round(len(records) / n_persons - 1, 3) if safe else None,
        rate_by_holder_count=rates,
    )


def hidden_population_lists(records: Sequence[StatRecord]) -> tuple[dict[str, str], str]:
    """Group holders into capture lists: each alone when at most five, else the four largest and « autres ».

    Lists are named by rank (« détenteur 1 » is the largest), never by holder: the published
    estimate must not name a holder.
    """
    sizes = Counter(holder for holder, _ in {(record.holder, record.person) for record in records})
    ranked = sorted(sizes, key=lambda holder: (-sizes[holder], holder))
    if len(ranked) <= LARGEST_HOLDERS + 1:
        mapping = {holder: f"détenteur {rank}" for rank, holder in enumerate(ranked, start=1)}
        return mapping, "chaque détenteur forme une liste"
    mapping = {holder: f"détenteur {rank}" for rank, holder in enumerate(ranked[:LARGEST_HOLDERS], start=1)}
    mapping.update(dict.fromkeys(ranked[LARGEST_HOLDERS:], "autres détenteurs"))
    return mapping, f"les {LARGEST_HOLDERS} plus grands détenteurs forment chacun une liste, les autres une seule"


def hidden_population(records: Sequence[StatRecord], rules: Rules, level: float = 0.95) -> HiddenPopulation:
    """Estimate the total population by multiple-systems estimation on the overlaps of holders' lists."""
    mapping, grouping = hidden_population_lists(records)
    if len(set(mapping.values())) < 2:
        return HiddenPopulation("too_few_lists", grouping=grouping, note="Il faut au moins deux listes.")
    seen = len({record.person for record in records})
    if seen < MIN_PERSONS_FOR_ESTIMATE:
        return HiddenPopulation(
            "too_small",
            grouping=grouping,
            observed=rules.round(seen) if seen >= rules.threshold else None,
            note=f"Moins de {MIN_PERSONS_FOR_ESTIMATE} personnes vues : pas d'estimation de la population non vue.",
        )
    rows = capture_table(records, mapping)
    result = estimate_population(rows.to_capture_table(), method=Method.STEPWISE, level=level)
    observed = rules.round(result.observed)
    if result.too_sparse or result.estimate is None or result.interval is None:
        return HiddenPopulation(
            result.status,
            rows.lists,
            grouping,
            observed,
            level=level,
            note="Les recoupements entre listes ne permettent pas d'estimer la population non vue.",
        )
    return HiddenPopulation(
        "ok",
        rows.lists,
        grouping,
        observed,
        rules.round(round(result.estimate)),
        rules.round(int(np.floor(result.interval.lower))),
        rules.round(int(np.ceil(result.interval.upper))),
        level,
        result.method.value,
        tuple((first, second) for first, second in result.pair_names(result.fit.pairs)),
        "Estimation par modèle log-linéaire (sélection pas à pas) ; intervalle de vraisemblance profilée.",
    )


def _holders(records: Sequence[StatRecord], declared: Sequence[DeclaredCount]) -> HolderActivity:
    sizes = _holder_sizes(records, declared)
    by_size = Counter(sizes.values())
    with_records = {record.holder for record in records}
    aggregate_only = {count.holder for count in declared} - with_records
    return HolderActivity(
        len(with_records), len(aggregate_only), {code: by_size.get(code, 0) for code in HOLDER_SIZE.codes}
    )
