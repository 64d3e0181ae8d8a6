"""The synthetic generator: seeded, with the ground truth and realistic variants."""

import numpy as np

from egide_analytics.linkage.normalise import check_birth_date, parse_sex
from egide_analytics.linkage.synthetic import generate, name_frequencies


def test_seeded_counts_and_ground_truth():
    data = generate(2_000, duplicate_rate=0.15, n_holders=4, seed=5)
    assert len(data) == 2_000 and len(set(data.record_ids)) == 2_000
    assert len(np.unique(data.person_ids)) == 1_700
    assert set(data.holders.tolist()) == {0, 1, 2, 3}
    assert generate(2_000, seed=5).identities != generate(2_000, seed=6).identities
    pairs = data.true_pairs()
    assert pairs and all(data.person_ids[i] == data.person_ids[j] and i < j for i, j in pairs)


def test_duplicates_differ_from_their_person_but_stay_valid():
    data = generate(3_000, duplicate_rate=0.3, seed=2)
    pairs = data.true_pairs()
    assert sum(data.identities[i] != data.identities[j] for i, j in pairs) > 0.9 * len(pairs)
    for person in data.identities:
        check_birth_date(person.birth_date)
        assert parse_sex(person.sex) is not None


def test_duplicates_go_mostly_to_another_holder():
    data = generate(5_000, duplicate_rate=0.2, n_holders=3, seed=9)
    pairs = data.true_pairs()
    assert sum(data.holders[i] != data.holders[j] for i, j in pairs) > 0.6 * len(pairs)
    assert len(data.for_holder(0)) + len(data.for_holder(1)) + len(data.for_holder(2)) == 5_000


def test_name_frequencies_are_distributions():
    frequencies = name_frequencies()
    for kind in ("family", "female", "male"):
        assert abs(sum(f for _, f in frequencies[kind]) - 1) < 1e-9
        assert frequencies[kind][0][1] >= frequencies[kind][-1][1]
    assert frequencies["female"][0][0] in {"Blessing", "Marie"}
