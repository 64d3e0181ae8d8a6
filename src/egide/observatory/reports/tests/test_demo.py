"""Demo report: published for the last full year of the demo linkage run, once."""

from typing import Any

from django.utils import timezone

from egide.accounts.roles import Role
from egide.observatory.reports.demo import load_demo_report
from egide.observatory.reports.models import AnnualReport
from egide.observatory.reports.tests.runs import make_run, realistic_persons


def test_the_demo_report_is_published_once_for_the_last_full_year(make_user: Any) -> None:
    assert load_demo_report().created is False  # no run yet: nothing to report
    last_year = timezone.localdate().year - 1
    statistician = make_user(Role.STATISTICIAN)
    make_run(last_year, realistic_persons(150), user=statistician)
    result = load_demo_report()
    assert result.created and result.year == last_year and result.pdf_bytes > 0
    assert list(AnnualReport.objects.published().values_list("year", flat=True)) == [last_year]
    again = load_demo_report()
    assert not again.created and AnnualReport.objects.count() == 1
