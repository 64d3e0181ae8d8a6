"""The score a pair needs depends on the exact tokens it shares and on how many records share them."""

import numpy as np
import pytest

from egide_analytics.linkage import HARDENED, Encoder, LinkageKey, PersonIdentity, Source, Thresholds, link
from egide_analytics.linkage.evidence import NEVER, pair_evidence, value_counts

KEY = LinkageKey.from_bytes(b"evidence tests: the data holders' shared secret")


def clusters_of(people: list[PersonIdentity], thresholds: Thresholds | None = None) -> list[int]:
    encodings = Encoder(KEY, HARDENED).encode(people)
    result = link([Source("a", [f"r{i}" for i in range(len(people))], encodings)], thresholds)
    clusters: list[int] = result.cluster_of[0].tolist()
    return clusters


def test_a_record_with_the_year_only_does_not_join_one_of_many_namesakes() -> None:
    # Six men called Nguyen Van Anh born in 1990 (different days: different persons), and a
    # record of a seventh, or of one of them, with the year only: it scores about 0.92 with
    # each, above match_partial, but seven records share its names and year.
    namesakes = [PersonIdentity("Nguyen", "Van Anh", f"1990-0{m}-1{m}", "M", "VNM") for m in range(1, 7)]
    year_only = PersonIdentity("Nguyen", "Van Anh", "1990", "M", "VNM")
    clusters = clusters_of([*namesakes, year_only])
    assert len(set(clusters)) == 7
    # Without the frequency rule (every key counted rare) it would join one of them.
    permissive = Thresholds(rare_key_records=100, frequent_key_records=100)
    assert len(set(clusters_of([*namesakes, year_only], permissive))) == 6


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
    # Records: 0–1 same date, sex and keys; 2 partial, sharing their key (held by three);
    # 3 undated; 4 partial, sharing with 5–10 a key held by seven; 11–12 different dates, rare key.
    exclusive = np.array([7, 7, 0, 0, 0, 5, 6, 8, 9, 10, 11, 12, 13], dtype=np.uint32)
    names_year = np.array([1, 1, 1, 0, 2, 2, 2, 2, 2, 2, 2, 4, 4], dtype=np.uint32)
    index_a = np.array([0, 0, 2, 4, 4, 11, 5])
    index_b = np.array([1, 2, 3, 5, 10, 12, 6])
    evidence = pair_evidence(index_a, index_b, exclusive, names_year, thresholds)
    assert evidence.required.tolist() == pytest.approx(
        [thresholds.match_corroborated, thresholds.match_undated, thresholds.match_undated, NEVER, NEVER,
         thresholds.match_date_typo, thresholds.match]
    )  # fmt: skip
    assert evidence.overrides_exclusive.tolist() == [False, False, False, False, False, True, False]
    assert value_counts(names_year)[[0, 3, 4]].tolist() == [3, 0, 7]


def test_without_any_exclusive_token_every_pair_needs_the_match_threshold() -> None:
    evidence = pair_evidence(np.array([0]), np.array([1]), None, np.array([1, 1], dtype=np.uint32), Thresholds())
    assert evidence.required.tolist() == pytest.approx([Thresholds().match])
    assert not evidence.overrides_exclusive.any()


def test_thresholds_refuse_inconsistent_key_counts() -> None:
    with pytest.raises(ValueError, match="clé rare"):
        Thresholds(rare_key_records=6, frequent_key_records=5)
