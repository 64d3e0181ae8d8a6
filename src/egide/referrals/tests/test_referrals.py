"""Referrals: the consent gate and its override, the answer, overdue referrals, revocation."""

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import override_settings
from django.utils import timezone

from egide.accounts.models import Notification, User
from egide.cases.consent import do_withdraw_consent
from egide.cases.models import Case
from egide.cases.sealing import do_break_glass, do_seal_case
from egide.core.audit import verify_chain
from egide.core.models import AuditEvent, AuditKind, DataKey
from egide.referrals import selectors
from egide.referrals.actions import (
    ReferralRefusedError,
    do_answer_referral,
    do_withdraw_referral,
)
from egide.referrals.models import Referral, ReferralStatus
from egide.referrals.tasks import notify_overdue_referrals
from egide.referrals.tests.helpers import SECRET_VALUES, Parties, build_parties, consent_to, send
from egide.support.deadlines import referral_due_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(make_user: Callable[..., User]) -> Parties:
    return build_parties(make_user)


def _counts() -> tuple[int, int, int, int]:
    return Referral.objects.count(), DataKey.objects.count(), AuditEvent.objects.count(), Notification.objects.count()


def _trail_text() -> str:
    rows = AuditEvent.objects.values_list("extra", "reason", "target_label")
    return " ".join(str(row) for row in rows).lower()


def _notified(user: User) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("id").values_list("title", flat=True))


# --- The consent gate ------------------------------------------------------------------------


def test_without_consent_the_referral_is_refused_and_nothing_is_written(parties: Parties) -> None:
    before = _counts()
    with pytest.raises(ReferralRefusedError, match="n'a pas consenti au partage avec « Foyer destinataire »"):
        send(parties)
    assert _counts() == before and mail.outbox == []


def test_a_consent_to_another_organisation_does_not_open_the_gate(parties: Parties) -> None:
    consent_to(parties, parties.third)
    with pytest.raises(ReferralRefusedError, match="n'a pas consenti"):
        send(parties)
    assert not Referral.objects.exists()


def test_a_caseworker_cannot_override_even_with_a_reason(parties: Parties) -> None:
    with pytest.raises(ReferralRefusedError, match="recueillez son consentement"):
        send(parties, override_reason="La personne est injoignable et en danger.")
    assert not Referral.objects.exists()


def test_an_override_without_a_written_reason_is_refused(parties: Parties) -> None:
    before = _counts()
    with pytest.raises(ReferralRefusedError, match="écrivez-en le motif") as refusal:
        send(parties, acting_user=parties.supervisor, override_reason="   ")
    assert refusal.value.field == "override_reason" and _counts() == before


def test_an_override_with_a_reason_is_audited_and_alerts_the_other_supervisors(
    parties: Parties, django_capture_on_commit_callbacks: Any
) -> None:
    reason = "Danger immédiat, personne injoignable pour recueillir son accord."
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(parties, acting_user=parties.supervisor, override_reason=reason)
    assert referral.consent is None and referral.consent_override_reason == reason
    assert referral.consent_overridden_by == parties.supervisor
    event = AuditEvent.objects.get(action="referral.consent_override")
    assert (event.reason, event.actor_id, event.organisation_id) == (reason, parties.supervisor.pk, parties.sender.pk)
    assert AuditEvent.objects.get(action="referral.send").extra["consent_override"] is True
    # The other supervisor is alerted, in the application and by e-mail; the overrider is not.
    assert _notified(parties.other_supervisor) == [f"Orientation sans consentement : dossier {parties.case.reference}"]
    assert _notified(parties.supervisor) == []
    alerts = [m for m in mail.outbox if "sans consentement" in m.subject]
    assert [m.to for m in alerts] == [["autre-responsable@origine.example.org"]]
    assert parties.case.reference in alerts[0].body
    assert not any(value in alerts[0].body.lower() for value in SECRET_VALUES) and reason not in alerts[0].body
    assert verify_chain().ok


def test_with_consent_the_referral_shares_only_the_ticked_fields(
    parties: Parties, django_capture_on_commit_callbacks: Any
) -> None:
    consent = consent_to(parties)
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(parties, urgency="urgent")
    assert referral.consent == consent and referral.status == ReferralStatus.PENDING
    assert referral.due_at == referral.sent_at + datetime.timedelta(hours=24)
    assert referral.shared_fields == ["phone", "sex", "exploitation_forms"]
    shared = selectors.read_shared(parties.answerer, referral)
    assert shared.values == [("Téléphone", "0612345678"), ("Sexe", "femme"), ("Formes d'exploitation",
                             "exploitation sexuelle")]  # fmt: skip
    assert shared.reason == "Mise à l'abri durable, loin de Lyon."
    # Stored encrypted: neither the reason nor the phone is in the row in clear.
    row = Referral.objects.values_list("reason", "shared_data").get(pk=referral.pk)
    assert b"0612345678" not in bytes(row[1]) and b"Lyon" not in bytes(row[0])
    assert _notified(parties.answerer) == ["Nouvelle orientation de Association d'origine"]
    assert [m.to for m in mail.outbox] == [["accueil@foyer.example.org"], ["direction@foyer.example.org"]]
    send_event = AuditEvent.objects.get(action="referral.send")
    assert send_event.extra["shared_fields"] == ["phone", "sex", "exploitation_forms"]
    assert not any(value in _trail_text() for value in SECRET_VALUES) and "lyon" not in _trail_text()


def test_reading_what_was_shared_is_an_audited_access_without_values(parties: Parties) -> None:
    consent_to(parties)
    referral = send(parties, shared_fields=["family_name", "given_names", "birth_date"])
    shared = selectors.read_shared(parties.answerer, selectors.access_referral(parties.answerer, referral.pk))
    assert dict(shared.values) == {
        "Nom de famille": "Popescu",
        "Prénom(s)": "Ana-Maria",
        "Date de naissance": "04/1998",
    }
    access = AuditEvent.objects.get(action="referral.read_shared")
    assert access.kind == AuditKind.ACCESS and access.organisation_id == parties.recipient.pk
    assert not any(value in _trail_text() for value in SECRET_VALUES)


def test_nothing_identifying_is_shared_unless_ticked(parties: Parties) -> None:
    consent_to(parties)
    referral = send(parties, shared_fields=[])
    assert selectors.read_shared(parties.answerer, referral).values == []


def test_the_referral_is_refused_with_a_clear_error_for_bad_input(parties: Parties) -> None:
    consent_to(parties)
    cases = [
        ({"services": []}, "au moins une prestation"),
        ({"services": ["teleportation"]}, "Prestation(s) inconnue(s) : teleportation"),
        ({"urgency": "hier"}, "Urgence inconnue"),
        ({"reason": "  "}, "motif de l'orientation"),
        ({"shared_fields": ["religion"]}, "inconnu(s) : religion"),
        ({"recipient": parties.sender}, "une autre organisation que celle qui suit le dossier"),
    ]
    for overrides, message in cases:
        with pytest.raises(ReferralRefusedError, match=re.escape(message)):
            send(parties, **overrides)
    assert not Referral.objects.exists()


def test_only_a_sender_with_the_case_in_scope_may_refer_it(parties: Parties) -> None:
    consent_to(parties)
    with pytest.raises(PermissionDenied):
        send(parties, acting_user=parties.stranger)
    with pytest.raises(PermissionDenied):
        send(parties, acting_user=parties.answerer)


def test_a_sealed_case_is_referred_only_through_a_broken_glass(parties: Parties) -> None:
    consent_to(parties)
    do_seal_case(parties.case, "high_risk", acting_user=parties.supervisor)
    case = Case.objects.get(pk=parties.case.pk)
    with pytest.raises(ReferralRefusedError, match="protégé : brisez la glace"):
        send(parties, acting_user=parties.supervisor)
    do_break_glass(case, "Orientation urgente vers un foyer.", 30, acting_user=parties.supervisor)
    assert send(parties, acting_user=parties.supervisor).sent_by == parties.supervisor
    # The assigned caseworker opens the sealed case without breaking the glass.
    assert send(parties).sent_by == parties.worker


# --- Answer, elapsed time, withdrawal --------------------------------------------------------


def test_the_recipient_accepts_and_the_sender_sees_the_outcome_and_the_elapsed_time(parties: Parties) -> None:
    consent_to(parties)
    referral = send(parties)
    Referral.objects.filter(pk=referral.pk).update(sent_at=timezone.now() - datetime.timedelta(hours=5, minutes=3))
    referral = do_answer_referral(Referral.objects.get(pk=referral.pk), True, "", acting_user=parties.answerer)
    assert referral.status == ReferralStatus.ACCEPTED and referral.answered_by == parties.answerer
    assert datetime.timedelta(hours=5) < referral.elapsed < datetime.timedelta(hours=5, minutes=10)
    assert _notified(parties.worker) == [f"Orientation n° {referral.pk} acceptée par Foyer destinataire"]
    event = AuditEvent.objects.get(action="referral.answer")
    assert event.extra["accepted"] is True and 5 * 3600 < event.extra["elapsed_seconds"] < 5 * 3600 + 600
    assert event.organisation_id == parties.recipient.pk
    # Accepted, the recipient still reads what was shared.
    assert not selectors.read_shared(parties.answerer, referral).erased
    with pytest.raises(ReferralRefusedError, match="n'attend plus de réponse"):
        do_answer_referral(referral, False, "Trop tard", acting_user=parties.recipient_supervisor)


def test_a_refusal_needs_a_reason_and_erases_what_was_shared(parties: Parties) -> None:
    consent_to(parties)
    referral = send(parties)
    with pytest.raises(ReferralRefusedError, match="motif du refus"):
        do_answer_referral(referral, False, " ", acting_user=parties.answerer)
    referral = do_answer_referral(referral, False, "Plus de place avant mars.", acting_user=parties.answerer)
    assert referral.status == ReferralStatus.DECLINED and referral.answer_reason == "Plus de place avant mars."
    assert DataKey.objects.get(pk=referral.data_key_id).destroyed_at is not None
    assert selectors.read_shared(parties.answerer, referral).erased


def test_only_the_recipient_answers(parties: Parties) -> None:
    consent_to(parties)
    referral = send(parties)
    for user in (parties.worker, parties.supervisor, parties.stranger):
        with pytest.raises(PermissionDenied):
            do_answer_referral(referral, True, "", acting_user=user)


def test_either_side_sees_the_referral_and_no_one_else(parties: Parties, make_user: Callable[..., User]) -> None:
    consent_to(parties)
    referral = send(parties)
    for user in (parties.worker, parties.supervisor, parties.answerer, parties.recipient_supervisor):
        assert selectors.access_referral(user, referral.pk) == referral
    for user in (parties.stranger, make_user("volunteer", parties.recipient)):
        with pytest.raises(Http404):
            selectors.access_referral(user, referral.pk)
    assert list(selectors.received_by(parties.answerer)) == [referral]
    assert list(selectors.received_by(parties.worker)) == []
    assert list(selectors.sent_for(parties.worker)) == [referral]
    assert list(selectors.sent_for(parties.answerer)) == []


def test_the_sender_withdraws_a_pending_referral_and_its_data_is_erased(parties: Parties) -> None:
    consent_to(parties)
    referral = do_withdraw_referral(send(parties), acting_user=parties.worker)
    assert referral.status == ReferralStatus.WITHDRAWN and referral.withdrawn_by == parties.worker
    assert selectors.read_shared(parties.answerer, referral).erased
    assert _notified(parties.answerer)[-1] == f"Orientation n° {referral.pk} retirée par Association d'origine"
    with pytest.raises(ReferralRefusedError, match="Seule une orientation en attente"):
        do_withdraw_referral(referral, acting_user=parties.worker)
    with pytest.raises(PermissionDenied):
        do_withdraw_referral(send(parties), acting_user=parties.answerer)


# --- Overdue referrals -----------------------------------------------------------------------


@override_settings(EGIDE_REFERRAL_RESPONSE_HOURS={"normal": 72, "urgent": 24, "immediate": 2})
def test_the_due_time_follows_the_configured_hours_per_urgency() -> None:
    sent = datetime.datetime(2025, 3, 1, 22, 0, tzinfo=datetime.UTC)
    assert referral_due_at(sent, "immediate") == datetime.datetime(2025, 3, 2, 0, 0, tzinfo=datetime.UTC)
    assert referral_due_at(sent, "normal") == sent + datetime.timedelta(days=3)


def test_overdue_referrals_are_flagged_and_notified_once(
    parties: Parties, django_capture_on_commit_callbacks: Any
) -> None:
    consent_to(parties)
    late, on_time = send(parties, urgency="immediate"), send(parties)
    answered = send(parties, urgency="immediate")
    past = timezone.now() - datetime.timedelta(hours=5)
    Referral.objects.filter(pk__in=[late.pk, answered.pk]).update(
        sent_at=past, due_at=past + datetime.timedelta(hours=4)
    )
    do_answer_referral(Referral.objects.get(pk=answered.pk), True, "", acting_user=parties.answerer)
    assert [r.is_overdue for r in Referral.objects.filter(pk__in=[late.pk, on_time.pk]).order_by("pk")] == [True, False]
    overdue = selectors.ListFilters(box="received", overdue=True)
    assert list(selectors.referrals_for(parties.answerer, overdue)) == [Referral.objects.get(pk=late.pk)]
    mail.outbox.clear()
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        first = notify_overdue_referrals.enqueue(today.isoformat()).return_value
    assert first is not None and first["referrals"] == [late.pk]
    title = f"Orientation n° {late.pk} sans réponse dans le délai"
    for user in (parties.worker, parties.answerer, parties.recipient_supervisor):
        assert _notified(user).count(title) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["intervenante@origine.example.org", "accueil@foyer.example.org", "direction@foyer.example.org"]
    )
    # The same day again does nothing; the next day, the referral was already notified.
    assert notify_overdue_referrals.enqueue(today.isoformat()).return_value is None
    later = notify_overdue_referrals.enqueue((today + datetime.timedelta(days=1)).isoformat()).return_value
    assert later is not None and later["referrals"] == []
    assert Notification.objects.filter(title=title).count() == 3


# --- Revocation when consent is withdrawn ----------------------------------------------------


def test_withdrawing_consent_revokes_the_recipients_access_and_destroys_the_key(
    parties: Parties, login: Callable[[User], Any]
) -> None:
    consent = consent_to(parties)
    accepted = do_answer_referral(send(parties), True, "", acting_user=parties.answerer)
    pending = send(parties, shared_fields=["phone"])
    elsewhere = send(parties, recipient=parties.third, acting_user=parties.supervisor, override_reason="Urgence.")
    do_withdraw_consent(consent, "La personne ne veut plus que le foyer soit informé.", acting_user=parties.worker)
    for referral in (accepted, pending):
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.REVOKED and referral.revoked_at is not None
        assert DataKey.objects.get(pk=referral.data_key_id).destroyed_at is not None
        assert selectors.read_shared(parties.answerer, referral).erased
    elsewhere.refresh_from_db()
    assert elsewhere.status == ReferralStatus.PENDING
    revokes = AuditEvent.objects.filter(action="referral.revoke").order_by("id")
    assert [e.extra["previous_status"] for e in revokes] == ["accepted", "pending"]
    assert _notified(parties.answerer)[-1] == f"Orientation n° {pending.pk} révoquée"
    page = login(parties.answerer).get(f"/orientations/{pending.pk}/")
    assert page.status_code == 200 and "Accès révoqué" in page.content.decode()
    assert "0612345678" not in page.content.decode()
    assert verify_chain().ok


def test_a_later_consent_still_in_force_keeps_the_referral(parties: Parties) -> None:
    old = consent_to(parties)
    consent_to(parties)
    referral = send(parties)
    do_withdraw_consent(old, "Remplacé.", acting_user=parties.worker)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING
