from django.apps import AppConfig


class ObservatoryReportsConfig(AppConfig):
    name = "egide.observatory.reports"
    label = "observatory_reports"
    verbose_name = "Observatoire — rapport annuel"
