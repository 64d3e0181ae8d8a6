"""ISO 639 languages and ISO 3166 countries, with their French names (from pycountry)."""

import gettext
from functools import cache

import pycountry

from egide.core.text import fold


@cache
def _french(domain: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["fr"], fallback=True)


def canonical_language(code: str) -> str | None:
    """Return the ISO 639-1 code of a language (639-3 where it has none), or None if unknown.

    >>> canonical_language("RUM"), canonical_language("fra"), canonical_language("snk"), canonical_language("zz")
    ('ro', 'fr', 'snk', None)
    """
    word = code.strip().lower()
    found = None
    if len(word) == 2:
        found = pycountry.languages.get(alpha_2=word)
    elif len(word) == 3:
        found = pycountry.languages.get(alpha_3=word) or pycountry.languages.get(bibliographic=word)
    if found is None:
        return None
    return str(getattr(found, "alpha_2", None) or found.alpha_3)


@cache
def language_name(code: str) -> str:
    """Return the French name of an ISO 639 code, capitalised, or the code itself if unknown.

    >>> language_name("en"), language_name("snk"), language_name("zz")
    ('Anglais', 'Soninké', 'zz')
    """
    canonical = canonical_language(code)
    if canonical is None:
        return code
    key = "alpha_2" if len(canonical) == 2 else "alpha_3"
    language = pycountry.languages.get(**{key: canonical})
    name = _french("iso639-3").gettext(language.name) if language is not None else code
    return name[:1].upper() + name[1:]


@cache
def all_language_codes() -> tuple[str, ...]:
    """Every language that has an ISO 639-1 code."""
    return tuple(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


def language_choices(codes: object = None) -> list[tuple[str, str]]:
    """Return (code, French name) pairs sorted by name, accents ignored; all ISO 639-1 by default."""
    if codes is None:
        return _all_language_choices()
    return sorted(((c, language_name(c)) for c in set(codes)), key=lambda pair: fold(pair[1]))  # type: ignore[call-overload]


@cache
def _all_language_choices() -> list[tuple[str, str]]:
    return language_choices(all_language_codes())


@cache
def country_choices() -> list[tuple[str, str]]:
    """Countries by ISO 3166 alpha-3 code, with their French names, in French alphabetical order."""
    names = [(c.alpha_3, _french("iso3166-1").gettext(c.name)) for c in pycountry.countries]
    return sorted(names, key=lambda pair: fold(pair[1]))


@cache
def _country_names() -> dict[str, str]:
    return dict(country_choices())


def country_name(code: str, unknown: str | None = None) -> str:
    """Return the French name of an ISO 3166 alpha-3 code; for another code, `unknown`, else the code itself.

    >>> country_name("NGA"), country_name("ZZZ"), country_name("other", "autre")
    ('Nigeria', 'ZZZ', 'autre')
    """
    return _country_names().get(code, code if unknown is None else unknown)
