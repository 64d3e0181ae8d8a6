"""Envelope encryption of sensitive fields, keyed blind indexes, and crypto-shredding.

Each person or case has its own data key (AES-256-GCM); data keys are stored wrapped by a
master key that is not `SECRET_KEY` and has an id, so that `egide keys rotate` re-wraps
every data key under a new master key while the old one still opens them (no downtime).
Destroying a data key makes everything encrypted under it unreadable, backups included.

Master keys come from `EGIDE_MASTER_KEYS` ("id:base64,id:base64", the last one active) or
from the JSON key file `EGIDE_KEY_FILE` (default `var/keys/egide-keys.json`, created with
mode 0600 on first use outside production). The blind-index key is separate and never
rotates with the master keys, since rotating it would require every value in clear.
"""

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from egide.core.text import fold

FORMAT_VERSION = b"\x01"
NONCE_BYTES = 12
KEY_BYTES = 32


class DecryptionError(Exception):
    """The value cannot be decrypted: wrong key, tampered data, or destroyed data key."""


@dataclass(frozen=True)
class Keyring:
    """Master keys by id, the active one, and the blind-index key."""

    master_keys: dict[str, bytes]
    active_id: str
    index_key: bytes

    def master(self, key_id: str) -> bytes:
        try:
            return self.master_keys[key_id]
        except KeyError:
            raise DecryptionError(f"master key {key_id!r} is not loaded") from None


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def new_key_file(path: Path) -> None:
    """Write a fresh key file with one master key and an index key, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    content = {
        "master_keys": [{"id": "mk1", "key": _b64(AESGCM.generate_key(bit_length=256))}],
        "active": "mk1",
        "index_key": _b64(secrets.token_bytes(KEY_BYTES)),
    }
    # Written aside then linked: a concurrent process (parallel tests) never reads a half-written file.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(content, handle, indent=2)
    try:
        os.link(tmp, path)  # raises FileExistsError if the file exists
    finally:
        tmp.unlink()


def add_master_key(path: Path) -> str:
    """Add a new master key to the key file and make it active; return its id."""
    content = json.loads(path.read_text())
    new_id = f"mk{len(content['master_keys']) + 1}"
    content["master_keys"].append({"id": new_id, "key": _b64(AESGCM.generate_key(bit_length=256))})
    content["active"] = new_id
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(content, handle, indent=2)
    tmp.replace(path)
    keyring.cache_clear()
    return new_id


def _decode_key(value: str, name: str) -> bytes:
    raw = base64.b64decode(value)
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(f"{name} must be {KEY_BYTES} bytes encoded in base64.")
    return raw


def key_file_path() -> Path:
    return Path(os.environ.get("EGIDE_KEY_FILE", settings.VAR_DIR / "keys" / "egide-keys.json"))


@cache
def keyring() -> Keyring:
    """Load the keys once per process, from the environment or the key file."""
    env = os.environ.get("EGIDE_MASTER_KEYS")
    if env:
        pairs = [item.split(":", 1) for item in env.split(",") if item]
        masters = {kid: _decode_key(key, f"master key {kid}") for kid, key in pairs}
        index = os.environ.get("EGIDE_BLIND_INDEX_KEY")
        if not index:
            raise ImproperlyConfigured("EGIDE_BLIND_INDEX_KEY must be set with EGIDE_MASTER_KEYS.")
        return Keyring(masters, pairs[-1][0], _decode_key(index, "EGIDE_BLIND_INDEX_KEY"))
    path = key_file_path()
    if not path.exists():
        if getattr(settings, "EGIDE_REQUIRE_KEYS", False):
            raise ImproperlyConfigured("No master keys: set EGIDE_MASTER_KEYS or EGIDE_KEY_FILE.")
        # Another process (a parallel test worker) may have created it first.
        with contextlib.suppress(FileExistsError):
            new_key_file(path)
    content = json.loads(path.read_text())
    masters = {k["id"]: _decode_key(k["key"], f"master key {k['id']}") for k in content["master_keys"]}
    return Keyring(masters, content["active"], _decode_key(content["index_key"], "index_key"))


def generate_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap(data_key: bytes, *, context: bytes, ring: Keyring | None = None) -> tuple[str, bytes]:
    """Encrypt a data key under the active master key; return (master key id, wrapped key)."""
    ring = ring or keyring()
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(ring.master(ring.active_id)).encrypt(nonce, data_key, b"egide-dek|" + context)
    return ring.active_id, nonce + sealed


def unwrap(master_id: str, wrapped: bytes, *, context: bytes, ring: Keyring | None = None) -> bytes:
    ring = ring or keyring()
    if not wrapped:
        raise DecryptionError("the data key was destroyed")
    try:
        master = AESGCM(ring.master(master_id))
        return master.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], b"egide-dek|" + context)
    except Exception as error:
        raise DecryptionError("the data key cannot be unwrapped") from error


def encrypt(data_key: bytes, plaintext: bytes, *, context: bytes) -> bytes:
    """Encrypt with AES-256-GCM; `context` (record and field) is authenticated, not stored."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return FORMAT_VERSION + nonce + AESGCM(data_key).encrypt(nonce, plaintext, context)


def decrypt(data_key: bytes, token: bytes, *, context: bytes) -> bytes:
    if not token.startswith(FORMAT_VERSION):
        raise DecryptionError("unknown ciphertext format")
    body = token[len(FORMAT_VERSION) :]
    try:
        return AESGCM(data_key).decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], context)
    except Exception as error:
        raise DecryptionError("the value cannot be decrypted") from error


def blind_index(value: str, *, purpose: str, ring: Keyring | None = None) -> str:
    """Return a keyed, deterministic token of a normalised value, for exact-match search.

    `purpose` separates indexes (a name never matches a date of birth). Without the index
    key the token reveals nothing, and it cannot be reversed.
    """
    ring = ring or keyring()
    message = purpose.encode() + b"|" + fold(value).encode()
    return hmac.new(ring.index_key, message, hashlib.sha256).hexdigest()[:32]
