"""`egide link`: encoded files in, person clusters out; bad inputs refused in French."""

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from egide.cli import main
from egide_analytics.linkage import HARDENED, PLAIN, EncodedFile, Encoder, LinkageKey, PersonIdentity, write_encoded
from egide_analytics.linkage.link_command import EXIT_BAD_INPUT, EXIT_OK, run

KEY = LinkageKey.from_bytes(b"command tests: the data holders' shared secret")
OTHER_KEY = LinkageKey.from_bytes(b"command tests: another secret, not shared at all")

HOLDER_A = [
    ("a1", PersonIdentity("Dupont", "Marie", "1990-04-12", "F", "FRA")),
    ("a2", PersonIdentity("Okafor", "Chinedu", "1987-02-03", "M", "NGA")),
    ("a3", PersonIdentity("Popescu", "Ioana", "2001-07-09", "F", "ROU")),
    ("a4", PersonIdentity("Dupont", "Marie", "1990-04-12", "F", "FRA")),  # a duplicate inside the holder
]
HOLDER_B = [
    ("b1", PersonIdentity("Dupond", "Marie", "1990-04-12", "F", "FRA")),
    ("b2", PersonIdentity("Popescou", "Ioanna", "2001-07-09", "F", "ROU")),
    ("b3", PersonIdentity("Haddad", "Nadia", "1975-05-21", "F", "MAR")),
]
PERSONS = {"a1": "p1", "a4": "p1", "b1": "p1", "a2": "p2", "a3": "p3", "b2": "p3", "b3": "p4"}


def write_holder(
    path: Path, records: list[tuple[str, PersonIdentity]], key: LinkageKey = KEY, **kwargs: object
) -> Path:
    parameters = kwargs.get("parameters", HARDENED)
    encodings = Encoder(key, parameters).encode([identity for _, identity in records])  # type: ignore[arg-type]
    encoded = EncodedFile(
        parameters=parameters.to_dict(),  # type: ignore[attr-defined]
        key_fingerprint=key.fingerprint,
        holder=path.stem,
        year=2024,
        record_ids=[record_id for record_id, _ in records],
        encodings=encodings,
    )
    write_encoded(path, encoded)
    return path


@pytest.fixture
def holders(tmp_path: Path) -> tuple[Path, Path]:
    return write_holder(tmp_path / "asso-a.csv", HOLDER_A), write_holder(tmp_path / "asso-b.parquet", HOLDER_B)


def test_link_writes_one_cluster_per_person(holders: tuple[Path, Path], tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    clusters = tmp_path / "groupes.csv"
    assert run(holders, output=clusters, out=out, err=err) == EXIT_OK
    with clusters.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["record_id"], row["source"]) for row in rows] == [
        ("a1", "asso-a.csv"), ("a2", "asso-a.csv"), ("a3", "asso-a.csv"), ("a4", "asso-a.csv"),
        ("b1", "asso-b.parquet"), ("b2", "asso-b.parquet"), ("b3", "asso-b.parquet"),
    ]  # fmt: skip
    cluster = {row["record_id"]: row["cluster_id"] for row in rows}
    for a in PERSONS:
        for b in PERSONS:
            assert (cluster[a] == cluster[b]) == (PERSONS[a] == PERSONS[b]), (a, b)
    assert "Personnes distinctes (groupes) : 4" in out.getvalue()


def test_evaluation_mode_prints_precision_recall_and_f1(holders: tuple[Path, Path], tmp_path: Path) -> None:
    truth = tmp_path / "verite.csv"
    lines = ["source,record_id,person_id"]
    lines += [f"{'asso-a' if r.startswith('a') else 'asso-b.parquet'},{r},{p}" for r, p in PERSONS.items()]
    truth.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    assert run(holders, truth=truth, as_json=True, out=out, err=io.StringIO()) == EXIT_OK
    evaluation = json.loads(out.getvalue())["evaluation"]
    assert (evaluation["precision"], evaluation["recall"], evaluation["f1"]) == (1.0, 1.0, 1.0)
    assert evaluation["true_pairs"] == 4  # a1-a4, a1-b1, a4-b1, a3-b2
    text = io.StringIO()
    assert run(holders, truth=truth, out=text, err=io.StringIO()) == EXIT_OK
    assert "précision 1.0000" in text.getvalue() and "F1        1.0000" in text.getvalue()


def test_review_band_pairs_are_written_and_not_merged(holders: tuple[Path, Path], tmp_path: Path) -> None:
    pairs, clusters = tmp_path / "paires.csv", tmp_path / "groupes.csv"
    # A match threshold of 1 merges only identical filters and pairs corroborated by exact
    # tokens: Dupont / Dupond (other phonetic keys) falls in the review band.
    code = run(holders, output=clusters, match=1.0, review=0.75, review_output=pairs, out=io.StringIO(),
               err=io.StringIO())  # fmt: skip
    assert code == EXIT_OK
    with pairs.open(newline="") as handle:
        reviewed = {(row["record_id_a"], row["record_id_b"]) for row in csv.DictReader(handle)}
    assert ("a1", "b1") in reviewed
    with clusters.open(newline="") as handle:
        cluster = {row["record_id"]: row["cluster_id"] for row in csv.DictReader(handle)}
    assert cluster["a1"] == cluster["a4"] != cluster["b1"]
    # Popescu / Popescou: same date of birth, sex and phonetic names, merged from match_corroborated.
    assert cluster["a3"] == cluster["b2"]


def test_files_encoded_with_another_key_are_refused(tmp_path: Path) -> None:
    a = write_holder(tmp_path / "a.csv", HOLDER_A)
    b = write_holder(tmp_path / "b.csv", HOLDER_B, key=OTHER_KEY)
    err = io.StringIO()
    assert run([a, b], output=tmp_path / "g.csv", out=io.StringIO(), err=err) == EXIT_BAD_INPUT
    assert "autre clé de rapprochement" in err.getvalue()
    assert not (tmp_path / "g.csv").exists()


def test_files_encoded_with_other_parameters_are_refused(tmp_path: Path) -> None:
    a = write_holder(tmp_path / "a.csv", HOLDER_A)
    b = write_holder(tmp_path / "b.csv", HOLDER_B, parameters=PLAIN)
    err = io.StringIO()
    assert run([a, b], output=tmp_path / "g.csv", out=io.StringIO(), err=err) == EXIT_BAD_INPUT
    assert "autres paramètres" in err.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("source,record_id\nasso-a,a1\n", "colonne(s) manquante(s) : person_id"),
        ("source,record_id,person_id\ninconnue,a1,p1\n", "ligne 2 : source « inconnue » inconnue"),
        ("source,record_id,person_id\nasso-a,,p1\n", "ligne 2 : record_id et person_id sont obligatoires"),
    ],
)
def test_a_bad_truth_file_is_refused_with_its_line(
    holders: tuple[Path, Path], tmp_path: Path, content: str, message: str
) -> None:
    truth = tmp_path / "verite.csv"
    truth.write_text(content, encoding="utf-8")
    err = io.StringIO()
    assert run(holders, truth=truth, out=io.StringIO(), err=err) == EXIT_BAD_INPUT
    assert message in err.getvalue()


def test_bad_inputs_are_refused_in_french(holders: tuple[Path, Path], tmp_path: Path) -> None:
    not_encoded = tmp_path / "noms.csv"
    not_encoded.write_text("nom,prenom\nDupont,Marie\n", encoding="utf-8")
    groups = tmp_path / "g.csv"
    cases: list[tuple[list[Path], dict[str, Any], str]] = [
        ([tmp_path / "absent.csv"], {"output": groups}, "introuvable"),
        ([not_encoded], {"output": groups}, "noms.csv"),
        (list(holders), {}, "Indiquez le fichier des groupes"),
        (list(holders), {"output": groups, "match": 0.5, "review": 0.9}, "Seuils invalides"),
        ([holders[0], holders[0]], {"output": groups}, "Deux fichiers portent le nom"),
    ]
    for paths, options, message in cases:
        err = io.StringIO()
        assert run(paths, out=io.StringIO(), err=err, **options) == EXIT_BAD_INPUT
        assert message in err.getvalue(), err.getvalue()
    assert not groups.exists()


def test_the_egide_command_runs_link_without_django(holders: tuple[Path, Path], tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    clusters = tmp_path / "groupes.csv"
    code = main(["link", str(holders[0]), str(holders[1]), "-o", str(clusters), "--match", "0.8", "--json"])
    assert code == EXIT_OK
    assert json.loads(capsys.readouterr().out)["clusters"] == 4
    assert clusters.exists()
