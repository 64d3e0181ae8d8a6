"""Noisy counts spend the release's privacy budget and are refused, in French, beyond it."""

from collections.abc import Callable

import pytest
from django.test import Client, override_settings

from egide.accounts.models import User
from egide.accounts.roles import Role
from egide.core.models import AuditEvent
from egide.observatory.publication.models import Release
from egide.observatory.publication.privacy import do_noisy_count
from egide.observatory.publication.safety import ReleaseRefusedError
from egide.observatory.publication.tests.factories import make_done_run
from egide.observatory.publication.vocabulary import ReleaseState
from egide_analytics.statistics.synthetic import synthetic_year


@pytest.fixture
def release(make_user: Callable[..., User]) -> Release:
    statistician = make_user(Role.STATISTICIAN)
    run = make_done_run(2025, synthetic_year(persons=300, holders=4, seed=2), by=statistician)
    # A draft stored as is: the queries read the run's records, not the tables.
    return Release.objects.create(year=2025, run=run, title="Victimes de la traite en 2025", created_by=statistician)


@override_settings(EGIDE_RELEASE_PRIVACY_BUDGET=0.5)
def test_queries_spend_the_budget_until_it_is_refused(make_user: Callable[..., User], release: Release) -> None:
    rapporteur = make_user(Role.RAPPORTEUR)
    answer = do_noisy_count(release, "sex", "female", 0.3, acting_user=rapporteur)
    assert abs(answer.count.value - 246) < 60 and answer.ledger.spent == pytest.approx(0.3)
    with pytest.raises(ReleaseRefusedError, match="Budget de confidentialité épuisé"):
        do_noisy_count(release, "sex", "male", 0.3, acting_user=rapporteur)
    release.refresh_from_db()
    assert release.privacy_ledger["total_epsilon"] == 0.5 and len(release.privacy_ledger["entries"]) == 1
    assert AuditEvent.objects.filter(action="publication.release.noisy_count").count() == 1


def test_unknown_codes_and_roles_outside_the_observatory_are_refused(
    make_user: Callable[..., User], release: Release
) -> None:
    with pytest.raises(ReleaseRefusedError, match="n'est pas une valeur"):
        do_noisy_count(release, "sex", "martian", 0.1, acting_user=make_user(Role.STATISTICIAN))
    with pytest.raises(ReleaseRefusedError, match="Votre rôle"):
        do_noisy_count(release, "sex", "female", 0.1, acting_user=make_user(Role.CASE_SUPERVISOR))
    assert Release.objects.get().privacy_ledger == {}


def test_the_query_page_shows_the_answer_and_the_ledger(
    login: Callable[[User], Client], make_user: Callable[..., User], release: Release
) -> None:
    Release.objects.filter(pk=release.pk).update(state=ReleaseState.PUBLISHED)
    client = login(make_user(Role.NATIONAL_COORDINATOR))
    url = f"/observatoire/publications/{release.pk}/requetes/"
    assert "reste <strong>1.00</strong>" in client.get(url).content.decode().replace(",", ".")
    page = client.post(url, {"variable": "forms", "code": "SEXUAL", "epsilon": "0.25"}).content.decode()
    assert "forms = SEXUAL : environ" in page and "reste <strong>0,75</strong>" in page
    assert client.post(url, {"variable": "sex", "code": "female", "epsilon": "5"}).status_code == 422
