"""Normalise identities before encoding, so that the same person written twice encodes alike.

Every function here is total: any Unicode text gives a result, never an exception (the
checks that refuse bad input, with French messages, are `check_birth_date` and `parse_sex`,
used by `egide encode`). Rules, in the order they apply:

- **Accents and case**: Unicode decomposition, combining marks dropped, `casefold()`, and
  the letters that do not decompose (ß, æ, œ, ø, đ, ł, þ…) spelled out; Cyrillic is
  transliterated (Ukrainian and Bulgarian letters included).
- **Hyphens, apostrophes**: a hyphen separates tokens; an apostrophe joins (« N'Guessan » =
  « Nguessan ») except after the elided particles d' and l' (« D'Almeida » = « Almeida »).
- **Particles** (family names only): de, du, des, de la, le, van, von, der, da, dos, di, el,
  al, ben, bin, ibn… are dropped when another token remains, and the tokens are glued:
  « de la Fontaine » → « fontaine », « Lafontaine » → « lafontaine »: their bigrams are
  close, not equal, which is what the Bloom filter measures.
- **Given names**: the first given name is kept as a field; all given names, in any order,
  go into the name-token set with the family name tokens. The set is what lets swapped
  family and given names still link.
- **Transliteration variants**: `phonetic` gives a skeleton key where Mohamed, Mohammed and
  Muhammad agree, as do ou/u, ph/f, y/i, doubled letters, -escu/-esco, -ov/-off, dj/j, kh/h.
- **Dates**: « AAAA », « AAAA-MM », « AAAA-MM-JJ » and the French « JJ/MM/AAAA », « MM/AAAA ».
- **Sex**: F, f, femme, female, W, 2… → female; M, H, homme, male, 1… → male.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Distinct values remembered by each cache below. A register-like million records hold
# about 500 000 distinct family and given names, each normalised by the filters then by the
# tokens: a smaller cache thrashed and normalised every name twice (encoding 71 s, not 41 s).
_NAMES_CACHE = 1 << 20

PARTICLES = frozenset({
    "d", "l", "de", "du", "des", "la", "le", "les", "del", "della", "delle", "dello", "dei", "degli", "di",
    "da", "das", "do", "dos", "van", "von", "der", "den", "ter", "ten", "zu", "el", "al", "ben", "bin",
    "ibn", "bint", "ould",
})  # fmt: skip

_SPECIAL = str.maketrans({
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th",
    "ı": "i", "ħ": "h", "ŧ": "t", "ŋ": "ng", "ĸ": "k", "ſ": "s",
})  # fmt: skip
_CYRILLIC = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ye", "ж": "zh",
    "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ў": "u", "ј": "j", "љ": "lj",
    "њ": "nj", "ћ": "c", "џ": "dz", "ђ": "dj", "ѓ": "g", "ќ": "k", "ѕ": "dz",
})  # fmt: skip
_APOSTROPHES = re.compile(r"['’‘`´ʼʻ′]")
_ELIDED = re.compile(r"(?:^|(?<=\s))([dl])'")
_NOT_WORD = re.compile(r"[\W_]+")

# The phonetic skeleton's rewriting rules, in order (see the module docstring).
_PHONETIC_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"[^a-z]", ""),
        (r"^mc", "mac"),
        (r"tsch|tch", "ch"),
        (r"sch", "sh"),
        (r"dzh|dj|zh", "j"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"kh", "h"),
        (r"gh", "g"),
        (r"ck|q", "k"),
        (r"w", "v"),
        (r"x", "ks"),
        (r"c(?=[eiy])", "s"),
        (r"c(?!h)", "k"),
        (r"esco$", "escu"),
        (r"off$|ow$", "ov"),
        (r"(?<![cs])h", ""),
        (r"[aeiouy]+", "a"),
        (r"(.)\1+", r"\1"),
    )
)


def fold(text: str) -> str:
    """Return `text` lower-case, without accents, Cyrillic transliterated, words separated by one space.

    >>> fold("  Nguyễn Thị-Ánh ")
    'nguyen thi anh'
    >>> fold("N'Guessan"), fold("D'Almeida"), fold("Ольга")
    ('nguessan', 'd almeida', 'olga')
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.casefold().translate(_SPECIAL).translate(_CYRILLIC)
    text = _APOSTROPHES.sub("'", text)
    text = _ELIDED.sub(r"\1 ", text)
    text = text.replace("'", "")
    return " ".join(_NOT_WORD.sub(" ", text).split())


@lru_cache(maxsize=_NAMES_CACHE)
def family_tokens(text: str) -> tuple[str, ...]:
    """Return the tokens of a family name, particles dropped when another token remains.

    >>> family_tokens("de la Fontaine"), family_tokens("Van der Berg-Le Gall")
    (('fontaine',), ('berg', 'gall'))
    >>> family_tokens("Le")
    ('le',)
    """
    tokens = tuple(fold(text).split())
    kept = tuple(token for token in tokens if token not in PARTICLES)
    return kept or tokens


@lru_cache(maxsize=_NAMES_CACHE)
def given_tokens(text: str) -> tuple[str, ...]:
    """Return the given names' tokens in their written order (« Marie-Claire Ana » → marie, claire, ana)."""
    return tuple(fold(text).split())


@lru_cache(maxsize=_NAMES_CACHE)
def phonetic(token: str) -> str:
    """Return the phonetic skeleton of one folded token, where transliteration variants agree.

    >>> [phonetic(n) for n in ("mohamed", "mohammed", "muhammad")]
    ['mamad', 'mamad', 'mamad']
    >>> phonetic("popescu") == phonetic("popesco"), phonetic("oluwaseun") == phonetic("oluwasegun")
    (True, False)
    """
    key, previous = token, None
    # One pass can make new matches (« ddj » → « dj » → « j »): repeat until nothing changes,
    # so that the key of a key is the key itself.
    while key != previous:
        previous = key
        for pattern, replacement in _PHONETIC_RULES:
            key = pattern.sub(replacement, key)
    # Scripts without a Latin rendering (Arabic, Chinese…) keep their letters.
    return key or token


# --- Dates ---------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_FRENCH_DATE = re.compile(r"^(?:(\d{1,2})[/.])?(\d{1,2})[/.](\d{4})$")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class BirthDateError(ValueError):
    """A date of birth cannot be read; the message is French."""


def check_birth_date(text: str) -> str:
    """Return the date as « AAAA », « AAAA-MM » or « AAAA-MM-JJ » ('' when empty), or raise BirthDateError.

    >>> check_birth_date("07/03/1994"), check_birth_date("1994-3"), check_birth_date(" ")
    ('1994-03-07', '1994-03', '')
    """
    text = text.strip()
    if not text:
        return ""
    match = _ISO_DATE.match(text.replace("/", "-"))
    if match:
        year, month, day = match.groups()
    else:
        french = _FRENCH_DATE.match(text)
        if not french:
            raise BirthDateError(f"« {text} » n'est pas une date (AAAA, AAAA-MM, AAAA-MM-JJ ou JJ/MM/AAAA).")
        day, month, year = french.groups()
    if not 1880 <= int(year) <= 2100:
        raise BirthDateError(f"L'année {year} n'est pas plausible.")
    if month is None or int(month) == 0:
        return year
    if int(month) > 12:
        raise BirthDateError(f"Le mois {month} n'existe pas.")
    if day is None or int(day) == 0:
        return f"{year}-{int(month):02d}"
    if int(day) > _DAYS_IN_MONTH[int(month) - 1] or (int(month) == 2 and int(day) == 29 and not _leap(int(year))):
        raise BirthDateError(f"Le {int(day)}/{int(month)}/{year} n'existe pas.")
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@lru_cache(maxsize=100_000)
def birth_date_parts(text: str) -> tuple[str, str, str]:
    """Return (year, month, day) as text, '' for each unknown part; an unreadable date is unknown.

    >>> birth_date_parts("1994-03"), birth_date_parts("n'importe quoi")
    (('1994', '03', ''), ('', '', ''))
    """
    try:
        checked = check_birth_date(text)
    except (BirthDateError, ValueError):
        return ("", "", "")
    parts = [*checked.split("-"), "", ""] if checked else ["", "", ""]
    return (parts[0], parts[1], parts[2])


# --- Sex and country ------------------------------------------------------------------------

_SEX_CODES = {
    "female": ("f", "fe", "fem", "femme", "female", "feminin", "w", "woman", "women", "weiblich", "femenino",
               "femmina", "feminino", "mme", "madame", "fille", "2"),
    "male": ("m", "h", "homme", "male", "masculin", "man", "men", "mannlich", "masculino", "maschio", "garcon",
             "monsieur", "mr", "1"),
    "other": ("x", "autre", "other", "non binaire", "nonbinaire", "divers", "d", "3"),
    "unknown": ("", "inconnu", "inconnue", "unknown", "nc", "nr", "ns", "ne sait pas", "non renseigne", "9", "0"),
}  # fmt: skip
_SEX = {spelling: code for code, spellings in _SEX_CODES.items() for spelling in spellings}


def parse_sex(text: str) -> str | None:
    """Return female, male, other or unknown for the usual spellings, None for an unreadable one.

    >>> parse_sex("F"), parse_sex("Homme"), parse_sex(""), parse_sex("?!")
    ('female', 'male', 'unknown', None)
    """
    if text.strip() in ("", "?", "-", "–"):
        return "unknown"
    folded = fold(text)
    return _SEX.get(folded) if folded else None


@lru_cache(maxsize=10_000)
def sex_code(text: str) -> str:
    """Return female, male or other, and '' when the sex is unknown or unreadable."""
    code = parse_sex(text)
    return "" if code in (None, "unknown") else str(code)


@lru_cache(maxsize=10_000)
def country_code(text: str) -> str:
    """Return an ISO 3166-1 alpha-3 code in capitals, or '' when `text` is not three letters."""
    code = fold(text).upper()
    return code if len(code) == 3 and code.isascii() and code.isalpha() else ""


def clear_caches() -> None:
    """Empty the memoised normalisations (for a benchmark's cold start, or to free memory)."""
    for cached in (family_tokens, given_tokens, phonetic, birth_date_parts, sex_code, country_code):
        cached.cache_clear()


# --- Identities -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonIdentity:
    """The identifying fields of one person, as a data holder wrote them; never leaves the premises."""

    family_name: str = ""
    given_names: str = ""
    birth_date: str = ""  # « AAAA », « AAAA-MM » or « AAAA-MM-JJ »
    sex: str = ""  # female, male, other, unknown or ''
    birth_country: str = ""  # ISO3; the nationality when the country of birth is unknown
    # Other identifying fields, (name, value): encoded only when the parameters' `extra_fields` name them.
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class NormalisedIdentity:
    """The normalised fields the encoder hashes."""

    family: str  # family tokens glued, particles dropped
    given: str  # first given name
    family_key: str  # phonetic skeleton of `family`
    given_key: str  # phonetic skeleton of `given`
    name_tokens: tuple[str, ...]  # sorted set of every family and given name token
    year: str
    month: str
    day: str
    sex: str
    country: str


def normalise(identity: PersonIdentity) -> NormalisedIdentity:
    """Return the normalised fields of `identity`.

    >>> n = normalise(PersonIdentity("de la Fontaine", "Marie-Claire Ana", "1990-04", "F", "fra"))
    >>> n.family, n.given, n.name_tokens, n.year, n.month, n.sex, n.country
    ('fontaine', 'marie', ('ana', 'claire', 'fontaine', 'marie'), '1990', '04', 'female', 'FRA')
    """
    family = family_tokens(identity.family_name)
    given = given_tokens(identity.given_names)
    year, month, day = birth_date_parts(identity.birth_date)
    glued = "".join(family)
    first = given[0] if given else ""
    return NormalisedIdentity(
        family=glued,
        given=first,
        family_key=phonetic(glued) if glued else "",
        given_key=phonetic(first) if first else "",
        name_tokens=tuple(sorted(set(family + given))),
        year=year,
        month=month,
        day=day,
        sex=sex_code(identity.sex),
        country=country_code(identity.birth_country),
    )
