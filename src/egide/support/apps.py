from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "egide.support"
    label = "support"
    verbose_name = "Accompagnement et démarches"

    def ready(self) -> None:
        from egide.cases.sections import register_section
        from egide.core.jobs import register_daily_job
        from egide.support.sections import support_section
        from egide.support.tasks import raise_daily_reminders

        register_section("support", support_section)
        register_daily_job("support.reminders", raise_daily_reminders)
