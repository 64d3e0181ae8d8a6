from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "egide.observatory"
    label = "observatory"
    verbose_name = "Observatoire"
