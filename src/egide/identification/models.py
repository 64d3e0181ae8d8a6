"""Indicator lists (versioned reference data) and screenings made with them."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.core.models import BaseModel
from egide.identification.vocabulary import (
    Answer,
    Conclusion,
    ListStatus,
    PalermoElement,
    Profile,
    ScreeningStatus,
    Strength,
)
from egide.organisations.vocabulary import ExploitationForm


class IndicatorList(models.Model):
    """One version of an indicator list. Versions are never changed nor deleted once loaded.

    `rules` holds the combination rules exactly as the source gives them:
    `{"dimension_positive": {"any_of": [...]}, "victim": {...}, "means_required": bool}`.
    """

    code = models.CharField(_("code"), max_length=60)
    title = models.CharField(_("titre"), max_length=200)
    profile = models.CharField(_("profil"), max_length=10, choices=Profile.choices)
    exploitation_forms = models.JSONField(_("formes d'exploitation couvertes"), default=list)
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("statut"), max_length=20, choices=ListStatus.choices)
    source = models.TextField(_("source"), blank=True)
    rules = models.JSONField(_("règles de combinaison"))
    content_hash = models.CharField(max_length=64)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chargée par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    loaded_at = models.DateTimeField(_("chargée le"), default=timezone.now)
    is_current = models.BooleanField(_("version en vigueur"), default=True)

    class Meta:
        verbose_name = _("liste d'indicateurs")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="indicator_list_unique_version"),
            models.UniqueConstraint(fields=["code"], condition=Q(is_current=True), name="indicator_list_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def audit_label(self) -> str:
        return f"{self.code} v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == ListStatus.DRAFT_UNVERIFIED

    def form_labels(self) -> list[str]:
        return [str(ExploitationForm(c).label) for c in self.exploitation_forms if c in ExploitationForm.values]


class Dimension(models.Model):
    indicator_list = models.ForeignKey(IndicatorList, on_delete=models.PROTECT, related_name="dimensions")
    code = models.CharField(_("code"), max_length=60)
    label = models.CharField(_("libellé"), max_length=200)
    palermo_element = models.CharField(_("élément de la définition"), max_length=10, choices=PalermoElement.choices)
    order = models.PositiveIntegerField(_("ordre"))

    class Meta:
        verbose_name = _("dimension")
        ordering = ["indicator_list", "order"]
        constraints = [models.UniqueConstraint(fields=["indicator_list", "code"], name="dimension_unique_code")]

    def __str__(self) -> str:
        return self.label


class Indicator(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(_("code"), max_length=80)
    label = models.CharField(_("libellé"), max_length=300)
    label_en = models.CharField(_("libellé anglais"), max_length=300, blank=True)
    strength = models.CharField(_("force"), max_length=10, choices=Strength.choices)
    uncertain = models.BooleanField(_("incertain"), default=False)
    order = models.PositiveIntegerField(_("ordre"))

    class Meta:
        verbose_name = _("indicateur")
        ordering = ["dimension", "order"]
        constraints = [models.UniqueConstraint(fields=["dimension", "code"], name="indicator_unique_code")]

    def __str__(self) -> str:
        return self.label


class ScreeningQuerySet(models.QuerySet["Screening"]):
    def visible_to(self, user: Any, capabilities: tuple[str, ...]) -> "ScreeningQuerySet":
        """Screenings of the organisations where `user` holds one of `capabilities`."""
        if not user.is_authenticated:
            return self.none()
        org_ids = [o for o in user.organisation_ids() if any(user.has_capability_in(c, o) for c in capabilities)]
        return self.filter(organisation_id__in=org_ids)


class Screening(BaseModel):
    """A screening of a person met by an organisation, with one indicator-list version.

    A screening is anonymous: `reference` is a short pseudonym, never a name. The case-file
    app attaches it to a person later. Its result never replaces a formal identification.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    indicator_list = models.ForeignKey(
        IndicatorList, verbose_name=_("liste d'indicateurs"), on_delete=models.PROTECT, related_name="screenings"
    )
    profile = models.CharField(_("profil"), max_length=10, choices=Profile.choices)
    exploitation_form = models.CharField(_("forme d'exploitation"), max_length=20, choices=ExploitationForm.choices)
    screened_on = models.DateField(_("date du repérage"))
    place_code = models.CharField(_("lieu (code commune INSEE ou pays ISO)"), max_length=5, blank=True)
    reference = models.CharField(
        _("référence anonyme"), max_length=120,
        help_text=_("Un pseudonyme court, par exemple « Personne rencontrée le 12/03, gare du Nord ». "
                    "Jamais de nom réel."),
    )  # fmt: skip
    act_established = models.CharField(
        _("acte établi (recrutement, transport, hébergement…)"),
        max_length=10,
        choices=Answer.choices,
        default=Answer.UNKNOWN,
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=ScreeningStatus.choices, default=ScreeningStatus.DRAFT
    )
    # {dimension code: {"positive": bool, "evidence": [indicator codes]}}
    dimension_results = models.JSONField(_("résultats par dimension"), default=dict, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=20, choices=Conclusion.choices, blank=True)
    completed_at = models.DateTimeField(_("complété le"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        verbose_name = _("repérage")
        ordering = ["-screened_on", "-id"]

    def __str__(self) -> str:
        return f"Repérage n° {self.pk}"

    def audit_label(self) -> str:
        # The pseudonym stays out of the audit trail: it may still point at someone.
        return f"Repérage n° {self.pk}"

    @property
    def is_presumed_victim(self) -> bool:
        return self.conclusion == Conclusion.PRESUMED_VICTIM

    @property
    def counts(self) -> bool:
        """Whether the conclusion counts: a presumed victim only once a second person confirmed it."""
        return self.status == ScreeningStatus.CONFIRMED


class ScreeningAnswer(models.Model):
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("présent"), max_length=10, choices=Answer.choices, default=Answer.UNKNOWN)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("réponse")
        constraints = [models.UniqueConstraint(fields=["screening", "indicator"], name="answer_unique_indicator")]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.answer}"
