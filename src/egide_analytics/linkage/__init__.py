"""Privacy-preserving record linkage: count each person once across data holders, without names.

Data holders normalise and encode identities on their premises, with a key the observatory
never holds (`LinkageKey`): keyed Bloom filters (CLK) hardened by balancing and
XOR-folding (salting by the birth year as an option), plus exact keyed tokens (`Encoder`). They send an
`EncodedFile` (CSV, Parquet or the JSON submission): encodings and coded variables, never
a name. Methods: `docs/methods/record-linkage.md`.

>>> from egide_analytics.linkage import Encoder, LinkageKey, PersonIdentity, dice
>>> key = LinkageKey.from_bytes(b"a secret shared by the data holders only")
>>> encoder = Encoder(key)
>>> people = [
...     PersonIdentity("de la Fontaine", "Marie-Claire", "1990-04-12", "F", "FRA"),
...     PersonIdentity("Lafontaine", "Marie", "1990-04-12", "femme", "FRA"),
...     PersonIdentity("Okafor", "Chinedu", "1987", "M", "NGA"),
... ]
>>> encodings = encoder.encode(people)
>>> encodings.clks.shape
(3, 128)
>>> dice(encodings.clks[0], encodings.clks[1]) > 0.8 > dice(encodings.clks[0], encodings.clks[2])
True
>>> encodings.tokens["dob_sex"][0] == encodings.tokens["dob_sex"][1]
True
"""

from egide_analytics.linkage.encoding import (
    FIELD_HASHES,
    HARDENED,
    HARDENED_SALTED,
    HARDENED_UNSALTED,
    PLAIN,
    SCHEME,
    TOKEN_NAMES,
    Encoder,
    EncodingParameters,
    Encodings,
    dice,
)
from egide_analytics.linkage.files import EncodedFile, EncodedFileError, read_encoded, write_encoded
from egide_analytics.linkage.keys import LinkageKey, LinkageKeyError
from egide_analytics.linkage.normalise import (
    BirthDateError,
    NormalisedIdentity,
    PersonIdentity,
    check_birth_date,
    fold,
    normalise,
    parse_sex,
    phonetic,
)

__all__ = [
    "FIELD_HASHES",
    "HARDENED",
    "HARDENED_SALTED",
    "HARDENED_UNSALTED",
    "PLAIN",
    "SCHEME",
    "TOKEN_NAMES",
    "BirthDateError",
    "EncodedFile",
    "EncodedFileError",
    "Encoder",
    "EncodingParameters",
    "Encodings",
    "LinkageKey",
    "LinkageKeyError",
    "NormalisedIdentity",
    "PersonIdentity",
    "check_birth_date",
    "dice",
    "fold",
    "normalise",
    "parse_sex",
    "phonetic",
    "read_encoded",
    "write_encoded",
]

# Matching (linking encodings into persons): blocking, Dice kernel, clustering, evaluation.
from egide_analytics.linkage.blocking import BlockingConfig
from egide_analytics.linkage.dice_kernel import FilterSet, dice_all_pairs, dice_pairs
from egide_analytics.linkage.evaluation import Evaluation, evaluate, evaluate_link
from egide_analytics.linkage.matching import LinkResult, ReviewPair, ReviewPairs, Source, Thresholds, link

__all__ += [
    "BlockingConfig",
    "Evaluation",
    "FilterSet",
    "LinkResult",
    "ReviewPair",
    "ReviewPairs",
    "Source",
    "Thresholds",
    "dice_all_pairs",
    "dice_pairs",
    "evaluate",
    "evaluate_link",
    "link",
]
