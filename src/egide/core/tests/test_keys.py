import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from egide.core import crypto
from egide.core.keys import create_data_key, destroy_data_key, open_data_key, rotate_data_keys
from egide.core.models import DataKey


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "keys.json"
    monkeypatch.setenv("EGIDE_KEY_FILE", str(path))
    monkeypatch.delenv("EGIDE_MASTER_KEYS", raising=False)
    crypto.keyring.cache_clear()
    yield path
    crypto.keyring.cache_clear()


@pytest.mark.django_db
def test_rotation_rewraps_every_key_and_data_stays_readable(key_file: Path) -> None:
    with transaction.atomic():
        keys = [create_data_key() for _ in range(7)]
    secrets_ = {k.pk: crypto.encrypt(open_data_key(k), b"Ana Pop", context=b"x") for k in keys}
    crypto.add_master_key(key_file)
    report = rotate_data_keys(batch_size=3)
    assert report.rewrapped == 7
    assert set(DataKey.objects.values_list("master_key_id", flat=True)) == {"mk2"}
    # Once every key is re-wrapped, the old master key can be retired.
    content = json.loads(key_file.read_text())
    content["master_keys"] = [k for k in content["master_keys"] if k["id"] == "mk2"]
    key_file.write_text(json.dumps(content))
    crypto.keyring.cache_clear()
    for key in DataKey.objects.all():
        assert crypto.decrypt(open_data_key(key), secrets_[key.pk], context=b"x") == b"Ana Pop"


@pytest.mark.django_db
def test_second_rotation_has_nothing_to_do(key_file: Path) -> None:
    with transaction.atomic():
        create_data_key()
    assert rotate_data_keys().rewrapped == 0


@pytest.mark.django_db
def test_destroyed_key_makes_data_unreadable(key_file: Path) -> None:
    with transaction.atomic():
        key = create_data_key()
    token = crypto.encrypt(open_data_key(key), b"Ana Pop", context=b"x")
    destroy_data_key(key)
    with pytest.raises(crypto.DecryptionError):
        open_data_key(DataKey.objects.get(pk=key.pk))
    assert token  # the ciphertext survives (backups) but nothing opens it any more


@pytest.mark.django_db
def test_keys_command_rotates(key_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with transaction.atomic():
        create_data_key()
    call_command("keys", "new-master")
    call_command("keys", "rotate")
    out = capsys.readouterr().out
    assert "Clés de données re-chiffrées : 1" in out and "Clé maîtresse active : mk2" in out
