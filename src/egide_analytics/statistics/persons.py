"""One person's variables from the records of several holders (the « distinct persons » rule).

When the holders who saw the same person coded her differently, the person's code is:

- for `status`: « supported » when at least one holder supported her, else « identified »;
- for the other single-valued variables: the most frequent known code among her records
  (`unknown` only when no holder knew it), ties broken by the order of the variable's codes
  in `egide_analytics.submission` (alphabetical for nationalities);
- `region_of_origin` follows the chosen nationality when it is known;
- for list variables (forms, support): the union of the codes of all her records.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from egide_analytics.statistics.records import StatRecord
from egide_analytics.submission import BY_NAME, UNKNOWN, VARIABLES, region_of

Units = list[dict[str, str | list[str]]]


def value_of(variables: Mapping[str, str | list[str]], name: str) -> str | list[str]:
    """Return the coded value of `name` in a record, unknown (or an empty list) when absent."""
    value = variables.get(name)
    if BY_NAME[name].multiple:
        return sorted(value) if isinstance(value, list) else []
    return value if isinstance(value, str) and value else UNKNOWN


def _order(name: str, code: str) -> tuple[int, str]:
    codes = list(BY_NAME[name].codes)
    return (codes.index(code), code) if code in codes else (len(codes), code)


def consolidate(name: str, values: Sequence[str | list[str]]) -> str | list[str]:
    """Return one person's code for variable `name` from the values her records hold."""
    if BY_NAME[name].multiple:
        return sorted({code for value in values if isinstance(value, list) for code in value})
    codes = [value for value in values if isinstance(value, str)]
    if name == "status":
        return "supported" if "supported" in codes else "identified"
    known = Counter(code for code in codes if code != UNKNOWN)
    if not known:
        return UNKNOWN
    best = max(known.values())
    return min((code for code, count in known.items() if count == best), key=lambda code: _order(name, code))


def person_variables(records: Iterable[StatRecord]) -> dict[str, str | list[str]]:
    """Return the consolidated variables of the records of one person."""
    records = list(records)
    if len(records) == 1:
        # Most persons have one record: the rule then keeps her values (a fast path, same result).
        result = {variable.name: _single(records[0].variables, variable.name) for variable in VARIABLES}
    else:
        result = {
            variable.name: consolidate(variable.name, [value_of(r.variables, variable.name) for r in records])
            for variable in VARIABLES
        }
    nationality = result["nationality"]
    if isinstance(nationality, str) and nationality != UNKNOWN:
        result["region_of_origin"] = region_of(nationality)
    return result


def _single(variables: Mapping[str, str | list[str]], name: str) -> str | list[str]:
    value = value_of(variables, name)
    if name == "status":
        return "supported" if value == "supported" else "identified"
    return sorted(set(value)) if isinstance(value, list) else value


def group_by_person(records: Iterable[StatRecord]) -> dict[int, list[StatRecord]]:
    """Return the records of each linkage cluster."""
    groups: dict[int, list[StatRecord]] = {}
    for record in records:
        groups.setdefault(record.person, []).append(record)
    return groups


def distinct_persons(records: Iterable[StatRecord]) -> Units:
    """Return one set of variables per person, in cluster-id order."""
    groups = group_by_person(records)
    return [person_variables(groups[person]) for person in sorted(groups)]
