"""Multiple systems estimation against published answers.

Sources (B. W. Silverman's R packages, whose printed outputs are the reference):
- MultipleSystemsEstimation, vignette "A User Guide" (docs/articles/user-guide.md) and
  vignette "Reproducing Chan, Silverman and Vincent (2021)" (docs/articles/reproduce-2021.md),
  github.com/bernardsilverman/MultipleSystemsEstimation: the Korea, Western, New Orleans
  and Artificial_3 tables and their fits; the reference page of `tidy_lists` prints the
  full New Orleans table; that of `estimate_population_stepwise` prints Korea's jackknife
  acceleration.
- Chan, Silverman & Vincent (2021), "Multiple Systems Estimation for Sparse Capture Data:
  Inferential Challenges When There Are Nonoverlapping Lists", JASA 116(535), Table 3
  (Artificial_3: not identifiable / no estimate / fine).
- The UK 2013 table (`egide_analytics.mse.datasets`) and the published range of
  10 000–13 000 (Silverman 2014, Home Office).
"""

import pytest

from egide_analytics.mse import CaptureTable, FitStatus, LogLinearEngine, estimate_population
from egide_analytics.mse.datasets import uk_2013

KOREA = CaptureTable.from_rows(
    ["b", "c", "d"],
    [[0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 0], [1, 0, 1], [0, 1, 1], [1, 1, 1]],
    [41, 5, 5, 54, 6, 0, 12],
)
ARTIFICIAL_3 = CaptureTable.from_rows(["A", "B", "C"], [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]], [40, 30, 20, 6])
# The fitted `y` of the vignette, one count per pattern in code order (list A is bit 0).
WESTERN = CaptureTable.from_cells(
    "ABCDE", [52, 90, 0, 114, 4, 6, 0, 45, 2, 1, 0, 0, 0, 1, 0, 21, 5, 0, 0, 0, 1, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0]
)
NEW_ORLEANS_5 = CaptureTable.from_cells(
    "ABCDE", [25, 24, 1, 70, 1, 2, 1, 33, 2, 2, 1, 2, 0, 0, 0, 21, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
)
NEW_ORLEANS_ROWS = [
    ("A", 25), ("B", 5), ("C", 70), ("D", 33), ("E", 6), ("F", 6), ("G", 6), ("H", 21), ("AC", 1), ("AD", 2),
    ("AE", 1), ("BF", 1), ("CD", 2), ("CE", 1), ("CG", 1), ("DE", 2), ("EH", 1), ("ACG", 1), ("ADE", 1),
]  # fmt: skip
NEW_ORLEANS = CaptureTable.from_rows(
    list("ABCDEFGH"),
    [[int(name in lists) for name in "ABCDEFGH"] for lists, _ in NEW_ORLEANS_ROWS],
    [count for _, count in NEW_ORLEANS_ROWS],
)


def test_korea_stepwise_adds_b_c_only_and_estimates_268_8():
    result = estimate_population(KOREA)
    assert result.pair_names(result.fit.pairs) == [("b", "c")]
    assert result.estimate == pytest.approx(268.7778, abs=1e-4)
    assert result.fit.aic == pytest.approx(44.90767, abs=1e-5)


def test_korea_bic_ranks_the_six_admissible_models_as_published():
    result = estimate_population(KOREA, method="bic")
    published = [  # model, abundance, BIC
        ([(0, 1), (1, 2)], 157.1667, 57.14081),
        ([(0, 1)], 268.7778, 58.96860),
        ([(0, 2), (1, 2)], 123.4630, 91.89711),
        ([(1, 2)], 126.1944, 138.06368),
        ([(0, 2)], 126.9394, 155.16018),
        ([], 141.9926, 184.14431),
    ]
    assert [list(fit.pairs) for fit in result.search.ranking] == [model for model, _, _ in published]
    assert [round(fit.total, 4) for fit in result.search.ranking] == [total for _, total, _ in published]
    assert [round(fit.bic, 5) for fit in result.search.ranking] == [bic for _, _, bic in published]
    assert result.search.rejected == 2  # [12,13] and the saturated model have no estimate
    assert result.estimate == pytest.approx(157.1667, abs=1e-4)


def test_korea_jackknife_acceleration_matches_the_package():
    result = estimate_population(KOREA, bootstrap=20, seed=1)
    assert result.bootstrap is not None
    assert result.bootstrap.acceleration == pytest.approx(-0.02877338, abs=1e-8)


def test_artificial_3_reproduces_table_3_of_chan_silverman_vincent():
    engine = LogLinearEngine(3)
    cells = ARTIFICIAL_3.cell_counts()
    assert engine.check(cells, ((0, 1), (0, 2), (1, 2))) is FitStatus.NOT_IDENTIFIABLE
    assert engine.check(cells, ((0, 1),)) is FitStatus.NO_ESTIMATE
    fit = engine.fit(cells, ((0, 2), (1, 2)))
    assert fit.status is FitStatus.OK
    assert fit.minus_infinity == ((0, 2), (1, 2))
    # A×C and B×C at −∞ leave four cells and four parameters: exp(α₀) = 40 × 30 / 6.
    assert fit.unseen == pytest.approx(200.0, rel=1e-9)
    assert fit.fitted is not None and fit.fitted[[4, 5, 6]].tolist() == [0.0, 0.0, 0.0]


def test_western_stepwise_selects_a_e_and_estimates_2483():
    result = estimate_population(WESTERN)
    assert result.pair_names(result.fit.pairs) == [("A", "E")]
    assert result.estimate == pytest.approx(2483.384, abs=1e-3)


def test_new_orleans_five_lists_keeps_main_effects_at_981():
    result = estimate_population(NEW_ORLEANS_5)
    assert result.fit.pairs == ()
    assert result.estimate == pytest.approx(981.4314, abs=1e-4)


def test_new_orleans_eight_lists_with_18_pairs_apart_selects_d_e_and_estimates_1110():
    assert NEW_ORLEANS.observed == 186
    apart = (LogLinearEngine(8).overlaps(NEW_ORLEANS.cell_counts()) == 0).sum()
    assert apart == 18
    result = estimate_population(NEW_ORLEANS)
    assert result.pair_names(result.fit.pairs) == [("D", "E")]
    assert result.estimate == pytest.approx(1110.488, abs=1e-3)


def test_uk_2013_stepwise_estimate_lies_in_the_published_range():
    table = uk_2013()
    assert table.observed == 2744
    result = estimate_population(table)
    assert not result.too_sparse
    assert 10_000 <= result.estimate <= 13_000
    assert result.profile is not None
    assert result.profile.lower < result.estimate < result.profile.upper
