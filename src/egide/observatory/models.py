"""The observatory's tables: submissions of data holders, their pseudonymised records, linkage runs.

Nothing here can name anyone. A record carries a holder-local pseudonym, the linkage
encodings made with the data holders' key (a Bloom filter and exact keyed tokens) and the
survey's coded variables (`egide_analytics.submission`). The observatory never holds the
key, only its fingerprint, so it cannot recompute an encoding from a guessed name.

Records of a survey spreadsheet typed by hand may have no encoding (`linkable` false):
they count as declared, and each one counts as a separate person in every linkage run.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.core.models import BaseModel
from egide.observatory.vocabulary import Channel, Decision, RunState, SubmissionState
from egide_analytics.linkage import Thresholds

# The library's defaults, measured at a million records (bench/README.md): one source of truth.
DEFAULT_MATCH_THRESHOLD = Thresholds().match
DEFAULT_REVIEW_THRESHOLD = Thresholds().review


def _user(verbose_name: Any, null: bool = False) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=verbose_name, null=null, blank=null,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def current(self) -> "SubmissionQuerySet":
        """Submissions that count: the latest of each holder and year, not withdrawn."""
        return self.filter(state=SubmissionState.RECEIVED)


class Submission(BaseModel):
    """One data holder's records (or aggregates) for one reporting year."""

    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("détenteur des données"),
        on_delete=models.PROTECT, related_name="observatory_submissions",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("année déclarée"))
    channel = models.CharField(_("canal"), max_length=20, choices=Channel.choices)
    schema_version = models.CharField(_("version du schéma"), max_length=10)
    encoding_parameters = models.JSONField(_("paramètres d'encodage"), default=dict, blank=True)
    key_fingerprint = models.CharField(_("empreinte de la clé"), max_length=64, blank=True)
    state = models.CharField(
        _("état"), max_length=12, choices=SubmissionState.choices, default=SubmissionState.RECEIVED
    )
    submitted_by = _user(_("transmise par"))
    submitted_at = models.DateTimeField(_("transmise le"), default=timezone.now)
    record_count = models.PositiveIntegerField(_("enregistrements"), default=0)
    linkable_count = models.PositiveIntegerField(_("enregistrements encodés"), default=0)
    # The survey's compulsory aggregate part, when given: {"by_form": [...], "by_region": [...]}.
    aggregates = models.JSONField(_("agrégats déclarés"), default=dict, blank=True)
    # Counts only (never a case id): why cases of an Égide submission were left out.
    exclusions = models.JSONField(_("dossiers non transmis"), default=dict, blank=True)
    file_sha256 = models.CharField(_("empreinte du fichier"), max_length=64, blank=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name=_("remplacée par"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    withdrawn_by = _user(_("retirée par"), null=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("soumission")
        ordering = ["-year", "-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=Q(state="received"),
                name="observatory_one_current_submission",
            )
        ]
        indexes = [models.Index(fields=["year", "state"], name="observatory_sub_year_state")]

    def __str__(self) -> str:
        return f"Soumission {self.pk} ({self.year})"

    def audit_label(self) -> str:
        return f"Soumission n° {self.pk} — {self.year}"

    @property
    def is_current(self) -> bool:
        return self.state == SubmissionState.RECEIVED

    @property
    def is_aggregate_only(self) -> bool:
        return self.record_count == 0 and bool(self.aggregates)


class SubmissionRecord(models.Model):
    """One person as one data holder saw her during the year: pseudonym, encodings, codes."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="records")
    # Holder-local pseudonym; for Égide submissions a keyed HMAC of the case uid, never its reference.
    record_id = models.CharField(_("identifiant local"), max_length=64)
    clk = models.BinaryField(_("filtre de Bloom chiffré"), blank=True, default=b"")
    tokens = models.JSONField(_("jetons exacts"), default=dict, blank=True)
    variables = models.JSONField(_("variables codées"), default=dict)
    linkable = models.BooleanField(_("encodé"), default=True)

    class Meta:
        verbose_name = _("enregistrement de soumission")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["submission", "record_id"], name="observatory_record_unique_id")]

    def __str__(self) -> str:
        return f"Enregistrement {self.record_id}"


class LinkageRun(BaseModel):
    """One linkage of every current submission of the years covered, within and across them."""

    match_threshold = models.FloatField(_("seuil d'appariement"), default=DEFAULT_MATCH_THRESHOLD)
    review_threshold = models.FloatField(_("seuil des doublons possibles"), default=DEFAULT_REVIEW_THRESHOLD)
    years = models.JSONField(_("années"), default=list)
    submissions = models.ManyToManyField(Submission, verbose_name=_("soumissions"), related_name="runs", blank=True)
    state = models.CharField(_("état"), max_length=10, choices=RunState.choices, default=RunState.QUEUED)
    error = models.TextField(_("erreur"), blank=True)
    key_fingerprint = models.CharField(_("empreinte de la clé"), max_length=64, blank=True)
    record_count = models.PositiveIntegerField(_("enregistrements"), default=0)
    person_count = models.PositiveIntegerField(_("personnes distinctes"), default=0)
    candidate_pairs = models.PositiveBigIntegerField(_("paires comparées"), default=0)
    duplicate_count = models.PositiveIntegerField(_("doublons"), default=0)
    review_count = models.PositiveIntegerField(_("doublons possibles"), default=0)
    # {"2025": {"records": n, "persons": n, "duplication_rate": x}, …}, recomputed after review.
    year_counts = models.JSONField(_("comptes par année"), default=dict, blank=True)
    started_by = _user(_("lancée par"))
    started_at = models.DateTimeField(_("démarrée le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("appariement")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Appariement {self.pk}"

    def audit_label(self) -> str:
        return f"Appariement n° {self.pk}"

    @property
    def is_done(self) -> bool:
        return self.state == RunState.DONE

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class RecordPerson(models.Model):
    """The person a record belongs to in one run: `cluster` from linkage, `person` after review."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="record_persons")
    record = models.ForeignKey(SubmissionRecord, on_delete=models.CASCADE, related_name="+")
    cluster = models.PositiveIntegerField(_("groupe de l'appariement"))
    person = models.PositiveIntegerField(_("personne"))

    class Meta:
        verbose_name = _("personne d'un enregistrement")
        constraints = [models.UniqueConstraint(fields=["run", "record"], name="observatory_record_person_unique")]
        indexes = [models.Index(fields=["run", "person"], name="observatory_rp_run_person")]

    def __str__(self) -> str:
        return f"{self.record_id} → {self.person}"


class ReviewPair(models.Model):
    """Two records whose similarity falls in the « possible duplicate » band, for the statistician."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="review_pairs")
    record_a = models.ForeignKey(SubmissionRecord, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(SubmissionRecord, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("similarité"))
    decision = models.CharField(_("décision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = _user(_("décidée par"), null=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("doublon possible")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "record_a", "record_b"], name="observatory_review_pair_unique")
        ]

    def __str__(self) -> str:
        return f"Paire {self.record_a_id}–{self.record_b_id} ({self.score:.3f})"
