"""Clustering scored pairs into persons, the guard against chaining, and the evaluation."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from egide_analytics.linkage.clustering import cluster_pairs, dense_labels
from egide_analytics.linkage.dice import FilterSet
from egide_analytics.linkage.evaluation import evaluate


def filters_with_bits(*bit_sets: range) -> FilterSet:
    """Filters of 64 bits each, with the given bits set."""
    bits = np.zeros((len(bit_sets), 64), dtype=np.uint8)
    for row, positions in enumerate(bit_sets):
        bits[row, list(positions)] = 1
    return FilterSet.from_packed(np.packbits(bits, axis=1))


def test_pairs_above_the_match_threshold_are_merged_transitively() -> None:
    filters = filters_with_bits(range(0, 20), range(1, 21), range(2, 22), range(40, 60))
    labels = cluster_pairs(filters, np.array([0, 1]), np.array([1, 2]), np.array([0.95, 0.95]),
                           match=0.9, cohesion=0.8, max_cluster_size=10).labels  # fmt: skip
    assert labels.tolist() == [0, 0, 0, 1]


def test_a_chain_to_a_dissimilar_record_is_refused_and_left_for_review() -> None:
    # A≈B and B≈C, but A and C share only half their bits: C must not join A's person.
    filters = filters_with_bits(range(0, 20), range(5, 25), range(10, 30))
    clusters = cluster_pairs(filters, np.array([0, 1]), np.array([1, 2]), np.array([0.95, 0.9]),
                             match=0.85, cohesion=0.7, max_cluster_size=10)  # fmt: skip
    assert clusters.labels.tolist() == [0, 0, 1]
    assert clusters.refused.tolist() == [1]


def test_one_record_per_source_keeps_two_records_of_a_source_apart() -> None:
    filters = filters_with_bits(range(0, 20), range(0, 20), range(0, 20))
    clusters = cluster_pairs(filters, np.array([0, 1]), np.array([2, 2]), np.array([1.0, 1.0]),
                             match=0.9, cohesion=0.8, max_cluster_size=10, source=np.array([0, 0, 1]))  # fmt: skip
    assert clusters.labels.tolist() == [0, 1, 0]


def test_no_cluster_grows_beyond_the_maximum_size() -> None:
    filters = filters_with_bits(*(range(0, 20) for _ in range(6)))
    index_a, index_b = map(np.array, zip(*itertools.combinations(range(6), 2), strict=True))
    clusters = cluster_pairs(filters, index_a, index_b, np.ones(index_a.size), match=0.9, cohesion=0.8,
                             max_cluster_size=4)  # fmt: skip
    assert np.bincount(clusters.labels).max() == 4


def test_labels_are_dense_in_the_order_of_first_records() -> None:
    assert dense_labels(np.array([7, 3, 7, 9, 3])).tolist() == [0, 1, 0, 2, 1]


def reference_scores(predicted: list[int], truth: list[int]) -> tuple[float, float]:
    pairs = list(itertools.combinations(range(len(predicted)), 2))
    predicted_pairs = {p for p in pairs if predicted[p[0]] == predicted[p[1]]}
    true_pairs = {p for p in pairs if truth[p[0]] == truth[p[1]]}
    correct = len(predicted_pairs & true_pairs)
    return (correct / len(predicted_pairs) if predicted_pairs else 1.0,
            correct / len(true_pairs) if true_pairs else 1.0)  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=1, max_size=30))
def test_evaluation_counts_pairs_as_a_pair_by_pair_reference(labels: list[tuple[int, int]]) -> None:
    predicted = [p for p, _ in labels]
    truth = [t for _, t in labels]
    result = evaluate(np.array(predicted), np.array(truth))
    precision, recall = reference_scores(predicted, truth)
    assert abs(result.precision - precision) < 1e-12
    assert abs(result.recall - recall) < 1e-12
    exact = sum(1 for person in set(truth)
                if {p for p, t in labels if t == person} and
                len({p for p, t in labels if t == person}) == 1 and
                all(t == person for p, t in labels if p == next(q for q, s in labels if s == person)))  # fmt: skip
    assert result.exact_clusters == exact
