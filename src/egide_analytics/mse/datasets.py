"""Published capture tables, for tests, benchmarks and examples.

`uk_2013`: the six lists behind the UK Home Office estimate of 10 000–13 000 potential
victims of modern slavery in 2013, from 2 744 known ones (Silverman 2014, "Modern Slavery:
an application of multiple systems estimation", Home Office; Bales, Hesketh & Silverman
2015, Significance 12(3)). Lists: LA local authorities, NG non-governmental organisations,
PF police forces, GO government organisations, GP general public, NCA National Crime
Agency. The counts are those of the `UKdat` table shipped with the R package SparseMSE
(Chan, Silverman & Vincent), as copied in B. W. Silverman's `datasets.R`
(github.com/dglindner2/Modern-Slavery-MSE, input/silverman_code/datasets.R); its
five-list version `UKdat_5` (PF and NCA merged) agrees with them.
"""

from egide_analytics.mse.table import CaptureTable

UK_2013_LISTS = ("LA", "NG", "PF", "GO", "GP", "NCA")
# Pattern (LA, NG, PF, GO, GP, NCA) → people observed on exactly those lists.
UK_2013_ROWS = (
    ((1, 0, 0, 0, 0, 0), 54),
    ((0, 1, 0, 0, 0, 0), 463),
    ((0, 0, 1, 0, 0, 0), 907),
    ((0, 0, 0, 1, 0, 0), 695),
    ((0, 0, 0, 0, 1, 0), 316),
    ((0, 0, 0, 0, 0, 1), 57),
    ((1, 1, 0, 0, 0, 0), 15),
    ((1, 0, 1, 0, 0, 0), 19),
    ((1, 0, 0, 1, 0, 0), 3),
    ((0, 1, 1, 0, 0, 0), 56),
    ((0, 1, 0, 1, 0, 0), 19),
    ((0, 1, 0, 0, 1, 0), 1),
    ((0, 1, 0, 0, 0, 1), 3),
    ((0, 0, 1, 1, 0, 0), 69),
    ((0, 0, 1, 0, 1, 0), 10),
    ((0, 0, 1, 0, 0, 1), 31),
    ((0, 0, 0, 1, 1, 0), 8),
    ((0, 0, 0, 1, 0, 1), 6),
    ((0, 0, 0, 0, 1, 1), 1),
    ((1, 1, 1, 0, 0, 0), 1),
    ((1, 1, 0, 1, 0, 0), 1),
    ((0, 1, 1, 1, 0, 0), 4),
    ((0, 1, 1, 0, 0, 1), 3),
    ((0, 0, 1, 1, 0, 1), 1),
    ((1, 1, 1, 1, 0, 0), 1),
)


def uk_2013() -> CaptureTable:
    """Return the UK 2013 strategic assessment table (six lists, 2 744 people).

    >>> uk_2013().observed
    2744
    """
    return CaptureTable.from_rows(UK_2013_LISTS, [row for row, _ in UK_2013_ROWS], [count for _, count in UK_2013_ROWS])
