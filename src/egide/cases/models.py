"""Persons (identity encrypted, searchable by blind index) and their case files."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.cases.vocabulary import CaseStatus, Sex
from egide.core.models import BaseModel
from egide.organisations.vocabulary import ExploitationForm


class Person(BaseModel):
    """A person followed by an organisation. Nothing identifying is stored in clear.

    `identity` and `notes` are AES-256-GCM ciphertexts under the person's own data key;
    `name_index` and `birth_index` are keyed blind indexes for exact search.
    """

    uid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    identity = models.BinaryField(_("identité (chiffrée)"))
    notes = models.BinaryField(_("notes (chiffrées)"), blank=True, default=b"")
    name_index = models.CharField(max_length=32, db_index=True, blank=True)
    birth_index = models.CharField(max_length=32, db_index=True, blank=True)
    sex = models.CharField(_("sexe"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("personne")

    def __str__(self) -> str:
        return f"Personne n° {self.pk}"

    def audit_label(self) -> str:
        return f"Personne n° {self.pk}"


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: Any, capability: str) -> "CaseQuerySet":
        """Cases of the organisations where `user` holds `capability`."""
        if not user.is_authenticated:
            return self.none()
        org_ids = [o for o in user.organisation_ids() if user.has_capability_in(capability, o)]
        return self.filter(organisation_id__in=org_ids)


class Case(BaseModel):
    """A case file of one person in one organisation."""

    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(Person, verbose_name=_("personne"), on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(_("référence"), max_length=20)
    status = models.CharField(_("statut"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_on = models.DateField(_("ouvert le"), default=timezone.localdate)
    closed_on = models.DateField(_("clos le"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suivi par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="case_unique_reference"),
        ]

    def __str__(self) -> str:
        return f"Dossier {self.reference}"

    def audit_label(self) -> str:
        return f"Dossier {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    def form_labels(self) -> list[str]:
        return [str(ExploitationForm(f.code).label) for f in self.exploitation_forms.all()]


class CaseExploitationForm(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exploitation_forms")
    code = models.CharField(max_length=20, choices=ExploitationForm.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="case_form_unique")]

    def __str__(self) -> str:
        return self.get_code_display()
