"""The list-overlap table of the population estimate: who was seen by which lists of holders."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from egide_analytics.mse import CaptureTable
from egide_analytics.statistics.records import StatRecord


@dataclass(frozen=True)
class CaptureRows:
    """Capture patterns (one 0/1 column per list) and how many persons have each."""

    lists: tuple[str, ...]
    patterns: tuple[tuple[int, ...], ...]
    counts: tuple[int, ...]

    def to_capture_table(self) -> CaptureTable:
        """Return the table for `egide_analytics.mse.estimate_population`."""
        return CaptureTable.from_rows(self.lists, self.patterns, self.counts)


def capture_table(records: Iterable[StatRecord], lists: Mapping[str, str] | Sequence[str] | None = None) -> CaptureRows:
    """Count persons by the set of lists that saw them.

    `lists` maps each holder to its list (holders grouped by kind or size), or names the
    holders kept as lists (the others are left out); by default each holder is a list.
    Persons seen by no kept list are not counted.
    """
    records = list(records)
    if lists is None:
        mapping = {holder: holder for holder in sorted({record.holder for record in records})}
    elif isinstance(lists, Mapping):
        mapping = dict(lists)
    else:
        mapping = {holder: holder for holder in lists}
    names = tuple(dict.fromkeys(sorted(set(mapping.values()))))
    position = {name: index for index, name in enumerate(names)}
    seen: dict[int, set[int]] = {}
    for record in records:
        name = mapping.get(record.holder)
        if name is not None:
            seen.setdefault(record.person, set()).add(position[name])
    counts: dict[tuple[int, ...], int] = {}
    for members in seen.values():
        pattern = tuple(int(index in members) for index in range(len(names)))
        counts[pattern] = counts.get(pattern, 0) + 1
    ordered = sorted(counts)
    return CaptureRows(names, tuple(ordered), tuple(counts[pattern] for pattern in ordered))
