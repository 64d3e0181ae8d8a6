"""Background jobs of the observatory (django-tasks): linkage runs, on the worker."""

from django_tasks import task

from egide.observatory.linking import execute_run


@task()
def execute_linkage_run(run_id: int) -> str:
    """Run the queued linkage `run_id`; return its final state."""
    return str(execute_run(run_id).state)
