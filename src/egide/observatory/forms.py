"""Forms of the observatory: year choice, uploads, survey spreadsheet, linkage runs, filters."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone

from egide.observatory.models import DEFAULT_MATCH_THRESHOLD, DEFAULT_REVIEW_THRESHOLD
from egide.observatory.vocabulary import Channel, Decision
from egide.organisations.models import Organisation

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ENCODED_SUFFIXES = (".csv", ".parquet", ".json")


def year_choices() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(y, y) for y in range(this_year, this_year - 11, -1)]


def _select(**attrs: Any) -> forms.Select:
    return forms.Select(attrs={"class": "fr-select", **attrs})


class HolderYearForm(forms.Form):
    """The holder (among those the user may submit for) and the reporting year."""

    organisation = forms.ModelChoiceField(
        label="Détenteur des données", queryset=Organisation.objects.none(), widget=_select(),
        error_messages={"required": "Choisissez l'organisation.", "invalid_choice": "Organisation non autorisée."},
    )  # fmt: skip
    year = forms.TypedChoiceField(label="Année déclarée", coerce=int, choices=(), widget=_select())

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = year_choices()
        year.initial = timezone.localdate().year - 1


class EncodedUploadForm(HolderYearForm):
    file = forms.FileField(
        label="Fichier encodé",
        help_text="Sortie de « egide encode » (.csv ou .parquet) ou document JSON au schéma de soumission.",
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(ENCODED_SUFFIXES):
            raise forms.ValidationError("Envoyez un fichier .csv, .parquet ou .json produit par « egide encode ».")
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"Le fichier dépasse {MAX_UPLOAD_BYTES // 1024 // 1024} Mo.")
        return upload


class SurveyUploadForm(HolderYearForm):
    file = forms.FileField(label="Tableur de l'enquête (.xlsx)")
    fingerprint = forms.CharField(
        label="Empreinte de la clé (si des encodages sont collés)", required=False, max_length=64,
        help_text="Affichée par « egide encode » ; laissez vide si la feuille « Personnes » n'a pas d'encodage.",
        widget=forms.TextInput(attrs={"class": "fr-input"}),
    )  # fmt: skip

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError("Envoyez le tableur au format .xlsx, à partir du modèle téléchargé.")
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"Le fichier dépasse {MAX_UPLOAD_BYTES // 1024 // 1024} Mo.")
        return upload


class RunForm(forms.Form):
    match_threshold = forms.FloatField(
        label="Seuil d'appariement (Dice)", min_value=0.5, max_value=1.0, initial=DEFAULT_MATCH_THRESHOLD,
        help_text="Au-dessus : même personne.", widget=forms.NumberInput(attrs={"class": "fr-input", "step": "0.01"}),
    )  # fmt: skip
    review_threshold = forms.FloatField(
        label="Seuil des doublons possibles (Dice)", min_value=0.5, max_value=1.0, initial=DEFAULT_REVIEW_THRESHOLD,
        help_text="Entre les deux seuils : paire soumise à votre examen, non fusionnée.",
        widget=forms.NumberInput(attrs={"class": "fr-input", "step": "0.01"}),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        match, review = data.get("match_threshold"), data.get("review_threshold")
        if match is not None and review is not None and review > match:
            raise forms.ValidationError("Le seuil des doublons possibles ne peut dépasser le seuil d'appariement.")
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices)


class SubmissionFilterForm(forms.Form):
    year = forms.TypedChoiceField(label="Année", coerce=int, required=False, empty_value=None, widget=_select())
    organisation = forms.ModelChoiceField(
        label="Détenteur", queryset=Organisation.objects.none(), required=False, widget=_select()
    )
    channel = forms.ChoiceField(
        label="Canal", required=False, choices=[("", "Tous"), *Channel.choices], widget=_select()
    )
    inactive = forms.BooleanField(label="Inclure les soumissions remplacées ou retirées", required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [("", "Toutes"), *year_choices()]
