"""The identity of a person, as a value object that is only ever stored encrypted.

The identity travels as JSON inside one AES-256-GCM ciphertext, bound to its person and
field by the authenticated context, so that a ciphertext copied onto another person does
not decrypt. Search goes through keyed blind indexes of the normalised name and of the
date of birth, never through the clear values.
"""

import calendar
import json
import re
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from egide.core import crypto
from egide.core.text import fold

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MIN_YEAR = 1900
MAX_YEAR = 2100


class IdentityError(ValueError):
    """An identity value is invalid; the message is French and names the field."""


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date of which only the year, or the year and month, may be known."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise IdentityError(f"Année {self.year} hors de la plage {MIN_YEAR}–{MAX_YEAR}.")
        if self.month is None and self.day is not None:
            raise IdentityError("Un jour sans mois n'est pas une date : indiquez AAAA-MM-JJ.")
        if self.month is not None and not 1 <= self.month <= 12:
            raise IdentityError(f"Mois {self.month} invalide : il va de 01 à 12.")
        if self.day is not None and self.month is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise IdentityError(f"Jour {self.day} invalide : ce mois compte {last} jours.")

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Parse « AAAA », « AAAA-MM » or « AAAA-MM-JJ »."""
        match = _PARTIAL_DATE.match(text.strip())
        if match is None:
            raise IdentityError(f"« {text.strip()} » n'est pas une date au format AAAA, AAAA-MM ou AAAA-MM-JJ.")
        year, month, day = (int(part) if part else None for part in match.groups())
        assert year is not None
        return cls(year, month, day)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def display(self) -> str:
        """Return the date the French way: « 14/03/1990 », « 03/1990 » or « 1990 »."""
        return "/".join(f"{p:02d}" for p in (self.day, self.month) if p is not None) + (
            f"/{self.year}" if self.month is not None else str(self.year)
        )


@dataclass(frozen=True)
class IdentityDocument:
    kind: str
    number: str


@dataclass(frozen=True)
class Identity:
    """What identifies a person. Every field may be unknown (empty)."""

    family_name: str = ""
    given_names: str = ""
    aliases: tuple[str, ...] = ()
    birth_date: PartialDate | None = None
    birth_place: str = ""
    phone: str = ""
    address: str = ""
    identity_documents: tuple[IdentityDocument, ...] = field(default=())

    def display_name(self) -> str:
        """Return « POPESCU Ana-Maria », the usual way of writing names in a file."""
        return " ".join(p for p in (self.family_name.upper(), self.given_names) if p) or "(nom inconnu)"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["birth_date"] = str(self.birth_date) if self.birth_date else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Identity":
        """Rebuild an identity; keys of older versions (« nationalities », now in clear) are ignored."""
        birth = data.get("birth_date")
        return cls(
            family_name=data.get("family_name", ""),
            given_names=data.get("given_names", ""),
            aliases=tuple(data.get("aliases", ())),
            birth_date=PartialDate.parse(birth) if birth else None,
            birth_place=data.get("birth_place", ""),
            phone=data.get("phone", ""),
            address=data.get("address", ""),
            identity_documents=tuple(IdentityDocument(**d) for d in data.get("identity_documents", ())),
        )


def field_context(person_uid: uuid.UUID, name: str) -> bytes:
    return f"person:{person_uid}:{name}".encode()


def encrypt_identity(identity: Identity, data_key: bytes, person_uid: uuid.UUID) -> bytes:
    plain = json.dumps(identity.to_dict(), ensure_ascii=False, sort_keys=True).encode()
    return crypto.encrypt(data_key, plain, context=field_context(person_uid, "identity"))


def decrypt_identity(token: bytes, data_key: bytes, person_uid: uuid.UUID) -> Identity:
    """Return the identity; raises DecryptionError for a wrong key, person or tampered data."""
    plain = crypto.decrypt(data_key, bytes(token), context=field_context(person_uid, "identity"))
    return Identity.from_dict(json.loads(plain))


def encrypt_display_name(identity: Identity, data_key: bytes, person_uid: uuid.UUID) -> bytes:
    """Encrypt the name shown in lists, apart from the rest of the identity."""
    return crypto.encrypt(data_key, identity.display_name().encode(), context=field_context(person_uid, "display_name"))


def decrypt_display_name(token: bytes, data_key: bytes, person_uid: uuid.UUID) -> str:
    """Return the name shown in lists; raises DecryptionError like `decrypt_identity`."""
    return crypto.decrypt(data_key, bytes(token), context=field_context(person_uid, "display_name")).decode()


def name_tokens(text: str) -> str:
    """Return the folded name words in alphabetical order, so that word order does not matter.

    >>> name_tokens("POPESCU Ana-Maria") == name_tokens("ana maria Popescu")
    True
    """
    return " ".join(sorted(fold(text).split()))


def name_index(family_name: str, given_names: str, organisation_id: int) -> str:
    """Return the blind index of a full name; empty when no name is known.

    The organisation is part of the purpose, so that the same person in two organisations
    has unrelated tokens: a database dump does not link files across organisations.
    """
    tokens = name_tokens(f"{family_name} {given_names}")
    return crypto.blind_index(tokens, purpose=f"person.name:{organisation_id}") if tokens else ""


def birth_index(birth_date: PartialDate | None, organisation_id: int) -> str:
    if birth_date is None:
        return ""
    return crypto.blind_index(str(birth_date), purpose=f"person.birth:{organisation_id}")


def birth_year_index(birth_date: PartialDate | None, organisation_id: int) -> str:
    """Return the blind index of the year of birth alone, for searches by year."""
    if birth_date is None:
        return ""
    return crypto.blind_index(str(birth_date.year), purpose=f"person.birth_year:{organisation_id}")


def name_indexes(identity: Identity, organisation_id: int) -> set[str]:
    """Return the blind indexes of the full name and of each alias, under the same purpose as `name_index`.

    A search computes one token and finds the person by any of the names they use.
    """
    tokens = {name_index(identity.family_name, identity.given_names, organisation_id)}
    tokens |= {name_index(alias, "", organisation_id) for alias in identity.aliases}
    return tokens - {""}
