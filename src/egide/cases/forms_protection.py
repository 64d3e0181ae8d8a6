"""Forms of assignment, seal, break the glass, minors, legal hold and export."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from egide.cases.sealing import DURATIONS
from egide.cases.vocabulary import AgeStatus, AssessmentOutcome, BreakGlassDecision, GuardianKind, SealReason
from egide.core.models import Departement


def _text(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "fr-input", **attrs})


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"class": "fr-input", "type": "date"})


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "fr-select"})


class AssignForm(forms.Form):
    assigned_to = forms.TypedChoiceField(label="Suivi par", coerce=int, widget=_select())
    team = forms.TypedChoiceField(label="Équipe", coerce=int, required=False, empty_value=None, widget=_select())

    def __init__(self, *args: Any, members: list[tuple[int, str]], teams: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["assigned_to"].choices = members  # type: ignore[attr-defined]
        self.fields["team"].choices = [("", "— aucune équipe —"), *teams]  # type: ignore[attr-defined]


class SealForm(forms.Form):
    reason = forms.ChoiceField(label="Motif de la protection", choices=SealReason.choices, widget=forms.RadioSelect)


class UnsealForm(forms.Form):
    justification = forms.CharField(
        label="Pourquoi lever la protection ?", max_length=500,
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 2}),
        error_messages={"required": "Indiquez pourquoi la protection du dossier est levée."},
    )  # fmt: skip


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Motif", max_length=1000, help_text="Obligatoire. Il est transmis aux responsables et contrôlé.",
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 3}),
        error_messages={"required": "Indiquez le motif du bris de glace : il est obligatoire et sera contrôlé."},
    )  # fmt: skip
    minutes = forms.TypedChoiceField(
        label="Durée de l'ouverture", coerce=int, choices=DURATIONS, initial=30, widget=forms.RadioSelect,
        error_messages={"required": "Choisissez une durée.", "invalid_choice": "Choisissez une durée de la liste."},
    )  # fmt: skip


class BreakGlassReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Votre appréciation", choices=BreakGlassDecision.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choisissez votre appréciation de ce bris de glace."},
    )  # fmt: skip
    comment = forms.CharField(
        label="Commentaire", max_length=2000, required=False,
        help_text="Obligatoire sauf si l'ouverture est justifiée.",
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 2}),
    )  # fmt: skip


class AgeStatusForm(forms.Form):
    age_status = forms.ChoiceField(label="Âge de la personne aujourd'hui", choices=AgeStatus.choices,
                                   widget=forms.RadioSelect)  # fmt: skip


def _not_future(value: datetime.date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError("La date ne peut pas être dans le futur.")


class AgeAssessmentForm(forms.Form):
    assessed_on = forms.DateField(label="Date de l'évaluation", widget=_date(), validators=[_not_future])
    outcome = forms.ChoiceField(label="Conclusion", choices=AssessmentOutcome.choices, widget=forms.RadioSelect)


class ReferralForm(forms.Form):
    departement = forms.ModelChoiceField(
        label="Département (conseil départemental)", queryset=Departement.objects.order_by("code"), widget=_select(),
        to_field_name="code",
    )  # fmt: skip
    referred_on = forms.DateField(label="Date de la saisine", widget=_date(), validators=[_not_future])
    reference = forms.CharField(label="Référence de l'ASE", required=False, max_length=100, widget=_text())


class GuardianForm(forms.Form):
    kind = forms.ChoiceField(label="Qualité", choices=GuardianKind.choices, widget=_select())
    name = forms.CharField(label="Nom", required=False, max_length=150, help_text="Chiffré comme l'identité.",
                           widget=_text(autocomplete="off"))  # fmt: skip
    appointed_on = forms.DateField(label="Désigné le", required=False, widget=_date(), validators=[_not_future])


class LegalHoldForm(forms.Form):
    reason = forms.CharField(
        label="Motif", max_length=300, widget=forms.Textarea(attrs={"class": "fr-input", "rows": 2}),
        error_messages={"required": "Indiquez le motif (par exemple la procédure judiciaire en cours)."},
    )  # fmt: skip


class ExportForm(forms.Form):
    password = forms.CharField(
        label="Votre mot de passe", strip=False,
        widget=forms.PasswordInput(attrs={"class": "fr-input", "autocomplete": "current-password"}),
        error_messages={"required": "Saisissez à nouveau votre mot de passe pour exporter le dossier."},
    )  # fmt: skip
    format = forms.ChoiceField(label="Format", choices=[("pdf", "PDF"), ("json", "JSON")], initial="pdf",
                               widget=forms.RadioSelect)  # fmt: skip
