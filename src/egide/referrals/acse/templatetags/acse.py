"""The link from a referral received by the Ac.Sé coordination to its placement request."""

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from egide.referrals.acse import policies
from egide.referrals.acse.actions import OPEN_REFERRAL_STATUSES
from egide.referrals.acse.models import PlacementRequest
from egide.referrals.models import Referral

register = template.Library()


@register.simple_tag
def acse_request_link(referral: Referral, user: Any) -> SafeString:
    """Link the coordinator to the referral's request, or to opening one; nothing for anyone else."""
    if referral.recipient_id not in policies.coordination_ids(user):
        return SafeString("")
    request = PlacementRequest.objects.filter(referral=referral).only("pk", "reference").first()
    if request is not None:
        url, label = reverse("acse:request_detail", args=[request.pk]), f"Demande Ac.Sé {request.reference}"
    elif referral.status in OPEN_REFERRAL_STATUSES:
        url, label = reverse("acse:request_create", args=[referral.pk]), "Ouvrir la demande d'accueil sécurisant"
    else:
        return SafeString("")
    return format_html('<p class="fr-mt-3w"><a class="fr-btn fr-btn--secondary" href="{}">{}</a></p>', url, label)
