from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "egide.referrals"
    label = "referrals"
    verbose_name = "Orientations et transferts"

    def ready(self) -> None:
        from egide.cases.hooks import register_anonymisation_hook, register_consent_withdrawal_hook
        from egide.cases.sections import register_section
        from egide.core.jobs import register_daily_job
        from egide.referrals.actions import erase_on_anonymisation, revoke_on_consent_withdrawal
        from egide.referrals.sections import referrals_section
        from egide.referrals.tasks import notify_overdue_referrals
        from egide.referrals.transfers import cancel_on_consent_withdrawal

        register_section("referrals", referrals_section)
        register_daily_job("referrals.overdue", notify_overdue_referrals)
        register_consent_withdrawal_hook("referrals.revoke", revoke_on_consent_withdrawal)
        register_consent_withdrawal_hook("referrals.cancel_transfers", cancel_on_consent_withdrawal)
        register_anonymisation_hook("referrals.erase", erase_on_anonymisation)
