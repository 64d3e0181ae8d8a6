"""Forms of referrals and transfers."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from egide.organisations.models import Organisation
from egide.organisations.vocabulary import Service
from egide.referrals import sharing
from egide.referrals.models import ReferralStatus
from egide.referrals.vocabulary import Urgency

REASON_HELP = "Ce que vous attendez de l'organisation. Chiffré ; lu seulement par elle et par vous."
OVERRIDE_HELP = (
    "Seulement si la personne ne peut pas être consultée et que l'orientation ne peut pas attendre. "
    "Le motif est conservé au journal d'audit et vos responsables sont avertis."
)


def _area(rows: int = 3, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "fr-input", "rows": rows, **attrs})


def _choices(fields: tuple[sharing.SharedField, ...]) -> list[tuple[str, str]]:
    return [(f.name, f.label) for f in fields]


class RecipientForm(forms.Form):
    """What a referral and a transfer share: the recipient, the services expected, the reason."""

    recipient = forms.ModelChoiceField(
        label="Organisation destinataire", queryset=Organisation.objects.none(), widget=forms.RadioSelect,
        error_messages={"required": "Choisissez l'organisation destinataire dans les résultats de la recherche.",
                        "invalid_choice": "Cette organisation n'est pas dans l'annuaire : cherchez-la à nouveau."},
    )  # fmt: skip
    services = forms.MultipleChoiceField(
        label="Prestations demandées", choices=Service.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins une prestation demandée."},
    )  # fmt: skip
    reason = forms.CharField(label="Motif", max_length=4000, help_text=REASON_HELP, widget=_area(4))
    override_reason = forms.CharField(
        label="Passer outre l'absence de consentement : motif", required=False, max_length=2000,
        help_text=OVERRIDE_HELP, widget=_area(3),
    )  # fmt: skip

    def __init__(self, *args: Any, recipients: QuerySet[Organisation], may_override: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipient"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = recipients
        if not may_override:
            del self.fields["override_reason"]


class ReferralForm(RecipientForm):
    urgency = forms.ChoiceField(
        label="Urgence", choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect,
        help_text="Elle fixe le délai de réponse attendu de l'organisation destinataire.",
    )  # fmt: skip
    identity_fields = forms.MultipleChoiceField(
        label="Identité (rien n'est partagé sans être coché)", required=False,
        choices=_choices(sharing.IDENTITY_FIELDS), widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    case_fields = forms.MultipleChoiceField(
        label="Situation", required=False, choices=_choices(sharing.CASE_FIELDS), widget=forms.CheckboxSelectMultiple,
        initial=[f.name for f in sharing.CASE_FIELDS if f.ticked_by_default],
    )  # fmt: skip

    def shared_fields(self) -> list[str]:
        return [*self.cleaned_data["identity_fields"], *self.cleaned_data["case_fields"]]


class AnswerForm(forms.Form):
    decision = forms.TypedChoiceField(
        label="Réponse", coerce=lambda v: v == "accept", widget=forms.RadioSelect,
        choices=[("accept", "accepter"), ("decline", "refuser")],
        error_messages={"required": "Choisissez d'accepter ou de refuser."},
    )  # fmt: skip
    reason = forms.CharField(
        label="Motif", required=False, max_length=2000, widget=_area(3),
        help_text="Obligatoire pour un refus. Ne nommez pas la personne : ce motif n'est pas chiffré.",
    )  # fmt: skip


class WithdrawForm(forms.Form):
    confirmation = forms.BooleanField(label="Je retire cette orientation ; les données partagées seront effacées.")


class ListForm(forms.Form):
    status = forms.ChoiceField(
        label="État", required=False, choices=[("", "tous"), *ReferralStatus.choices],
        widget=forms.Select(attrs={"class": "fr-select"}),
    )  # fmt: skip
    overdue = forms.BooleanField(label="En retard seulement", required=False)


class DirectorySearchForm(forms.Form):
    """The directory's search, to pick a recipient."""

    q = forms.CharField(label="Nom, sigle ou commune", required=False, max_length=200,
                        widget=forms.TextInput(attrs={"class": "fr-input", "type": "search"}))  # fmt: skip
    service = forms.ChoiceField(
        label="Qui propose", required=False, choices=[("", "toute prestation"), *Service.choices],
        widget=forms.Select(attrs={"class": "fr-select"}),
    )  # fmt: skip
