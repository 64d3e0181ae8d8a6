"""A release freezes one year's protected tables and the files made from them.

The files are stored in the database with their SHA-256: a release is then one consistent
unit in backups, and tests need no storage directory. Nothing here holds a person or a
holder's small count: `tables` holds published values only (None where suppressed).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egide.core.models import BaseModel
from egide.observatory.models import LinkageRun
from egide.observatory.publication.vocabulary import FILE_EXTENSIONS, FileKind, ReleaseState


class ReleaseQuerySet(models.QuerySet["Release"]):
    def published(self) -> "ReleaseQuerySet":
        return self.filter(state=ReleaseState.PUBLISHED)

    def public(self) -> "ReleaseQuerySet":
        """Published releases, and withdrawn ones, which stay listed with their reason."""
        return self.filter(state__in=(ReleaseState.PUBLISHED, ReleaseState.WITHDRAWN))


class Release(BaseModel):
    year = models.PositiveSmallIntegerField(_("année des données"))
    run = models.ForeignKey(LinkageRun, models.PROTECT, related_name="releases", verbose_name=_("appariement utilisé"))
    run_summary = models.JSONField(_("résumé de l'appariement"), default=dict, blank=True)
    state = models.CharField(_("état"), max_length=12, choices=ReleaseState.choices, default=ReleaseState.DRAFT)
    title = models.CharField(_("titre"), max_length=200)
    rules = models.JSONField(_("règles de protection"), default=dict)
    statistics = models.JSONField(_("statistiques protégées (figées)"), default=dict)
    tables = models.JSONField(_("tableaux publiés"), default=list)
    key_figures = models.JSONField(_("chiffres clés"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("créée par")
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publiée par"),
    )
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("retirée par"),
    )
    withdrawal_reason = models.TextField(_("motif du retrait"), blank=True)
    # The differential-privacy budget of interactive queries on this release (`PrivacyLedger.to_dict()`).
    privacy_ledger = models.JSONField(_("budget de confidentialité"), default=dict, blank=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-year", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=models.Q(state=ReleaseState.PUBLISHED), name="one_published_release_per_year"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def audit_label(self) -> str:
        return f"Publication n° {self.pk} ({self.year})"

    @property
    def is_published(self) -> bool:
        return self.state == ReleaseState.PUBLISHED

    @property
    def slug(self) -> str:
        return f"egide-observatoire-{self.year}-{self.pk}"

    def table(self, name: str) -> dict[str, Any] | None:
        return next((t for t in self.tables if t.get("name") == name), None)


class ReleaseFile(BaseModel):
    release = models.ForeignKey(Release, models.CASCADE, related_name="files", verbose_name=_("publication"))
    kind = models.CharField(_("nature"), max_length=12, choices=FileKind.choices)
    name = models.CharField(_("nom du fichier"), max_length=120)
    content = models.BinaryField(_("contenu"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("taille (octets)"))

    class Meta:
        verbose_name = _("fichier de publication")
        verbose_name_plural = _("fichiers de publication")
        ordering = ["release", "kind"]
        constraints = [models.UniqueConstraint(fields=["release", "kind"], name="one_file_per_kind")]

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return FILE_EXTENSIONS[FileKind(self.kind)]
