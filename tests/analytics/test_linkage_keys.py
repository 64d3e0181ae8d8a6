"""The linkage key: read from a file or the environment, never shown, fingerprint safe to publish."""

import base64

import pytest

from egide_analytics.linkage import LinkageKey, LinkageKeyError

SECRET = bytes(range(32))


@pytest.mark.parametrize(
    "content", [SECRET.hex().encode(), base64.b64encode(SECRET), SECRET, SECRET.hex().encode() + b"\n"]
)
def test_key_files_in_hex_base64_or_raw_bytes(tmp_path, content):
    path = tmp_path / "cle"
    path.write_bytes(content)
    assert LinkageKey.from_file(path) == LinkageKey.from_bytes(SECRET)


def test_short_or_missing_keys_are_refused_in_french(tmp_path, monkeypatch):
    (tmp_path / "courte").write_text("abcd")
    with pytest.raises(LinkageKeyError, match="trop courte"):
        LinkageKey.from_file(tmp_path / "courte")
    with pytest.raises(LinkageKeyError, match="introuvable"):
        LinkageKey.from_file(tmp_path / "absente")
    monkeypatch.delenv("EGIDE_LINKAGE_KEY", raising=False)
    with pytest.raises(LinkageKeyError, match="EGIDE_LINKAGE_KEY"):
        LinkageKey.from_env()
    monkeypatch.setenv("EGIDE_LINKAGE_KEY", "pas une clé !")
    with pytest.raises(LinkageKeyError, match="hexadécimal ou en base64"):
        LinkageKey.from_env()


def test_environment_and_generated_keys(monkeypatch):
    generated = LinkageKey.generate()
    monkeypatch.setenv("EGIDE_LINKAGE_KEY", generated.to_text())
    assert LinkageKey.from_env() == generated
    assert generated != LinkageKey.generate()


def test_the_fingerprint_identifies_the_key_without_revealing_it():
    key = LinkageKey.from_bytes(SECRET)
    assert len(key.fingerprint) == 16 and int(key.fingerprint, 16) >= 0
    assert key.fingerprint == LinkageKey.from_bytes(SECRET).fingerprint != LinkageKey.generate().fingerprint
    assert SECRET.hex() not in repr(key) and key.fingerprint in repr(key)
    assert key.derive("bloom") != key.derive("tokens")
