"""The demo publishes the last full year's release once."""

import datetime
from collections.abc import Callable

from egide.accounts.models import User
from egide.accounts.roles import Role
from egide.observatory.publication.demo import load_demo_release
from egide.observatory.publication.models import Release
from egide.observatory.publication.tests.factories import make_done_run
from egide_analytics.statistics.synthetic import synthetic_year

TODAY = datetime.date(2026, 5, 4)


def test_the_demo_publishes_the_last_full_year_once(make_user: Callable[..., User]) -> None:
    assert load_demo_release(TODAY).reason == "aucun appariement terminé"
    make_done_run(2025, synthetic_year(persons=200, holders=4, seed=8), by=make_user(Role.STATISTICIAN))
    first = load_demo_release(TODAY)
    assert first.created and first.year == 2025
    assert Release.objects.published().get().pk == first.release_id
    assert not load_demo_release(TODAY).created and Release.objects.count() == 1
