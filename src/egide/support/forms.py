"""Forms of the support pages. Legal dates (ends of validity, pathway ends) are never asked."""

from typing import Any

from django import forms
from django.conf import settings

from egide.organisations.models import Organisation
from egide.support.vocabulary import (
    CommissionOpinion,
    PrefectDecision,
    ProcedureKind,
    ProcedureState,
    ServiceCategory,
    ServiceStatus,
)


def _date(label: str, required: bool = False, help_text: str = "") -> forms.DateField:
    widget = forms.DateInput(attrs={"class": "fr-input", "type": "date"}, format="%Y-%m-%d")
    return forms.DateField(label=label, required=required, help_text=help_text, widget=widget)


def _select(label: str, choices: Any, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, required=required,
                             widget=forms.Select(attrs={"class": "fr-select"}))  # fmt: skip


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class NeedsForm(forms.Form):
    assessed_on = _date("Évaluation faite le", required=True)
    needs = forms.CharField(
        label="Évaluation des besoins", required=False, max_length=10000,
        help_text="Chiffrée avec l'identité de la personne.",
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 8}),
    )  # fmt: skip


def provider_choices() -> list[tuple[str, str]]:
    return _blank([(str(pk), name) for pk, name in Organisation.objects.order_by("name").values_list("pk", "name")])


class ServiceForm(forms.Form):
    category = _select("Catégorie", ServiceCategory.choices)
    provider = _select("Organisation prestataire", [], required=False)
    status = _select("État", ServiceStatus.choices)
    start_on = _date("Début")
    end_on = _date("Fin")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = provider_choices()  # type: ignore[attr-defined]

    def clean_provider(self) -> int | None:
        value = self.cleaned_data["provider"]
        return int(value) if value else None


class ProcedureForm(forms.Form):
    kind = _select("Démarche", ProcedureKind.choices)
    state = _select("État", ProcedureState.choices)
    requested_on = _date("Demandé le")
    receipt_on = _date("Récépissé remis le", help_text="Le délai de réflexion court à partir de cette date.")
    decision_on = _date("Décision le")
    valid_from = _date("Valable à partir du", help_text="Par défaut la date de la décision ; la fin est calculée.")


class PathwayForm(forms.Form):
    association = _select("Association agréée qui constitue le dossier", [])
    file_built_on = _date("Dossier constitué le")
    commission_on = _date("Commission départementale le")
    commission_opinion = _select("Avis de la commission", _blank(CommissionOpinion.choices), required=False)
    decision = _select("Décision du préfet", _blank(PrefectDecision.choices), required=False)
    decision_on = _date("Décision du préfet le")
    start_on = _date("Début du parcours", help_text="Période de 6 mois, renouvelable, 24 mois au plus.")
    afis = forms.BooleanField(label="Aide financière à l'insertion sociale et professionnelle (AFIS)", required=False)
    aps = _select("APS liée (L425-4)", [], required=False)

    def __init__(self, *args: Any, aps_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        approved = Organisation.objects.filter(exit_pathway_approved_on__isnull=False).order_by("name")
        self.fields["association"].choices = [(str(o.pk), o.name) for o in approved]  # type: ignore[attr-defined]
        self.fields["aps"].choices = _blank([(str(pk), label) for pk, label in aps_choices])  # type: ignore[attr-defined]
        amount = settings.EGIDE_AFIS_MONTHLY_AMOUNT
        self.fields["afis"].help_text = f"Montant mensuel : {amount} € (décret 2017-542, montant à vérifier)."

    def clean_association(self) -> int:
        return int(self.cleaned_data["association"])

    def clean_aps(self) -> int | None:
        value = self.cleaned_data["aps"]
        return int(value) if value else None


class RenewalForm(forms.Form):
    commission_on = _date("Commission départementale le")
    decided_on = _date("Décision du préfet le", required=True)


class TaskDoneForm(forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput)
