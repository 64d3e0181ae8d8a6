"""Consent withdrawn or person anonymised: the coordination's data on the request is erased for good."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from egide.accounts.models import User
from egide.cases.actions import do_close_case
from egide.cases.consent import do_record_consent, do_withdraw_consent
from egide.cases.models import Case, Consent
from egide.cases.retention import anonymise_due_cases
from egide.cases.vocabulary import ConsentPurpose
from egide.core.audit import verify_chain
from egide.core.models import AuditEvent, DataKey
from egide.organisations.vocabulary import Service
from egide.referrals.acse import selectors
from egide.referrals.acse.actions import do_open_request
from egide.referrals.acse.matching import refusals
from egide.referrals.acse.models import Placement, PlacementRequest
from egide.referrals.acse.tests import helpers
from egide.referrals.acse.vocabulary import RequestState, Step
from egide.referrals.acse.workflow import do_propose_placement, do_record_agreement
from egide.referrals.actions import do_send_referral
from egide.referrals.models import Referral

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def consented_request(w: helpers.AcseWorld) -> tuple[Case, Consent, Referral, PlacementRequest]:
    case = helpers.open_case(w.caseworker, w.sender)
    share = ConsentPurpose.SHARE_WITH_ORGANISATION
    consent = do_record_consent(case, share, True, "fr", False, w.coordination, acting_user=w.caseworker)
    referral = do_send_referral(
        case, w.coordination, services=[Service.LONG_TERM_SHELTER], urgency="urgent",
        reason="Danger sur place.", shared_fields=["sex"], acting_user=w.caseworker,
    )  # fmt: skip
    request = do_open_request(referral, helpers.request_data(), acting_user=w.coordinator)
    return case, consent, referral, request


def test_withdrawing_consent_closes_a_request_before_arrival_and_erases_its_places(
    login: Callable[[User], Any],
) -> None:
    w = helpers.world()
    _, consent, _, request = consented_request(w)
    placement = do_propose_placement(request, w.shelters["rennes"], TODAY, acting_user=w.coordinator, refusals=refusals)
    do_record_agreement(placement, TODAY, acting_user=w.host)

    do_withdraw_consent(consent, "Elle ne veut plus être orientée.", acting_user=w.caseworker)

    request.refresh_from_db()
    assert request.state == RequestState.WITHDRAWN and request.closed_on == TODAY
    assert bytes(request.places) == b"" and DataKey.objects.get(pk=request.data_key_id).destroyed_at is not None
    assert Placement.objects.get(pk=placement.pk).step == Step.CANCELLED
    assert selectors.places_of(w.coordinator, request) == ()
    page = login(w.coordinator).get(f"/acse/demandes/{request.pk}/").content.decode()
    assert "Marseille" not in page and "retiré son consentement" in page
    assert AuditEvent.objects.filter(action="acse.request_erase", extra__why="consent_withdrawn").count() == 1
    assert verify_chain().ok


def test_a_consent_to_another_organisation_leaves_the_request_alone() -> None:
    w = helpers.world()
    case, _, _, request = consented_request(w)
    share = ConsentPurpose.SHARE_WITH_ORGANISATION
    other = do_record_consent(case, share, True, "fr", False, w.host_org, acting_user=w.caseworker)
    do_withdraw_consent(other, "Plus de lien avec ce foyer.", acting_user=w.caseworker)
    request.refresh_from_db()
    assert request.state == RequestState.PENDING and bytes(request.places) != b""


def test_anonymising_the_person_erases_the_referral_and_the_request() -> None:
    w = helpers.world()
    case, _, referral, request = consented_request(w)
    closed_on = TODAY - datetime.timedelta(days=1)
    do_close_case(case, acting_user=w.caseworker, closed_on=closed_on)

    assert anonymise_due_cases(today=closed_on.replace(year=closed_on.year + 6)).anonymised == 1

    referral.refresh_from_db()
    request.refresh_from_db()
    assert DataKey.objects.get(pk=referral.data_key_id).destroyed_at is not None
    assert DataKey.objects.get(pk=request.data_key_id).destroyed_at is not None
    assert request.state == RequestState.WITHDRAWN and bytes(request.places) == b""
    assert AuditEvent.objects.filter(action="referral.erase", target_id=str(referral.pk)).exists()
    assert verify_chain().ok
