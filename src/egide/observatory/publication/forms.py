"""Forms of the release pages."""

from typing import Any

from django import forms

from egide.observatory.models import LinkageRun
from egide.observatory.publication.safety import DEFAULT_ROUNDING_BASE, DEFAULT_THRESHOLD
from egide.observatory.vocabulary import RunState


class RunChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: LinkageRun) -> str:
        years = ", ".join(str(y) for y in obj.years)
        finished = f" — terminé le {obj.finished_at:%d/%m/%Y}" if obj.finished_at else ""
        return f"Appariement n° {obj.pk} — années {years}{finished}"


class ReleaseForm(forms.Form):
    year = forms.IntegerField(label="Année des données", min_value=2000, max_value=2100)
    run = RunChoiceField(
        label="Appariement",
        queryset=LinkageRun.objects.none(),
        empty_label=None,
        help_text="Un appariement terminé qui couvre l'année.",
    )
    threshold = forms.IntegerField(
        label="Seuil du secret statistique",
        min_value=3,
        max_value=50,
        initial=DEFAULT_THRESHOLD,
        help_text="Une case de moins de ce nombre de personnes n'est pas diffusée.",
    )
    rounding_base = forms.IntegerField(
        label="Base d'arrondi",
        min_value=1,
        max_value=10,
        initial=DEFAULT_ROUNDING_BASE,
        help_text="Les effectifs publiés sont arrondis à un multiple de cette base.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        runs = LinkageRun.objects.filter(state=RunState.DONE).order_by("-finished_at", "-id")
        run_field = self.fields["run"]
        assert isinstance(run_field, RunChoiceField)
        run_field.queryset = runs
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "fr-select" if name == "run" else "fr-input"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        run, year = data.get("run"), data.get("year")
        if run is not None and year is not None and year not in run.years:
            self.add_error(
                "year",
                f"L'appariement n° {run.pk} ne couvre pas {year} (années : "
                f"{', '.join(str(y) for y in run.years) or 'aucune'}).",
            )
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Motif du retrait",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "fr-input"}),
        help_text="Affiché sur la page publique des données ouvertes.",
    )


def _variable_choices() -> list[tuple[str, str]]:
    from egide_analytics.submission import VARIABLES

    return [(v.name, v.title) for v in VARIABLES]


class NoisyCountForm(forms.Form):
    variable = forms.ChoiceField(label="Variable", choices=_variable_choices)
    code = forms.CharField(
        label="Code", max_length=40, help_text="Un code de la variable (par exemple « female », « SEXUAL », « NGA »)."
    )
    epsilon = forms.FloatField(
        label="ε de la requête",
        min_value=0.01,
        max_value=1.0,
        initial=0.1,
        help_text="Plus ε est petit, plus le bruit est fort et moins la requête consomme de budget.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "fr-select" if name == "variable" else "fr-input"
