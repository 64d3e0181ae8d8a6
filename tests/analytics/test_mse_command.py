"""`egide estimate-population`: French report, JSON, exit codes, and no Django needed."""

import json
import subprocess
import sys

import pytest

from egide.cli import main
from egide_analytics.mse.datasets import UK_2013_LISTS, UK_2013_ROWS


@pytest.fixture
def uk_csv(tmp_path):
    path = tmp_path / "uk.csv"
    lines = [";".join([*UK_2013_LISTS, "count"])]
    lines += [";".join([*(str(value) for value in row), str(count)]) for row, count in UK_2013_ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_text_report_in_french(uk_csv, capsys):
    assert main(["estimate-population", str(uk_csv)]) == 0
    out = capsys.readouterr().out
    assert "Personnes observées : 2\u202f744" in out
    assert "Méthode : pas à pas de Chan, Silverman & Vincent (2021), seuil p < 0,02" in out
    assert "Modèle retenu : effets principaux + " in out
    assert "Population totale estimée : 11\u202f418" in out
    assert "vraisemblance profilée" in out
    assert "relancer avec --bootstrap 1000" in out


def test_json_report_with_bootstrap(uk_csv, capsys):
    assert main(["estimate-population", str(uk_csv), "--method", "bic", "--bootstrap", "30", "--seed", "5",
                 "--json"]) == 0  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "ok" and data["method"] == "bic"
    assert data["observed"] == 2744
    assert 10_000 < data["estimate"] < 14_000
    assert data["interval"]["kind"] == "bca"
    assert data["interval"]["lower"] < data["estimate"] < data["interval"]["upper"]
    assert data["bootstrap"]["replicates"] == 30 and data["bootstrap"]["seed"] == 5
    assert all(len(pair) == 2 for pair in data["model"]["interactions"])


def test_too_sparse_lists_print_no_number_and_exit_3(tmp_path, capsys):
    path = tmp_path / "apart.csv"
    path.write_text("A,B,count\n1,0,30\n0,1,20\n", encoding="utf-8")
    assert main(["estimate-population", str(path), "--json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "too_sparse"
    assert data["estimate"] is None and data["interval"] is None
    assert main(["estimate-population", str(path)]) == 3
    out = capsys.readouterr().out
    assert "Estimation impossible : listes trop clairsemées" in out
    assert "Population totale" not in out


def test_invalid_table_reports_each_problem_in_french_and_exits_1(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("A,B,count\n1,0,3\n2,1,4\n", encoding="utf-8")
    assert main(["estimate-population", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"Erreur : tableau {path} invalide." in err
    assert "ligne 3, colonne « A » : valeur « 2 » : 0 (absent) ou 1 (présent) est attendu." in err


def test_unbounded_interval_is_null_in_strict_json(tmp_path, capsys):
    path = tmp_path / "thin.csv"
    path.write_text("A,B,count\n1,0,30\n0,1,20\n1,1,1\n", encoding="utf-8")
    assert main(["estimate-population", str(path), "--bootstrap", "100", "--seed", "3", "--json"]) == 0

    def refuse(constant):
        raise AssertionError(f"{constant} is not JSON")

    data = json.loads(capsys.readouterr().out, parse_constant=refuse)
    assert data["interval"]["upper"] is None
    assert "bootstrap_failed" in [warning["code"] for warning in data["warnings"]]


@pytest.mark.parametrize(("option", "value"), [("--bootstrap", "-1"), ("--seed", "-4")])
def test_negative_options_are_refused_in_french(uk_csv, capsys, option, value):
    assert main(["estimate-population", str(uk_csv), option, value]) == 1
    assert "attend un" in capsys.readouterr().err


def test_the_command_runs_without_django(uk_csv):
    script = (
        "import sys; sys.modules['django'] = None\n"  # any import of Django now fails
        "from egide.cli import main\n"
        f"sys.exit(main(['estimate-population', {str(uk_csv)!r}, '--json']))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)  # noqa: S603
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["observed"] == 2744
