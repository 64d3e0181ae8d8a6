from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "egide.cases"
    label = "cases"
    verbose_name = "Dossiers"

    def ready(self) -> None:
        from egide.cases.tasks import anonymise_cases
        from egide.core.jobs import register_daily_job

        # Each person is anonymised in its own transaction and only once: running the job
        # twice on a day changes nothing, so it needs no once-per-day guard.
        register_daily_job("cases.retention", anonymise_cases)
