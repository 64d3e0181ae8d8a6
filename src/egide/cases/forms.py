"""Forms of the case-file pages: identity, search, consent, status decisions, screenings."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from egide.cases.identity import Identity, IdentityDocument, IdentityError, PartialDate
from egide.cases.vocabulary import Authority, ConsentPurpose, DocumentKind, Sex, TraffickingStatus
from egide.core.iso import country_choices, language_choices
from egide.organisations.models import Organisation
from egide.organisations.vocabulary import ExploitationForm

BIRTH_HELP = "Format AAAA, AAAA-MM ou AAAA-MM-JJ : une date partielle suffit (ex. 1998 ou 1998-04)."


def _input(**attrs: Any) -> dict[str, Any]:
    return {"class": "fr-input", **attrs}


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
            # Nationalities are part of the profile once the case is open (kept in clear for statistics).
            del self.fields["nationalities"]
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
            birth_date=data["birth_date"], birth_place=data["birth_place"].strip(), phone=data["phone"].strip(),
            address=data["address"].strip(), identity_documents=documents,
        )  # fmt: skip

    @staticmethod
    def initial_for(identity: Identity, sex: str, notes: str) -> dict[str, Any]:
        document = identity.identity_documents[0] if identity.identity_documents else None
        return {
            "family_name": identity.family_name, "given_names": identity.given_names,
            "aliases": "\n".join(identity.aliases), "sex": sex,
            "birth_date": str(identity.birth_date) if identity.birth_date else "",
            "birth_place": identity.birth_place,
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


def _not_in_future(value: datetime.date, what: str) -> datetime.date:
    if value > timezone.localdate():
        raise forms.ValidationError(f"La date {what} ne peut pas être dans le futur.")
    return value


class ConsentForm(forms.Form):
    """A consent given or refused for one purpose, after the text in force was read."""

    purpose = forms.ChoiceField(label="Finalité", choices=ConsentPurpose.choices, widget=forms.HiddenInput)
    given = forms.TypedChoiceField(
        label="Réponse de la personne", coerce=lambda v: v == "yes",
        choices=[("yes", "elle accepte"), ("no", "elle refuse")], widget=forms.RadioSelect,
        error_messages={"required": "Indiquez si la personne accepte ou refuse."},
    )  # fmt: skip
    recipient = forms.ModelChoiceField(
        label="Organisation destinataire", required=False, queryset=Organisation.objects.order_by("name"),
        widget=forms.Select(attrs={"class": "fr-select"}),
    )  # fmt: skip
    language = forms.ChoiceField(label="Langue dans laquelle le texte a été présenté", initial="fr",
                                 widget=forms.Select(attrs={"class": "fr-select"}))  # fmt: skip
    interpreter = forms.BooleanField(label="Avec l'aide d'un·e interprète", required=False)
    interpreter_name = forms.CharField(label="Nom de l'interprète", required=False, max_length=150,
                                       widget=forms.TextInput(attrs=_input()))  # fmt: skip
    recorded_on = forms.DateField(
        label="Recueilli le", widget=forms.DateInput(attrs=_input(type="date"), format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = language_choices()
        self.fields["recorded_on"].initial = timezone.localdate

    def clean_recorded_on(self) -> datetime.date:
        return _not_in_future(self.cleaned_data["recorded_on"], "du recueil")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        sharing = data.get("purpose") == ConsentPurpose.SHARE_WITH_ORGANISATION
        if sharing and data.get("recipient") is None:
            self.add_error("recipient", "Choisissez l'organisation avec laquelle partager les informations.")
        if not sharing:
            data["recipient"] = None
        return data


class WithdrawConsentForm(forms.Form):
    consent = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Motif du retrait", max_length=1000, widget=forms.Textarea(attrs=_input(rows=2)),
        error_messages={"required": "Indiquez le motif du retrait."},
    )  # fmt: skip


class StatusDecisionForm(forms.Form):
    status = forms.ChoiceField(label="Statut", choices=TraffickingStatus.choices, widget=forms.RadioSelect)
    authority = forms.ChoiceField(label="Autorité qui décide", choices=Authority.choices,
                                  widget=forms.Select(attrs={"class": "fr-select"}))  # fmt: skip
    decided_on = forms.DateField(
        label="Date de la décision", widget=forms.DateInput(attrs=_input(type="date"), format="%Y-%m-%d")
    )
    document_reference = forms.CharField(
        label="Référence du document", required=False, max_length=100,
        help_text="Numéro du procès-verbal, du jugement ou de l'attestation.", widget=forms.TextInput(attrs=_input()),
    )  # fmt: skip

    def clean_decided_on(self) -> datetime.date:
        return _not_in_future(self.cleaned_data["decided_on"], "de la décision")


class ConfirmDecisionForm(forms.Form):
    decision = forms.IntegerField(widget=forms.HiddenInput)
    confirmation = forms.BooleanField(label="J'ai relu cette conclusion et je la confirme.")


class AttachScreeningForm(forms.Form):
    screening = forms.IntegerField(label="Repérage", error_messages={"required": "Choisissez un repérage."})
