"""Background tasks of the core (django-tasks)."""

import dataclasses
import datetime
import logging
from typing import Any

from django.utils import timezone
from django_tasks import task

from egide.core.audit_anchors import append_anchor
from egide.core.jobs import run_steps_once

AUDIT_ANCHOR_JOB = "core.audit_anchor"
logger = logging.getLogger(__name__)


@task()
def anchor_audit_chain(today: str | None = None) -> dict[str, Any] | None:
    """Append the day's anchor of the audit chain to the anchor file, once per day; None if already done."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()

    def body() -> dict[str, Any]:
        anchor = append_anchor()
        # Logged too: a log shipped to another machine is one more copy out of the database's reach.
        logger.info("Ancre de la piste d'audit : %s", anchor.to_line())
        return dataclasses.asdict(anchor)

    # The line is written before the day is marked done: a failed run writes, at worst, one more anchor.
    return run_steps_once(AUDIT_ANCHOR_JOB, day, body)
