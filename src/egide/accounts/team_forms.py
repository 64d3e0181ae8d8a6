"""Forms of the team management page; the rules themselves live in `teams.py`."""

from typing import Any

from django import forms

from egide.accounts.teams import TEAM_NAME_MAX_LENGTH


class TeamNameForm(forms.Form):
    name = forms.CharField(
        label="Nom de l'équipe",
        max_length=TEAM_NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"class": "fr-input"}),
        error_messages={
            "required": "Indiquez le nom de l'équipe.",
            "max_length": f"Le nom de l'équipe ne doit pas dépasser {TEAM_NAME_MAX_LENGTH} caractères.",
        },
    )


class MembershipTeamForm(forms.Form):
    team = forms.TypedChoiceField(
        label="Équipe",
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "fr-select"}),
        error_messages={"invalid_choice": "Choisissez une équipe de cette organisation."},
    )

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "— aucune équipe —"), *teams]  # type: ignore[attr-defined]
