"""Partner shelters, placement requests and placements of the Ac.Sé scheme.

Where a shelter is and where a person comes from are secrets: the shelter's location and
the request's places to avoid are AES-256-GCM ciphertexts under a data key of their own
(`core.keys`), with no commune, département or coordinates in clear anywhere in a table.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egide.core.models import BaseModel
from egide.organisations.vocabulary import Kind
from egide.referrals.acse.vocabulary import EndReason, Gender, Participant, RequestState, Step


class Shelter(BaseModel):
    """A partner shelter of the Ac.Sé network, with the places it reserves for the scheme."""

    uid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT,
        related_name="acse_shelters",
    )  # fmt: skip
    label = models.CharField(_("nom du centre"), max_length=150)
    reserved_places = models.PositiveSmallIntegerField(_("places réservées à Ac.Sé"), default=1)
    free_places = models.PositiveSmallIntegerField(_("places libres"), default=0)
    availability_updated_at = models.DateTimeField(_("disponibilité mise à jour le"), null=True, blank=True)
    availability_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepts_women = models.BooleanField(_("accueille des femmes"), default=True)
    accepts_men = models.BooleanField(_("accueille des hommes"), default=False)
    accepts_children = models.BooleanField(_("accueille des personnes avec enfants"), default=False)
    wheelchair_accessible = models.BooleanField(_("accessible en fauteuil roulant"), default=False)
    # ISO 639 codes of the languages spoken by the team; never queried inside, only read whole.
    languages = models.JSONField(_("langues parlées"), default=list, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    location = models.BinaryField(_("localisation (chiffrée)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("centre partenaire Ac.Sé")
        ordering = ["label", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(free_places__lte=models.F("reserved_places")), name="acse_shelter_free_within_reserved"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def audit_label(self) -> str:
        return f"Centre Ac.Sé n° {self.pk}"


class PlacementRequest(BaseModel):
    """A request for a secure placement, opened by the coordination from a referral it received."""

    uid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    referral = models.OneToOneField(
        "referrals.Referral", verbose_name=_("orientation"), on_delete=models.PROTECT, related_name="acse_request"
    )
    coordination = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("coordination"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("référence"), max_length=20, unique=True)
    requested_on = models.DateField(_("demande reçue le"))
    state = models.CharField(_("état"), max_length=12, choices=RequestState.choices, default=RequestState.PENDING)
    gender = models.CharField(_("profil"), max_length=10, choices=Gender.choices)
    with_children = models.BooleanField(_("avec enfant(s)"), default=False)
    adult_confirmed = models.BooleanField(_("majorité vérifiée"), default=False)
    needs_wheelchair = models.BooleanField(_("fauteuil roulant"), default=False)
    languages = models.JSONField(_("langues"), default=list, blank=True)
    needed_services = models.JSONField(_("services nécessaires à proximité"), default=list, blank=True)
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    # Sealed apart (see `sealed.py`): the host reads the note, never the places.
    places = models.BinaryField(_("lieux à éviter (chiffrés)"))
    needs_note = models.BinaryField(_("autres besoins (chiffrés)"), blank=True, default=b"")
    min_distance_km = models.PositiveSmallIntegerField(_("distance minimale (km)"))
    avoid_same_departement = models.BooleanField(_("jamais dans le même département"), default=False)
    avoid_same_region = models.BooleanField(_("jamais dans la même région"), default=False)
    preferred_regions = models.JSONField(_("régions souhaitées"), default=list, blank=True)
    consent_on = models.DateField(_("consentement recueilli le"))
    consent_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField(_("close le"), null=True, blank=True)
    close_reason = models.TextField(_("motif de clôture"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("demande d'accueil sécurisant")
        ordering = ["-requested_on", "-id"]
        constraints = [
            # Ac.Sé is for adults only; the action refuses a minor's case before this ever fires.
            models.CheckConstraint(condition=Q(adult_confirmed=True), name="acse_request_adult_only"),
        ]

    def __str__(self) -> str:
        return self.reference

    def audit_label(self) -> str:
        return f"Demande Ac.Sé {self.reference}"

    @property
    def profile_label(self) -> str:
        label = str(Gender(self.gender).label)
        return f"{label} avec enfant(s)" if self.with_children else label


class Placement(BaseModel):
    """One attempt to place a request in one shelter; the request keeps every attempt."""

    request = models.ForeignKey(
        PlacementRequest, verbose_name=_("demande"), on_delete=models.PROTECT, related_name="placements"
    )
    shelter = models.ForeignKey(Shelter, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="placements")
    step = models.CharField(_("étape"), max_length=12, choices=Step.choices, default=Step.PROPOSED)
    proposed_on = models.DateField(_("proposé le"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("réponse du centre le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal_reason = models.TextField(_("motif du refus"), blank=True)
    interview_on = models.DateField(_("entretien de pré-admission le"), null=True, blank=True)
    interview_participants = models.JSONField(_("participants"), default=list, blank=True)
    travel_on = models.DateField(_("voyage le"), null=True, blank=True)
    companion_travel = models.BooleanField(_("voyage réservé pour un accompagnant"), default=False)
    arrival_on = models.DateField(_("arrivée le"), null=True, blank=True)
    ended_on = models.DateField(_("fin de l'accueil le"), null=True, blank=True)
    end_reason = models.CharField(_("motif de fin"), max_length=20, choices=EndReason.choices, blank=True)
    reorientation_kind = models.CharField(_("réorientation vers"), max_length=30, choices=Kind.choices, blank=True)
    reorientation_organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation de réorientation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    cancelled_on = models.DateField(_("annulé le"), null=True, blank=True)
    cancel_reason = models.TextField(_("motif de l'annulation"), blank=True)

    class Meta:
        verbose_name = _("accueil Ac.Sé")
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(step__in=["proposed", "agreed", "interview", "transfer", "active"]),
                name="acse_one_live_placement_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"Accueil n° {self.pk}"

    def audit_label(self) -> str:
        return f"Accueil Ac.Sé n° {self.pk}"

    @property
    def reference(self) -> str:
        return f"{self.request.reference}-{self.pk}"

    def participant_labels(self) -> list[str]:
        return [str(Participant(code).label) for code in self.interview_participants if code in Participant.values]
