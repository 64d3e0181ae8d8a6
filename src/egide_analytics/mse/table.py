"""Capture tables: which lists each observed person is on, and how many people share each pattern.

A table has K lists (data holders or kinds of source). Each row is a capture pattern (a
0/1 vector of length K, never all zeros: a person on no list cannot be observed) with the
number of people who are on exactly those lists. Internally the 2^K − 1 observable
patterns are numbered by their bits (list k is bit k), so cell `code - 1` holds the count
of pattern `code`.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

MIN_LISTS = 2
# 2^12 − 1 = 4 095 cells and 66 two-list interactions: beyond this no table is dense enough.
MAX_LISTS = 12
COUNT_COLUMN = "count"
TRUE_VALUES = frozenset({"1"})
FALSE_VALUES = frozenset({"0"})

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input table, in French, with where it is (1-based line, column)."""

    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"ligne {self.line}")
        if self.column is not None:
            where.append(f"colonne « {self.column} »")
        return f"{', '.join(where)} : {self.message}" if where else self.message


class CaptureTableError(ValueError):
    """The input is not a valid capture table; `problems` lists every reason found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True, eq=False)
class CaptureTable:
    """Counts of observed people by capture pattern, one distinct non-empty pattern per row.

    Build it with `from_rows` (which validates, merges repeated patterns and drops zero
    counts) or read it with `read_capture_table`.

    >>> table = CaptureTable.from_rows(["A", "B"], [[1, 0], [0, 1], [1, 1], [1, 0]], [50, 40, 20, 10])
    >>> table.observed, table.cell_counts().tolist()
    (120, [60, 40, 20])
    """

    lists: tuple[str, ...]
    patterns: npt.NDArray[np.uint8]
    counts: IntArray

    @classmethod
    def from_rows(
        cls, lists: Sequence[str], patterns: Iterable[Sequence[int]], counts: Iterable[int]
    ) -> "CaptureTable":
        """Validate rows of 0/1 patterns and their counts; merge repeated patterns."""
        names = tuple(lists)
        problems = _list_name_problems(names)
        rows = [tuple(int(value) for value in pattern) for pattern in patterns]
        numbers = [int(count) for count in counts]
        if len(rows) != len(numbers):
            problems.append(Problem(f"{len(rows)} motifs mais {len(numbers)} effectifs."))
        for index, (row, count) in enumerate(zip(rows, numbers, strict=False), start=1):
            problems.extend(_row_problems(index, row, count, len(names)))
        if problems:
            raise CaptureTableError(problems)
        cells = np.zeros(2 ** len(names) - 1, dtype=np.int64)
        for row, count in zip(rows, numbers, strict=True):
            if count:
                cells[_code(row) - 1] += count
        return cls.from_cells(names, cells)

    @classmethod
    def from_cells(cls, lists: Sequence[str], cells: npt.ArrayLike) -> "CaptureTable":
        """Build a table from the counts of all 2^K − 1 observable patterns, in code order."""
        names = tuple(lists)
        counts = np.asarray(cells, dtype=np.int64)
        if counts.shape != (2 ** len(names) - 1,) or (counts < 0).any():
            raise ValueError("cells must hold 2^K − 1 non-negative counts")
        codes = np.flatnonzero(counts) + 1
        return cls(names, pattern_bits(codes, len(names)), counts[codes - 1])

    @property
    def observed(self) -> int:
        """Return the number of people observed on at least one list."""
        return int(self.counts.sum())

    def cell_counts(self) -> IntArray:
        """Return the counts of the 2^K − 1 observable patterns, pattern `code` at index `code - 1`."""
        cells = np.zeros(2 ** len(self.lists) - 1, dtype=np.int64)
        codes = self.patterns.astype(np.int64) @ (1 << np.arange(len(self.lists), dtype=np.int64))
        cells[codes - 1] = self.counts
        return cells

    def list_totals(self) -> IntArray:
        """Return how many observed people are on each list."""
        return np.asarray(self.counts @ self.patterns.astype(np.int64), dtype=np.int64)

    def keep_lists(self, kept: Sequence[int]) -> "CaptureTable":
        """Return the table seen through some lists only (people on none of them drop out)."""
        columns = list(kept)
        codes = self.patterns[:, columns].astype(np.int64) @ (1 << np.arange(len(columns), dtype=np.int64))
        cells = np.zeros(2 ** len(columns) - 1, dtype=np.int64)
        seen = codes > 0
        np.add.at(cells, codes[seen] - 1, self.counts[seen])
        return CaptureTable.from_cells([self.lists[index] for index in columns], cells)


def pattern_bits(codes: npt.ArrayLike, n_lists: int) -> npt.NDArray[np.uint8]:
    """Return the 0/1 patterns of capture codes (list k is bit k), one row per code."""
    values = np.asarray(codes, dtype=np.int64)
    return ((values[:, None] >> np.arange(n_lists)) & 1).astype(np.uint8)


def parse_capture_table(text: str) -> CaptureTable:
    """Parse CSV text: a 0/1 column per list and an optional `count` column (1 per row without it).

    The delimiter may be a comma, a semicolon or a tab. Every problem is reported, with its
    line and column, in one `CaptureTableError`.

    >>> parse_capture_table("police;ong;count\\n1;0;12\\n0;1;30\\n1;1;6\\n").cell_counts().tolist()
    [12, 30, 6]
    """
    lines = text.lstrip("\ufeff")
    if not lines.strip():
        raise CaptureTableError([Problem("le fichier est vide : il faut une ligne d'en-tête puis les motifs.")])
    reader = csv.reader(io.StringIO(lines), dialect=_dialect(lines))
    header = [name.strip() for name in next(reader)]
    count_index = _count_column(header)
    lists = [name for index, name in enumerate(header) if index != count_index]
    problems = _list_name_problems(tuple(lists))
    if problems:
        raise CaptureTableError(problems)
    patterns: list[list[int]] = []
    counts: list[int] = []
    for line_number, row in enumerate(reader, start=2):
        if not any(value.strip() for value in row):
            continue
        parsed = _parse_row(line_number, row, header, count_index, problems)
        if parsed is not None:
            patterns.append(parsed[0])
            counts.append(parsed[1])
    if not problems and not patterns:
        problems.append(Problem("aucune ligne de données : il faut au moins un motif observé."))
    if problems:
        raise CaptureTableError(problems)
    return CaptureTable.from_rows(lists, patterns, counts)


def read_capture_table(path: str | Path) -> CaptureTable:
    """Read a capture table from a CSV file (UTF-8, with or without BOM)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaptureTableError([Problem(f"fichier introuvable : {path}")]) from None
    except UnicodeDecodeError:
        raise CaptureTableError([Problem("le fichier n'est pas encodé en UTF-8.")]) from None
    except OSError as error:
        raise CaptureTableError([Problem(f"lecture impossible de {path} : {error.strerror}")]) from None
    return parse_capture_table(text)


def _code(pattern: Sequence[int]) -> int:
    return sum(1 << index for index, value in enumerate(pattern) if value)


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _count_column(header: Sequence[str]) -> int | None:
    matches = [index for index, name in enumerate(header) if name.casefold() == COUNT_COLUMN]
    if len(matches) > 1:
        raise CaptureTableError([Problem("la colonne « count » apparaît plusieurs fois.", line=1)])
    return matches[0] if matches else None


def _list_name_problems(lists: tuple[str, ...]) -> list[Problem]:
    problems = []
    if len(lists) < MIN_LISTS:
        problems.append(Problem(f"il faut au moins {MIN_LISTS} listes (une colonne 0/1 par liste).", line=1))
    if len(lists) > MAX_LISTS:
        problems.append(Problem(f"au plus {MAX_LISTS} listes ({len(lists)} données) : regroupez des listes.", line=1))
    if any(not name for name in lists):
        problems.append(Problem("une colonne de liste n'a pas de nom.", line=1))
    duplicated = sorted({name for name in lists if name and lists.count(name) > 1})
    for name in duplicated:
        problems.append(Problem("ce nom de liste apparaît plusieurs fois.", line=1, column=name))
    return problems


def _row_problems(line: int, row: Sequence[int], count: int, n_lists: int) -> list[Problem]:
    problems = []
    if len(row) != n_lists:
        problems.append(Problem(f"{len(row)} valeurs pour {n_lists} listes.", line=line))
    elif any(value not in (0, 1) for value in row):
        problems.append(Problem("chaque liste vaut 0 ou 1.", line=line))
    elif count > 0 and not any(row):
        problems.append(Problem("une personne observée figure sur au moins une liste (motif tout à 0).", line=line))
    if count < 0:
        problems.append(Problem("l'effectif ne peut pas être négatif.", line=line))
    return problems


def _parse_row(
    line: int, row: Sequence[str], header: Sequence[str], count_index: int | None, problems: list[Problem]
) -> tuple[list[int], int] | None:
    if len(row) != len(header):
        problems.append(Problem(f"{len(row)} valeurs pour {len(header)} colonnes.", line=line))
        return None
    pattern: list[int] = []
    count = 1
    found = len(problems)
    for index, (name, raw) in enumerate(zip(header, row, strict=True)):
        value = raw.strip()
        if index == count_index:
            if not value.isdigit():
                problems.append(Problem(f"effectif « {value} » : un entier positif ou nul est attendu.", line, name))
            else:
                count = int(value)
        elif value in TRUE_VALUES or value in FALSE_VALUES:
            pattern.append(int(value))
        else:
            problems.append(Problem(f"valeur « {value} » : 0 (absent) ou 1 (présent) est attendu.", line, name))
    if len(problems) > found:
        return None
    if count > 0 and not any(pattern):
        problems.append(Problem("motif tout à 0 : une personne observée figure sur au moins une liste.", line))
        return None
    return pattern, count
