from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "egide.organisations"
    label = "organisations"
    verbose_name = "Organisations"
