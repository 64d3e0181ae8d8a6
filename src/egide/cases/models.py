"""Persons (identity encrypted, searchable by blind index), their case files, consent and status."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.cases.access import scope_filter
from egide.cases.vocabulary import (
    FOUR_EYES_AUTHORITIES,
    AdministrativeStatus,
    AgeStatus,
    AssessmentOutcome,
    Authority,
    BreakGlassDecision,
    CaseStatus,
    ComplaintService,
    ConsentPurpose,
    EventKind,
    ExploitedInFrance,
    GuardianKind,
    MeansOfControl,
    RecruitmentMethod,
    RelationshipToTrafficker,
    SealReason,
    Sex,
    TraffickingStatus,
    YesNoUnknown,
)
from egide.core.models import BaseModel, Commune
from egide.organisations.vocabulary import ExploitationForm


class Person(BaseModel):
    """A person followed by an organisation. Nothing identifying is stored in clear.

    `identity` and `notes` are AES-256-GCM ciphertexts under the person's own data key;
    `name_index` and `birth_index` are keyed blind indexes for exact search.
    """

    uid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    identity = models.BinaryField(_("identité (chiffrée)"))
    notes = models.BinaryField(_("notes (chiffrées)"), blank=True, default=b"")
    # The name as lists show it, encrypted apart under the same data key: a list decrypts a
    # few bytes per row, never the documents, address or phone; crypto-shredding destroys it too.
    display_name = models.BinaryField(_("nom affiché (chiffré)"), blank=True, default=b"")
    name_index = models.CharField(max_length=32, db_index=True, blank=True)
    birth_index = models.CharField(max_length=32, db_index=True, blank=True)
    birth_year_index = models.CharField(max_length=32, db_index=True, blank=True)
    sex = models.CharField(_("sexe"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Set when the retention period ended: the data key is destroyed, identity and indexes blank.
    anonymised_at = models.DateTimeField(_("anonymisée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("personne")

    def __str__(self) -> str:
        return f"Personne n° {self.pk}"

    def audit_label(self) -> str:
        return f"Personne n° {self.pk}"


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: Any, capability: str) -> "CaseQuerySet":
        """Cases within the user's scope, in the organisations where they hold `capability`."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(scope_filter(user, capability))


class Case(BaseModel):
    """A case file of one person in one organisation."""

    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(Person, verbose_name=_("personne"), on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(_("référence"), max_length=20)
    status = models.CharField(_("statut"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_on = models.DateField(_("ouvert le"), default=timezone.localdate)
    closed_on = models.DateField(_("clos le"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suivi par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("équipe"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    age_status = models.CharField(_("âge"), max_length=20, choices=AgeStatus.choices, default=AgeStatus.UNKNOWN)
    sealed = models.BooleanField(_("dossier protégé"), default=False)
    seal_reason = models.CharField(_("motif de la protection"), max_length=20, choices=SealReason.choices, blank=True)
    legal_hold = models.BooleanField(_("conservation pour raison légale"), default=False)
    legal_hold_reason = models.CharField(_("motif de la conservation"), max_length=300, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="case_unique_reference"),
        ]
        indexes = [
            # The case list's order: its first page reads 50 rows of the index instead of sorting every case.
            models.Index(fields=["organisation", "-opened_on", "-id"], name="case_recent_by_organisation"),
        ]

    def __str__(self) -> str:
        return f"Dossier {self.reference}"

    def audit_label(self) -> str:
        return f"Dossier {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    def form_labels(self) -> list[str]:
        return [str(ExploitationForm(f.code).label) for f in self.exploitation_forms.all()]


class CaseExploitationForm(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exploitation_forms")
    code = models.CharField(max_length=20, choices=ExploitationForm.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="case_form_unique")]

    def __str__(self) -> str:
        return self.get_code_display()


class ConsentText(models.Model):
    """One version of the text read to the person before they consent. Never changed once used."""

    purpose = models.CharField(_("finalité"), max_length=30, choices=ConsentPurpose.choices)
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("texte"))
    is_current = models.BooleanField(_("version en vigueur"), default=True)

    class Meta:
        verbose_name = _("texte de consentement")
        ordering = ["purpose", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version"], name="consent_text_unique_version"),
            models.UniqueConstraint(fields=["purpose"], condition=Q(is_current=True), name="consent_text_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} (v{self.version})"


class Consent(BaseModel):
    """A consent given or refused for one purpose, with the exact text version shown.

    A consent is never edited: a new one supersedes it, and a withdrawal is recorded on it.
    """

    case = models.ForeignKey(Case, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="consents")
    text = models.ForeignKey(ConsentText, verbose_name=_("texte présenté"), on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("finalité"), max_length=30, choices=ConsentPurpose.choices)
    recipient = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation destinataire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    given = models.BooleanField(_("consentement donné"))
    language = models.CharField(_("langue (code ISO 639)"), max_length=3)
    interpreter = models.BooleanField(_("avec interprète"), default=False)
    interpreter_name = models.CharField(_("nom de l'interprète"), max_length=150, blank=True)
    recorded_on = models.DateField(_("recueilli le"), default=timezone.localdate)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_on = models.DateField(_("retiré le"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(_("motif du retrait"), blank=True)

    class Meta:
        verbose_name = _("consentement")
        ordering = ["-recorded_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose=ConsentPurpose.SHARE_WITH_ORGANISATION, recipient__isnull=False)
                | (~Q(purpose=ConsentPurpose.SHARE_WITH_ORGANISATION) & Q(recipient__isnull=True)),
                name="consent_recipient_only_for_sharing",
            ),
        ]

    def __str__(self) -> str:
        return f"Consentement n° {self.pk}"

    def audit_label(self) -> str:
        return f"Consentement n° {self.pk}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None


class StatusDecisionQuerySet(models.QuerySet["StatusDecision"]):
    def counting(self) -> "StatusDecisionQuerySet":
        """Decisions that count: confirmed ones, and those that need no confirmation."""
        four_eyes = Q(status=TraffickingStatus.PRESUMED, authority__in=sorted(FOUR_EYES_AUTHORITIES))
        return self.filter(~four_eyes | Q(confirmed_at__isnull=False))


class StatusDecision(BaseModel):
    """One decision on the trafficking status of the person of a case; history is never edited."""

    case = models.ForeignKey(Case, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="status_decisions")
    status = models.CharField(_("statut"), max_length=30, choices=TraffickingStatus.choices)
    authority = models.CharField(_("autorité"), max_length=30, choices=Authority.choices)
    decided_on = models.DateField(_("décidé le"))
    document_reference = models.CharField(_("référence du document"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)

    objects = StatusDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("décision sur le statut")
        ordering = ["-decided_on", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"Décision n° {self.pk}"

    def audit_label(self) -> str:
        return f"Décision n° {self.pk}"

    @property
    def needs_confirmation(self) -> bool:
        return self.status == TraffickingStatus.PRESUMED and self.authority in FOUR_EYES_AUTHORITIES

    @property
    def counts(self) -> bool:
        return not self.needs_confirmation or self.confirmed_at is not None


class ScreeningLink(BaseModel):
    """An anonymous screening attached to the person of a case; a screening has at most one."""

    case = models.ForeignKey(Case, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="screening_links")
    screening = models.OneToOneField(
        "identification.Screening", verbose_name=_("repérage"), on_delete=models.PROTECT, related_name="+"
    )
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("repérage rattaché")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Repérage n° {self.screening_id} → dossier n° {self.case_id}"


class PersonNameIndex(models.Model):
    """A blind index of one name of a person: the full name, or one of the aliases."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    token = models.CharField(max_length=32, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "token"], name="person_name_token_unique")]

    def __str__(self) -> str:
        return f"Index de nom de la personne n° {self.person_id}"


class PersonNationality(models.Model):
    """A nationality (ISO 3166 alpha-3), kept in clear: a category counted in statistics."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="nationalities")
    code = models.CharField(max_length=3)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "code"], name="person_nationality_unique")]

    def __str__(self) -> str:
        return self.code


class PersonLanguage(models.Model):
    """A language the person speaks (ISO 639-1, or 639-3 where it has no 639-1 code)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(max_length=3)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "code"], name="person_language_unique")]

    def __str__(self) -> str:
        return self.code


class CaseProfile(BaseModel):
    """The coded profile of a case (HTCDS v2.0 victim context and the French extensions).

    Only closed lists and dates: nothing here may identify the person on its own.
    """

    case = models.OneToOneField(Case, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="profile")
    relationship_to_trafficker = models.CharField(
        _("lien avec l'auteur"), max_length=20, choices=RelationshipToTrafficker.choices, blank=True
    )
    exploited_in_france = models.CharField(
        _("lieu d'exploitation"), max_length=12, choices=ExploitedInFrance.choices, default=ExploitedInFrance.UNKNOWN
    )
    minor_at_start = models.CharField(
        _("mineur·e au début de l'exploitation"), max_length=8, choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )  # fmt: skip
    administrative_status = models.CharField(
        _("situation administrative"), max_length=30, choices=AdministrativeStatus.choices,
        default=AdministrativeStatus.UNKNOWN,
    )  # fmt: skip
    complaint_filed = models.CharField(
        _("plainte déposée"), max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    complaint_date = models.DateField(_("date de la plainte"), null=True, blank=True)
    complaint_service = models.CharField(
        _("service saisi"), max_length=12, choices=ComplaintService.choices, blank=True
    )
    # The key of the row an HTCDS import created the case from; re-importing finds it.
    import_key = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        verbose_name = _("profil du dossier")
        constraints = [
            models.CheckConstraint(
                condition=Q(complaint_filed="yes") | (Q(complaint_date__isnull=True) & Q(complaint_service="")),
                name="case_profile_complaint_details_only_if_filed",
            ),
        ]

    def __str__(self) -> str:
        return f"Profil du dossier n° {self.case_id}"


class CaseControlMeans(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="control_means")
    code = models.CharField(max_length=30, choices=MeansOfControl.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="case_control_means_unique")]

    def __str__(self) -> str:
        return self.get_code_display()


class CaseRecruitmentMethod(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recruitment_methods")
    code = models.CharField(max_length=30, choices=RecruitmentMethod.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="case_recruitment_method_unique")]

    def __str__(self) -> str:
        return self.get_code_display()


class CaseEvent(BaseModel):
    """A recruitment, transit or exploitation event (HTCDS `hte_`): a place and partial dates.

    The place is a French commune or a country, never free text; dates are « AAAA »,
    « AAAA-MM » or « AAAA-MM-JJ », so that their text sorts like the dates themselves.
    """

    case = models.ForeignKey(Case, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("étape"), max_length=12, choices=EventKind.choices)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    country = models.CharField(_("pays (ISO 3166 alpha-3)"), max_length=3, blank=True)
    start = models.CharField(_("début"), max_length=10, blank=True)
    end = models.CharField(_("fin"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("étape du parcours")
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(commune__isnull=False) & Q(country="")) | (Q(commune__isnull=True) & ~Q(country="")),
                name="case_event_commune_or_country",
            ),
        ]

    def __str__(self) -> str:
        return f"Étape n° {self.pk}"


class BreakGlass(BaseModel):
    """A time-limited opening of a sealed case by someone other than its assigned caseworker."""

    case = models.ForeignKey(Case, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="break_glasses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("motif"))
    expires_at = models.DateTimeField(_("expire le"))
    # The supervisor's review; empty until someone other than `user` reviews the opening.
    decision = models.CharField(_("appréciation"), max_length=20, choices=BreakGlassDecision.choices, blank=True)
    review_comment = models.TextField(_("commentaire de l'examen"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(_("examiné le"), null=True, blank=True)

    class Meta:
        verbose_name = _("bris de glace")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "user", "expires_at"], name="breakglass_active")]

    def __str__(self) -> str:
        return f"Bris de glace n° {self.pk}"

    def audit_label(self) -> str:
        return f"Bris de glace n° {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None


class AgeAssessment(BaseModel):
    """An assessment of the age of a person who says they are a minor or may be one."""

    case = models.ForeignKey(Case, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="age_assessments")
    assessed_on = models.DateField(_("évalué le"))
    outcome = models.CharField(_("conclusion"), max_length=20, choices=AssessmentOutcome.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("évaluation de l'âge")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"Évaluation de l'âge n° {self.pk}"


class ChildWelfareReferral(BaseModel):
    """A referral of a minor to the child welfare service (ASE) of a département."""

    case = models.ForeignKey(Case, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="ase_referrals")
    departement = models.ForeignKey(
        "core.Departement", verbose_name=_("département"), on_delete=models.PROTECT, related_name="+"
    )
    referred_on = models.DateField(_("saisi le"))
    reference = models.CharField(_("référence de l'ASE"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("saisine de l'aide sociale à l'enfance")
        ordering = ["-referred_on", "-id"]

    def __str__(self) -> str:
        return f"Saisine de l'ASE n° {self.pk}"


class Guardian(BaseModel):
    """The legal representative of a minor; the name is encrypted under the person's data key."""

    uid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="guardians")
    kind = models.CharField(_("qualité"), max_length=30, choices=GuardianKind.choices)
    name = models.BinaryField(_("nom (chiffré)"), blank=True, default=b"")
    appointed_on = models.DateField(_("désigné le"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("représentant légal")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Représentant légal n° {self.pk}"
