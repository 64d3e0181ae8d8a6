from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "egide.cases"
    label = "cases"
    verbose_name = "Dossiers"

    def ready(self) -> None:
        from egide.cases.tasks import COMING_OF_AGE_JOB, JOB_NAME, anonymise_cases, record_coming_of_age
        from egide.core.jobs import register_daily_job

        register_daily_job(JOB_NAME, anonymise_cases)
        register_daily_job(COMING_OF_AGE_JOB, record_coming_of_age)
