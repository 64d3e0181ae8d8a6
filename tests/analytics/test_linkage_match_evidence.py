"""The score a pair needs depends on the exact tokens it shares and on how many records share them."""

import numpy as np
import pytest

from egide_analytics.linkage import HARDENED, Encoder, LinkageKey, PersonIdentity, Source, Thresholds, link
from egide_analytics.linkage.evidence import NEVER, pair_evidence, persons_per_key, unique_candidates

KEY = LinkageKey.from_bytes(b"evidence tests: the data holders' shared secret")


def clusters_of(people: list[PersonIdentity], thresholds: Thresholds | None = None) -> list[int]:
    encodings = Encoder(KEY, HARDENED).encode(people)
    result = link([Source("a", [f"r{i}" for i in range(len(people))], encodings)], thresholds)
    clusters: list[int] = result.cluster_of[0].tolist()
    return clusters


def test_a_record_with_the_year_only_does_not_join_one_of_many_namesakes() -> None:
    # Six men called Nguyen Van Anh born in 1990 (different days: different persons), and a
    # record of a seventh, or of one of them, with the year only: it scores about 0.92 with
    # each, above match_partial, but six persons share its names and year.
    namesakes = [PersonIdentity("Nguyen", "Van Anh", f"1990-0{m}-1{m}", "M", "VNM") for m in range(1, 7)]
    year_only = PersonIdentity("Nguyen", "Van Anh", "1990", "M", "VNM")
    clusters = clusters_of([*namesakes, year_only])
    assert len(set(clusters)) == 7
    # Without the rule on crowded names (every key counted rare) it would join one of them.
    permissive = Thresholds(rare_key_persons=100, frequent_key_persons=100)
    assert len(set(clusters_of([*namesakes, year_only], permissive))) == 6


def test_a_record_with_the_year_only_joins_its_only_candidate_from_match_partial_unique() -> None:
    people = [
        PersonIdentity("Oyelaran", "Temitope", "1993-11-05", "F", "NGA"),
        PersonIdentity("Oyelaran", "Temitop", "1993", "F", "NGA"),  # Dice about 0.86, no shared key
        PersonIdentity("Haddad", "Nadia", "1975-05-21", "F", "MAR"),
    ]
    clusters = clusters_of(people)
    assert clusters[0] == clusters[1] != clusters[2]
    assert len(set(clusters_of(people, Thresholds(match_partial_unique=0.9)))) == 3


def test_a_typo_in_the_date_merges_when_the_names_and_year_are_rare() -> None:
    people = [
        PersonIdentity("Kowalczyk", "Agnieszka", "1985-03-14", "F", "POL"),
        PersonIdentity("Kowalczyk", "Agnieszka", "1985-03-15", "F", "POL"),
        PersonIdentity("Haddad", "Nadia", "1975-05-21", "F", "MAR"),
    ]
    clusters = clusters_of(people)
    assert clusters[0] == clusters[1] != clusters[2]
    # The exclusive token alone (different full dates) would keep them apart.
    assert len(set(clusters_of(people, Thresholds(match_date_typo=1.0)))) == 3


def test_swapped_names_with_the_same_date_and_sex_merge_below_the_match_threshold() -> None:
    people = [
        PersonIdentity("Diallo", "Mariama", "1995-06-02", "F", "GIN"),
        PersonIdentity("Mariama", "Diallo", "1995-06-02", "F", "GIN"),  # Dice about 0.72
        PersonIdentity("Diallo", "Aminata", "1995-06-02", "F", "GIN"),  # same date, another given name
    ]
    clusters = clusters_of(people)
    assert clusters[0] == clusters[1] != clusters[2]
    assert len(set(clusters_of(people, Thresholds(match_corroborated=0.85)))) == 3


def test_pair_evidence_sets_each_pair_its_threshold() -> None:
    thresholds = Thresholds()
    # Records: 0–1 same date, sex and keys; 2 partial, sharing their key; 3 undated; 4 partial,
    # sharing with 5–9 a key of five dates; 10–11 different dates, a key of no other date;
    # 12 partial, sharing with 13–14 a key of two dates.
    exclusive = np.array([7, 7, 0, 0, 0, 5, 6, 8, 9, 10, 12, 13, 0, 14, 15], dtype=np.uint32)
    names_year = np.array([1, 1, 1, 0, 2, 2, 2, 2, 2, 2, 4, 4, 3, 3, 3], dtype=np.uint32)
    index_a = np.array([0, 0, 2, 4, 5, 10, 12, 12])
    index_b = np.array([1, 2, 3, 5, 6, 11, 13, 14])
    scores = np.full(index_a.size, 0.9, dtype=np.float32)
    scores[:2] = [0.7, 0.95]
    evidence = pair_evidence(index_a, index_b, scores, exclusive, names_year, thresholds)
    assert evidence.required.tolist() == pytest.approx(
        [thresholds.match_corroborated,
         thresholds.match_partial,  # record 2 has two candidates from `match`: 0 and 3
         thresholds.match_undated,  # record 3 has no year (and 2 is not unique)
         NEVER, thresholds.match, thresholds.match_date_typo,
         thresholds.match_undated, thresholds.match_undated]  # two persons share record 12's key
    )  # fmt: skip
    assert evidence.overrides_exclusive.tolist() == [False, False, False, False, False, True, False, False]
    assert persons_per_key(names_year, exclusive)[[0, 3, 4, 10, 12]].tolist() == [1, 0, 5, 2, 2]


def test_a_partial_record_with_one_candidate_only_needs_match_partial_unique() -> None:
    thresholds = Thresholds()
    exclusive = np.array([7, 0, 8, 0], dtype=np.uint32)
    names_year = np.array([1, 1, 0, 0], dtype=np.uint32)
    # Record 1 (partial) resembles record 0 only; record 3 (undated) resembles record 2 only.
    evidence = pair_evidence(np.array([0, 2]), np.array([1, 3]), np.array([0.86, 0.88]), exclusive, names_year,
                             thresholds)  # fmt: skip
    assert evidence.required.tolist() == pytest.approx([thresholds.match_partial_unique] * 2)
    # Record 1 resembling records 0 and 2 is unique for neither; record 0, with its full
    # date, may resemble several (its own duplicates).
    pairs = np.array([0, 1, 0]), np.array([1, 2, 3])
    assert unique_candidates(*pairs, np.array([0.9, 0.9, 0.9]), exclusive, 0.82).tolist() == [False, False, True]


def test_without_any_exclusive_token_every_pair_needs_the_match_threshold() -> None:
    names_year = np.array([1, 1], dtype=np.uint32)
    evidence = pair_evidence(np.array([0]), np.array([1]), np.array([0.9]), None, names_year, Thresholds())
    assert evidence.required.tolist() == pytest.approx([Thresholds().match])
    assert not evidence.overrides_exclusive.any()


def test_thresholds_refuse_inconsistent_key_counts() -> None:
    with pytest.raises(ValueError, match="clé rare"):
        Thresholds(rare_key_persons=3, frequent_key_persons=2)
