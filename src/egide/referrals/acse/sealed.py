"""The secrets of Ac.Sé, sealed under their record's own data key.

A shelter's location (commune and address), a request's places to avoid (they tell where
the person comes from) and its note on needs are stored only as AES-256-GCM ciphertexts,
each sealed apart so that a host may read the note without the places ever being opened.
The authenticated context binds each ciphertext to its record and field: a value copied
onto another record does not decrypt.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from egide.core import crypto
from egide.core.keys import open_data_key
from egide.core.models import DataKey
from egide.referrals.acse.vocabulary import AvoidKind, AvoidScope


@dataclass(frozen=True)
class ShelterLocation:
    commune_code: str
    address: str = ""


@dataclass(frozen=True)
class AvoidPlace:
    """A place to avoid: a commune (INSEE code) or a whole département (its code)."""

    kind: str
    scope: str
    code: str

    @property
    def kind_label(self) -> str:
        return str(AvoidKind(self.kind).label)

    @property
    def is_departement(self) -> bool:
        return self.scope == AvoidScope.DEPARTEMENT


def _context(record_uid: Any, name: str) -> bytes:
    return f"acse|{record_uid}|{name}".encode()


def _seal(key: DataKey, record_uid: Any, name: str, value: dict[str, Any]) -> bytes:
    plain = json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
    return crypto.encrypt(open_data_key(key), plain, context=_context(record_uid, name))


def _open(key: DataKey, record_uid: Any, name: str, token: bytes) -> dict[str, Any]:
    plain = crypto.decrypt(open_data_key(key), bytes(token), context=_context(record_uid, name))
    value: dict[str, Any] = json.loads(plain)
    return value


def seal_location(key: DataKey, shelter_uid: Any, location: ShelterLocation) -> bytes:
    return _seal(key, shelter_uid, "location", {"commune": location.commune_code, "address": location.address})


def open_location(key: DataKey, shelter_uid: Any, token: bytes) -> ShelterLocation:
    value = _open(key, shelter_uid, "location", token)
    return ShelterLocation(value["commune"], value.get("address", ""))


def seal_places(key: DataKey, request_uid: Any, places: Sequence[AvoidPlace]) -> bytes:
    value = {"places": [{"kind": p.kind, "scope": p.scope, "code": p.code} for p in places]}
    return _seal(key, request_uid, "places", value)


def open_places(key: DataKey, request_uid: Any, token: bytes) -> tuple[AvoidPlace, ...]:
    value = _open(key, request_uid, "places", token)
    return tuple(AvoidPlace(p["kind"], p["scope"], p["code"]) for p in value["places"])


def seal_note(key: DataKey, request_uid: Any, note: str) -> bytes:
    return _seal(key, request_uid, "needs_note", {"note": note})


def open_note(key: DataKey, request_uid: Any, token: bytes) -> str:
    return str(_open(key, request_uid, "needs_note", token)["note"])
