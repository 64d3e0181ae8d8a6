"""The directory of organisations that support victims and the services they offer."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from egide.core.legal_delays import EXIT_PATHWAY_APPROVAL
from egide.core.models import BaseModel, Commune, Departement
from egide.organisations.vocabulary import AddressVisibility, ExploitationForm, Kind, Service


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def published(self) -> "OrganisationQuerySet":
        return self.filter(is_active=True, is_published=True)

    def with_service(self, code: str) -> "OrganisationQuerySet":
        return self.filter(services__code=code)

    def with_exploitation_form(self, code: str) -> "OrganisationQuerySet":
        return self.filter(exploitation_forms__code=code)

    def with_language(self, code: str) -> "OrganisationQuerySet":
        return self.filter(languages__code=code)


class Organisation(BaseModel):
    """An organisation of the directory; shelters keep their address confidential."""

    name = models.CharField(_("nom"), max_length=200)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, db_index=True)
    description = models.TextField(_("présentation"), blank=True)

    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("département")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    address_visibility = models.CharField(
        _("visibilité de l'adresse"),
        max_length=12,
        choices=AddressVisibility.choices,
        default=AddressVisibility.PUBLIC,
    )

    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    hotline = models.CharField(_("ligne d'écoute"), max_length=30, blank=True)
    opening_hours = models.CharField(_("horaires"), max_length=250, blank=True)

    national_collective_member = models.BooleanField(_("membre du collectif national"), default=False)
    exit_pathway_approved_on = models.DateField(
        _("agrément parcours de sortie de la prostitution (date)"), null=True, blank=True
    )
    acse_partner = models.BooleanField(_("partenaire Ac.Sé"), default=False)
    acse_reserved_places = models.PositiveSmallIntegerField(_("places réservées Ac.Sé"), default=0)
    capacity_places = models.PositiveIntegerField(_("places"), null=True, blank=True)
    capacity_free_places = models.PositiveIntegerField(_("places libres"), null=True, blank=True)
    capacity_updated_at = models.DateTimeField(_("capacité mise à jour le"), null=True, blank=True)

    is_published = models.BooleanField(_("visible sur la carte publique"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.TextField(editable=False, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        ordering = ["name"]
        indexes = [
            # Covers the directory's filters by département (with the visibility rule): counting
            # never reads the table.
            models.Index(
                fields=["departement", "is_published", "is_active", "address_visibility"],
                name="organisation_placed_idx",
            ),
            # The latest change dates the API's responses (ETag, Last-Modified) at every request.
            models.Index(fields=["updated_at"], name="organisation_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity_free_places__isnull=True)
                | models.Q(capacity_places__isnull=True)
                | models.Q(capacity_free_places__lte=models.F("capacity_places")),
                name="organisation_free_places_within_capacity",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return self.name

    @property
    def exit_pathway_approval_expires_on(self) -> datetime.date | None:
        if self.exit_pathway_approved_on is None:
            return None
        return EXIT_PATHWAY_APPROVAL.end(self.exit_pathway_approved_on)

    def exit_pathway_approved(self, on: datetime.date | None = None) -> bool:
        expires = self.exit_pathway_approval_expires_on
        return expires is not None and (on or datetime.date.today()) < expires

    @property
    def address_is_public(self) -> bool:
        return self.address_visibility == AddressVisibility.PUBLIC

    def service_codes(self) -> list[str]:
        return sorted(s.code for s in self.services.all())

    def exploitation_form_codes(self) -> list[str]:
        return sorted(f.code for f in self.exploitation_forms.all())

    def language_codes(self) -> list[str]:
        return sorted(lang.code for lang in self.languages.all())


class OrganisationService(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="services")
    code = models.CharField(max_length=30, choices=Service.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="org_service_unique")]
        indexes = [models.Index(fields=["code", "organisation"])]

    def __str__(self) -> str:
        return self.get_code_display()


class OrganisationExploitationForm(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="exploitation_forms")
    code = models.CharField(max_length=20, choices=ExploitationForm.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="org_form_unique")]
        indexes = [models.Index(fields=["code", "organisation"])]

    def __str__(self) -> str:
        return self.get_code_display()


class OrganisationLanguage(models.Model):
    """A language spoken, as an ISO 639 code (639-1 where it exists, else 639-3)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(max_length=3)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="org_language_unique")]
        indexes = [models.Index(fields=["code", "organisation"])]

    def __str__(self) -> str:
        return self.code
