from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "egide.public"
    label = "public"
    verbose_name = "Pages publiques"
