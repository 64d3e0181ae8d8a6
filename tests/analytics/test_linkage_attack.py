"""The frequency / pattern-mining attack: it re-identifies plain encodings and fails on hardened ones."""

from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from egide_analytics.linkage import HARDENED, PLAIN, Encoder, LinkageKey
from egide_analytics.linkage.attack import (
    AttackerKnowledge,
    MiningSettings,
    PublicNames,
    drop_complement_columns,
    egide_clk_knowledge,
    evaluate,
    pattern_mining_attack,
    unpack,
)
from egide_analytics.linkage.synthetic import generate, name_frequencies

POPULATION = 8_000
PLAINTEXT = 12_000
SETTINGS = MiningSettings(max_nodes=7, time_budget=20.0)


@pytest.fixture(scope="module")
def population() -> list:
    return generate(POPULATION, duplicate_rate=0.0, seed=11).identities


@pytest.fixture(scope="module")
def knowledge() -> AttackerKnowledge:
    plaintext = generate(PLAINTEXT, duplicate_rate=0.0, seed=12).identities
    female = float(np.mean([p.sex == "female" for p in plaintext]))
    lists = name_frequencies()
    given: Counter[str] = Counter()
    for name, frequency in lists["female"]:
        given[name] += female * frequency
    for name, frequency in lists["male"]:
        given[name] += (1 - female) * frequency
    ranked = given.most_common()
    return egide_clk_knowledge(
        plaintext,
        PublicNames(tuple(n for n, _ in ranked), np.array([f for _, f in ranked])),
        PublicNames(tuple(n for n, _ in lists["family"]), np.array([f for _, f in lists["family"]])),
    )


@pytest.fixture(scope="module")
def key() -> LinkageKey:
    return LinkageKey.from_bytes(b"the data holders' secret, unknown to the adversary")


def truth_of(population: list) -> dict[str, list[str]]:
    return {"given": [p.given_names for p in population], "family": [p.family_name for p in population]}


def test_attack_reidentifies_most_records_of_plain_encodings(population, knowledge, key):
    clks = Encoder(key, PLAIN).encode(population).clks
    outcome = evaluate(pattern_mining_attack(clks, knowledge, SETTINGS), knowledge, truth_of(population))
    # Measured here (seeded, fixed key): 4.3 % stated with 97.7 % precision, best guess right
    # for 29 %; larger populations leak more (docs/methods/linkage-attack.md). The thresholds
    # sit far above what the hardened encodings give (0 and under 2 %): a broken mining or
    # matching step falls to that level and fails.
    assert outcome.reidentification_rate >= 0.02
    assert outcome.precision >= 0.9
    assert outcome.best_guess_correct >= 0.15 * POPULATION


def test_attack_recovers_almost_nothing_from_hardened_encodings(population, knowledge, key):
    clks = Encoder(key, HARDENED).encode(population).clks
    outcome = evaluate(pattern_mining_attack(clks, knowledge, SETTINGS), knowledge, truth_of(population))
    # Guessing the commonest given and family names for everyone is right for about
    # 0.5 % of records (names cluster by origin): 1 % bounds "no better than guessing".
    assert outcome.reidentification_rate <= 0.01
    assert outcome.best_guess_correct <= 0.02 * POPULATION


def test_balancing_with_a_fixed_permutation_is_undone_by_dropping_complement_columns(population, key):
    parameters = replace(PLAIN, balance=True)
    bits = unpack(Encoder(key, parameters).encode(population[:500]).clks)
    kept, dropped = drop_complement_columns(bits)
    assert dropped == parameters.filter_bits // 2
    assert kept.shape[1] == parameters.filter_bits // 2
