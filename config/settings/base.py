"""Settings shared by every environment: the embedded default (SQLite) and the demo."""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import dj_database_url
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("EGIDE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("EGIDE_SECRET_KEY", "insecure-demo-key-change-me-in-production")
DEBUG = os.environ.get("EGIDE_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("EGIDE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "dsfr",
    "widget_tweaks",
    "egide.core",
    "egide.accounts",
    "egide.organisations",
    "egide.identification",
    "egide.cases",
    "egide.support",
    "egide.referrals",
    "egide.referrals.acse",
    "egide.observatory",
    "egide.observatory.reports",
    "egide.observatory.publication",
    "egide.public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "egide.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "egide.accounts.middleware.ApiTokenMiddleware",
    "egide.accounts.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "egide.accounts.middleware.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "egide.cases.middleware.SealedCaseMiddleware",
    "axes.middleware.AxesMiddleware",
    "egide.core.middleware.RoutePolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "egide.core.context_processors.egide",
                "egide.accounts.context_processors.notifications",
                "egide.referrals.acse.context_processors.acse_menu",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.DjangoTemplates"


def database_from_env() -> dict[str, Any]:
    """Return PostgreSQL from DATABASE_URL, else the embedded SQLite file in WAL mode."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        # Each request would otherwise reconnect and re-run the PRAGMAs: a quarter of an API call.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "NAME": os.environ.get("EGIDE_SQLITE_PATH", str(VAR_DIR / "egide.sqlite3")),
        "OPTIONS": {
            # WAL lets the worker and the web server read while one writes;
            # IMMEDIATE takes the write lock at BEGIN, so writers queue instead of failing.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        },
    }


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Length, not composition (NIST SP 800-63B, ANSSI): 12 characters at least.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "public:home"

# Sessions: 15 minutes idle (the cookie is renewed on each request), 10 hours in all.
SESSION_COOKIE_AGE = 15 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
EGIDE_SESSION_MAX_AGE = timedelta(hours=10)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Lockout: 5 failures within 15 minutes lock the account for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "egide.accounts.lockout.username_for_lockout"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

# Two-factor authentication (TOTP) for every account; the demo waives it with a banner.
EGIDE_REQUIRE_MFA = os.environ.get("EGIDE_REQUIRE_MFA", "0") == "1"
OTP_TOTP_ISSUER = "Égide"

# French only until the English catalogue exists: a half-translated page (English dates in
# a French interface) is worse than a consistent French one.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "src" / "egide" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Leaflet and its marker clusters come from their PyPI packages (no CDN, no copy in the repository).
STATICFILES_DIRS = [
    ("leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("leaflet-markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = os.environ.get("EGIDE_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
# Anchors of the audit chain (`egide audit anchor`, daily job): best where the database admin cannot rewrite.
AUDIT_ANCHOR_FILE = Path(os.environ.get("EGIDE_AUDIT_ANCHOR_FILE", VAR_DIR / "audit" / "anchors.jsonl"))
DEFAULT_FROM_EMAIL = "egide@localhost"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("EGIDE_LOG_LEVEL", "WARNING")},
}

EGIDE_DEMO = os.environ.get("EGIDE_DEMO", "0") == "1"

# AFIS (aide financière à l'insertion sociale et professionnelle, décret 2017-542): monthly
# amount for a single person, about 330 € — to verify against the decree in force.
EGIDE_AFIS_MONTHLY_AMOUNT = Decimal(os.environ.get("EGIDE_AFIS_MONTHLY_AMOUNT", "330"))
# Hours within which the recipient of a referral answers, by urgency (see core.legal_delays).
EGIDE_REFERRAL_RESPONSE_HOURS = {
    "normal": int(os.environ.get("EGIDE_REFERRAL_RESPONSE_HOURS_NORMAL", "72")),
    "urgent": int(os.environ.get("EGIDE_REFERRAL_RESPONSE_HOURS_URGENT", "24")),
    "immediate": int(os.environ.get("EGIDE_REFERRAL_RESPONSE_HOURS_IMMEDIATE", "4")),
}
# Closed case files are anonymised this many years after the person's last case closed.
EGIDE_RETENTION_YEARS = int(os.environ.get("EGIDE_RETENTION_YEARS", "5"))
# Ac.Sé: default minimum distance (km) between a shelter and every place the person must avoid.
EGIDE_ACSE_MIN_DISTANCE_KM = int(os.environ.get("EGIDE_ACSE_MIN_DISTANCE_KM", "200"))
# Observatory: the protection zone's linkage key (a file; else the environment variable
# EGIDE_LINKAGE_KEY), and the fingerprint the observatory expects of every encoded file.
# The demo creates and uses its own key file.
EGIDE_LINKAGE_KEY_FILE = os.environ.get(
    "EGIDE_LINKAGE_KEY_FILE", str(VAR_DIR / "keys" / "demo-linkage.key") if EGIDE_DEMO else ""
)
EGIDE_LINKAGE_KEY_FINGERPRINT = os.environ.get("EGIDE_LINKAGE_KEY_FINGERPRINT", "")

# The requirement is an account lockout (5 failures, 15 minutes); per-address rate limiting
# belongs to the reverse proxy, where addresses are known reliably.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
