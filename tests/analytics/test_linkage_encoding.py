"""Encodings: deterministic, separated by the key, hardened without losing similar persons."""

import dataclasses

import numpy as np
import pytest

from egide_analytics.linkage import (
    HARDENED,
    HARDENED_SALTED,
    PLAIN,
    TOKEN_NAMES,
    Encoder,
    EncodingParameters,
    Encodings,
    LinkageKey,
    PersonIdentity,
    dice,
)
from egide_analytics.linkage.synthetic import generate

KEY = LinkageKey.from_bytes(b"0123456789abcdef0123456789abcdef")
OTHER_KEY = LinkageKey.from_bytes(b"another key of the data holders!")
_POPCOUNT = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1).sum(axis=1)


def dices(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return 2 * _POPCOUNT[a & b].sum(axis=1) / (_POPCOUNT[a].sum(axis=1) + _POPCOUNT[b].sum(axis=1))


@pytest.fixture(scope="module")
def sample():
    return generate(3_000, duplicate_rate=0.3, seed=11)


def pairs_of(data):
    true = np.array(sorted(data.true_pairs()))
    rng = np.random.default_rng(0)
    random = rng.integers(0, len(data), (20_000, 2))
    return true, random[data.person_ids[random[:, 0]] != data.person_ids[random[:, 1]]]


def test_same_key_parameters_and_identity_give_the_same_bits(sample):
    first = Encoder(KEY).encode(sample.identities[:500])
    again = Encoder(LinkageKey.from_bytes(b"0123456789abcdef0123456789abcdef")).encode(sample.identities[:500])
    assert np.array_equal(first.clks, again.clks) and first.tokens == again.tokens


def test_encoding_in_pieces_or_at_once_is_the_same(sample):
    encoder = Encoder(KEY)
    whole = Encoder(KEY).encode(sample.identities[:600])
    parts = Encodings.concatenate([encoder.encode(sample.identities[:250]), encoder.encode(sample.identities[250:600])])
    assert np.array_equal(whole.clks, parts.clks) and whole.tokens == parts.tokens


@pytest.mark.parametrize("parameters", [PLAIN, HARDENED])
def test_shapes_and_tokens(parameters, sample):
    encodings = Encoder(KEY, parameters).encode(sample.identities[:100])
    assert encodings.clks.shape == (100, parameters.filter_bytes) and encodings.clks.dtype == np.uint8
    assert set(encodings.tokens) == set(TOKEN_NAMES) and len(encodings) == 100
    assert all(len(t) in (0, 32) for values in encodings.tokens.values() for t in values)


def test_a_person_under_two_keys_is_no_closer_than_two_strangers(sample):
    identities = sample.identities[:2_000]
    for parameters in (PLAIN, HARDENED):
        mine = Encoder(KEY, parameters).encode(identities).clks
        theirs = Encoder(OTHER_KEY, parameters).encode(identities).clks
        same_person = dices(mine, theirs)
        # Two independent random filters with these numbers of ones would have this Dice on average.
        ones_mine, ones_theirs = _POPCOUNT[mine].sum(axis=1), _POPCOUNT[theirs].sum(axis=1)
        chance = 2 * ones_mine * ones_theirs / (parameters.filter_bits * (ones_mine + ones_theirs))
        assert abs(same_person.mean() - chance.mean()) < 0.01
        assert (same_person - chance).std() < 0.05
    tokens = Encoder(KEY).encode(identities).tokens["name_dob"]
    other = Encoder(OTHER_KEY).encode(identities).tokens["name_dob"]
    assert not {t for t in tokens if t} & {t for t in other if t}


def test_hardening_changes_the_bits_but_keeps_duplicates_close(sample):
    plain = Encoder(KEY, PLAIN).encode(sample.identities).clks
    hardened = Encoder(KEY, HARDENED).encode(sample.identities).clks
    assert not np.array_equal(plain, hardened)
    true, random = pairs_of(sample)
    for clks in (plain, hardened):
        duplicates, strangers = dices(clks[true[:, 0]], clks[true[:, 1]]), dices(clks[random[:, 0]], clks[random[:, 1]])
        assert np.median(duplicates) > np.quantile(strangers, 0.999)
        assert (duplicates > np.quantile(strangers, 0.999)).mean() > 0.75


def test_balanced_filters_have_exactly_half_their_bits_set_before_folding():
    balanced = dataclasses.replace(HARDENED, xor_fold=False)
    clks = Encoder(KEY, balanced).encode([PersonIdentity("Martin", "Marie", "1990"), PersonIdentity("Li", "Wei")]).clks
    assert (_POPCOUNT[clks].sum(axis=1) == balanced.filter_bits // 2).all()


def test_salting_by_birth_year_separates_the_same_name_born_in_other_years():
    people = [
        PersonIdentity("Osagie", "Blessing", "1998-05-02", "F"),
        PersonIdentity("Osagie", "Blessing", "1999-05-02", "F"),
    ]
    plain = Encoder(KEY, PLAIN).encode(people).clks
    salted = Encoder(KEY, HARDENED_SALTED).encode(people).clks
    assert dice(plain[0], plain[1]) > 0.8
    assert dice(salted[0], salted[1]) < 0.7


def test_the_default_is_unsalted_so_a_missing_or_mistyped_year_still_links():
    people = [
        PersonIdentity("Osagie", "Blessing", "1998-05-02", "F"),
        PersonIdentity("Osagie", "Blessing", "", "F"),
        PersonIdentity("Osagie", "Blessing", "1999-05-02", "F"),
        PersonIdentity("Okafor", "Chinedu", "1987-02-03", "M"),
    ]
    assert EncodingParameters() == HARDENED and HARDENED.salt is None and HARDENED_SALTED.salt == "birth_year"
    assert HARDENED.balance and HARDENED.xor_fold
    clks = Encoder(KEY, HARDENED).encode(people).clks
    assert min(dice(clks[0], clks[1]), dice(clks[0], clks[2])) > 0.85 > 0.6 > dice(clks[0], clks[3])
    salted = Encoder(KEY, HARDENED_SALTED).encode(people).clks
    # Salted, the year-less and the mistyped records look as unrelated as another person.
    assert max(dice(salted[0], salted[1]), dice(salted[0], salted[2])) < 0.6


FONTAINE = PersonIdentity("de la Fontaine", "Marie-Claire", "1990-04-12", "F", "FRA")
LAFONTAINE = PersonIdentity("Lafontaine", "Marie", "1990-04-12", "femme", "FRA")
MOHAMED = PersonIdentity("Mohamed", "Youssef", "1990-01-01", "M", "MAR")
MUHAMMAD = PersonIdentity("Muhammad", "Yusuf", "1990-01-01", "H", "MAR")
BLESSING = PersonIdentity("Osagie", "Blessing", "1998-05-02", "F", "NGA")
SWAPPED = PersonIdentity("Blessing", "Osagie", "1998-05-02", "F", "NGA")
NGUYEN = PersonIdentity("Nguyễn", "Thị Mai", "2001-07-30", "F", "VNM")
UPPER = PersonIdentity("NGUYEN", "Thi", "2001-07", "F", "")


@pytest.mark.parametrize(
    ("a", "b"), [(FONTAINE, LAFONTAINE), (MOHAMED, MUHAMMAD), (BLESSING, SWAPPED), (NGUYEN, UPPER)]
)
def test_variants_of_one_person_stay_closer_than_strangers(a, b, sample):
    for parameters in (PLAIN, HARDENED):
        clks = Encoder(KEY, parameters).encode([a, b, *sample.identities[:500]]).clks
        strangers = dices(clks[2:], np.roll(clks[2:], 1, axis=0))
        assert dice(clks[0], clks[1]) > np.quantile(strangers, 0.99)


def test_tokens_link_exact_agreements_and_tolerate_swaps_and_variants():
    people = [
        PersonIdentity("Osagie", "Blessing", "1998-05-02", "F"),
        PersonIdentity("Blessing", "Osagie", "1998-05-02", "femme"),
        PersonIdentity("Mohammed", "Ali", "1990", "M"),
        PersonIdentity("Muhammad", "Aly", "1990", "M"),
        PersonIdentity("Osagie", "Blessing", "", "F"),
    ]
    tokens = Encoder(KEY).encode(people).tokens
    assert tokens["keys_year"][0] == tokens["keys_year"][1] and tokens["dob_sex"][0] == tokens["dob_sex"][1]
    assert tokens["name_dob"][0] != tokens["name_dob"][1]
    assert tokens["keys_year"][2] == tokens["keys_year"][3]
    assert tokens["name_dob"][4] == tokens["keys_year"][4] == tokens["dob_sex"][4] == ""


def test_parameters_round_trip_and_fingerprint():
    assert EncodingParameters.from_dict(HARDENED.to_dict()) == HARDENED
    assert HARDENED.fingerprint() != PLAIN.fingerprint()
    assert len(HARDENED.fingerprint()) == 16
    with pytest.raises(ValueError, match="multiple de 64"):
        EncodingParameters(filter_bits=1000)
    with pytest.raises(ValueError, match="Salage"):
        EncodingParameters.from_dict({**HARDENED.to_dict(), "salt": "sex"})


def test_columns_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="même longueur"):
        Encoder(KEY).encode_columns(["a"], [], [], [], [])


def test_extra_identifying_fields_are_encoded_when_the_parameters_name_them():
    with_address = dataclasses.replace(PLAIN, extra_fields=(("postcode", 10), ("street", 6)))
    assert EncodingParameters.from_dict(with_address.to_dict()) == with_address
    person = PersonIdentity("Martin", "Marie", "1990", "F", extra=(("postcode", "75011"), ("street", "rue Oberkampf")))
    moved = dataclasses.replace(person, extra=(("postcode", "13001"), ("street", "La Canebière")))
    encoder = Encoder(KEY, with_address)
    clks = encoder.encode([person, moved, dataclasses.replace(person, extra=())]).clks
    assert dice(clks[0], clks[1]) < 0.9 and not np.array_equal(clks[0], clks[2])
    by_columns = encoder.encode_columns(
        ["Martin"], ["Marie"], ["1990"], ["F"], [""], extra={"postcode": ["75011"], "street": ["rue Oberkampf"]}
    )
    assert np.array_equal(by_columns.clks[0], clks[0])
    # Without extra fields in the parameters, extra values are ignored.
    assert np.array_equal(Encoder(KEY, PLAIN).encode([person]).clks, Encoder(KEY, PLAIN).encode([moved]).clks)
    with pytest.raises(ValueError, match="postcode"):
        encoder.encode_columns(["Martin"], ["Marie"], ["1990"], ["F"], [""])
    with pytest.raises(ValueError, match="invalide"):
        EncodingParameters(extra_fields=(("Code Postal", 5),))
