"""Ac.Sé: the national secure placement of adult victims in danger where they live."""

from django.apps import AppConfig


class AcseConfig(AppConfig):
    name = "egide.referrals.acse"
    label = "acse"
    verbose_name = "Ac.Sé — accueil sécurisant"

    def ready(self) -> None:
        from egide.cases.hooks import register_anonymisation_hook, register_consent_withdrawal_hook
        from egide.cases.sections import register_section
        from egide.referrals.acse.erasure import erase_on_anonymisation, erase_on_consent_withdrawal
        from egide.referrals.acse.sections import acse_section

        register_section("acse", acse_section)
        register_consent_withdrawal_hook("acse.erase", erase_on_consent_withdrawal)
        register_anonymisation_hook("acse.erase", erase_on_anonymisation)
