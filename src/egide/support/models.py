"""Support plan, residence procedures, exit-from-prostitution pathway, tasks and reminders.

Legal dates (end of validity, pathway end) are stored for listing but always computed by
`egide.support.deadlines`; the forms never ask for them.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from egide.core.models import BaseModel
from egide.support.vocabulary import (
    CommissionOpinion,
    DeadlineKind,
    PrefectDecision,
    ProcedureKind,
    ProcedureState,
    ServiceCategory,
    ServiceStatus,
)


def _user(verbose_name: Any = "", null: bool = False) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=verbose_name or None, null=null, blank=null,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip


class SupportPlan(BaseModel):
    """The needs assessment of a case; the text is encrypted under the person's data key."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="support_plan")
    assessed_on = models.DateField(_("évaluation faite le"), null=True, blank=True)
    needs = models.BinaryField(_("évaluation des besoins (chiffrée)"), blank=True, default=b"")
    updated_by = _user()

    class Meta:
        verbose_name = _("plan d'accompagnement")

    def __str__(self) -> str:
        return f"Plan d'accompagnement n° {self.pk}"


class SupportService(BaseModel):
    """One service of the support plan, possibly delivered by another organisation."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="support_services")
    category = models.CharField(_("catégorie"), max_length=30, choices=ServiceCategory.choices)
    provider = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation prestataire"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    status = models.CharField(_("état"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.PLANNED)
    start_on = models.DateField(_("début"), null=True, blank=True)
    end_on = models.DateField(_("fin"), null=True, blank=True)
    recorded_by = _user()

    class Meta:
        verbose_name = _("prestation d'accompagnement")
        ordering = ["category", "start_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_on__isnull=True) | Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                name="support_service_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Prestation n° {self.pk}"

    def audit_label(self) -> str:
        return f"Prestation n° {self.pk} ({self.category})"


class ResidenceProcedure(BaseModel):
    """A residence procedure (CESEDA) and its state; a renewal is a new row pointing to the old."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="residence_procedures")
    kind = models.CharField(_("démarche"), max_length=30, choices=ProcedureKind.choices)
    state = models.CharField(_("état"), max_length=20, choices=ProcedureState.choices)
    requested_on = models.DateField(_("demandé le"), null=True, blank=True)
    receipt_on = models.DateField(_("récépissé remis le"), null=True, blank=True)
    decision_on = models.DateField(_("décision le"), null=True, blank=True)
    valid_from = models.DateField(_("valable à partir du"), null=True, blank=True)
    valid_until = models.DateField(_("valable jusqu'au (calculé)"), null=True, blank=True)
    renews = models.OneToOneField(
        "self", verbose_name=_("renouvelle"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="renewal",
    )  # fmt: skip
    recorded_by = _user()

    class Meta:
        verbose_name = _("démarche de séjour")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Démarche n° {self.pk}"

    def audit_label(self) -> str:
        return f"Démarche n° {self.pk} ({self.kind})"

    @property
    def origin(self) -> str:
        return f"procedure:{self.pk}"


class ExitPathway(BaseModel):
    """The exit-from-prostitution pathway of a case (loi 2016-444, CASF L121-9)."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="exit_pathway")
    association = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("association agréée"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    file_built_on = models.DateField(_("dossier constitué le"), null=True, blank=True)
    commission_on = models.DateField(_("commission départementale le"), null=True, blank=True)
    commission_opinion = models.CharField(
        _("avis de la commission"), max_length=20, choices=CommissionOpinion.choices, blank=True
    )
    decision = models.CharField(_("décision du préfet"), max_length=20, choices=PrefectDecision.choices, blank=True)
    decision_on = models.DateField(_("décision le"), null=True, blank=True)
    start_on = models.DateField(_("début du parcours"), null=True, blank=True)
    ends_on = models.DateField(_("fin de la période en cours (calculée)"), null=True, blank=True)
    afis = models.BooleanField(_("aide financière (AFIS)"), default=False)
    afis_monthly_amount = models.DecimalField(
        _("montant mensuel de l'AFIS (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    aps = models.ForeignKey(
        ResidenceProcedure, verbose_name=_("APS liée (L425-4)"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    recorded_by = _user()

    class Meta:
        verbose_name = _("parcours de sortie de la prostitution")

    def __str__(self) -> str:
        return f"Parcours de sortie n° {self.pk}"

    def audit_label(self) -> str:
        return f"Parcours de sortie n° {self.pk}"

    @property
    def origin(self) -> str:
        return f"pathway:{self.pk}"


class ExitPathwayRenewal(BaseModel):
    """One six-month renewal of the pathway; its dates are computed from the pathway's start."""

    pathway = models.ForeignKey(ExitPathway, on_delete=models.PROTECT, related_name="renewals")
    number = models.PositiveSmallIntegerField(_("numéro"))
    commission_on = models.DateField(_("commission départementale le"), null=True, blank=True)
    decided_on = models.DateField(_("décision du préfet le"))
    starts_on = models.DateField(_("début (calculé)"))
    ends_on = models.DateField(_("fin (calculée)"))
    recorded_by = _user()

    class Meta:
        verbose_name = _("renouvellement du parcours de sortie")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["pathway", "number"], name="pathway_renewal_unique_number")]

    def __str__(self) -> str:
        return f"Renouvellement n° {self.number}"


class CaseTask(BaseModel):
    """Something to do on a case by a date; computed deadlines become tasks with their rule."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(_("intitulé"), max_length=200)
    due_on = models.DateField(_("échéance"))
    kind = models.CharField(_("nature"), max_length=30, choices=DeadlineKind.choices, default=DeadlineKind.MANUAL)
    legal_source = models.CharField(_("source"), max_length=300, blank=True)
    rule_key = models.CharField(max_length=100, blank=True)
    # What the deadline comes from, e.g. « procedure:12 »: tasks follow its dates.
    origin = models.CharField(max_length=50, blank=True)
    assigned_to = _user(_("attribuée à"), null=True)
    done_at = models.DateTimeField(_("faite le"), null=True, blank=True)
    done_by = _user(_("faite par"), null=True)

    class Meta:
        verbose_name = _("tâche")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "rule_key", "origin"], condition=~Q(rule_key=""), name="case_task_unique_rule"
            ),
        ]

    def __str__(self) -> str:
        return f"Tâche n° {self.pk}"

    def audit_label(self) -> str:
        return f"Tâche n° {self.pk} ({self.rule_key or self.kind})"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class Reminder(models.Model):
    """A reminder of a task raised on a date by the daily job; one per task and date."""

    task = models.ForeignKey(CaseTask, on_delete=models.CASCADE, related_name="reminders")
    remind_on = models.DateField(_("rappel du"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rappel")
        ordering = ["-remind_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["task", "remind_on"], name="reminder_unique_per_day")]

    def __str__(self) -> str:
        return f"Rappel du {self.remind_on.isoformat()}"
