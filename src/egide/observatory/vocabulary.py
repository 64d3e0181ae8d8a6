"""Closed lists of the observatory: submission channels and states, linkage run states, review decisions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EGIDE = "egide", _("Égide (dossiers)")
    ENCODED_FILE = "encoded_file", _("fichier encodé")
    SURVEY = "survey", _("tableur de l'enquête")
    API = "api", _("API")


class SubmissionState(models.TextChoices):
    RECEIVED = "received", _("reçue")
    SUPERSEDED = "superseded", _("remplacée")
    WITHDRAWN = "withdrawn", _("retirée")


class RunState(models.TextChoices):
    QUEUED = "queued", _("en attente")
    RUNNING = "running", _("en cours")
    DONE = "done", _("terminée")
    FAILED = "failed", _("échouée")


class Decision(models.TextChoices):
    PENDING = "pending", _("à examiner")
    SAME = "same", _("même personne")
    DIFFERENT = "different", _("personnes distinctes")
