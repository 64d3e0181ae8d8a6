"""Anchor the audit chain outside the database, and check the chain against its anchors.

`verify_chain` detects an event changed or removed inside the chain, but not the last events
removed: a chain cut short is still a valid chain. An anchor — the number of events, the id
and hash of the last one, the time — appended to a file the database administrator cannot
rewrite (another machine, a mail, syslog) makes that visible: every anchored event must
still be there with the same hash, and the chain may not count fewer events up to it.
"""

import datetime
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from egide.core.models import AuditEvent

ANCHOR_FILE_MODE = 0o600
ANCHOR_DIR_MODE = 0o700


class AnchorFileError(Exception):
    """The anchor file is missing or unreadable; the message is French."""


@dataclass(frozen=True)
class Anchor:
    count: int  # events up to and including `last_event_id`
    last_event_id: int | None  # None: the chain was empty
    last_hash: str
    anchored_at: str  # ISO 8601, UTC

    def to_line(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class AnchorBreak:
    line: int  # 1-based line of the anchor in its file
    anchor: Anchor
    reason: str

    def describe(self) -> str:
        return f"Ancre rompue (ligne {self.line}, ancrée le {self.anchor.anchored_at}) : {self.reason}"


def default_anchor_file() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


def current_anchor() -> Anchor:
    """Describe the chain as it stands: its last event and the number of events up to it."""
    last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    now = datetime.datetime.now(tz=datetime.UTC).isoformat(timespec="seconds")
    if last is None:
        return Anchor(0, None, "", now)
    # Counted up to the last id rather than in total: a writer committing meanwhile does not skew it.
    count = AuditEvent.objects.filter(id__lte=last[0]).count()
    return Anchor(count, last[0], last[1], now)


def append_anchor(path: Path | None = None) -> Anchor:
    """Append the current anchor as one JSON line to `path` (created 0600, its folder 0700)."""
    path = path or default_anchor_file()
    anchor = current_anchor()
    path.parent.mkdir(mode=ANCHOR_DIR_MODE, parents=True, exist_ok=True)
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, ANCHOR_FILE_MODE)
    try:
        if created:
            os.fchmod(fd, ANCHOR_FILE_MODE)  # whatever the umask
        os.write(fd, (anchor.to_line() + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return anchor


def _parse(line_number: int, text: str) -> Anchor:
    try:
        data: dict[str, Any] = json.loads(text)
        anchor = Anchor(
            count=int(data["count"]),
            last_event_id=None if data["last_event_id"] is None else int(data["last_event_id"]),
            last_hash=str(data["last_hash"]),
            anchored_at=str(data["anchored_at"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise AnchorFileError(f"Ligne {line_number} du fichier d'ancres illisible : {error}") from error
    return anchor


def read_anchors(path: Path) -> list[tuple[int, Anchor]]:
    """Return each anchor of the file with its line number; blank lines are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as error:
        raise AnchorFileError(f"Fichier d'ancres introuvable : {path}") from error
    except OSError as error:
        raise AnchorFileError(f"Fichier d'ancres illisible : {path} ({error.strerror})") from error
    return [(n, _parse(n, text)) for n, text in enumerate(lines, start=1) if text.strip()]


def verify_anchors(anchors: list[tuple[int, Anchor]]) -> AnchorBreak | None:
    """Check every anchor against the chain in the database; return the first that no longer holds.

    Run it after `verify_chain`: an intact chain ending on the anchored event, hash unchanged,
    holds exactly the events it held when anchored, so the hash stands for everything before.
    """
    ids = {a.last_event_id for _, a in anchors if a.last_event_id is not None}
    hashes = dict(AuditEvent.objects.filter(id__in=ids).values_list("id", "hash"))
    total = AuditEvent.objects.count()
    for line, anchor in anchors:
        reason = _broken(anchor, hashes, total)
        if reason:
            return AnchorBreak(line, anchor, reason)
    return None


def _broken(anchor: Anchor, hashes: dict[int, str], total: int) -> str:
    if anchor.last_event_id is not None:
        found = hashes.get(anchor.last_event_id)
        if found is None:
            return f"l'événement #{anchor.last_event_id} ancré a disparu (fin de la piste supprimée ?)"
        if found != anchor.last_hash:
            return f"l'empreinte de l'événement #{anchor.last_event_id} ancré a changé"
    if total < anchor.count:
        return f"la piste compte {total} événement(s), moins que les {anchor.count} ancrés"
    return ""
