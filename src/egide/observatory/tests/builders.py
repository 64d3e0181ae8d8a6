"""Encoded files as `egide encode` writes them, for the observatory's tests."""

import io
import tempfile
from collections.abc import Sequence
from pathlib import Path

from egide_analytics.linkage import EncodedFile, Encoder, EncodingParameters, LinkageKey, PersonIdentity, write_encoded

PEOPLE = (
    PersonIdentity("Okafor", "Chinedu", "1987-02-11", "male", "NGA"),
    PersonIdentity("Popescu", "Ana Maria", "1998-04-03", "female", "ROU"),
    PersonIdentity("Nguyen", "Thi Lan", "2003-09-30", "female", "VNM"),
    PersonIdentity("Diallo", "Aminata", "1999-12-01", "female", "GIN"),
    PersonIdentity("Kowalski", "Piotr", "1979-07-22", "male", "POL"),
)
VARIABLES = {"status": "supported", "sex": "female", "forms": ["SEXUAL"], "nationality": "NGA"}


def encoded_file(
    key: LinkageKey, people: Sequence[PersonIdentity], year: int, prefix: str = "r", holder: str = "Association"
) -> EncodedFile:
    parameters = EncodingParameters()
    encodings = Encoder(key, parameters).encode(list(people))
    return EncodedFile(
        parameters=parameters.to_dict(),
        key_fingerprint=key.fingerprint,
        holder=holder,
        year=year,
        record_ids=[f"{prefix}{i}" for i in range(len(people))],
        encodings=encodings,
        variables=[dict(VARIABLES, sex=p.sex) for p in people],
    )


def file_bytes(encoded: EncodedFile, suffix: str = ".csv") -> bytes:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"encoded{suffix}"
        write_encoded(path, encoded)
        return path.read_bytes()


def upload(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream
