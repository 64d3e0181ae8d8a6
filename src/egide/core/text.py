"""Text helpers shared by search and imports."""

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Return `text` lower-cased, without accents, punctuation collapsed to single spaces.

    >>> fold("Saint-Étienne-du-Rouvray  (Œuvre)")
    'saint etienne du rouvray oeuvre'
    """
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NON_WORD.sub(" ", ascii_text).strip()
