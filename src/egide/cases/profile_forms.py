"""Forms of the case profile page: the coded profile and its events."""

from typing import Any

from django import forms

from egide.cases.profile import EventData, ProfileData
from egide.cases.vocabulary import (
    AdministrativeStatus,
    ComplaintService,
    EventKind,
    ExploitedInFrance,
    MeansOfControl,
    RecruitmentMethod,
    RelationshipToTrafficker,
    YesNoUnknown,
)
from egide.core.iso import country_choices, language_choices
from egide.organisations.vocabulary import ExploitationForm

PARTIAL_HELP = "Format AAAA, AAAA-MM ou AAAA-MM-JJ : une date partielle suffit."


def _select(**attrs: Any) -> forms.Select:
    return forms.Select(attrs={"class": "fr-select", **attrs})


def _many(label: str, choices: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, required=False, choices=choices, widget=forms.CheckboxSelectMultiple)


def _radios(label: str, choices: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=choices, widget=forms.RadioSelect,
        error_messages={"required": "Choisissez une réponse (« inconnu » si elle n'est pas connue).",
                        "invalid_choice": "Choisissez une des réponses proposées."},
    )  # fmt: skip


class ProfileForm(forms.Form):
    exploitation_forms = _many("Formes d'exploitation", ExploitationForm.choices)
    control_means = _many("Moyens de contrôle", MeansOfControl.choices)
    recruitment_methods = _many("Méthodes de recrutement", RecruitmentMethod.choices)
    relationship_to_trafficker = forms.ChoiceField(
        label="Lien avec l'auteur", required=False,
        choices=[("", "non renseigné"), *RelationshipToTrafficker.choices], widget=_select(),
    )  # fmt: skip
    exploited_in_france = _radios("Exploitée ou exploité", ExploitedInFrance.choices)
    minor_at_start = _radios("Mineur·e au début de l'exploitation", YesNoUnknown.choices)
    nationalities = forms.MultipleChoiceField(
        label="Nationalité(s)", required=False, help_text="Plusieurs choix possibles (Ctrl ou Cmd + clic).",
        widget=forms.SelectMultiple(attrs={"class": "fr-select", "size": 6}),
    )  # fmt: skip
    languages = forms.MultipleChoiceField(
        label="Langue(s) parlée(s)", required=False, help_text="Plusieurs choix possibles (Ctrl ou Cmd + clic).",
        widget=forms.SelectMultiple(attrs={"class": "fr-select", "size": 6}),
    )  # fmt: skip
    administrative_status = forms.ChoiceField(
        label="Situation administrative", choices=AdministrativeStatus.choices, widget=_select(),
        initial=AdministrativeStatus.UNKNOWN,
    )  # fmt: skip
    complaint_filed = _radios("Plainte déposée", YesNoUnknown.choices)
    complaint_date = forms.DateField(
        label="Date de la plainte", required=False,
        widget=forms.DateInput(attrs={"class": "fr-input", "type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Date invalide : écrivez-la AAAA-MM-JJ."},
    )  # fmt: skip
    complaint_service = forms.ChoiceField(
        label="Service saisi", required=False, choices=[("", "non renseigné"), *ComplaintService.choices],
        widget=_select(),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("nationalities", country_choices()), ("languages", language_choices())):
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = choices

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.errors:
            return data
        for name, message in self.profile().errors().items():
            self.add_error(name, message)
        return data

    def profile(self) -> ProfileData:
        values: dict[str, Any] = {name: tuple(v) if isinstance(v, list) else v for name, v in self.cleaned_data.items()}
        return ProfileData(**values)

    @staticmethod
    def initial_for(data: ProfileData) -> dict[str, Any]:
        return {name: list(v) if isinstance(v, tuple) else v for name, v in data.__dict__.items()}


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        label="Étape", choices=EventKind.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choisissez l'étape : recrutement, transit ou exploitation."},
    )  # fmt: skip
    commune_code = forms.CharField(
        label="Commune (code INSEE)", required=False, max_length=5,
        help_text="En France : le code INSEE à 5 caractères (ex. 75056 pour Paris, 2A004 pour Ajaccio).",
        widget=forms.TextInput(attrs={"class": "fr-input", "autocomplete": "off"}),
    )  # fmt: skip
    country = forms.ChoiceField(label="Ou pays", required=False, widget=_select())
    start = forms.CharField(label="Début", required=False, max_length=10, help_text=PARTIAL_HELP,
                            widget=forms.TextInput(attrs={"class": "fr-input", "placeholder": "AAAA-MM"}))  # fmt: skip
    end = forms.CharField(label="Fin", required=False, max_length=10, help_text=PARTIAL_HELP,
                          widget=forms.TextInput(attrs={"class": "fr-input", "placeholder": "AAAA-MM"}))  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["country"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *country_choices()]

    def event(self) -> EventData:
        data = self.cleaned_data
        return EventData(
            kind=data["kind"], commune_code=data["commune_code"].strip().upper(), country=data["country"],
            start=data["start"].strip(), end=data["end"].strip(),
        )  # fmt: skip


class DeleteEventForm(forms.Form):
    event = forms.IntegerField(widget=forms.HiddenInput)
