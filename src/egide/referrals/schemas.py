"""Schemas of the referrals API: lists without any shared value or reason, and the answer."""

import datetime

from ninja import Field, Schema

from egide.referrals.models import ReferralStatus
from egide.referrals.vocabulary import Box

MAX_PAGE = 200


class ReferralQuery(Schema):
    box: Box = Field(Box.RECEIVED, description="`received` : adressées à vos organisations ; `sent` : de vos dossiers.")
    status: ReferralStatus | None = Field(None, description="Ne garder que cet état.")
    overdue: bool = Field(False, description="Ne garder que les orientations en attente après leur échéance.")
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


class OrganisationRef(Schema):
    id: int
    name: str


class ReferralItem(Schema):
    id: int
    case_reference: str = Field(description="Référence du dossier dans l'organisation d'origine.")
    sender: OrganisationRef
    recipient: OrganisationRef
    services: list[str]
    urgency: str
    status: str
    status_label: str
    sent_at: datetime.datetime
    due_at: datetime.datetime | None
    overdue: bool
    answered_at: datetime.datetime | None
    elapsed_seconds: int = Field(description="De l'envoi à la réponse (ou à maintenant, tant qu'elle attend).")


class ReferralPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReferralItem]


class AnswerIn(Schema):
    # Optional so that the route's policy answers first (401, 403, 404); a missing answer is a 422 after it.
    accepted: bool | None = Field(None, description="true pour accepter, false pour refuser.")
    reason: str = Field("", max_length=2000, description="Obligatoire pour un refus ; ne nommez pas la personne.")
