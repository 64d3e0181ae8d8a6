from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "egide.cases"
    label = "cases"
    verbose_name = "Dossiers"
