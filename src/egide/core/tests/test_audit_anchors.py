"""Anchors of the audit chain: written outside the database, and a chain cut short or rewritten detected."""

import datetime
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from egide import cli
from egide.core.audit import compute_hash, verify_chain
from egide.core.audit_anchors import Anchor, read_anchors, verify_anchors
from egide.core.jobs import daily_jobs
from egide.core.models import AuditEvent
from egide.core.tasks import AUDIT_ANCHOR_JOB, anchor_audit_chain
from egide.core.tests.audit_helpers import append_events, tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchors(tmp_path: Path) -> Path:
    return tmp_path / "hors-base" / "audit" / "anchors.jsonl"


def _anchor(path: Path) -> None:
    assert cli.main(["audit", "anchor", "--output", str(path)]) == 0


def _verify(path: Path) -> int:
    return cli.main(["audit", "verify", "--anchors", str(path)])


def test_an_anchor_is_appended_as_one_json_line_readable_by_owner_only(
    anchors: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    append_events(3)
    _anchor(anchors)
    last = AuditEvent.objects.order_by("-id").first()
    assert last is not None
    line = anchors.read_text().splitlines()[0]
    assert capsys.readouterr().out.strip() == line
    data = json.loads(line)
    assert (data["count"], data["last_event_id"], data["last_hash"]) == (3, last.pk, last.hash)
    at = datetime.datetime.fromisoformat(data["anchored_at"])
    assert at.utcoffset() == datetime.timedelta(0) and abs(at - datetime.datetime.now(tz=datetime.UTC)).seconds < 60
    assert stat.S_IMODE(anchors.stat().st_mode) == 0o600

    append_events(2)
    _anchor(anchors)
    assert [a.count for _, a in read_anchors(anchors)] == [3, 5]


def test_the_default_anchor_file_is_the_setting(tmp_path: Path, settings: Any) -> None:
    settings.AUDIT_ANCHOR_FILE = tmp_path / "var" / "audit" / "anchors.jsonl"
    append_events(1)
    call_command("audit", "anchor")
    assert json.loads(settings.AUDIT_ANCHOR_FILE.read_text())["count"] == 1


def test_a_clean_chain_passes_every_anchor(anchors: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _anchor(anchors)  # the empty chain
    append_events(3)
    _anchor(anchors)
    append_events(2)
    _anchor(anchors)
    append_events(1)
    capsys.readouterr()
    assert _verify(anchors) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Chaîne d'audit intègre : 6 événements vérifiés.",
        "Ancres respectées : 3 ancres vérifiées.",
    ]


def test_cutting_the_tail_after_an_anchor_is_detected(anchors: Path, capsys: pytest.CaptureFixture[str]) -> None:
    append_events(3)
    _anchor(anchors)
    append_events(3)
    _anchor(anchors)
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    tamper("DELETE FROM core_auditevent WHERE id > %s", [ids[3]])
    # What is left is a valid, shorter chain: only the anchor shows what was removed.
    assert verify_chain().ok
    capsys.readouterr()
    assert _verify(anchors) == 1
    assert capsys.readouterr().err.strip() == (
        f"Ancre rompue (ligne 2, ancrée le {read_anchors(anchors)[1][1].anchored_at}) : "
        f"l'événement #{ids[5]} ancré a disparu (fin de la piste supprimée ?)"
    )


def test_rewriting_an_anchored_event_is_detected_even_with_its_hash_recomputed(
    anchors: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    append_events(4)
    _anchor(anchors)
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    # Edited in place, the event no longer matches its own hash: the chain itself says so.
    tamper("UPDATE core_auditevent SET reason = %s WHERE id = %s", ["falsifié", event.pk])
    assert _verify(anchors) == 1
    assert f"Chaîne rompue à l'événement #{event.pk}" in capsys.readouterr().err
    # Rewritten with a recomputed hash, the chain holds again; the anchor does not.
    event.reason = "falsifié"
    tamper("UPDATE core_auditevent SET hash = %s WHERE id = %s", [compute_hash(event), event.pk])
    assert verify_chain().ok
    assert _verify(anchors) == 1
    assert "ligne 1, ancrée le" in (err := capsys.readouterr().err)
    assert f"l'empreinte de l'événement #{event.pk} ancré a changé" in err


def test_fewer_events_than_anchored_is_detected() -> None:
    append_events(2)
    last = AuditEvent.objects.order_by("-id").first()
    assert last is not None
    ahead = Anchor(count=3, last_event_id=last.pk, last_hash=last.hash, anchored_at="2026-01-01T00:00:00+00:00")
    broken = verify_anchors([(7, ahead)])
    assert broken is not None and broken.line == 7
    assert broken.reason == "la piste compte 2 événement(s), moins que les 3 ancrés"
    assert verify_anchors([(1, Anchor(2, last.pk, last.hash, "2026-01-01T00:00:00+00:00"))]) is None


def test_a_missing_or_unreadable_anchor_file_fails_in_french(anchors: Path, capsys: pytest.CaptureFixture[str]) -> None:
    append_events(1)
    assert _verify(anchors) == 1
    assert f"Fichier d'ancres introuvable : {anchors}" in capsys.readouterr().err
    _anchor(anchors)
    with anchors.open("a") as file:
        file.write("pas du JSON\n")
    capsys.readouterr()
    assert _verify(anchors) == 1
    assert "Ligne 2 du fichier d'ancres illisible" in capsys.readouterr().err


def test_the_daily_job_is_registered_and_anchors_once_a_day(tmp_path: Path, settings: Any) -> None:
    assert daily_jobs()[AUDIT_ANCHOR_JOB] is anchor_audit_chain
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    append_events(2)
    result = anchor_audit_chain.enqueue("2026-03-02").return_value
    assert result is not None and result["count"] == 2
    assert anchor_audit_chain.enqueue("2026-03-02").return_value is None
    assert len(read_anchors(settings.AUDIT_ANCHOR_FILE)) == 1
