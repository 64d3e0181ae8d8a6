from django.apps import AppConfig


class AcseConfig(AppConfig):
    name = "egide.referrals.acse"
    label = "acse"
    verbose_name = "Ac.Sé — accueil sécurisant"
