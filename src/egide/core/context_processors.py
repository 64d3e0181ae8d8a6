from typing import Any

from django.conf import settings
from django.http import HttpRequest


def egide(request: HttpRequest) -> dict[str, Any]:
    """Expose the demo and two-factor flags that the base template shows as banners."""
    return {
        "EGIDE_DEMO": settings.EGIDE_DEMO,
        "EGIDE_REQUIRE_MFA": settings.EGIDE_REQUIRE_MFA,
    }
