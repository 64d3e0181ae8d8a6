"""The linkage key of the protection zone and the fingerprint the observatory expects.

The key encodes identities of the organisations that use Égide, inside the protection
zone (setting `EGIDE_LINKAGE_KEY_FILE`, or the environment variable `EGIDE_LINKAGE_KEY`).
The observatory itself needs only the key's fingerprint (setting
`EGIDE_LINKAGE_KEY_FINGERPRINT`) to refuse files encoded with another key; when the same
server holds the key, the fingerprint is derived from it.
"""

from django.conf import settings
from egide_analytics.linkage import LinkageKey, LinkageKeyError


class LinkageKeyMissing(Exception):  # noqa: N818  (a refusal with a French message)
    """No linkage key is configured, or it cannot be read; the message is French."""


def protection_key() -> LinkageKey:
    """Return the protection zone's linkage key, or raise LinkageKeyMissing in French."""
    path = getattr(settings, "EGIDE_LINKAGE_KEY_FILE", "")
    try:
        return LinkageKey.from_file(path) if path else LinkageKey.from_env()
    except LinkageKeyError as error:
        raise LinkageKeyMissing(
            f"Clé de rapprochement indisponible : {error} Configurez EGIDE_LINKAGE_KEY_FILE ou EGIDE_LINKAGE_KEY."
        ) from None


def expected_fingerprint() -> str:
    """Return the fingerprint every encoded submission must carry, or raise LinkageKeyMissing."""
    configured = str(getattr(settings, "EGIDE_LINKAGE_KEY_FINGERPRINT", "") or "")
    return configured or protection_key().fingerprint
