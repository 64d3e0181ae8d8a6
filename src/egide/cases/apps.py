from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "egide.cases"
    label = "cases"
    verbose_name = "Dossiers"

    def ready(self) -> None:
        from egide.cases.tasks import JOB_NAME, anonymise_cases
        from egide.core.jobs import register_daily_job

        register_daily_job(JOB_NAME, anonymise_cases)
