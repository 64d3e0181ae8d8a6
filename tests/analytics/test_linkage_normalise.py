"""Normalisation of identities: the same person written differently normalises alike."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egide_analytics.linkage.normalise import (
    BirthDateError,
    PersonIdentity,
    birth_date_parts,
    check_birth_date,
    country_code,
    family_tokens,
    fold,
    normalise,
    parse_sex,
    phonetic,
)

names = st.text(max_size=40)
latin_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèêëàâäîïôöùûüçñ -'", max_size=30)


@given(names)
def test_fold_is_idempotent_and_never_raises(text):
    assert fold(fold(text)) == fold(text)


@given(latin_words)
def test_fold_ignores_case_and_accents(text):
    assert fold(text.upper()) == fold(text)
    assert fold(text.replace("e", "é").replace("c", "ç")) == fold(text)
    assert fold(text).isascii()


@given(names, names, st.text(max_size=12), st.text(max_size=8), st.text(max_size=5))
def test_normalise_never_raises_and_is_idempotent_on_its_names(family, given_names, date, sex, country):
    once = normalise(PersonIdentity(family, given_names, date, sex, country))
    assert normalise(PersonIdentity(once.family, once.given)).family == once.family
    assert once.family_key == (phonetic(once.family) if once.family else "")


@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8), min_size=1, max_size=4))
def test_the_order_of_given_names_does_not_change_the_name_tokens(tokens):
    forward = normalise(PersonIdentity("Okafor", " ".join(tokens)))
    backward = normalise(PersonIdentity("Okafor", " ".join(reversed(tokens))))
    assert forward.name_tokens == backward.name_tokens


def test_swapped_family_and_given_names_share_their_name_tokens():
    a = normalise(PersonIdentity("Osagie", "Blessing"))
    b = normalise(PersonIdentity("Blessing", "Osagie"))
    assert a.name_tokens == b.name_tokens and a.family != b.family


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("de la Fontaine", ("fontaine",)),
        ("De La FONTAINE", ("fontaine",)),
        ("D'Almeida", ("almeida",)),
        ("van der Berg", ("berg",)),
        ("El Amrani", ("amrani",)),
        ("Ben Ali", ("ali",)),
        ("Le Gall-Le Floch", ("gall", "floch")),
        ("Le", ("le",)),
        ("N'Guessan", ("nguessan",)),
        ("N Guessan", ("n", "guessan")),
        ("Nguyễn", ("nguyen",)),
        ("Шевченко", ("shevchenko",)),
        ("Groß", ("gross",)),
        ("Łukasz Øberg", ("lukasz", "oberg")),
    ],
)
def test_family_names(written, expected):
    assert family_tokens(written) == expected


def test_particles_glued_or_dropped_stay_close():
    assert normalise(PersonIdentity("de la Fontaine")).family == normalise(PersonIdentity("Fontaine")).family
    assert normalise(PersonIdentity("Lafontaine")).family == "lafontaine"


def test_several_given_names_keep_the_first_and_all_tokens():
    n = normalise(PersonIdentity("Dupont", "Marie-Claire Ana"))
    assert n.given == "marie"
    assert n.name_tokens == ("ana", "claire", "dupont", "marie")


@pytest.mark.parametrize(
    "variants",
    [
        ("Mohamed", "Mohammed", "Muhammad", "Mohammad", "Mouhamed"),
        ("Youssef", "Yusuf", "Yousef"),
        ("Popescu", "Popesco"),
        ("Ivanov", "Ivanoff", "Ivanow"),
        ("Hristov", "Khristov"),
        ("Nguyễn", "Nguyen"),
        ("Philippe", "Filipe"),
        ("Yulia", "Ioulia"),
        ("Djamel", "Jamel"),
        ("Tkachenko", "Tkatchenko"),
        ("Kouassi", "Kouasi"),
    ],
)
def test_transliteration_variants_share_a_phonetic_key(variants):
    assert len({phonetic(fold(v).replace(" ", "")) for v in variants}) == 1


@pytest.mark.parametrize(("a", "b"), [("Oluwaseun", "Oluwasegun"), ("Marie", "Martin"), ("Osas", "Osaro")])
def test_different_names_keep_different_phonetic_keys(a, b):
    assert phonetic(fold(a)) != phonetic(fold(b))


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=20))
def test_phonetic_is_idempotent_on_latin_text(token):
    assert phonetic(phonetic(token)) == phonetic(token)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1994", "1994"),
        ("1994-03", "1994-03"),
        ("1994-3-7", "1994-03-07"),
        ("07/03/1994", "1994-03-07"),
        ("03/1994", "1994-03"),
        ("1994-00-00", "1994"),
        ("2000-02-29", "2000-02-29"),
        ("", ""),
    ],
)
def test_birth_dates_full_or_partial(written, expected):
    assert check_birth_date(written) == expected


@pytest.mark.parametrize(
    ("written", "fragment"),
    [("1994-13-01", "mois"), ("1900-02-29", "n'existe pas"), ("31/04/1990", "n'existe pas"), ("hier", "date"),
     ("1700", "année")],
)  # fmt: skip
def test_impossible_birth_dates_are_refused_in_french(written, fragment):
    with pytest.raises(BirthDateError, match=fragment):
        check_birth_date(written)


@given(st.text(max_size=15))
def test_birth_date_parts_never_raise(text):
    _, month, day = birth_date_parts(text)
    assert not day or month


@pytest.mark.parametrize(
    ("written", "code"),
    [("F", "female"), ("f", "female"), ("Femme", "female"), ("female", "female"), ("W", "female"), ("2", "female"),
     ("M", "male"), ("H", "male"), ("homme", "male"), ("1", "male"), ("X", "other"), ("autre", "other"),
     ("", "unknown"), ("?", "unknown"), ("inconnu", "unknown"), ("Féminin", "female"), ("zz", None)],
)  # fmt: skip
def test_sex_spellings(written, code):
    assert parse_sex(written) == code


@given(st.text(max_size=10))
def test_parse_sex_never_raises(text):
    assert parse_sex(text) in ("female", "male", "other", "unknown", None)


def test_country_codes():
    assert country_code(" nga ") == "NGA"
    assert country_code("Nigeria") == ""
