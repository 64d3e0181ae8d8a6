"""How a second association writes down the same person: the spelling variants of linkage.

Each operation takes an identity and returns it as another file would hold it, or None
when it does not apply (no accent to drop, no hyphen to change…). Record linkage
(DOMAIN.md §10) must find these persons again without ever comparing names in clear.
"""

import random
import unicodedata
from collections.abc import Callable
from dataclasses import replace

from egide.cases.demo.tables import Naming
from egide.cases.identity import Identity, PartialDate

Variant = Callable[[random.Random, Identity, Naming], Identity | None]

# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"})


def strip_accents(text: str) -> str:
    """Drop the diacritics, keep the letters' case and everything else.

    >>> strip_accents("Ștefănescu Nguyễn Đặng Çela N'Guessan")
    "Stefanescu Nguyen Dang Cela N'Guessan"
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def typo(rng: random.Random, text: str) -> str:
    """Return `text` with one keying mistake: two letters swapped, one dropped or one doubled.

    The text has at least two letters.

    >>> typo(random.Random(3), "Omoregie") != "Omoregie"
    True
    """
    # The initial stays: a capital moved inside the name is not a slip anyone makes.
    letters = [i for i, c in enumerate(text) if c.isalpha() and i > 0]
    for _ in range(10):
        i = rng.choice(letters)
        kind = rng.choice(("swap", "drop", "double"))
        if kind == "swap" and i + 1 < len(text) and text[i + 1].isalpha():
            candidate = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        elif kind == "drop" and len(letters) > 3:
            candidate = text[:i] + text[i + 1 :]
        else:
            candidate = text[: i + 1] + text[i] + text[i + 1 :]
        if candidate != text:
            return candidate
    return text + text[-1]


def _accents(rng: random.Random, identity: Identity, naming: Naming) -> Identity | None:
    family, given = strip_accents(identity.family_name), strip_accents(identity.given_names)
    if (family, given) == (identity.family_name, identity.given_names):
        return None
    return replace(identity, family_name=family, given_names=given)


def _spelling(rng: random.Random, identity: Identity, naming: Naming) -> Identity | None:
    """Use another spelling of the family or given name (transliteration, French rendering)."""
    options = [
        (field, other)
        for field, value in (("family_name", identity.family_name), ("given_names", identity.given_names))
        for other in naming.spellings.get(value, ())
    ]
    if not options:
        return None
    field, other = rng.choice(options)
    if field == "family_name":
        return replace(identity, family_name=other)
    return replace(identity, given_names=other)


def _swap(rng: random.Random, identity: Identity, naming: Naming) -> Identity | None:
    return replace(identity, family_name=identity.given_names, given_names=identity.family_name)


def _typo(rng: random.Random, identity: Identity, naming: Naming) -> Identity | None:
    if rng.random() < 0.6:
        return replace(identity, family_name=typo(rng, identity.family_name))
    return replace(identity, given_names=typo(rng, identity.given_names))


def _separator(rng: random.Random, identity: Identity, naming: Naming) -> Identity | None:
    """Write a compound name with a space instead of a hyphen, or the other way round."""
    given, family = identity.given_names, identity.family_name
    for old, new in (("-", " "), (" ", "-")):
        if old in given:
            return replace(identity, given_names=given.replace(old, new))
        if old in family:
            return replace(identity, family_name=family.replace(old, new))
    return None


def _first_given_name(rng: random.Random, identity: Identity, naming: Naming) -> Identity | None:
    words = identity.given_names.replace("-", " ").split()
    if len(words) < 2:
        return None
    return replace(identity, given_names=words[-1] if naming.language == "vi" else words[0])


def _birth_year_only(rng: random.Random, identity: Identity, naming: Naming) -> Identity | None:
    birth = identity.birth_date
    if birth is None or birth.month is None:
        return None
    return replace(identity, birth_date=PartialDate(birth.year))


def _birth_day_month_inverted(rng: random.Random, identity: Identity, naming: Naming) -> Identity | None:
    """Swap day and month, the usual mistake between French and English date formats."""
    birth = identity.birth_date
    if birth is None or birth.day is None or birth.month is None or birth.day > 12 or birth.day == birth.month:
        return None
    return replace(identity, birth_date=PartialDate(birth.year, birth.day, birth.month))


VARIANTS: dict[str, Variant] = {
    "accents": _accents,
    "spelling": _spelling,
    "swap": _swap,
    "typo": _typo,
    "separator": _separator,
    "first_given_name": _first_given_name,
    "birth_year_only": _birth_year_only,
    "birth_day_month": _birth_day_month_inverted,
}
# Relative frequency of each operation, when it applies.
VARIANT_WEIGHTS = {
    "accents": 4,
    "spelling": 5,
    "swap": 3,
    "typo": 3,
    "separator": 2,
    "first_given_name": 2,
    "birth_year_only": 3,
    "birth_day_month": 1,
}


def vary(rng: random.Random, identity: Identity, naming: Naming) -> tuple[Identity, tuple[str, ...]]:
    """Apply one or two operations that change something; return the identity and their names."""
    wanted = 1 if rng.random() < 0.65 else 2
    names = list(VARIANTS)
    applied: list[str] = []
    while len(applied) < wanted:
        candidates = [n for n in names if n not in applied]
        if not candidates:
            break
        name = rng.choices(candidates, weights=[VARIANT_WEIGHTS[n] for n in candidates])[0]
        changed = VARIANTS[name](rng, identity, naming)
        names.remove(name)
        if changed is not None and changed != identity:
            identity = changed
            applied.append(name)
    return identity, tuple(applied)
