"""Code lists of the directory: kinds of organisation, services, forms of exploitation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ASSOCIATION = "association", _("association")
    SHELTER = "shelter", _("hébergement (CHRS, centre d'hébergement)")
    ACSE_COORDINATION = "acse_coordination", _("coordination Ac.Sé")
    HOSPITAL = "hospital", _("établissement de santé")
    LEGAL_AID = "legal_aid", _("aide juridique, accès au droit")
    CHILD_WELFARE = "child_welfare", _("aide sociale à l'enfance (ASE)")
    PREFECTURE = "prefecture", _("préfecture")
    POLICE_UNIT = "police_unit", _("unité de police ou de gendarmerie")
    LABOUR_INSPECTION = "labour_inspection", _("inspection du travail")
    COURT = "court", _("juridiction, parquet")
    NATIONAL_BODY = "national_body", _("organisme national")
    OTHER = "other", _("autre")


class Service(models.TextChoices):
    DAY_RECEPTION = "day_reception", _("accueil de jour")
    EMERGENCY_SHELTER = "emergency_shelter", _("hébergement d'urgence")
    LONG_TERM_SHELTER = "long_term_shelter", _("hébergement durable")
    SOCIAL_SUPPORT = "social_support", _("accompagnement social")
    LEGAL_SUPPORT = "legal_support", _("accompagnement juridique")
    HEALTH_CARE = "health_care", _("soins de santé")
    PSYCHOLOGICAL_SUPPORT = "psychological_support", _("soutien psychologique")
    INTERPRETING = "interpreting", _("interprétariat")
    MINORS = "minors", _("accueil des mineurs")
    LISTENING_LINE = "listening_line", _("ligne d'écoute")
    TRAINING = "training", _("formation des professionnels")
    ASSISTED_RETURN = "assisted_return", _("aide au retour")
    OTHER = "other", _("autre")


class ExploitationForm(models.TextChoices):
    """DOMAIN.md §4: the four purposes of art. 225-4-1 and the HTCDS types."""

    SEXUAL = "SEXUAL", _("exploitation sexuelle")
    LABOUR_DOMESTIC = "LABOUR_DOMESTIC", _("exploitation par le travail — domestique")
    LABOUR_OTHER = "LABOUR_OTHER", _("exploitation par le travail — hors domestique")
    BEGGING = "BEGGING", _("mendicité forcée")
    CRIMINALITY = "CRIMINALITY", _("contrainte à commettre des délits")
    ORGANS = "ORGANS", _("prélèvement d'organes")
    FORCED_MARRIAGE = "FORCED_MARRIAGE", _("mariage forcé")
    OTHER = "OTHER", _("autre")


class AddressVisibility(models.TextChoices):
    PUBLIC = "public", _("adresse publique")
    DEPARTEMENT = "departement", _("département seulement")
    HIDDEN = "hidden", _("aucune localisation publique")
