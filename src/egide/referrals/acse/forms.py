"""Forms of the Ac.Sé pages. A commune or a département is given by its code or its name."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from egide.core.iso import language_choices
from egide.core.models import Commune, Departement, Region
from egide.core.text import fold
from egide.organisations.models import Organisation
from egide.organisations.vocabulary import Kind, Service
from egide.referrals.acse.sealed import AvoidPlace
from egide.referrals.acse.vocabulary import AvoidKind, AvoidScope, EndReason, Gender, Participant


def _date(label: str, *, required: bool = True, help_text: str = "", today: bool = True) -> forms.DateField:
    widget = forms.DateInput(attrs={"class": "fr-input", "type": "date"}, format="%Y-%m-%d")
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=widget,
        initial=timezone.localdate if today else None,
        error_messages={"required": "Indiquez la date.", "invalid": "Date invalide : écrivez-la AAAA-MM-JJ."},
    )  # fmt: skip


def _select(label: str, choices: Any, *, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, required=required,
                             widget=forms.Select(attrs={"class": "fr-select"}))  # fmt: skip


def _check(label: str, help_text: str = "") -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False, help_text=help_text)


def _many(label: str, choices: Any, *, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, required=False, choices=choices, help_text=help_text,
                                     widget=forms.CheckboxSelectMultiple)  # fmt: skip


def _languages(label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, required=False, help_text="Plusieurs choix possibles (Ctrl ou Cmd + clic).",
        widget=forms.SelectMultiple(attrs={"class": "fr-select", "size": 6}),
    )  # fmt: skip


def _text(label: str, *, required: bool = True, rows: int = 3, max_length: int = 2000) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=forms.Textarea(attrs={"class": "fr-input", "rows": rows}))  # fmt: skip


def _places(label: str, *, minimum: int = 0, maximum: int = 50) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=minimum, max_value=maximum,
                              widget=forms.NumberInput(attrs={"class": "fr-input"}),
                              error_messages={"min_value": "Au moins {limit_value}.",
                                              "max_value": "Au plus {limit_value}.",
                                              "invalid": "Nombre entier attendu.",
                                              "required": "Indiquez un nombre."})  # fmt: skip


def resolve_commune(text: str) -> str:
    """Return the INSEE code of a commune given by its code or its exact name."""
    value = text.strip()
    if Commune.objects.filter(pk=value.upper()).exists():
        return value.upper()
    found = list(Commune.objects.filter(search_name=fold(value)).order_by("code").values_list("code", "departement_id"))
    if not found:
        raise forms.ValidationError(f"Commune inconnue : « {value} ». Donnez son nom exact ou son code INSEE.")
    if len(found) > 1:
        codes = ", ".join(f"{code} ({dep})" for code, dep in found[:8])
        raise forms.ValidationError(f"Plusieurs communes s'appellent « {value} » : donnez le code INSEE ({codes}).")
    return str(found[0][0])


def resolve_departement(text: str) -> str:
    value = text.strip()
    if Departement.objects.filter(pk=value.upper()).exists():
        return value.upper()
    for code, name in Departement.objects.values_list("code", "name"):
        if fold(name) == fold(value):
            return str(code)
    raise forms.ValidationError(f"Département inconnu : « {value} ». Donnez son nom ou son numéro.")


# --- Shelters -------------------------------------------------------------------------------------


class ShelterForm(forms.Form):
    organisation = _select("Organisation partenaire", [])
    label = forms.CharField(label="Nom du centre", max_length=150, widget=forms.TextInput(attrs={"class": "fr-input"}))
    commune = forms.CharField(
        label="Commune (secrète)", max_length=100, help_text="Nom exact ou code INSEE ; chiffrée, jamais affichée "
        "qu'à la coordination et au centre lui-même.", widget=forms.TextInput(attrs={"class": "fr-input"}),
    )  # fmt: skip
    address = forms.CharField(label="Adresse (secrète)", max_length=250, required=False,
                              widget=forms.TextInput(attrs={"class": "fr-input"}))  # fmt: skip
    reserved_places = _places("Places réservées à Ac.Sé", minimum=1)
    free_places = _places("Places libres aujourd'hui")
    accepts_women = _check("Accueille des femmes")
    accepts_men = _check("Accueille des hommes")
    accepts_children = _check("Accueille des personnes avec enfants", "Ac.Sé n'accueille jamais de mineur·e seul·e.")
    wheelchair_accessible = _check("Accessible en fauteuil roulant")
    languages = _languages("Langues parlées par l'équipe")
    is_active = _check("Centre actif (proposé par le moteur)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partners = Organisation.objects.filter(acse_partner=True).order_by("name").values_list("pk", "name")
        self.fields["organisation"].choices = [("", "—"), *((str(pk), name) for pk, name in partners)]  # type: ignore[attr-defined]
        self.fields["languages"].choices = language_choices()  # type: ignore[attr-defined]

    def clean_commune(self) -> str:
        return resolve_commune(self.cleaned_data["commune"])


class AvailabilityForm(forms.Form):
    free_places = _places("Places libres aujourd'hui pour Ac.Sé")


# --- Requests -------------------------------------------------------------------------------------


class RequestForm(forms.Form):
    requested_on = _date("Demande reçue le", help_text="L'attente se compte à partir de cette date.")
    gender = forms.ChoiceField(label="Profil", choices=Gender.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Choisissez le profil : femme ou homme."})  # fmt: skip
    with_children = _check("Avec enfant(s)")
    adult_confirmed = _check("La personne est majeure", "Ac.Sé n'accueille que des adultes ; jamais de mineur·e.")
    needs_wheelchair = _check("Se déplace en fauteuil roulant")
    languages = _languages("Langues de la personne")
    needed_services = _many("Services nécessaires à proximité", Service.choices)
    needs_note = _text("Autres besoins", required=False, rows=3)
    min_distance_km = _places("Distance minimale de chaque lieu à éviter (km)", maximum=1000)
    avoid_same_departement = _check("Jamais dans le même département qu'un lieu à éviter")
    avoid_same_region = _check("Jamais dans la même région qu'un lieu à éviter")
    preferred_regions = _many("Régions souhaitées (préférence, pas obligation)", [])
    consent = _check("La personne consent à l'accueil sécurisant", "Consentement plein et entier, obligatoire.")
    consent_on = _date("Consentement recueilli le", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("min_distance_km", settings.EGIDE_ACSE_MIN_DISTANCE_KM)
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = language_choices()  # type: ignore[attr-defined]
        regions = Region.objects.order_by("name").values_list("code", "name")
        self.fields["preferred_regions"].choices = list(regions)  # type: ignore[attr-defined]

    def _group(self, names: str) -> list[forms.BoundField]:
        return [self[name] for name in names.split()]

    @property
    def needs_fields(self) -> list[forms.BoundField]:
        return self._group("requested_on gender with_children adult_confirmed needs_wheelchair languages "
                           "needed_services needs_note")  # fmt: skip

    @property
    def distance_fields(self) -> list[forms.BoundField]:
        return self._group("min_distance_km avoid_same_departement avoid_same_region preferred_regions")

    @property
    def consent_fields(self) -> list[forms.BoundField]:
        return self._group("consent consent_on")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if not data.get("consent"):
            self.add_error("consent", "Le consentement de la personne est obligatoire : sans lui, pas de demande.")
        elif not data.get("consent_on"):
            self.add_error("consent_on", "Indiquez la date du consentement.")
        return data


class AvoidForm(forms.Form):
    kind = _select("Nature", [("", "—"), *AvoidKind.choices], required=False)
    scope = _select("Étendue", AvoidScope.choices, required=False)
    place = forms.CharField(label="Commune ou département", required=False, max_length=100,
                            widget=forms.TextInput(attrs={"class": "fr-input"}))  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The rows are drawn in a table without a label per cell: each field names itself and its row.
        row = int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix and self.prefix[-1].isdigit() else 1
        for name, field in self.fields.items():
            field.widget.attrs["aria-label"] = f"{field.label} du lieu à éviter n° {row}"
            if name != "place":
                field.widget.attrs["class"] = "fr-select"

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        data["scope"] = data.get("scope") or AvoidScope.COMMUNE
        if not data.get("place", "").strip():
            return data
        if not data.get("kind"):
            self.add_error("kind", "Indiquez pourquoi ce lieu est à éviter.")
            return data
        try:
            resolve = resolve_departement if data.get("scope") == AvoidScope.DEPARTEMENT else resolve_commune
            data["code"] = resolve(data["place"])
        except forms.ValidationError as error:
            self.add_error("place", error)
        return data

    def avoid_place(self) -> AvoidPlace | None:
        data = self.cleaned_data
        if not data.get("code"):
            return None
        return AvoidPlace(data["kind"], data["scope"], data["code"])


AvoidFormSet = forms.formset_factory(AvoidForm, extra=0, min_num=5, max_num=12)


# --- Steps -------------------------------------------------------------------------------------------


class ProposeForm(forms.Form):
    shelter = forms.IntegerField(widget=forms.HiddenInput)
    on = _date("Proposé le")


class DateForm(forms.Form):
    on = _date("Date")


class RefusalForm(forms.Form):
    on = _date("Refus le")
    reason = _text("Motif du refus")


class InterviewForm(forms.Form):
    on = _date("Entretien de pré-admission (visio) le", today=False)
    participants = _many("Participants", Participant.choices)


class TransferForm(forms.Form):
    travel_on = _date("Voyage le", today=False)
    companion = _check("Voyage réservé aussi pour un·e accompagnant·e")


class EndForm(forms.Form):
    ended_on = _date("Fin de l'accueil le")
    reason = _select("Motif", [("", "—"), *EndReason.choices])
    reorientation_kind = _select("Réorientation vers (type)", [("", "—"), *Kind.choices], required=False)
    reorientation_organisation = _select("Organisation de l'annuaire (facultatif)", [], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(is_active=True).order_by("name").values_list("pk", "name")
        self.fields["reorientation_organisation"].choices = [("", "—"), *((str(pk), n) for pk, n in organisations)]  # type: ignore[attr-defined]

    def clean_reorientation_organisation(self) -> int | None:
        value = self.cleaned_data["reorientation_organisation"]
        return int(value) if value else None


class CancelForm(forms.Form):
    on = _date("Annulé le")
    reason = _text("Motif de l'annulation")
    close_request = _check("Clore aussi la demande (sinon elle attend une autre place)")


class WithdrawForm(forms.Form):
    on = _date("Close le")
    reason = _text("Motif de la clôture")
