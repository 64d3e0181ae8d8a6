import base64
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egide.core import crypto
from egide.core.crypto import DecryptionError, Keyring

RING = Keyring({"mk1": b"\x01" * 32, "mk2": b"\x02" * 32}, "mk1", b"\x03" * 32)
RING2 = Keyring(RING.master_keys, "mk2", RING.index_key)


@given(st.binary(max_size=2000), st.binary(min_size=1, max_size=40))
def test_encrypt_then_decrypt_gives_back_the_value(plaintext: bytes, context: bytes) -> None:
    key = crypto.generate_data_key()
    assert crypto.decrypt(key, crypto.encrypt(key, plaintext, context=context), context=context) == plaintext


def test_ciphertext_is_bound_to_its_context() -> None:
    key = crypto.generate_data_key()
    token = crypto.encrypt(key, b"Ana", context=b"person:1:family_name")
    with pytest.raises(DecryptionError):
        crypto.decrypt(key, token, context=b"person:2:family_name")


def test_tampered_ciphertext_is_refused() -> None:
    key = crypto.generate_data_key()
    token = bytearray(crypto.encrypt(key, b"Ana", context=b"c"))
    token[-1] ^= 1
    with pytest.raises(DecryptionError):
        crypto.decrypt(key, bytes(token), context=b"c")


def test_same_value_encrypts_differently_each_time() -> None:
    key = crypto.generate_data_key()
    assert crypto.encrypt(key, b"Ana", context=b"c") != crypto.encrypt(key, b"Ana", context=b"c")


def test_rewrapped_key_opens_under_the_new_master_only() -> None:
    data_key = crypto.generate_data_key()
    kid, wrapped = crypto.wrap(data_key, context=b"dk1", ring=RING)
    assert kid == "mk1"
    opened = crypto.unwrap(kid, wrapped, context=b"dk1", ring=RING)
    new_kid, rewrapped = crypto.wrap(opened, context=b"dk1", ring=RING2)
    assert new_kid == "mk2" and crypto.unwrap(new_kid, rewrapped, context=b"dk1", ring=RING2) == data_key
    without_old = Keyring({"mk2": RING.master_keys["mk2"]}, "mk2", RING.index_key)
    with pytest.raises(DecryptionError):
        crypto.unwrap(kid, wrapped, context=b"dk1", ring=without_old)


def test_destroyed_data_key_cannot_be_unwrapped() -> None:
    with pytest.raises(DecryptionError):
        crypto.unwrap("mk1", b"", context=b"dk1", ring=RING)


def test_blind_index_ignores_accents_and_case_but_separates_purposes() -> None:
    a = crypto.blind_index("Élodie  N'Diaye", purpose="name", ring=RING)
    assert a == crypto.blind_index("elodie n diaye", purpose="name", ring=RING)
    assert a != crypto.blind_index("elodie n diaye", purpose="birth_date", ring=RING)
    other = Keyring(RING.master_keys, "mk1", b"\x04" * 32)
    assert a != crypto.blind_index("elodie n diaye", purpose="name", ring=other)


def test_key_file_is_created_private_and_rotation_adds_an_active_key(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    crypto.new_key_file(path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert crypto.add_master_key(path) == "mk2"


def test_keys_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    k1, k2, idx = (base64.b64encode(os.urandom(32)).decode() for _ in range(3))
    monkeypatch.setenv("EGIDE_MASTER_KEYS", f"old:{k1},new:{k2}")
    monkeypatch.setenv("EGIDE_BLIND_INDEX_KEY", idx)
    crypto.keyring.cache_clear()
    try:
        ring = crypto.keyring()
        assert ring.active_id == "new" and set(ring.master_keys) == {"old", "new"}
    finally:
        crypto.keyring.cache_clear()
