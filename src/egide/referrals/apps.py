from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "egide.referrals"
    label = "referrals"
    verbose_name = "Orientations et transferts"
