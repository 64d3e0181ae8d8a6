"""Code lists of Ac.Sé placements: profiles, places to avoid, steps, participants, end reasons."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    """Who the person is for the shelters' rules of admission (women's or men's places)."""

    WOMAN = "woman", _("femme")
    MAN = "man", _("homme")


class AvoidKind(models.TextChoices):
    """Why a place must be avoided (the joint danger assessment)."""

    EXPLOITATION = "exploitation", _("lieu d'exploitation")
    EXPLOITERS = "exploiters", _("lieu connu des exploiteurs")
    TIES = "ties", _("attaches de la personne")


class AvoidScope(models.TextChoices):
    COMMUNE = "commune", _("commune")
    DEPARTEMENT = "departement", _("département entier")


class RequestState(models.TextChoices):
    """Where a request stands; the live steps mirror those of its current placement."""

    PENDING = "pending", _("en attente d'une place")
    PROPOSED = "proposed", _("proposée à un centre")
    AGREED = "agreed", _("accord de principe")
    INTERVIEW = "interview", _("entretien de pré-admission prévu")
    TRANSFER = "transfer", _("transfert organisé")
    ACTIVE = "active", _("accueil en cours")
    ENDED = "ended", _("accueil terminé")
    WITHDRAWN = "withdrawn", _("close sans accueil")


class Step(models.TextChoices):
    """The steps of one placement attempt, in order; refused and cancelled end the attempt."""

    PROPOSED = "proposed", _("proposition au centre")
    AGREED = "agreed", _("accord de principe")
    INTERVIEW = "interview", _("entretien de pré-admission prévu")
    TRANSFER = "transfer", _("transfert organisé")
    ACTIVE = "active", _("accueil en cours")
    ENDED = "ended", _("accueil terminé")
    REFUSED = "refused", _("refus du centre")
    CANCELLED = "cancelled", _("annulé")


# Steps of a placement that still holds one of its shelter's places.
HOLDING_STEPS = frozenset({Step.PROPOSED, Step.AGREED, Step.INTERVIEW, Step.TRANSFER})
LIVE_STEPS = HOLDING_STEPS | {Step.ACTIVE}


class Participant(models.TextChoices):
    REFERRER = "referrer", _("service orienteur")
    HOST = "host", _("centre d'accueil")
    PERSON = "person", _("personne accueillie")
    COORDINATOR = "coordinator", _("coordination Ac.Sé")
    INTERPRETER = "interpreter", _("interprète")
    OTHER = "other", _("autre")


class EndReason(models.TextChoices):
    DANGER_ENDED = "danger_ended", _("fin du danger, réorientation")
    AUTONOMY = "autonomy", _("accès à l'autonomie (logement, emploi)")
    PERSON_LEFT = "person_left", _("départ à l'initiative de la personne")
    ENDED_BY_HOST = "ended_by_host", _("fin de prise en charge par le centre")
    NEW_DANGER = "new_danger", _("nouveau danger, autre accueil sécurisant")
    OTHER = "other", _("autre")
