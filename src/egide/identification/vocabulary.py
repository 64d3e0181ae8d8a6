"""Code lists of screening: profiles, strengths, answers, statuses (forms of exploitation: the directory's)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from egide.organisations.vocabulary import ExploitationForm


class Profile(models.TextChoices):
    ADULT = "adult", _("adulte")
    CHILD = "child", _("mineur·e")


class ListStatus(models.TextChoices):
    DRAFT_UNVERIFIED = "draft_unverified", _("brouillon, à vérifier avec la brochure de l'OIT")
    VERIFIED = "verified", _("vérifiée")


class Strength(models.TextChoices):
    STRONG = "strong", _("fort")
    MEDIUM = "medium", _("moyen")
    WEAK = "weak", _("faible")


class PalermoElement(models.TextChoices):
    ACT = "act", _("acte")
    MEANS = "means", _("moyens")
    PURPOSE = "purpose", _("but d'exploitation")


class Answer(models.TextChoices):
    YES = "yes", _("oui")
    NO = "no", _("non")
    UNKNOWN = "unknown", _("ne sait pas")


class ScreeningStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    COMPLETED = "completed", _("complété")
    CONFIRMED = "confirmed", _("confirmé")


class Conclusion(models.TextChoices):
    PRESUMED_VICTIM = (
        "presumed_victim",
        _("Victime présumée de traite (résultat de repérage, pas une identification formelle)"),
    )
    CRITERIA_NOT_MET = "criteria_not_met", _("Critères de repérage non réunis (n'exclut pas la traite)")


# Forced begging and forced criminality are forced labour or services in the sense of ILO
# Convention no. 29, so the labour list may stand in when no list of their own exists. It
# never stands in for sexual exploitation, whose ILO/EC lists differ in strengths.
LABOUR_FALLBACK_FORMS = frozenset({ExploitationForm.BEGGING, ExploitationForm.CRIMINALITY, ExploitationForm.OTHER})
LABOUR_FORMS = frozenset({ExploitationForm.LABOUR_DOMESTIC, ExploitationForm.LABOUR_OTHER})

# Words accepted in uploaded files, French first.
STRENGTH_WORDS = {
    "forte": Strength.STRONG, "fort": Strength.STRONG, "strong": Strength.STRONG,
    "moyenne": Strength.MEDIUM, "moyen": Strength.MEDIUM, "medium": Strength.MEDIUM,
    "faible": Strength.WEAK, "weak": Strength.WEAK,
}  # fmt: skip
PROFILE_WORDS = {
    "adulte": Profile.ADULT, "adult": Profile.ADULT,
    "enfant": Profile.CHILD, "mineur": Profile.CHILD, "child": Profile.CHILD,
}  # fmt: skip
