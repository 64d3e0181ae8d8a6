"""Forms of the case-file pages: the identity of a person, the search."""

import gettext
from functools import cache
from typing import Any

import pycountry
from django import forms
from django.utils import timezone

from egide.cases.identity import Identity, IdentityDocument, IdentityError, PartialDate
from egide.cases.vocabulary import DocumentKind, Sex
from egide.core.text import fold
from egide.organisations.vocabulary import ExploitationForm

BIRTH_HELP = "Format AAAA, AAAA-MM ou AAAA-MM-JJ : une date partielle suffit (ex. 1998 ou 1998-04)."


def _input(**attrs: Any) -> dict[str, Any]:
    return {"class": "fr-input", **attrs}


@cache
def country_choices() -> list[tuple[str, str]]:
    """Countries by ISO 3166 alpha-3 code, with their French names, in French alphabetical order."""
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)
    names = [(c.alpha_3, french.gettext(c.name)) for c in pycountry.countries]
    return sorted(names, key=lambda pair: fold(pair[1]))


def parse_birth(text: str) -> PartialDate | None:
    """Parse a partial date of birth; raise a French ValidationError."""
    if not text.strip():
        return None
    try:
        value = PartialDate.parse(text)
    except IdentityError as error:
        raise forms.ValidationError(str(error)) from None
    if str(value) > timezone.localdate().isoformat()[: len(str(value))]:
        raise forms.ValidationError("La date de naissance ne peut pas être dans le futur.")
    return value


class IdentityForm(forms.Form):
    """Identity fields of a person; with `organisations`, also what opens a case."""

    family_name = forms.CharField(label="Nom de famille", required=False, max_length=150,
                                  widget=forms.TextInput(attrs=_input(autocomplete="off")))  # fmt: skip
    given_names = forms.CharField(label="Prénom(s)", required=False, max_length=150,
                                  widget=forms.TextInput(attrs=_input(autocomplete="off")))  # fmt: skip
    aliases = forms.CharField(
        label="Autres noms utilisés (alias, noms d'usage)", required=False, max_length=1000,
        help_text="Un nom par ligne.", widget=forms.Textarea(attrs=_input(rows=2)),
    )  # fmt: skip
    sex = forms.ChoiceField(label="Sexe", choices=Sex.choices, initial=Sex.UNKNOWN, widget=forms.RadioSelect)
    birth_date = forms.CharField(label="Date de naissance", required=False, max_length=10, help_text=BIRTH_HELP,
                                 widget=forms.TextInput(attrs=_input(placeholder="AAAA-MM-JJ")))  # fmt: skip
    birth_place = forms.CharField(label="Lieu de naissance", required=False, max_length=150,
                                  widget=forms.TextInput(attrs=_input()))  # fmt: skip
    nationalities = forms.MultipleChoiceField(
        label="Nationalité(s)", required=False, help_text="Plusieurs choix possibles (Ctrl ou Cmd + clic).",
        widget=forms.SelectMultiple(attrs={"class": "fr-select", "size": 6}),
    )  # fmt: skip
    phone = forms.CharField(label="Téléphone", required=False, max_length=40,
                            widget=forms.TextInput(attrs=_input(type="tel")))  # fmt: skip
    address = forms.CharField(label="Adresse", required=False, max_length=500,
                              widget=forms.Textarea(attrs=_input(rows=2)))  # fmt: skip
    document_kind = forms.ChoiceField(
        label="Pièce d'identité : type", required=False, choices=[("", "—"), *DocumentKind.choices],
        widget=forms.Select(attrs={"class": "fr-select"}),
    )  # fmt: skip
    document_number = forms.CharField(label="Pièce d'identité : numéro", required=False, max_length=60,
                                      widget=forms.TextInput(attrs=_input()))  # fmt: skip
    notes = forms.CharField(
        label="Notes", required=False, max_length=5000, help_text="Chiffrées comme l'identité.",
        widget=forms.Textarea(attrs=_input(rows=4)),
    )  # fmt: skip

    def __init__(self, *args: Any, organisations: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["nationalities"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = country_choices()
        self.single_organisation: int | None = None
        if organisations is None:
            return
        self.fields["organisation"] = forms.TypedChoiceField(
            label="Organisation", coerce=int, choices=organisations,
            widget=forms.Select(attrs={"class": "fr-select"}),
        )  # fmt: skip
        self.fields["exploitation_forms"] = forms.MultipleChoiceField(
            label="Formes d'exploitation", required=False, choices=ExploitationForm.choices,
            widget=forms.CheckboxSelectMultiple,
        )  # fmt: skip
        if len(organisations) == 1:
            self.single_organisation = organisations[0][0]
            self.fields["organisation"].required = False
            self.fields["organisation"].widget = forms.HiddenInput()

    def clean_organisation(self) -> int:
        value: int | None = self.cleaned_data.get("organisation")
        if self.single_organisation is not None:
            return self.single_organisation
        if value is None:
            raise forms.ValidationError("Choisissez l'organisation.")
        return value

    def clean_birth_date(self) -> PartialDate | None:
        return parse_birth(self.cleaned_data["birth_date"])

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if not data.get("family_name", "").strip() and not data.get("given_names", "").strip():
            self.add_error("family_name", "Indiquez au moins le nom de famille ou le prénom (un nom d'usage suffit).")
        kind, number = data.get("document_kind"), data.get("document_number", "").strip()
        if number and not kind:
            self.add_error("document_kind", "Indiquez le type de la pièce d'identité dont vous donnez le numéro.")
        if kind and not number:
            self.add_error("document_number", "Indiquez le numéro de la pièce d'identité.")
        return data

    def identity(self) -> Identity:
        data = self.cleaned_data
        number = data["document_number"].strip()
        documents = (IdentityDocument(data["document_kind"], number),) if number else ()
        return Identity(
            family_name=data["family_name"].strip(), given_names=data["given_names"].strip(),
            aliases=tuple(a.strip() for a in data["aliases"].splitlines() if a.strip()),
            birth_date=data["birth_date"], birth_place=data["birth_place"].strip(),
            nationalities=tuple(data["nationalities"]), phone=data["phone"].strip(),
            address=data["address"].strip(), identity_documents=documents,
        )  # fmt: skip

    @staticmethod
    def initial_for(identity: Identity, sex: str, notes: str) -> dict[str, Any]:
        document = identity.identity_documents[0] if identity.identity_documents else None
        return {
            "family_name": identity.family_name, "given_names": identity.given_names,
            "aliases": "\n".join(identity.aliases), "sex": sex,
            "birth_date": str(identity.birth_date) if identity.birth_date else "",
            "birth_place": identity.birth_place, "nationalities": list(identity.nationalities),
            "phone": identity.phone, "address": identity.address,
            "document_kind": document.kind if document else "", "document_number": document.number if document else "",
            "notes": notes,
        }  # fmt: skip


class SearchForm(forms.Form):
    name = forms.CharField(label="Nom et prénom(s)", required=False, max_length=300,
                           help_text="Correspondance exacte, dans n'importe quel ordre, sans tenir compte des accents.",
                           widget=forms.TextInput(attrs=_input(type="search", autocomplete="off")))  # fmt: skip
    birth = forms.CharField(label="Date de naissance", required=False, max_length=10, help_text=BIRTH_HELP,
                            widget=forms.TextInput(attrs=_input(autocomplete="off")))  # fmt: skip

    def clean_birth(self) -> PartialDate | None:
        return parse_birth(self.cleaned_data["birth"])


class CloseForm(forms.Form):
    confirmation = forms.BooleanField(
        label="Je confirme la clôture de ce dossier.",
        error_messages={"required": "Cochez la case pour confirmer la clôture."},
    )
