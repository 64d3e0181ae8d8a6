"""The generator's register-like names for large populations (`diverse_names`), and its unchanged default."""

import hashlib
from collections import Counter

import numpy as np

from egide_analytics.linkage.normalise import check_birth_date
from egide_analytics.linkage.synthetic import SyntheticRecords, generate
from egide_analytics.linkage.synthetic_names import ORIGINS
from egide_analytics.linkage.synthetic_pool import name_pool


def _digest(n: int, **options: object) -> str:
    data = generate(n, **options)  # type: ignore[arg-type]
    text = repr((data.identities, data.person_ids.tolist(), data.holders.tolist()))
    return hashlib.sha256(text.encode()).hexdigest()


def test_default_output_is_unchanged():
    # Seeded outputs other tests and the demo rely on: the digest of the generator before the option.
    assert _digest(2_000, seed=3) == "86840912f8486b65499f22654bb0a0079dc30007a0f1d4e0d78fb5c7f6e7e176"
    assert _digest(2_000, seed=3, diverse_names=False) == _digest(2_000, seed=3)


def _namesakes(data: SyntheticRecords) -> float:
    """Return the share of persons sharing family name, given names, sex and birth year with another."""
    keys = Counter((p.family_name, p.given_names, p.sex, p.birth_date[:4]) for p in data.identities)
    return sum(count for count in keys.values() if count > 1) / len(data)


def test_diverse_names_are_many_and_namesakes_rare():
    plain = generate(60_000, duplicate_rate=0.0, seed=11)
    diverse = generate(60_000, duplicate_rate=0.0, seed=11, diverse_names=True)
    assert len({p.family_name for p in diverse.identities}) > 5 * len({p.family_name for p in plain.identities})
    assert _namesakes(diverse) < _namesakes(plain) / 3
    for person in diverse.identities[:5_000]:
        check_birth_date(person.birth_date)
    # The most frequent names of each origin stay the most frequent.
    top = Counter(p.family_name for p in diverse.identities if p.birth_country == "FRA").most_common(1)[0][0]
    assert top in ORIGINS[0].family[:10]


def test_diverse_names_are_seeded_with_the_same_ground_truth_shape():
    a = generate(3_000, seed=4, n_holders=2, diverse_names=True)
    assert a.identities == generate(3_000, seed=4, n_holders=2, diverse_names=True).identities
    assert len(np.unique(a.person_ids)) == 2_550 and set(a.holders.tolist()) == {0, 1}


def test_name_pool_keeps_the_head_and_invents_plausible_names():
    head = ORIGINS[0].family
    pool = name_pool(head, 3_000, seed=5)
    assert pool.names[: len(head)] == tuple(dict.fromkeys(head))
    assert len(pool.names) == 3_000 and len({name.casefold() for name in pool.names}) == 3_000
    assert abs(pool.weights.sum() - 1) < 1e-9 and np.all(np.diff(pool.weights) <= 0)
    invented = pool.names[len(head) :]
    assert all(name[0].isupper() and name == name.strip() and len(name) >= 2 for name in invented)
    assert max(len(name) for name in invented) <= 16


def test_name_pool_of_a_short_list_stays_small():
    # Few Vietnamese family names exist: the chain must not make up thousands of them.
    pool = name_pool(("Nguyễn", "Trần", "Lê", "Phạm"), 5_000, seed=1)
    assert len(pool.names) < 200
