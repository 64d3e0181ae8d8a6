"""Production settings: secrets from the environment, HTTPS only, two-factor for all."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403  (settings modules extend one another)

DEBUG = False
try:
    SECRET_KEY = os.environ["EGIDE_SECRET_KEY"]
except KeyError as missing:
    raise ImproperlyConfigured("EGIDE_SECRET_KEY must be set in production.") from missing
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("EGIDE_SECRET_KEY must be at least 50 characters long.")

EGIDE_REQUIRE_MFA = True
# Never generate master keys on the fly in production: they come from the environment or a
# key file that the operator created and backs up apart from the database.
EGIDE_REQUIRE_KEYS = True
EGIDE_DEMO = False

SECURE_SSL_REDIRECT = os.environ.get("EGIDE_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "egide.core.static_storage.StaticStorage"},
}
WHITENOISE_USE_FINDERS = False
EMAIL_BACKEND = os.environ.get("EGIDE_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
