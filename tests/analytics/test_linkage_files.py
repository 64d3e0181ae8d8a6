"""Encoded files: CSV, Parquet and JSON round trips, the submission schema, clear errors on bad files."""

import base64
import json

import jsonschema
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from egide_analytics.linkage import (
    HARDENED,
    EncodedFile,
    EncodedFileError,
    Encoder,
    LinkageKey,
    PersonIdentity,
    read_encoded,
    write_encoded,
)
from egide_analytics.submission import json_schema

KEY = LinkageKey.from_bytes(b"0123456789abcdef0123456789abcdef")
PEOPLE = [
    PersonIdentity("Osagie", "Blessing", "1998-05-02", "F", "NGA"),
    PersonIdentity("de la Fontaine", "Marie", "1990", "F", "FRA"),
    PersonIdentity("Popescu", "Ion", "", "M", ""),
]
VARIABLES = [
    {"status": "supported", "sex": "female", "nationality": "NGA", "forms": ["SEXUAL", "BEGGING"]},
    {"status": "identified", "sex": "female"},
    {"status": "supported", "forms": ["LABOUR_OTHER"], "support": ["housing", "legal"]},
]


def encoded_file(variables=VARIABLES) -> EncodedFile:
    return EncodedFile(
        parameters=HARDENED.to_dict(),
        key_fingerprint=KEY.fingerprint,
        holder="Association d'essai",
        year=2025,
        record_ids=["d-1", "d-2", "d-3"],
        encodings=Encoder(KEY).encode(PEOPLE),
        variables=variables,
    )


def assert_same(read: EncodedFile, written: EncodedFile) -> None:
    assert read.record_ids == written.record_ids and read.holder == written.holder and read.year == written.year
    assert read.key_fingerprint == written.key_fingerprint and read.parameters == written.parameters
    assert np.array_equal(read.encodings.clks, written.encodings.clks)
    assert read.encodings.tokens == written.encodings.tokens
    assert [v.get("forms", []) for v in read.variables] == [sorted(v.get("forms", [])) for v in written.variables]
    assert [v["status"] for v in read.variables] == [v["status"] for v in written.variables]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_round_trip(tmp_path, suffix):
    written = encoded_file()
    write_encoded(tmp_path / f"f{suffix}", written)
    assert_same(read_encoded(tmp_path / f"f{suffix}"), written)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_files_without_variables_round_trip(tmp_path, suffix):
    written = encoded_file(variables=[])
    write_encoded(tmp_path / f"f{suffix}", written)
    assert read_encoded(tmp_path / f"f{suffix}").variables == [{}, {}, {}]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_rows_with_the_same_codes_are_read_as_separate_values(tmp_path, suffix):
    same = {"status": "supported", "forms": ["SEXUAL", "BEGGING"]}
    write_encoded(tmp_path / f"f{suffix}", encoded_file(variables=[same, dict(same), {"status": "identified"}]))
    first, second, third = read_encoded(tmp_path / f"f{suffix}").variables
    assert first == second and first["forms"] == ["BEGGING", "SEXUAL"] and third["status"] == "identified"
    first["forms"].append("ORGANS")  # checked once, but each row owns its values
    assert second["forms"] == ["BEGGING", "SEXUAL"]


def test_the_csv_layout(tmp_path):
    write_encoded(tmp_path / "f.csv", encoded_file())
    lines = (tmp_path / "f.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# egide-encodings {")
    header = json.loads(lines[0].removeprefix("# egide-encodings "))
    assert header["key_fingerprint"] == KEY.fingerprint and header["schema_version"] == "1.0"
    assert lines[1].startswith("record_id,clk,tok_name_dob,tok_keys_year,tok_dob_sex,tok_family_dob,status,sex")
    assert "SEXUAL|BEGGING" in lines[2]
    assert len(base64.b64decode(lines[2].split(",")[1])) == HARDENED.filter_bytes


def test_no_name_or_date_leaves_in_the_files(tmp_path):
    for suffix in (".csv", ".parquet"):
        write_encoded(tmp_path / f"f{suffix}", encoded_file())
        content = (tmp_path / f"f{suffix}").read_bytes().lower()
        for word in ("osagie", "blessing", "fontaine", "popescu", "1998-05-02"):
            assert word.encode() not in content


def test_the_submission_json_follows_the_schema_and_round_trips():
    written = encoded_file()
    document = written.to_submission_json()
    jsonschema.validate(document, json_schema())
    assert_same(EncodedFile.from_submission_json(json.loads(json.dumps(document))), written)


def test_a_submission_needs_a_year_and_variables():
    written = encoded_file()
    written.year = None
    with pytest.raises(EncodedFileError, match="année"):
        written.to_submission_json()
    with pytest.raises(EncodedFileError, match="d-1"):
        encoded_file(variables=[]).to_submission_json()


@pytest.fixture
def lines(tmp_path):
    write_encoded(tmp_path / "good.csv", encoded_file())
    return (tmp_path / "good.csv").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda ls: ["bonjour", *ls[1:]], "pas un fichier d'encodages"),
        (lambda ls: ["# egide-encodings {pas du json", *ls[1:]], "Ligne 1"),
        (lambda ls: [ls[0].replace('"1.0"', '"9.9"'), *ls[1:]], "Version de schéma"),
        (lambda ls: [ls[0].replace(KEY.fingerprint, "zz"), *ls[1:]], "Empreinte"),
        (lambda ls: [ls[0], ls[1] + ",nom", *[line + ",Dupont" for line in ls[2:]]], "inconnue"),
        (lambda ls: [*ls[:3], ls[3].replace("d-2", "d-1"), *ls[4:]], "Ligne 4 : identifiant « d-1 » en double"),
        (lambda ls: [*ls[:2], ls[2].replace(ls[2].split(",")[1], "!!!"), *ls[3:]], "Ligne 3, colonne clk"),
        (lambda ls: [*ls[:2], ls[2].replace(ls[2].split(",")[1], "AAAA"), *ls[3:]], "3 octets"),
        (lambda ls: [*ls[:4], ls[4].replace("supported", "perdue")], "Ligne 5, colonne status"),
        (lambda ls: [*ls[:2], ls[2].replace(ls[2].split(",")[2], "xyz"), *ls[3:]], "jeton invalide"),
    ],
)
def test_bad_csv_files_are_refused_naming_the_row(tmp_path, lines, edit, message):
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")
    with pytest.raises(EncodedFileError, match=message):
        read_encoded(path)


def test_bad_parquet_files_are_refused(tmp_path):
    pq.write_table(pa.table({"record_id": ["a"]}), tmp_path / "plain.parquet")
    with pytest.raises(EncodedFileError, match="métadonnées absentes"):
        read_encoded(tmp_path / "plain.parquet")
    (tmp_path / "broken.parquet").write_bytes(b"not parquet")
    with pytest.raises(EncodedFileError, match="Parquet"):
        read_encoded(tmp_path / "broken.parquet")
    with pytest.raises(EncodedFileError, match="introuvable"):
        read_encoded(tmp_path / "absent.csv")
    with pytest.raises(EncodedFileError, match="non pris en charge"):
        write_encoded(tmp_path / "f.txt", encoded_file())
