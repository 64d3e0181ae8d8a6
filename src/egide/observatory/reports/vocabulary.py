"""Closed lists of the annual report."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    GENERATING = "generating", _("en cours de génération")
    READY = "ready", _("prêt, non publié")
    FAILED = "failed", _("échec")
    PUBLISHED = "published", _("publié")
