"""Code lists of support and procedures, with French labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceCategory(models.TextChoices):
    HOUSING = "housing", _("hébergement, logement")
    HEALTH = "health", _("santé (dont AME, PUMa)")
    LEGAL = "legal", _("accompagnement juridique")
    PSYCHOLOGICAL = "psychological", _("soutien psychologique")
    INTERPRETING = "interpreting", _("interprétariat")
    TRAINING_EMPLOYMENT = "training_employment", _("formation et emploi")
    ASSISTED_RETURN = "assisted_return", _("aide au retour")
    SCHOOLING = "schooling", _("scolarisation (mineurs)")
    OTHER = "other", _("autre")


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", _("prévu")
    IN_PROGRESS = "in_progress", _("en cours")
    DONE = "done", _("terminé")
    CANCELLED = "cancelled", _("annulé")


class ProcedureKind(models.TextChoices):
    REFLECTION_PERIOD = "reflection_period", _("délai de réflexion (R425-2)")
    TEMPORARY_CARD = "temporary_card", _("carte de séjour temporaire d'un an (L425-1)")
    RESIDENT_CARD = "resident_card", _("carte de résident de 10 ans (L425-3)")
    PROVISIONAL_AUTHORISATION = "provisional_authorisation", _("autorisation provisoire de séjour (L425-4)")
    ASYLUM = "asylum", _("demande d'asile")


class ProcedureState(models.TextChoices):
    REQUESTED = "requested", _("demandé")
    RECEIPT_DELIVERED = "receipt_delivered", _("récépissé remis")
    GRANTED = "granted", _("accordé")
    REFUSED = "refused", _("refusé")
    RENEWED = "renewed", _("renouvelé")
    EXPIRED = "expired", _("expiré")


class CommissionOpinion(models.TextChoices):
    FAVOURABLE = "favourable", _("favorable")
    UNFAVOURABLE = "unfavourable", _("défavorable")


class PrefectDecision(models.TextChoices):
    AUTHORISED = "authorised", _("autorisé")
    REFUSED = "refused", _("refusé")


class DeadlineKind(models.TextChoices):
    REFLECTION_END = "reflection_end", _("fin du délai de réflexion")
    RECEIPT_EXPIRY = "receipt_expiry", _("fin de validité du récépissé")
    PERMIT_EXPIRY = "permit_expiry", _("fin de validité du titre")
    RENEWAL_REQUEST = "renewal_request", _("demande de renouvellement")
    PATHWAY_END = "pathway_end", _("fin de la période du parcours de sortie")
    PATHWAY_RENEWAL = "pathway_renewal", _("renouvellement du parcours de sortie")
    MANUAL = "manual", _("tâche")
