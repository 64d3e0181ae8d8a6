"""The `egide` command: argument parsing, `audit verify`, imports, and the demo on a fresh database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from egide import cli
from egide.core.models import AuditEvent
from egide.core.tests.audit_helpers import append_events, tamper

# --- Parsing -------------------------------------------------------------------------------


def test_serve_options_are_parsed() -> None:
    args = cli.build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9000", "--workers", "3"])  # noqa: S104
    assert (args.handler, args.host, args.port, args.workers) == (cli.run_serve, "0.0.0.0", 9000, 3)  # noqa: S104


def test_demo_defaults_to_port_8000_with_server() -> None:
    args = cli.build_parser().parse_args(["demo"])
    assert (args.handler, args.port, args.no_server) == (cli.run_demo, 8000, False)


def test_import_takes_the_dataset_the_file_and_the_flags() -> None:
    args = cli.build_parser().parse_args(
        ["import", "organisations", "annuaire.xlsx", "--dry-run", "--import-valid-rows", "--as", "a@example.org"]
    )
    assert (args.dataset, args.file, args.dry_run, args.import_valid_rows, args.acting_as) == (
        "organisations", "annuaire.xlsx", True, True, "a@example.org",
    )  # fmt: skip


def test_manage_passes_every_argument_through() -> None:
    args = cli.parse(["manage", "check", "--deploy", "--fail-level", "WARNING"])
    assert (args.handler, args.args) == (cli.run_manage, ["check", "--deploy", "--fail-level", "WARNING"])


def test_migrate_passes_leading_options_through() -> None:
    args = cli.parse(["migrate", "--plan"])
    assert (args.handler, args.args) == (cli.run_migrate, ["--plan"])


@pytest.mark.parametrize(
    "argv", [[], ["unknown"], ["audit", "repair"], ["audit", "verify", "--all"], ["import", "victims", "f.csv"]]
)
def test_unknown_commands_are_refused_with_exit_code_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 2
    assert "usage: egide" in capsys.readouterr().err


# --- audit verify --------------------------------------------------------------------------


@pytest.mark.django_db
def test_audit_verify_on_an_intact_chain_says_so_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    append_events(3)
    assert cli.main(["audit", "verify"]) == 0
    assert capsys.readouterr().out.strip() == "Chaîne d'audit intègre : 3 événements vérifiés."


@pytest.mark.django_db
def test_audit_verify_names_the_first_changed_event_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    append_events(4)
    second = AuditEvent.objects.order_by("id")[1]
    tamper("UPDATE core_auditevent SET action = %s WHERE id = %s", ["test.rewritten", second.pk])
    assert cli.main(["audit", "verify"]) == 1
    captured = capsys.readouterr()
    assert captured.err.strip() == f"Chaîne rompue à l'événement #{second.pk} : le contenu de l'événement a été modifié"
    assert "intègre" not in captured.out


@pytest.mark.django_db
def test_audit_verify_reports_a_deleted_event_at_the_next_link(capsys: pytest.CaptureFixture[str]) -> None:
    append_events(3)
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    tamper("DELETE FROM core_auditevent WHERE id = %s", [ids[0]])
    assert cli.main(["audit", "verify"]) == 1
    assert f"Chaîne rompue à l'événement #{ids[1]} : le lien" in capsys.readouterr().err


@pytest.mark.django_db
def test_manage_py_audit_verify_is_the_same_command(capsys: pytest.CaptureFixture[str]) -> None:
    append_events(1)
    call_command("audit", "verify")
    assert capsys.readouterr().out.strip() == "Chaîne d'audit intègre : 1 événement vérifié."


@pytest.mark.django_db
def test_manage_py_audit_verify_exits_1_on_a_broken_chain() -> None:
    append_events(2)
    first = AuditEvent.objects.order_by("id").first()
    assert first is not None
    tamper("UPDATE core_auditevent SET reason = %s WHERE id = %s", ["falsifié", first.pk])
    with pytest.raises(SystemExit) as stop:
        call_command("audit", "verify")
    assert stop.value.code == 1


# --- import --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_of_a_missing_file_fails_with_a_french_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "absent.csv"
    assert cli.main(["import", "organisations", str(missing), "--dry-run"]) == 1
    assert f"Fichier introuvable : {missing}" in capsys.readouterr().err


# --- demo ----------------------------------------------------------------------------------


def _egide(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """Run `egide` in a new process on its own SQLite file, whatever database the suite uses."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "EGIDE_DEMO_PASSWORD"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "EGIDE_VAR_DIR": str(tmp_path / "var"),
        "EGIDE_SQLITE_PATH": str(tmp_path / "demo.sqlite3"),
    }
    return subprocess.run(  # noqa: S603  (our own interpreter and module)
        [sys.executable, "-m", "egide.cli", *argv],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def test_demo_without_server_builds_a_fresh_database_and_prints_one_login_per_role(tmp_path: Path) -> None:
    from egide.organisations.demo import ACCOUNTS, DEFAULT_PASSWORD

    first = _egide(tmp_path, "demo", "--no-server")
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "demo.sqlite3").is_file()
    for account in ACCOUNTS:
        line = next((line for line in first.stdout.splitlines() if account.email in line), "")
        assert DEFAULT_PASSWORD in line and str(account.role.label) in line, first.stdout
    assert "organisations fictives créées" in first.stdout
    assert "3000 victimes" in first.stdout and "dans 60 associations" in first.stdout
    assert "démarches" in first.stdout and "parcours de sortie" in first.stdout and "tâches" in first.stdout
    assert "5 orientations, 1 proposition de transfert" in first.stdout

    again = _egide(tmp_path, "demo", "--no-server")
    assert again.returncode == 0, again.stderr
    assert "Déjà chargées" in again.stdout and ACCOUNTS[0].email in again.stdout
    assert "Déjà chargés" in again.stdout

    verified = _egide(tmp_path, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("Chaîne d'audit intègre : ")
