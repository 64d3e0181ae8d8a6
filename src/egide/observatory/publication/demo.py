"""Demo release: the last full year's protected tables, published on the open-data page.

Runs after the observatory's demo (submissions and a finished linkage run): the demo
statistician creates the release through the real action (disclosure control and its
checks included) and publishes it. Loading twice writes nothing more.
"""

import datetime
import time
from dataclasses import dataclass

from django.utils import timezone

from egide.accounts.models import Membership, User
from egide.accounts.roles import Role
from egide.observatory.publication.actions import do_create_release, do_publish_release
from egide.observatory.publication.figures import DEFAULT_RULES
from egide.observatory.publication.models import Release
from egide.observatory.selectors import latest_run

__all__ = ["DemoRelease", "load_demo_release"]


@dataclass(frozen=True)
class DemoRelease:
    created: bool
    year: int
    release_id: int | None = None
    reason: str = ""
    seconds: float = 0.0


def _statistician() -> User | None:
    membership = Membership.objects.filter(role=Role.STATISTICIAN, user__is_active=True).select_related("user")
    first = membership.order_by("user__email").first()
    return first.user if first else None


def load_demo_release(today: datetime.date | None = None) -> DemoRelease:
    """Create and publish the release of the last full year, unless one is already published."""
    year = (today or timezone.localdate()).year - 1
    existing = Release.objects.published().filter(year=year).first()
    if existing is not None:
        return DemoRelease(False, year, existing.pk, "déjà publiée")
    run, statistician = latest_run(year), _statistician()
    if run is None or statistician is None:
        return DemoRelease(False, year, reason="aucun appariement terminé" if run is None else "aucun statisticien")
    started = time.monotonic()
    release = do_create_release(year, run, DEFAULT_RULES, acting_user=statistician)
    do_publish_release(release, acting_user=statistician)
    return DemoRelease(True, year, release.pk, seconds=time.monotonic() - started)
