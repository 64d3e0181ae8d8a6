"""Forms of the identification pages."""

import datetime
from typing import Any

import pycountry
from django import forms
from django.utils import timezone

from egide.core.models import Commune
from egide.identification import selectors
from egide.identification.models import Dimension, IndicatorList, Screening
from egide.identification.vocabulary import Answer, Profile
from egide.organisations.vocabulary import ExploitationForm

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _input(**attrs: Any) -> dict[str, Any]:
    return {"class": "fr-input", **attrs}


class NewScreeningForm(forms.Form):
    organisation = forms.TypedChoiceField(label="Organisation", coerce=int)
    profile = forms.ChoiceField(label="Profil de la personne", choices=Profile.choices, widget=forms.RadioSelect)
    exploitation_form = forms.ChoiceField(
        # Nothing pre-selected: the first form (sexual) has no list yet, and the choice must be deliberate.
        label="Forme d'exploitation suspectée",
        choices=[("", "Choisir une forme d'exploitation"), *ExploitationForm.choices],
        widget=forms.Select(attrs={"class": "fr-select"}),
    )  # fmt: skip
    screened_on = forms.DateField(
        label="Date du repérage", widget=forms.DateInput(attrs=_input(type="date"), format="%Y-%m-%d")
    )
    place_code = forms.CharField(
        label="Lieu (facultatif)", required=False, max_length=5,
        help_text="Code INSEE de la commune (ex. 75056) ou code ISO du pays (ex. RO).",
        widget=forms.TextInput(attrs=_input()),
    )  # fmt: skip
    reference = forms.CharField(
        label="Référence anonyme", max_length=120,
        help_text="Un pseudonyme court, par exemple « Personne rencontrée le 12/03, gare du Nord ». "
                  "N'écrivez jamais de nom réel.",
        widget=forms.TextInput(attrs=_input()),
    )  # fmt: skip
    use_labour_list = forms.BooleanField(
        label="Utiliser la liste « exploitation par le travail », faute de liste propre à cette forme",
        required=False,
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = organisations
        field.widget.attrs["class"] = "fr-select"
        self.single_organisation = organisations[0][0] if len(organisations) == 1 else None
        if self.single_organisation is not None:
            field.required, field.widget = False, forms.HiddenInput()
        self.fields["screened_on"].initial = timezone.localdate()
        self.indicator_list: IndicatorList | None = None

    def clean_organisation(self) -> int:
        value: int | None = self.cleaned_data.get("organisation")
        if self.single_organisation is not None:
            return self.single_organisation
        if value is None:
            raise forms.ValidationError("Choisissez l'organisation.")
        return value

    def clean_screened_on(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["screened_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("La date du repérage ne peut pas être dans le futur.")
        return value

    def clean_place_code(self) -> str:
        code: str = self.cleaned_data["place_code"].strip().upper()
        if not code:
            return ""
        if len(code) == 5 and Commune.objects.filter(code=code).exists():
            return code
        if len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None:
            return code
        raise forms.ValidationError("Ni un code de commune INSEE connu, ni un code de pays ISO à deux lettres.")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        profile, form = data.get("profile"), data.get("exploitation_form")
        if not profile or not form:
            return data
        self.indicator_list = selectors.list_for(profile, form)
        if self.indicator_list is not None:
            return data
        label = ExploitationForm(form).label
        fallback = selectors.labour_fallback_for(profile, form)
        if fallback is not None and data.get("use_labour_list"):
            self.indicator_list = fallback
        elif fallback is not None:
            self.add_error("use_labour_list", (
                f"Aucune liste d'indicateurs n'existe pour « {label} » ({Profile(profile).label}). "
                "Cochez cette case pour utiliser la liste « exploitation par le travail »."
            ))  # fmt: skip
        else:
            self.add_error("exploitation_form", (
                f"Aucune liste d'indicateurs n'est disponible pour « {label} » ({Profile(profile).label}) : "
                "elle n'a pas encore été transcrite et vérifiée. Un repérage ne se fait jamais avec une liste vide ; "
                "consignez vos observations et orientez la personne vers une structure spécialisée."
            ))  # fmt: skip
        return data


def answer_field(indicator_id: int) -> str:
    return f"i_{indicator_id}"


def note_field(indicator_id: int) -> str:
    return f"n_{indicator_id}"


class AnswersForm(forms.Form):
    """One oui/non/ne sait pas question per indicator, grouped by dimension in the template."""

    act_established = forms.ChoiceField(
        label="Un acte est-il établi (recrutement, transport, transfert, hébergement ou accueil de la personne) ?",
        choices=Answer.choices, widget=forms.RadioSelect, initial=Answer.UNKNOWN,
    )  # fmt: skip

    def __init__(self, *args: Any, screening: Screening, dimensions: list[Dimension], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        existing = {a.indicator_id: a for a in screening.answers.all()}
        self.fields["act_established"].initial = screening.act_established
        self.indicator_ids: list[int] = []
        for dim in dimensions:
            for indicator in dim.indicators.all():
                previous = existing.get(indicator.pk)
                self.indicator_ids.append(indicator.pk)
                self.fields[answer_field(indicator.pk)] = forms.ChoiceField(
                    label=indicator.label, choices=Answer.choices, widget=forms.RadioSelect,
                    initial=previous.answer if previous else Answer.UNKNOWN,
                )  # fmt: skip
                self.fields[note_field(indicator.pk)] = forms.CharField(
                    label="Note", required=False, max_length=500, initial=previous.note if previous else "",
                    widget=forms.TextInput(attrs=_input()),
                )  # fmt: skip

    def answers(self) -> dict[int, tuple[str, str]]:
        return {
            pk: (self.cleaned_data[answer_field(pk)], self.cleaned_data[note_field(pk)].strip())
            for pk in self.indicator_ids
        }


class UploadForm(forms.Form):
    file = forms.FileField(label="Fichier de listes (YAML ou XLSX)")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".yaml", ".yml", ".xlsx")):
            raise forms.ValidationError("Format non reconnu : envoyez un fichier .yaml, .yml ou .xlsx.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Fichier trop volumineux (5 Mo au plus).")
        return upload
