"""Blocking: every pair sharing a block is compared exactly once, and true matches with typos are candidates."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from egide_analytics.linkage import Encoder, LinkageKey, PersonIdentity
from egide_analytics.linkage.blocking import BlockingConfig, blocking_keys, blocks_of
from egide_analytics.linkage.dice import FilterSet
from egide_analytics.linkage.matching import score_candidates

KEY = LinkageKey.from_bytes(b"blocking tests: a key of at least 32 bytes")


def brute_force_candidates(
    tokens: dict[str, list[str]], clks: np.ndarray, config: BlockingConfig
) -> set[tuple[int, int]]:
    """Pairs sharing a block of some key, blocks over the size limit left out, by plain loops."""
    filters = FilterSet.from_packed(clks)
    codes = blocking_keys(tokens, clks, filters.counts, config).codes
    pairs: set[tuple[int, int]] = set()
    for key in range(codes.shape[1]):
        groups: dict[int, list[int]] = {}
        for record, code in enumerate(codes[:, key].tolist()):
            if code:
                groups.setdefault(code, []).append(record)
        for members in groups.values():
            if len(members) <= config.max_block_size:
                pairs.update(itertools.combinations(sorted(members), 2))
    return pairs


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=2, max_value=60),
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=2, max_value=8),
)
def test_each_candidate_pair_is_compared_exactly_once(n: int, seed: int, max_block: int) -> None:
    rng = np.random.default_rng(seed)
    # Few distinct values and short LSH bands: many blocks overlap between keys.
    clks = np.packbits(rng.random((n, 64)) < 0.5, axis=1)
    tokens = {name: [f"{value:x}" if value else "" for value in rng.integers(0, 4, n)] for name in ("a", "b")}
    config = BlockingConfig(lsh_bands=3, lsh_bits=3, max_block_size=max_block)
    scored = score_candidates(FilterSet.from_packed(clks), tokens, clks, 0.0, config)
    compared = list(zip(scored.index_a.tolist(), scored.index_b.tolist(), strict=True))
    assert len(compared) == len(set(compared)) == scored.comparisons
    assert set(compared) == brute_force_candidates(tokens, clks, config)


def test_an_oversize_block_is_dropped_and_its_records_get_no_code() -> None:
    codes = np.array([[5], [5], [5], [7], [7]], dtype=np.uint32)
    blocks = blocks_of(codes, 0, max_block_size=2)
    assert blocks.dropped_blocks == 1 and blocks.dropped_records == 3
    assert codes[:, 0].tolist() == [0, 0, 0, 7, 7]
    assert blocks.sizes.tolist() == [2]


VARIANTS = [
    (PersonIdentity("Dupont", "Marie", "1990-04-12", "F", "FRA"),
     PersonIdentity("Dupond", "Marie", "1990-04-12", "F", "FRA")),
    (PersonIdentity("Okafor", "Chinedu", "1987-02-03", "M", "NGA"),
     PersonIdentity("Chinedu", "Okafor", "1987-02-03", "M", "NGA")),
    (PersonIdentity("Nguyen", "Thi Lan", "1995-11-30", "F", "VNM"),
     PersonIdentity("Nguyen", "Thi-Lan", "1995-11-03", "F", "VNM")),
    (PersonIdentity("Popescu", "Ioana", "2001-07-09", "F", "ROU"),
     PersonIdentity("Popescou", "Ioanna", "2001-07-09", "F", "ROU")),
    (PersonIdentity("Ben Ali", "Mohamed", "1979-01-15", "M", "TUN"),
     PersonIdentity("Benali", "Mohammed", "1979-01-15", "M", "TUN")),
    (PersonIdentity("de la Fontaine", "Marie-Claire", "1990", "F", "FRA"),
     PersonIdentity("Lafontaine", "Marie Claire", "1990", "F", "FRA")),
]  # fmt: skip


def test_true_matches_with_typos_and_variants_are_candidates_among_unrelated_people() -> None:
    rng = np.random.default_rng(7)
    family = ["Martin", "Bernard", "Diallo", "Traoré", "Kowalski", "Ivanova", "Chen", "Silva", "Moreau", "Haddad"]
    given_names = ["Aminata", "Julie", "Olga", "Wei", "Ana", "Fatou", "Sofia", "Lucie", "Nadia", "Elena"]
    others = [PersonIdentity(str(rng.choice(family)), str(rng.choice(given_names)),
                             f"{rng.integers(1960, 2006)}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}",
                             str(rng.choice(["F", "M"])), "FRA") for _ in range(300)]  # fmt: skip
    people = [person for pair in VARIANTS for person in pair] + others
    encodings = Encoder(KEY).encode(people)
    filters = FilterSet.from_packed(encodings.clks)
    scored = score_candidates(filters, encodings.tokens, encodings.clks, 0.0, BlockingConfig())
    compared = set(zip(scored.index_a.tolist(), scored.index_b.tolist(), strict=True))
    assert all((2 * k, 2 * k + 1) in compared for k in range(len(VARIANTS)))
    # Blocking is selective: far fewer comparisons than all pairs.
    assert scored.comparisons < len(people) * (len(people) - 1) // 2 / 10
