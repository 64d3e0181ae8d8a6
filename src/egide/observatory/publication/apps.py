"""Releases, the open-data page and the observatory's dashboard."""

from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "egide.observatory.publication"
    label = "publication"
    verbose_name = "Observatoire — publications"
