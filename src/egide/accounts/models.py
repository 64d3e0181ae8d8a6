"""Users, their memberships (user × organisation × role) and personal API tokens."""

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.accounts.roles import Role, capabilities_of
from egide.core.models import BaseModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("Une adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        return self.create_user(email, password, is_staff=True, is_superuser=True, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. What they may do comes from their memberships only."""

    email = models.EmailField(_("adresse e-mail"), unique=True)
    full_name = models.CharField(_("nom complet"), max_length=150)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("utilisateur·rice")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def audit_label(self) -> str:
        return self.email

    def active_memberships(self) -> list["Membership"]:
        """Return the active memberships, cached for the life of this object (one request)."""
        cached: list[Membership] | None = getattr(self, "_memberships_cache", None)
        if cached is None:
            cached = list(
                self.memberships.filter(is_active=True, organisation__is_active=True)
                .select_related("organisation")
                .order_by("organisation__name")
            )
            self._memberships_cache = cached
        return cached

    def capabilities(self) -> frozenset[str]:
        caps: set[str] = set()
        for m in self.active_memberships():
            caps |= capabilities_of(m.role)
        return frozenset(caps)

    def has_capability(self, name: str) -> bool:
        return self.is_active and name in self.capabilities()

    def has_capability_in(self, name: str, organisation_id: int) -> bool:
        """Whether a membership in that very organisation grants the capability."""
        return self.is_active and any(
            m.organisation_id == organisation_id and name in capabilities_of(m.role) for m in self.active_memberships()
        )

    def organisation_ids(self) -> set[int]:
        return {m.organisation_id for m in self.active_memberships()}


class Team(BaseModel):
    """A team within one organisation; cases and memberships may belong to one."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("équipe")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return f"Équipe {self.name}"


class Membership(BaseModel):
    """A user's role in one organisation; a user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=40, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    team = models.ForeignKey(
        Team, verbose_name=_("équipe"), null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )

    class Meta:
        verbose_name = _("appartenance")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"


TOKEN_PREFIX = "egd_"  # noqa: S105  (a public prefix that tells tokens apart, not a secret)


def hash_token(raw: str) -> str:
    # Tokens carry 256 random bits: a fast hash is enough, no stretching needed.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(BaseModel):
    """A personal API token; only its hash is stored, the value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expire le"))
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def audit_label(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class Notification(models.Model):
    """A message to one user in the application, also sent by e-mail.

    Never a name or any personal value of a victim: case references, organisation names
    and what happened, nothing more (the e-mail leaves the application in clear).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("lien"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The header's badge counts a user's unread notifications on every page.
            models.Index(fields=["user", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"Notification n° {self.pk}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
