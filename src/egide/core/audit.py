"""Write and verify the hash-chained audit trail.

Every action writes its event inside its own transaction; every read of a sensitive record
writes an access event. Events never carry decrypted sensitive values: callers pass
identifiers and labels that are safe to keep for ever.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection, models, transaction
from django.utils import timezone

from egide.core.models import AuditEvent, AuditKind
from egide.core.request_context import current_request_id

GENESIS = "0" * 64
# Any constant: PostgreSQL serialises chain writers on this advisory lock.
_CHAIN_LOCK = 0x45474944


class Actor(Protocol):
    pk: Any

    def get_username(self) -> str: ...


def _canonical(event: AuditEvent) -> bytes:
    fields = {
        "prev": event.prev_hash,
        "at": event.occurred_at.isoformat(),
        "kind": event.kind,
        "action": event.action,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "org": event.organisation_id,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "reason": event.reason,
        "request": event.request_id,
        "extra": event.extra,
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
    # SQLite: transactions begin IMMEDIATE (settings), so writers are already serialised.


def _target_fields(target: models.Model | None) -> dict[str, str]:
    if target is None:
        return {"target_type": "", "target_id": "", "target_label": ""}
    meta = target._meta
    label = getattr(target, "audit_label", None)
    return {
        "target_type": f"{meta.app_label}.{meta.model_name}",
        "target_id": str(target.pk),
        "target_label": str(label() if callable(label) else (label or ""))[:200],
    }


def record_event(
    action: str,
    *,
    actor: Actor | None,
    organisation_id: int | None = None,
    target: models.Model | None = None,
    reason: str = "",
    extra: dict[str, Any] | None = None,
    kind: str = AuditKind.WRITE,
) -> AuditEvent:
    """Append an event to the chain; must run inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("record_event must run inside the action's transaction.")
    _lock_chain()
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event = AuditEvent(
        occurred_at=timezone.now(),
        kind=kind,
        action=action,
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor.get_username() if actor is not None else "",
        organisation_id=organisation_id,
        reason=reason,
        request_id=current_request_id.get(),
        extra=extra or {},
        prev_hash=last or GENESIS,
        **_target_fields(target),
    )
    # Round-trip through JSON so that the hashed value is exactly what the database returns.
    event.extra = json.loads(json.dumps(event.extra, sort_keys=True, default=str))
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    return event


def record_access(
    action: str,
    *,
    actor: Actor,
    target: models.Model,
    organisation_id: int | None = None,
    reason: str = "",
) -> AuditEvent:
    """Record that `actor` read a sensitive record, in a transaction of its own if needed."""
    with transaction.atomic():
        return record_event(
            action,
            actor=actor,
            organisation_id=organisation_id,
            target=target,
            reason=reason,
            kind=AuditKind.ACCESS,
        )


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("id").iterator(chunk_size=2000)


def verify_chain() -> ChainReport:
    """Recompute every hash and link; report the first row that does not hold."""
    expected_prev = GENESIS
    checked = 0
    for event in _events():
        checked += 1
        if event.prev_hash != expected_prev:
            return ChainReport(checked, ChainBreak(event.pk, "le lien vers l'événement précédent est rompu"))
        if compute_hash(event) != event.hash:
            return ChainReport(checked, ChainBreak(event.pk, "le contenu de l'événement a été modifié"))
        expected_prev = event.hash
    return ChainReport(checked, None)
