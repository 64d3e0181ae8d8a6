"""`egide encode`: a holder's CSV or XLSX in, encodings and coded variables out, never a name."""

import io
import json
import stat

import openpyxl
import pytest

from egide.cli import main, parse
from egide_analytics.linkage import LinkageKey, read_encoded
from egide_analytics.linkage.encode_command import run

KEY = LinkageKey.from_bytes(b"0123456789abcdef0123456789abcdef")
HEADER = ["Dossier", "NOM", "Prénom", "Naissance", "Sexe", "Pays", "Situation", "Formes"]
ROWS = [
    ["2025-001", "de la Fontaine", "Marie-Claire", "12/04/1990", "F", "FRA", "Accompagnée", "Prostitution"],
    ["2025-002", "Osagie", "Blessing", "1998-05", "femme", "NGA", "Repérée", "Prostitution|Mendicité"],
    ["2025-003", "Popescu", "Ion", "1985", "H", "ROU", "Accompagnée", "Travail"],
]
CONFIG = """
holder: Association d'essai
year: 2025
columns:
  record_id: Dossier
  family_name: NOM
  given_names: Prénom
  birth_date: Naissance
  sex: Sexe
  birth_country: Pays
  status: Situation
  forms: Formes
values:
  status: {Accompagnée: supported, Repérée: identified}
  forms: {Prostitution: SEXUAL, Mendicité: BEGGING, Travail: LABOUR_OTHER}
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "cle.txt").write_text(KEY.to_text())
    (tmp_path / "config.yaml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def write_csv(path, rows, delimiter=";", encoding="utf-8-sig"):
    lines = [delimiter.join(row) for row in [HEADER, *rows]]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def write_xlsx(path, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    workbook.save(path)
    return path


def encode(files, source, output="sortie.csv", *extra, **options):
    out, err = io.StringIO(), io.StringIO()
    args = {"key_file": str(files / "cle.txt"), "config": str(files / "config.yaml"), **options}
    code = run(str(source), str(files / output), out=out, err=err, **args)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("delimiter", "encoding"), [(";", "utf-8-sig"), (",", "utf-8"), (";", "cp1252")])
def test_csv_in_any_delimiter_and_encoding(files, delimiter, encoding):
    source = write_csv(files / "victimes.csv", ROWS, delimiter, encoding)
    code, out, err = encode(files, source)
    assert code == 0, err
    assert "Enregistrements encodés : 3" in out and KEY.fingerprint in out
    encoded = read_encoded(files / "sortie.csv")
    assert encoded.record_ids == ["2025-001", "2025-002", "2025-003"]
    assert encoded.holder == "Association d'essai" and encoded.year == 2025
    assert encoded.variables[1]["forms"] == ["BEGGING", "SEXUAL"] and encoded.variables[1]["status"] == "identified"
    assert encoded.variables[0]["sex"] == "female" and encoded.variables[2]["sex"] == "male"
    assert encoded.variables[2]["age_group"] == "35-44"


def test_xlsx_with_real_dates_and_parquet_output(files):
    import datetime as dt

    rows = [list(row) for row in ROWS]
    rows[0][3] = dt.datetime(1990, 4, 12)
    source = write_xlsx(files / "victimes.xlsx", rows)
    code, _, err = encode(files, source, "sortie.parquet")
    assert code == 0, err
    from_xlsx = read_encoded(files / "sortie.parquet")
    write_csv(files / "victimes.csv", ROWS)
    encode(files, files / "victimes.csv", "depuis-csv.csv")
    from_csv = read_encoded(files / "depuis-csv.csv")
    assert (from_xlsx.encodings.clks == from_csv.encodings.clks).all()


def test_no_name_or_date_of_birth_in_the_output(files):
    source = write_csv(files / "victimes.csv", ROWS)
    secrets = ["fontaine", "marie-claire", "osagie", "blessing", "popescu", "12/04/1990", "1990-04-12", "1998-05"]
    for output in ("sortie.csv", "sortie.parquet", "sortie.json"):
        assert encode(files, source, output)[0] == 0
        content = (files / output).read_bytes().lower()
        for secret in secrets:
            assert secret.encode() not in content, (output, secret)


def test_every_bad_row_is_reported_and_nothing_is_written(files):
    rows = [*ROWS,
            ["2025-004", "Okafor", "Joy", "31/02/1990", "F", "NGA", "Accompagnée", ""],
            ["2025-005", "Ivanova", "Maria", "1991", "zz", "BG", "Perdue", "Prostitution"],
            ["2025-001", "Li", "Mei", "1999", "F", "CHN", "Accompagnée", "Cuisine"],
            ["2025-007", "", "", "1999", "F", "CHN", "Accompagnée", ""]]  # fmt: skip
    source = write_csv(files / "victimes.csv", rows)
    code, _, err = encode(files, source)
    assert code == 1 and not (files / "sortie.csv").exists()
    assert "Ligne 5, colonne « Naissance » : Le 31/2/1990 n'existe pas." in err
    assert "Ligne 6, colonne « Sexe » : « zz » n'est pas un sexe" in err
    assert "Ligne 6, colonne « Pays » : « BG » n'est pas un code pays" in err
    assert "Ligne 7, colonne « Dossier » : identifiant déjà utilisé ligne 2." in err
    assert "Ligne 7, colonne « Formes » : « Cuisine » n'est pas une valeur" in err
    assert "Ligne 8 : ni nom ni prénom" in err
    assert "aucun fichier écrit" in err


def test_valid_rows_are_written_when_asked(files):
    source = write_csv(
        files / "victimes.csv", [*ROWS, ["2025-004", "Okafor", "Joy", "1990-13", "F", "NGA", "Repérée", ""]]
    )
    code, out, _ = encode(files, source, import_valid_rows=True)
    assert code == 0 and "Lignes en erreur        : 1" in out
    assert read_encoded(files / "sortie.csv").record_ids == ["2025-001", "2025-002", "2025-003"]


def test_mapping_on_the_command_line_and_usual_headers(files):
    header = ["Nom", "Prénoms", "Date de naissance", "Sexe", "Nationalité", "Statut"]
    lines = [";".join(header), "Osagie;Blessing;1998-05-02;F;NGA;supported", "Li;Mei;2001;F;CHN;identified"]
    (files / "simple.csv").write_text("\n".join(lines), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = run(str(files / "simple.csv"), str(files / "s.csv"), key_file=str(files / "cle.txt"), holder="A",
               year=2025, maps=["status=Statut"], out=out, err=err)  # fmt: skip
    assert code == 0, err.getvalue()
    encoded = read_encoded(files / "s.csv")
    assert encoded.variables[0]["nationality"] == "NGA" and encoded.variables[0]["region_of_origin"] != "unknown"
    assert encoded.variables[1]["status"] == "identified"


def test_a_record_id_holding_the_name_is_refused(files):
    source = write_csv(
        files / "victimes.csv", [["OSAGIE-1998", "Osagie", "Blessing", "1998", "F", "NGA", "Repérée", ""]]
    )
    code, _, err = encode(files, source)
    assert code == 1 and "l'identifiant contient le nom" in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"maps": ["family_name=Absente"]}, "Colonne « Absente »"),
        ({"maps": ["pointure=NOM"]}, "Champ(s) inconnu(s) : pointure"),
        ({"key_file": "/nonexistent/cle"}, "Fichier de clé introuvable"),
        ({"config": "/nonexistent.yaml"}, "Fichier de configuration illisible"),
        ({"year": 1800}, "Année 1800 invalide"),
    ],
)
def test_configuration_errors(files, options, message):
    source = write_csv(files / "victimes.csv", ROWS)
    code, _, err = encode(files, source, **options)
    assert code == 1 and message in err


def test_status_is_required_and_can_be_set_for_every_row(files):
    lines = ["Nom;Prénom", "Osagie;Blessing"]
    (files / "s.csv").write_text("\n".join(lines), encoding="utf-8")
    common = {"key_file": str(files / "cle.txt"), "holder": "A", "err": io.StringIO(), "out": io.StringIO()}
    assert run(str(files / "s.csv"), str(files / "o.csv"), **common) == 1
    assert "--set status=supported" in common["err"].getvalue()
    assert run(str(files / "s.csv"), str(files / "o.csv"), sets=["status=supported"], **common) == 0


def test_key_from_the_environment_and_new_keys(files, monkeypatch):
    new = files / "nouvelle-cle.txt"
    assert run(None, None, new_key=str(new), out=io.StringIO(), err=io.StringIO()) == 0
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    err = io.StringIO()
    assert run(None, None, new_key=str(new), out=io.StringIO(), err=err) == 1 and "jamais écrasée" in err.getvalue()
    monkeypatch.setenv("EGIDE_LINKAGE_KEY", new.read_text())
    source = write_csv(files / "victimes.csv", ROWS)
    code, out, _ = encode(files, source, key_file=None)
    assert code == 0 and LinkageKey.from_file(new).fingerprint in out


def test_plain_encodings_only_when_asked(files):
    source = write_csv(files / "victimes.csv", ROWS)
    code, out, err = encode(files, source, plain=True)
    assert code == 0 and "NON durcis" in err and "AUCUN (--plain)" in out
    assert read_encoded(files / "sortie.csv").parameters["balance"] is False
    code, out, _ = encode(files, source, "durci.csv")
    parameters = read_encoded(files / "durci.csv").parameters
    assert parameters["balance"] is True and parameters["salt"] is None and "salage" not in out
    code, out, _ = encode(files, source, "sale.csv", salted=True)
    assert code == 0 and "salage par l'année de naissance" in out
    assert read_encoded(files / "sale.csv").parameters["salt"] == "birth_year"
    code, _, err = encode(files, source, "refus.csv", plain=True, salted=True)
    assert code == 1 and "s'excluent" in err and not (files / "refus.csv").exists()


def test_the_json_output_is_a_submission(files):
    source = write_csv(files / "victimes.csv", ROWS)
    assert encode(files, source, "sortie.json")[0] == 0
    document = json.loads((files / "sortie.json").read_text(encoding="utf-8"))
    assert document["schema_version"] == "1.0" and len(document["records"]) == 3


def test_the_egide_command_line_wires_the_options():
    args = parse(["encode", "in.csv", "-o", "out.csv", "--key-file", "k", "--holder", "A", "--year", "2025",
                  "--map", "family_name=NOM", "--map", "status=S", "--set", "forms=SEXUAL", "--plain",
                  "--salt-birth-year"])  # fmt: skip
    assert args.input == "in.csv" and args.output == "out.csv" and args.map == ["family_name=NOM", "status=S"]
    assert args.set == ["forms=SEXUAL"] and args.plain and args.salt_birth_year and args.year == 2025


def test_egide_encode_runs_end_to_end(files, capsys):
    source = write_csv(files / "victimes.csv", ROWS)
    code = main(["encode", str(source), "-o", str(files / "out.csv"), "--key-file", str(files / "cle.txt"),
                 "--config", str(files / "config.yaml"), "--holder", "Autre nom"])  # fmt: skip
    assert code == 0 and "Enregistrements encodés : 3" in capsys.readouterr().out
    assert read_encoded(files / "out.csv").holder == "Autre nom"
