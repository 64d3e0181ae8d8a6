from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "egide.core"
    label = "core"
    verbose_name = "Noyau"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from egide.core.geo.loader import load_geography_after_migrate
        from egide.core.jobs import register_daily_job
        from egide.core.tasks import AUDIT_ANCHOR_JOB, anchor_audit_chain

        post_migrate.connect(load_geography_after_migrate, sender=self)
        register_daily_job(AUDIT_ANCHOR_JOB, anchor_audit_chain)
