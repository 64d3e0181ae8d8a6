"""What a referral shares: the fields the sender may tick, their snapshot, its encryption.

The sender ticks fields one by one; identity fields are never ticked by default. The values
are read once, when the referral is sent, and stored as one JSON document encrypted under
the referral's own data key, bound to that key by the authenticated context. The names of
the fields shared stay in clear, so that what left the organisation is always known.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from egide.cases.identity import Identity
from egide.cases.models import Case, CaseProfile, PersonLanguage, PersonNationality
from egide.cases.selectors import identity_of
from egide.core import crypto
from egide.core.iso import country_name, language_name
from egide.core.keys import open_data_key
from egide.core.models import DataKey
from egide.support.selectors import needs_of, plan_of

Value = str | list[str]


@dataclass(frozen=True)
class SharedField:
    name: str
    label: str
    identifying: bool
    ticked_by_default: bool


IDENTITY_FIELDS = (
    SharedField("family_name", "Nom de famille", True, False),
    SharedField("given_names", "Prénom(s)", True, False),
    SharedField("aliases", "Autres noms utilisés", True, False),
    SharedField("birth_date", "Date de naissance", True, False),
    SharedField("birth_place", "Lieu de naissance", True, False),
    SharedField("phone", "Téléphone", True, False),
    SharedField("languages", "Langues parlées", True, False),
    SharedField("nationalities", "Nationalité(s)", True, False),
)
CASE_FIELDS = (
    SharedField("sex", "Sexe", False, True),
    SharedField("age_status", "Âge (majeur·e ou mineur·e)", False, True),
    SharedField("exploitation_forms", "Formes d'exploitation", False, True),
    SharedField("administrative_status", "Situation administrative", False, True),
    # Free text written about the person: it may identify them, so it is not ticked by default.
    SharedField("needs", "Évaluation des besoins d'accompagnement", True, False),
)
FIELDS = {f.name: f for f in (*IDENTITY_FIELDS, *CASE_FIELDS)}
IDENTITY_NAMES = frozenset(f.name for f in IDENTITY_FIELDS)


class SharingError(ValueError):
    """Unknown fields asked to be shared; the message is French."""


def check_fields(names: Sequence[str]) -> list[str]:
    """Return the names in catalogue order, without duplicates; refuse unknown ones."""
    unknown = sorted(set(names) - set(FIELDS))
    if unknown:
        raise SharingError(f"Champ(s) à partager inconnu(s) : {', '.join(unknown)}.")
    return [name for name in FIELDS if name in set(names)]


def _identity_value(identity: Identity | None, name: str) -> Value:
    if identity is None:
        return "(identité effacée)"
    if name == "aliases":
        return list(identity.aliases)
    if name == "birth_date":
        return identity.birth_date.display() if identity.birth_date else ""
    return str(getattr(identity, name))


class _Reader:
    """Read the fields of one case, each only when asked, the identity decrypted at most once."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self._identity: tuple[Identity | None] | None = None

    def identity(self) -> Identity | None:
        if self._identity is None:
            try:
                self._identity = (identity_of(self.case.person),)
            except crypto.DecryptionError:
                self._identity = (None,)
        return self._identity[0]

    def read(self, name: str) -> Value:
        case = self.case
        if name in IDENTITY_NAMES and name not in ("languages", "nationalities"):
            return _identity_value(self.identity(), name)
        if name == "languages":
            return [language_name(c) for c in _codes(PersonLanguage, case)]
        if name == "nationalities":
            return [country_name(c) for c in _codes(PersonNationality, case)]
        if name == "sex":
            return str(case.person.get_sex_display())
        if name == "age_status":
            return str(case.get_age_status_display())
        if name == "exploitation_forms":
            return case.form_labels()
        if name == "administrative_status":
            profile = CaseProfile.objects.filter(case=case).first()
            return str(profile.get_administrative_status_display()) if profile else "inconnue"
        return needs_of(plan_of(case))


def _codes(model: Any, case: Case) -> list[str]:
    return sorted(model.objects.filter(person_id=case.person_id).values_list("code", flat=True))


def snapshot(case: Case, names: Sequence[str]) -> dict[str, Value]:
    """Read the values of the fields `names` of the case now, for display as they are."""
    reader = _Reader(case)
    return {name: reader.read(name) for name in check_fields(names)}


def _context(key: DataKey, part: str) -> bytes:
    return f"referral:{key.uid}:{part}".encode()


def seal(key: DataKey, part: str, value: Any) -> bytes:
    """Encrypt a JSON value under the referral's key; `part` names it (« shared », « reason »)."""
    plain = json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
    return crypto.encrypt(open_data_key(key), plain, context=_context(key, part))


def unseal(key: DataKey | None, part: str, token: bytes) -> Any:
    """Decrypt a value sealed by `seal`; raises DecryptionError once the key is destroyed."""
    if key is None:
        raise crypto.DecryptionError("no data key")
    return json.loads(crypto.decrypt(open_data_key(key), bytes(token), context=_context(key, part)))
