"""Forms of the directory: the search filters and the organisation form."""

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.text import capfirst
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as siret_number

from egide.core.iso import all_language_codes, language_choices
from egide.core.models import Commune, Departement
from egide.core.text import fold
from egide.organisations.models import Organisation
from egide.organisations.selectors import OrganisationFilters
from egide.organisations.vocabulary import AddressVisibility, ExploitationForm, Kind, Service

ANY = [("", "Tous")]
# An INSEE commune code: 5 characters, digits except "2A"/"2B" for Corsica.
COMMUNE_CODE = re.compile(r"\b(\d[\dAB]\d{3})\b", re.IGNORECASE)


def departement_choices() -> list[tuple[str, str]]:
    return [(d.code, f"{d.code} — {d.name}") for d in Departement.objects.order_by("code")]


class FilterForm(forms.Form):
    """The search filters of the map and the directory; unknown values are ignored."""

    q = forms.CharField(label="Rechercher", required=False, max_length=200)
    service = forms.ChoiceField(label="Service proposé", required=False, choices=[*ANY, *Service.choices])
    exploitation_form = forms.ChoiceField(
        label="Forme d'exploitation", required=False, choices=[*ANY, *ExploitationForm.choices]
    )
    language = forms.ChoiceField(label="Langue parlée", required=False)
    departement = forms.ChoiceField(label="Département", required=False)
    kind = forms.ChoiceField(label="Type de structure", required=False, choices=[*ANY, *Kind.choices])
    minors = forms.BooleanField(label="Accueille des mineurs", required=False)

    def __init__(self, data: Any, *, languages: list[tuple[str, str]]) -> None:
        super().__init__(data)
        _choice_field(self, "language").choices = [("", "Toutes"), *languages]
        _choice_field(self, "departement").choices = ANY + departement_choices()

    def filters(self) -> OrganisationFilters:
        """Return the valid filters; an invalid value counts as no filter."""
        self.is_valid()
        data: dict[str, Any] = self.cleaned_data
        return OrganisationFilters(
            q=data.get("q", ""),
            service=data.get("service", ""),
            exploitation_form=data.get("exploitation_form", ""),
            language=data.get("language", ""),
            minors=True if data.get("minors") else None,
            departement=data.get("departement", ""),
            kind=data.get("kind", ""),
        )

    def query_string(self) -> str:
        """Return the valid filters as a query string, to keep them across pages."""
        self.is_valid()
        qd = QueryDict(mutable=True)
        for name, value in self.cleaned_data.items():
            if value:
                qd[name] = "1" if value is True else value
        return qd.urlencode()


def _commune_code(value: Any) -> str:
    if isinstance(value, Commune):
        return value.code
    match = COMMUNE_CODE.search(str(value or ""))
    return match.group(1).upper() if match else str(value or "")


class CommuneField(forms.CharField):
    """A commune typed as « Nom (code INSEE) », a bare INSEE code or an unambiguous name."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Commune):
            return f"{value.name} ({value.code})"
        if isinstance(value, str) and COMMUNE_CODE.fullmatch(value):
            commune = Commune.objects.filter(code=value.upper()).first()
            return f"{commune.name} ({commune.code})" if commune else value
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        return _commune_code(initial) != _commune_code(data)

    def clean(self, value: Any) -> Commune | None:
        text = super().clean(value).strip()
        if not text:
            return None
        match = COMMUNE_CODE.search(text)
        if match:
            commune = Commune.objects.filter(code=match.group(1).upper()).first()
            if commune is None:
                raise forms.ValidationError(f"Aucune commune n'a le code INSEE « {match.group(1)} ».")
            return commune
        same_name: QuerySet[Commune] = Commune.objects.filter(search_name=fold(text))
        communes = list(same_name.select_related("departement")[:5])
        if len(communes) == 1:
            return communes[0]
        if communes:
            names = ", ".join(f"{c.name} ({c.departement_id})" for c in communes)
            raise forms.ValidationError(
                f"Plusieurs communes portent ce nom ({names}) : choisissez-en une dans la liste."
            )
        raise forms.ValidationError("Commune inconnue : choisissez-la dans la liste ou saisissez son code INSEE.")


VISIBILITY_HELP = (
    "Les lieux d'hébergement doivent garder leur adresse confidentielle : choisissez "
    "« département seulement » ou « aucune localisation publique ». L'adresse reste visible "
    "des membres de l'organisation et de la coordination."
)


class OrganisationForm(forms.ModelForm[Organisation]):
    """Everything an organisation administrator or the coordination may set on an organisation."""

    commune = CommuneField(
        label="Commune",
        required=False,
        help_text="Tapez le nom puis choisissez dans la liste, ou saisissez le code INSEE (ex. 75056).",
    )
    # Longer than the 14 digits stored, so that a number typed with spaces reaches `clean_siret`.
    siret = forms.CharField(label="SIRET", required=False, max_length=20, help_text="14 chiffres.")
    website = forms.URLField(label="Site web", required=False, max_length=200, assume_scheme="https")
    services = forms.MultipleChoiceField(
        label="Services proposés", required=False, choices=Service.choices, widget=forms.CheckboxSelectMultiple
    )
    exploitation_forms = forms.MultipleChoiceField(
        label="Formes d'exploitation prises en charge",
        required=False,
        choices=ExploitationForm.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label="Langues parlées",
        required=False,
        help_text="Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Organisation
        fields = (
            "name",
            "acronym",
            "kind",
            "siret",
            "description",
            "address",
            "postcode",
            "commune",
            "departement",
            "address_visibility",
            "latitude",
            "longitude",
            "phone",
            "email",
            "website",
            "hotline",
            "opening_hours",
            "national_collective_member",
            "exit_pathway_approved_on",
            "acse_partner",
            "acse_reserved_places",
            "capacity_places",
            "capacity_free_places",
            "is_published",
        )
        widgets = {
            "address_visibility": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "exit_pathway_approved_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "address_visibility": VISIBILITY_HELP,
            "departement": "Déduit de la commune quand elle est indiquée.",
            "latitude": "Facultatif : à défaut, le centre de la commune.",
            "longitude": "Facultatif : à défaut, le centre de la commune.",
            "capacity_free_places": "Ne peut pas dépasser le nombre de places.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = self.instance
        departement = self.fields["departement"]
        assert isinstance(departement, forms.ModelChoiceField)
        departement.required = False
        departement.empty_label = "Choisir un département"
        _choice_field(self, "address_visibility").choices = _capitalised(AddressVisibility.choices)
        _choice_field(self, "kind").choices = [("", "Choisir un type"), *_capitalised(Kind.choices)]
        current_languages = org.language_codes() if org.pk else []
        _choice_field(self, "languages").choices = language_choices([*all_language_codes(), *current_languages])
        if org.pk:
            self.initial.update(
                services=org.service_codes(),
                exploitation_forms=org.exploitation_form_codes(),
                languages=current_languages,
            )
        for field in self.fields.values():
            _style(field.widget)
        self.fields["commune"].widget.attrs.update(list="communes-suggestions", autocomplete="off")

    def clean_siret(self) -> str:
        value = siret_number.compact(self.cleaned_data.get("siret", ""))
        if not value:
            return ""
        try:
            return str(siret_number.validate(value))
        except InvalidChecksum:
            raise forms.ValidationError("Numéro SIRET invalide (clé de contrôle).") from None
        except StdnumError:
            raise forms.ValidationError("Numéro SIRET invalide : 14 chiffres attendus.") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # ModelForm.clean returns cleaned_data
        places, free = data.get("capacity_places"), data.get("capacity_free_places")
        if places is not None and free is not None and free > places:
            self.add_error(
                "capacity_free_places",
                f"Le nombre de places libres ({free}) ne peut pas dépasser le nombre de places ({places}).",
            )
        commune = data.get("commune")
        if commune is not None:
            data["departement"] = commune.departement
        elif "commune" not in self.errors and not data.get("departement"):
            self.add_error("departement", "Indiquez la commune ou, à défaut, le département.")
        # A new commune without new coordinates: place the organisation at the new commune.
        if "commune" in self.changed_data and not {"latitude", "longitude"} & set(self.changed_data):
            data["latitude"] = data["longitude"] = None
        return data

    def organisation_fields(self) -> dict[str, Any]:
        """Return the cleaned model fields, for `OrganisationData`."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def error_summary(self) -> list[tuple[str, str, str]]:
        """Return (anchor, label, message) for every error, to link the summary to each field."""
        summary = [("", "", str(e)) for e in self.non_field_errors()]
        for field in self:
            anchor = field.auto_id
            if isinstance(field.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                anchor = f"{anchor}_0"
            summary += [(anchor, str(field.label), str(e)) for e in field.errors]
        return summary


def _capitalised(choices: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    return [(value, capfirst(str(label))) for value, label in choices]


def _choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def _style(widget: forms.Widget) -> None:
    """Give each widget its DSFR class."""
    if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
        return
    css = "fr-select" if isinstance(widget, forms.Select) else "fr-input"
    widget.attrs["class"] = css
