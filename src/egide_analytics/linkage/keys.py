"""The linkage key: the data holders' shared secret, never given to the observatory.

Whoever holds the key can encode a list of guessed names and compare: the key is what
makes the encodings unusable to the observatory, so it stays with the data holders (a file
on their computer or an environment variable) and only its fingerprint travels, to check
that every file of a linkage was encoded with the same key.
"""

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from pathlib import Path

MIN_KEY_BYTES = 32
DEFAULT_ENV = "EGIDE_LINKAGE_KEY"
_FINGERPRINT_LABEL = b"egide-linkage-fingerprint"


class LinkageKeyError(ValueError):
    """The key is missing, unreadable or too short; the message is French."""


def _decode_text(text: str) -> bytes | None:
    """Return the bytes of a hexadecimal or base64 key written as text, None if it is neither."""
    text = "".join(text.split())
    if not text:
        return None
    try:
        return bytes.fromhex(text)
    except ValueError:
        pass
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


class LinkageKey:
    """A secret of at least 32 bytes; sub-keys for each use are derived from it by HMAC-SHA256."""

    __slots__ = ("_secret", "fingerprint")

    def __init__(self, secret: bytes) -> None:
        if len(secret) < MIN_KEY_BYTES:
            raise LinkageKeyError(
                f"La clé de rapprochement est trop courte : {len(secret)} octets, il en faut au moins {MIN_KEY_BYTES}."
            )
        self._secret = bytes(secret)
        self.fingerprint: str = hmac.new(self._secret, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:16]

    @classmethod
    def from_bytes(cls, secret: bytes) -> "LinkageKey":
        return cls(secret)

    @classmethod
    def generate(cls) -> "LinkageKey":
        """Return a new random key of 32 bytes."""
        return cls(secrets.token_bytes(MIN_KEY_BYTES))

    @classmethod
    def from_text(cls, text: str) -> "LinkageKey":
        """Read a key written in hexadecimal or base64."""
        secret = _decode_text(text)
        if secret is None:
            raise LinkageKeyError("La clé de rapprochement doit être écrite en hexadécimal ou en base64.")
        return cls(secret)

    @classmethod
    def from_file(cls, path: str | Path) -> "LinkageKey":
        """Read a key file: hexadecimal or base64 text, or else raw bytes."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError as error:
            raise LinkageKeyError(f"Fichier de clé introuvable : {path}.") from error
        except OSError as error:
            raise LinkageKeyError(f"Fichier de clé illisible : {path} ({error.strerror}).") from error
        try:
            secret = _decode_text(raw.decode("ascii"))
        except UnicodeDecodeError:
            secret = None
        try:
            return cls(secret if secret is not None else raw)
        except LinkageKeyError as error:
            raise LinkageKeyError(f"{error} (fichier {path})") from None

    @classmethod
    def from_env(cls, name: str = DEFAULT_ENV) -> "LinkageKey":
        """Read a key from an environment variable, in hexadecimal or base64."""
        text = os.environ.get(name, "")
        if not text.strip():
            raise LinkageKeyError(f"La variable d'environnement {name} est absente ou vide : aucune clé.")
        try:
            return cls.from_text(text)
        except LinkageKeyError as error:
            raise LinkageKeyError(f"{error} (variable {name})") from None

    def to_text(self) -> str:
        """Return the key in hexadecimal, as written by `egide encode --new-key`."""
        return self._secret.hex()

    def derive(self, purpose: str) -> bytes:
        """Return the 32-byte sub-key for `purpose`: the Bloom filters, the tokens, the permutation."""
        return hmac.new(self._secret, b"egide-linkage/" + purpose.encode(), hashlib.sha256).digest()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LinkageKey) and hmac.compare_digest(self._secret, other._secret)

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def __repr__(self) -> str:
        # Never the secret itself, even in a traceback.
        return f"LinkageKey(fingerprint={self.fingerprint!r})"
