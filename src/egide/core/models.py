"""Kernel models: the base every domain model extends, the audit trail, reference geography."""

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Add creation and modification times."""

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class AuditKind(models.TextChoices):
    WRITE = "write", _("modification")
    ACCESS = "access", _("consultation")
    AUTH = "auth", _("authentification")


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("The audit trail is append-only.")

    def delete(self) -> NoReturn:
        raise PermissionError("The audit trail is append-only.")


class AuditEvent(models.Model):
    """One entry of the append-only, hash-chained audit trail.

    Each row carries the hash of the previous row, so that changing or removing any row
    breaks every hash after it; `egide audit verify` walks the chain. Database triggers
    refuse UPDATE and DELETE as well (see migration 0002).
    """

    occurred_at = models.DateTimeField(_("date"), db_index=True)
    kind = models.CharField(_("nature"), max_length=10, choices=AuditKind.choices)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    actor_id = models.BigIntegerField(_("auteur"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("auteur (libellé)"), max_length=254, blank=True)
    organisation_id = models.BigIntegerField(_("organisation"), null=True, blank=True, db_index=True)
    target_type = models.CharField(_("type d'objet"), max_length=80, blank=True)
    target_id = models.CharField(_("objet"), max_length=64, blank=True, db_index=True)
    target_label = models.CharField(_("objet (libellé)"), max_length=200, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    request_id = models.CharField(_("requête"), max_length=64, blank=True)
    extra = models.JSONField(_("détails"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement d'audit")
        verbose_name_plural = _("événements d'audit")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("The audit trail is append-only.")


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("région")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    population = models.PositiveIntegerField(_("population"), default=0)
    latitude = models.FloatField(_("latitude"), null=True)
    longitude = models.FloatField(_("longitude"), null=True)
    # Simplified boundary (GeoJSON geometry), small enough to send to a browser.
    geometry = models.JSONField(_("contour"), null=True)

    class Meta:
        verbose_name = _("département")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Commune(models.Model):
    code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    search_name = models.CharField(max_length=100, db_index=True)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    postcodes = models.CharField(_("codes postaux"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True)
    longitude = models.FloatField(_("longitude"), null=True)
    population = models.PositiveIntegerField(_("population"), default=0)

    class Meta:
        verbose_name = _("commune")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.departement_id})"


class DataKey(models.Model):
    """A per-record AES-256 key, stored only wrapped by a master key (see `egide.core.crypto`)."""

    uid = models.UUIDField(unique=True, editable=False)
    master_key_id = models.CharField(max_length=32, db_index=True)
    wrapped = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    rewrapped_at = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("clé de données")

    def __str__(self) -> str:
        return f"DataKey {self.uid} ({self.master_key_id})"


class DailyRun(models.Model):
    """One completed run of a daily job for one date: a second run of the same date does nothing."""

    job = models.CharField(_("tâche"), max_length=100)
    run_on = models.DateField(_("date"))
    started_at = models.DateTimeField(_("lancée le"), auto_now_add=True)
    result = models.JSONField(_("résultat"), default=dict, blank=True)

    class Meta:
        verbose_name = _("exécution quotidienne")
        ordering = ["-run_on", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "run_on"], name="daily_run_unique")]

    def __str__(self) -> str:
        return f"{self.job} {self.run_on.isoformat()}"
