from typing import Any

from django.conf import settings
from django.http import HttpRequest


def egide(request: HttpRequest) -> dict[str, Any]:
    """Expose the demo and two-factor flags that the base template shows as banners.

    Also stands in for django-dsfr's `site_config` processor, which ran two queries on every
    render (sections of a page included) for a DsfrConfig row Égide never creates: the site's
    title and tagline live in `egide/base.html`.
    """
    return {
        "SITE_CONFIG": None,
        "EGIDE_DEMO": settings.EGIDE_DEMO,
        "EGIDE_REQUIRE_MFA": settings.EGIDE_REQUIRE_MFA,
    }
