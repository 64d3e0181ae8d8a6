"""The identity value object: partial dates, JSON and encryption round trips, context binding."""

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egide.cases.identity import (
    Identity,
    IdentityDocument,
    IdentityError,
    PartialDate,
    decrypt_identity,
    encrypt_identity,
    name_tokens,
)
from egide.core import crypto


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    year = draw(st.integers(1900, 2100))
    month = draw(st.none() | st.integers(1, 12))
    day = None if month is None else draw(st.none() | st.integers(1, 28))
    return PartialDate(year, month, day)


texts = st.text(max_size=40)
identities = st.builds(
    Identity,
    family_name=texts,
    given_names=texts,
    aliases=st.lists(texts, max_size=3).map(tuple),
    birth_date=st.none() | partial_dates(),
    birth_place=texts,
    phone=texts,
    address=texts,
    identity_documents=st.lists(st.builds(IdentityDocument, kind=texts, number=texts), max_size=2).map(tuple),
)


@given(identities)
def test_identity_survives_encryption_round_trip(identity: Identity) -> None:
    key, uid = crypto.generate_data_key(), uuid.uuid4()
    assert decrypt_identity(encrypt_identity(identity, key, uid), key, uid) == identity


@given(partial_dates())
def test_partial_date_parses_its_own_text(value: PartialDate) -> None:
    assert PartialDate.parse(str(value)) == value


@pytest.mark.parametrize(
    ("text", "expected", "shown"),
    [
        ("1990", PartialDate(1990), "1990"),
        ("1990-03", PartialDate(1990, 3), "03/1990"),
        (" 1990-03-14 ", PartialDate(1990, 3, 14), "14/03/1990"),
        ("2000-02-29", PartialDate(2000, 2, 29), "29/02/2000"),
    ],
)
def test_partial_date_accepts_year_month_or_day(text: str, expected: PartialDate, shown: str) -> None:
    assert PartialDate.parse(text) == expected
    assert expected.display() == shown


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("14/03/1990", "AAAA, AAAA-MM ou AAAA-MM-JJ"),
        ("1990-3", "AAAA, AAAA-MM ou AAAA-MM-JJ"),
        ("1990-13", "Mois 13 invalide"),
        ("1990-02-30", "ce mois compte 28 jours"),
        ("1899", "hors de la plage"),
    ],
)
def test_partial_date_refuses_impossible_dates_in_french(text: str, message: str) -> None:
    with pytest.raises(IdentityError, match=message):
        PartialDate.parse(text)


def test_identity_reads_the_nationalities_of_older_versions_without_keeping_them() -> None:
    """Nationalities moved to the clear profile; identities encrypted before still decrypt."""
    old = Identity.from_dict({"family_name": "Popescu", "nationalities": ["ROU"]})
    assert old == Identity(family_name="Popescu") and "nationalities" not in old.to_dict()


def test_ciphertext_is_bound_to_its_person() -> None:
    key = crypto.generate_data_key()
    token = encrypt_identity(Identity(family_name="Popescu"), key, uuid.uuid4())
    assert b"Popescu" not in token
    with pytest.raises(crypto.DecryptionError):
        decrypt_identity(token, key, uuid.uuid4())


def test_name_tokens_ignore_order_case_and_accents() -> None:
    assert name_tokens("POPESCU Ana-Maria") == name_tokens("ana maria Popéscu") == "ana maria popescu"
