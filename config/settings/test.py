"""Settings for the test suite: fast hashing, in-memory mail, immediate tasks."""

import os

from .base import *  # noqa: F403  (settings modules extend one another)
from .base import DATABASES, VAR_DIR

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["NAME"] = os.environ.get("EGIDE_TEST_SQLITE", ":memory:")
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("EGIDE_TEST_SQLITE") or None}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EGIDE_REQUIRE_MFA = False

# Tests use their own key file, never the demo's.
os.environ.setdefault("EGIDE_KEY_FILE", str(VAR_DIR / "keys" / "test-keys.json"))
# A test that runs every daily job must not add anchors to the real anchor file.
AUDIT_ANCHOR_FILE = VAR_DIR / "test" / "audit-anchors.jsonl"
