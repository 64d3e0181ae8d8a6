"""The annual report: its frozen figures, its HTML and PDF with their digests, and its publication."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egide.core.models import BaseModel
from egide.observatory.reports.vocabulary import ReportState


def _user(verbose_name: Any, null: bool = False) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        related_name="+",
        null=null,
        blank=null,
    )


class AnnualReportQuerySet(models.QuerySet["AnnualReport"]):
    def published(self) -> "AnnualReportQuerySet":
        return self.filter(state=ReportState.PUBLISHED)


class AnnualReport(BaseModel):
    """One generation of the report of a year; at most one report per year is published."""

    year = models.PositiveSmallIntegerField(_("année"))
    linkage_run = models.ForeignKey(
        "observatory.LinkageRun",
        verbose_name=_("appariement"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # The publication's release (egide.observatory.publication), by id: that app sits beside this one.
    release_id = models.PositiveIntegerField(_("publication de données"), null=True, blank=True)
    state = models.CharField(_("état"), max_length=12, choices=ReportState.choices, default=ReportState.GENERATING)
    error = models.TextField(_("erreur"), blank=True)
    figures = models.JSONField(_("chiffres figés"), default=dict, blank=True)
    html = models.TextField(_("HTML"), blank=True)
    html_sha256 = models.CharField(_("empreinte du HTML"), max_length=64, blank=True)
    pdf = models.BinaryField(_("PDF"), blank=True, default=b"")
    pdf_sha256 = models.CharField(_("empreinte du PDF"), max_length=64, blank=True)
    generated_by = _user(_("demandé par"), null=True)
    generated_at = models.DateTimeField(_("généré le"), null=True, blank=True)
    published_by = _user(_("publié par"), null=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapport annuel")
        verbose_name_plural = _("rapports annuels")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=Q(state="published"), name="observatory_reports_one_published_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"Rapport annuel {self.year} (n° {self.pk})"

    @property
    def audit_label(self) -> str:
        return f"Rapport annuel {self.year} n° {self.pk}"

    @property
    def is_ready(self) -> bool:
        return self.state in (ReportState.READY, ReportState.PUBLISHED)

    @property
    def pdf_filename(self) -> str:
        return f"rapport-annuel-traite-{self.year}.pdf"
