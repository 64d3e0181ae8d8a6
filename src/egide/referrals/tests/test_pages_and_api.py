"""The referral pages, the case page's section and menu, and the API."""

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from egide.accounts.models import User
from egide.core.models import AuditEvent
from egide.organisations.vocabulary import Service
from egide.referrals.models import Referral, ReferralStatus
from egide.referrals.tests.helpers import Parties, build_parties, consent_to, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(make_user: Callable[..., User]) -> Parties:
    return build_parties(make_user)


def _client(user: User) -> Client:
    from conftest import log_in

    return log_in(Client(), user)


def _post_referral(client: Client, parties: Parties, **data: Any) -> Any:
    form = {"recipient": parties.recipient.pk, "services": [Service.LONG_TERM_SHELTER], "urgency": "urgent",
            "reason": "Hébergement sûr.", "case_fields": ["sex"], "identity_fields": [], **data}  # fmt: skip
    return client.post(f"/dossiers/{parties.case.pk}/orienter/", form)


def test_the_referral_form_searches_the_directory_and_shows_consent(parties: Parties) -> None:
    consent_to(parties)
    client = _client(parties.worker)
    page = client.get(f"/dossiers/{parties.case.pk}/orienter/").content.decode()
    # Without a search, the organisations the person consents to are offered.
    assert "Foyer destinataire" in page and "consentement au partage recueilli" in page
    assert (
        'name="identity_fields" value="family_name"' in page and "checked" not in page.split("identity_fields")[1][:80]
    )
    found = client.get(f"/dossiers/{parties.case.pk}/orienter/?q=tierce").content.decode()
    assert "Association tierce" in found and "aucun consentement au partage avec cette organisation" in found
    # The override field is for those who may override only.
    assert "override_reason" not in page
    assert (
        "override_reason" in _client(parties.supervisor).get(f"/dossiers/{parties.case.pk}/orienter/").content.decode()
    )


def test_sending_through_the_form_and_the_refusal_without_consent(parties: Parties) -> None:
    client = _client(parties.worker)
    refused = _post_referral(client, parties)
    assert refused.status_code == 200 and "n&#x27;a pas consenti" in refused.content.decode()
    assert not Referral.objects.exists()
    consent_to(parties)
    response = _post_referral(client, parties)
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orientations/{referral.pk}/"
    assert referral.urgency == "urgent" and referral.shared_fields == ["sex"]


def test_the_recipient_reads_and_answers_on_the_detail_page(parties: Parties) -> None:
    consent_to(parties)
    referral = send(parties, shared_fields=["phone"])
    client = _client(parties.answerer)
    page = client.get(f"/orientations/{referral.pk}/").content.decode()
    assert "0612345678" in page and "Mise à l&#x27;abri durable" in page and "Enregistrer la réponse" in page
    assert AuditEvent.objects.filter(action="referral.read_shared", actor_id=parties.answerer.pk).count() == 1
    # A refusal without a reason changes nothing.
    client.post(f"/orientations/{referral.pk}/reponse/", {"decision": "decline"})
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.PENDING
    client.post(f"/orientations/{referral.pk}/reponse/", {"decision": "accept"})
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED
    assert _client(parties.stranger).get(f"/orientations/{referral.pk}/").status_code == 404


def test_lists_show_state_overdue_flag_and_elapsed_time_without_shared_values(parties: Parties) -> None:
    consent_to(parties)
    referral = send(parties, shared_fields=["phone"])
    past = timezone.now() - datetime.timedelta(days=4, hours=2)
    Referral.objects.filter(pk=referral.pk).update(sent_at=past, due_at=past + datetime.timedelta(hours=72))
    received = _client(parties.answerer).get("/orientations/?box=received").content.decode()
    assert f"n°&nbsp;{referral.pk}" in received and "en retard" in received and "4 j 2 h" in received
    assert "0612345678" not in received and "Mise à l" not in received
    sent = _client(parties.worker).get("/orientations/?box=sent&overdue=on").content.decode()
    assert f"n°&nbsp;{referral.pk}" in sent and "Foyer destinataire" in sent
    accepted_only = _client(parties.worker).get("/orientations/?box=sent&status=accepted").content.decode()
    assert f"n°&nbsp;{referral.pk}" not in accepted_only and "Aucune orientation." in accepted_only
    # A caseworker answers for their organisation and sends for theirs: both boxes; a box they lack is 404.
    assert _client(parties.answerer).get("/orientations/?box=sent").status_code == 200
    assert _client(parties.worker).get("/orientations/?box=autre").status_code == 404


def test_the_case_page_shows_the_section_with_the_overdue_flag(parties: Parties) -> None:
    consent_to(parties)
    referral = send(parties)
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - datetime.timedelta(minutes=1))
    page = _client(parties.worker).get(f"/dossiers/{parties.case.pk}/").content.decode()
    assert "Orientations et transferts" in page and "en retard" in page
    assert f"/dossiers/{parties.case.pk}/orienter/" in page
    assert f"/dossiers/{parties.case.pk}/transferer/" not in page  # the caseworker does not transfer
    assert (
        f"/dossiers/{parties.case.pk}/transferer/"
        in _client(parties.supervisor).get(f"/dossiers/{parties.case.pk}/").content.decode()
    )


def test_the_menu_offers_referrals_to_senders_and_answerers_only(
    parties: Parties, make_user: Callable[..., User]
) -> None:
    assert 'href="/orientations/"' in _client(parties.worker).get("/compte/").content.decode()
    admin = make_user("org_admin", parties.sender)
    assert 'href="/orientations/"' not in _client(admin).get("/compte/").content.decode()


# --- API ---------------------------------------------------------------------------------------


def test_the_api_lists_referrals_without_reason_or_shared_values(parties: Parties) -> None:
    consent_to(parties)
    referral = send(parties, shared_fields=["phone"])
    body = _client(parties.answerer).get("/api/v1/referrals/?box=received").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["id"], item["case_reference"], item["status"], item["overdue"]) == (
        referral.pk,
        parties.case.reference,
        "pending",
        False,
    )
    assert item["services"] == ["long_term_shelter"] and item["sender"]["name"] == "Association d'origine"
    text = json.dumps(body)
    assert "0612345678" not in text and "Lyon" not in text
    assert _client(parties.worker).get("/api/v1/referrals/?box=received").json()["count"] == 0
    assert _client(parties.worker).get("/api/v1/referrals/?box=sent").json()["count"] == 1


def test_the_api_answers_a_referral(parties: Parties) -> None:
    consent_to(parties)
    referral = send(parties)
    url = f"/api/v1/referrals/{referral.pk}/answer"
    client = _client(parties.answerer)
    assert client.post(url, {}, content_type="application/json").status_code == 422
    refused = client.post(url, {"accepted": False}, content_type="application/json")
    assert refused.status_code == 422 and "motif du refus" in refused.json()["detail"]
    assert _client(parties.worker).post(url, {"accepted": True}, content_type="application/json").status_code == 404
    done = client.post(url, {"accepted": False, "reason": "Complet."}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "declined"
    assert client.post(url, {"accepted": True}, content_type="application/json").status_code == 409
    assert Client().post(url, {}, content_type="application/json").status_code == 401
