from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "egide.identification"
    label = "identification"
    verbose_name = "Repérage et identification"
