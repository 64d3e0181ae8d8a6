"""Multiple systems estimation of a hidden population from overlapping lists.

Each list (a data holder, or a kind of source) saw some of the people; how the lists
overlap tells how many people no list saw. The model is log-linear Poisson: main effects
plus chosen two-list interactions, fitted over the observable capture patterns; the unseen
count is exp(intercept). Pairs of lists that never overlap get a −∞ interaction, handled
exactly; models that are not identifiable or have no finite estimate are detected and
never give a number. See docs/methods/multiple-systems-estimation.md.

>>> from egide_analytics.mse import CaptureTable, estimate_population, format_text
>>> table = CaptureTable.from_rows(["police", "ong"], [[1, 0], [0, 1], [1, 1]], [60, 40, 20])
>>> result = estimate_population(table)
>>> round(result.estimate), result.fit.pairs, result.too_sparse
(240, (), False)
>>> print(format_text(result).splitlines()[4])
Modèle retenu : effets principaux seuls
"""

from egide_analytics.mse.estimate import (
    DroppedList,
    DropReason,
    Method,
    PopulationEstimate,
    drop_uninformative_lists,
    estimate_population,
)
from egide_analytics.mse.intervals import BootstrapResult, Interval
from egide_analytics.mse.model import FitStatus, LogLinearEngine, ModelFit, Pair
from egide_analytics.mse.report import Notice, format_text, notices, to_dict
from egide_analytics.mse.search import Criterion, SearchResult, Step, criterion_search, stepwise
from egide_analytics.mse.table import (
    CaptureTable,
    CaptureTableError,
    Problem,
    parse_capture_table,
    read_capture_table,
)

__all__ = [
    "BootstrapResult",
    "CaptureTable",
    "CaptureTableError",
    "Criterion",
    "DropReason",
    "DroppedList",
    "FitStatus",
    "Interval",
    "LogLinearEngine",
    "Method",
    "ModelFit",
    "Notice",
    "Pair",
    "PopulationEstimate",
    "Problem",
    "SearchResult",
    "Step",
    "criterion_search",
    "drop_uninformative_lists",
    "estimate_population",
    "format_text",
    "notices",
    "parse_capture_table",
    "read_capture_table",
    "stepwise",
    "to_dict",
]
