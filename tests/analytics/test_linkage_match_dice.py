"""The Dice kernel against a plain-Python reference, on any filter width and content."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from egide_analytics.linkage.dice import FilterSet, dice_all_pairs, dice_pairs


def reference_dice(a: bytes, b: bytes) -> float:
    """Dice coefficient by counting bits of Python integers, byte by byte."""
    shared = sum((x & y).bit_count() for x, y in zip(a, b, strict=True))
    total = sum(x.bit_count() for x in a) + sum(y.bit_count() for y in b)
    return 2 * shared / total if total else 0.0


@st.composite
def filter_sets(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    width = draw(st.integers(min_value=1, max_value=40))
    rows = st.lists(st.binary(min_size=width, max_size=width), min_size=1, max_size=8)
    a = draw(rows)
    b = draw(rows)
    as_array = [np.frombuffer(b"".join(x), dtype=np.uint8).reshape(len(x), width) for x in (a, b)]
    return as_array[0], as_array[1]


@settings(max_examples=80, deadline=None)
@given(filter_sets())
def test_dice_pairs_equals_the_reference_on_every_pair(sets: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = sets
    fa, fb = FilterSet.from_packed(a), FilterSet.from_packed(b)
    index_a, index_b = (grid.ravel() for grid in np.meshgrid(np.arange(len(a)), np.arange(len(b)), indexing="ij"))
    scores = dice_pairs(fa.words, fa.counts, fb.words, fb.counts, index_a, index_b)
    expected = [reference_dice(a[i].tobytes(), b[j].tobytes()) for i, j in zip(index_a, index_b, strict=True)]
    np.testing.assert_allclose(scores, expected, rtol=1e-6)


@settings(max_examples=80, deadline=None)
@given(filter_sets(), st.floats(min_value=0.0, max_value=1.0))
def test_all_pairs_keeps_exactly_the_pairs_at_or_above_the_threshold(
    sets: tuple[np.ndarray, np.ndarray], threshold: float
) -> None:
    a, b = sets
    scores, index_a, index_b = dice_all_pairs(FilterSet.from_packed(a), FilterSet.from_packed(b), threshold)
    found = {(int(i), int(j)): float(s) for s, i, j in zip(scores, index_a, index_b, strict=True)}
    expected = {}
    for i in range(len(a)):
        for j in range(len(b)):
            score = reference_dice(a[i].tobytes(), b[j].tobytes())
            total = int(np.unpackbits(a[i]).sum() + np.unpackbits(b[j]).sum())
            # Exactly at the threshold, float rounding may go either way: leave those out.
            if total and abs(score - threshold) > 1e-9 and score > threshold:
                expected[(i, j)] = score
    borderline = {key for key in found if abs(found[key] - threshold) <= 1e-6}
    assert set(found) - borderline == set(expected) - borderline
    for key, score in expected.items():
        assert abs(found[key] - score) < 1e-6


def test_empty_filters_match_nothing() -> None:
    empty = np.zeros((2, 16), dtype=np.uint8)
    scores, _, _ = dice_all_pairs(FilterSet.from_packed(empty), FilterSet.from_packed(empty), 0.0)
    assert scores.size == 0


def test_identical_filters_score_one_and_disjoint_zero() -> None:
    a = np.array([[0b10110000, 0xFF], [0b00001111, 0x00]], dtype=np.uint8)
    filters = FilterSet.from_packed(a)
    scores = dice_pairs(filters.words, filters.counts, filters.words, filters.counts,
                        np.array([0, 0]), np.array([0, 1]))  # fmt: skip
    assert scores.tolist() == [1.0, 0.0]
