"""Background job of the annual report (django-tasks, run by `egide worker`)."""

from django_tasks import task

from egide.observatory.reports.actions import generate_report


@task()
def build_annual_report(report_id: int) -> str:
    """Build the waiting report `report_id` (figures, HTML, PDF); return its final state."""
    return str(generate_report(report_id).state)
