"""Daily jobs: a registry, a once-per-date guard, and the small scheduler the worker runs.

Apps register their daily job (a django-tasks task taking the ISO date) from their
`AppConfig.ready()`. `egide worker` runs `run_scheduler` in a thread beside the task
worker: whenever the date changes it enqueues each job once. A job guards itself with
`run_once`, so a restart, a second worker or a cron call on the same day does nothing more.
"""

import datetime
import logging
import threading
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, IntegrityError, connections, transaction
from django.utils import timezone
from django_tasks.base import Task

from egide.core.models import DailyRun

logger = logging.getLogger(__name__)
# The scheduler looks at the date this often; the daily jobs are not time-critical.
SCHEDULER_INTERVAL = 300.0

DailyJob = Task[[str], Any]
_DAILY_JOBS: dict[str, DailyJob] = {}


def register_daily_job(name: str, job: DailyJob) -> None:
    """Declare a task to enqueue once a day with the date as its only argument."""
    _DAILY_JOBS[name] = job


def daily_jobs() -> dict[str, DailyJob]:
    return dict(_DAILY_JOBS)


def run_once(name: str, day: datetime.date, body: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
    """Run `body` for `day` unless it already ran; None if it had.

    The DailyRun row and everything `body` writes commit together: a failed run leaves no
    row, so the next attempt runs again.
    """
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                run = DailyRun.objects.create(job=name, run_on=day)
        except IntegrityError:
            return None
        result = body()
        run.result = result
        run.save(update_fields=["result"])
    return result


def run_steps_once(name: str, day: datetime.date, body: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
    """Like `run_once`, for a body that commits step by step, each step idempotent.

    The DailyRun row is written after the body: a run that fails half-way runs again and
    redoes only what is left.
    """
    if DailyRun.objects.filter(job=name, run_on=day).exists():
        return None
    result = body()
    try:
        with transaction.atomic():
            DailyRun.objects.create(job=name, run_on=day, result=result)
    except IntegrityError:
        return None  # a concurrent run of the same day finished first
    return result


def enqueue_due_jobs(today: datetime.date, enqueued: dict[str, datetime.date]) -> list[str]:
    """Enqueue each registered job not yet run nor enqueued for `today`; return their names."""
    names = []
    for name, job in sorted(_DAILY_JOBS.items()):
        if enqueued.get(name) == today:
            continue
        if not DailyRun.objects.filter(job=name, run_on=today).exists():
            job.enqueue(today.isoformat())
            names.append(name)
        enqueued[name] = today
    return names


def run_scheduler(stop: threading.Event, interval: float = SCHEDULER_INTERVAL) -> None:
    """Enqueue the daily jobs whenever the date changes, until `stop` is set."""
    enqueued: dict[str, datetime.date] = {}
    while not stop.is_set():
        try:
            enqueue_due_jobs(timezone.localdate(), enqueued)
        except DatabaseError:
            # A locked or unreachable database: try again at the next tick.
            logger.exception("Daily jobs could not be enqueued")
        finally:
            # This thread's own connections: not held open between ticks.
            connections.close_all()
        stop.wait(interval)


def start_scheduler(interval: float = SCHEDULER_INTERVAL) -> threading.Event:
    """Start the scheduler in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run_scheduler, args=(stop, interval), name="egide-daily-jobs", daemon=True).start()
    return stop
