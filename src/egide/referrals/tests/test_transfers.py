"""Transfers of a case to another organisation: proposal, acceptance, refusal, and who sees what after."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from egide.accounts.models import Notification, User
from egide.accounts.teams import do_create_team
from egide.cases import selectors as case_selectors
from egide.cases.actions import do_open_case
from egide.cases.consent import do_withdraw_consent
from egide.cases.models import Case
from egide.core.audit import verify_chain
from egide.core.models import AuditEvent
from egide.organisations.vocabulary import Service
from egide.referrals import selectors, transfers
from egide.referrals.actions import ReferralRefusedError
from egide.referrals.models import CaseTransfer
from egide.referrals.tests.helpers import IDENTITY, Parties, build_parties, consent_to
from egide.referrals.vocabulary import TransferStatus
from egide.support.models import CaseTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(make_user: Callable[..., User]) -> Parties:
    return build_parties(make_user)


def _propose(parties: Parties, **overrides: Any) -> CaseTransfer:
    arguments: dict[str, Any] = {"reason": "La personne déménage près du foyer.",
                                 "services": [Service.SOCIAL_SUPPORT], "acting_user": parties.supervisor}  # fmt: skip
    arguments.update(overrides)
    return transfers.do_propose_transfer(parties.case, parties.recipient, **arguments)


def test_a_transfer_needs_consent_or_a_written_override(parties: Parties) -> None:
    with pytest.raises(ReferralRefusedError, match="écrivez-en le motif"):
        _propose(parties)
    assert not CaseTransfer.objects.exists()
    transfer = _propose(parties, override_reason="Départ précipité, personne injoignable.")
    assert transfer.consent is None and transfer.consent_overridden_by == parties.supervisor
    event = AuditEvent.objects.get(action="case.transfer_propose")
    assert event.reason == "Départ précipité, personne injoignable." and event.extra["consent_override"] is True
    assert Notification.objects.filter(user=parties.other_supervisor, title__startswith="Transfert sans consentement")


def test_only_a_supervisor_of_the_case_proposes_a_transfer(parties: Parties) -> None:
    consent_to(parties)
    for user in (parties.worker, parties.recipient_supervisor):
        with pytest.raises(PermissionDenied):
            _propose(parties, acting_user=user)


def test_until_accepted_the_receiving_side_sees_the_proposal_only(parties: Parties) -> None:
    consent_to(parties)
    transfer = _propose(parties)
    assert Notification.objects.filter(user=parties.recipient_supervisor, title__contains="Proposition de transfert")
    seen = selectors.access_transfer(parties.recipient_supervisor, transfer.pk)
    assert transfers.reason_of(seen) == "La personne déménage près du foyer."
    assert seen.service_labels() == ["accompagnement social"]
    with pytest.raises(Http404):
        case_selectors.access_case(parties.recipient_supervisor, parties.case.pk)
    with pytest.raises(Http404):
        selectors.access_transfer(parties.answerer, transfer.pk)  # a caseworker does not manage transfers
    with pytest.raises(ReferralRefusedError, match="attend déjà sa réponse"):
        _propose(parties)


def test_accepting_moves_the_case_and_its_person_with_the_history_kept(
    parties: Parties, make_user: Callable[..., User]
) -> None:
    consent_to(parties)
    team = do_create_team(parties.sender, "Équipe nord", acting_user=parties.supervisor)
    Case.objects.filter(pk=parties.case.pk).update(team=team)
    task = CaseTask.objects.create(case=parties.case, title="Rappeler", due_on=timezone.localdate(),
                                   assigned_to=parties.worker)  # fmt: skip
    old_reference = parties.case.reference
    # The receiving organisation already numbers its own cases: the moved case takes the next number.
    existing = do_open_case(parties.recipient, IDENTITY, "female", [], acting_user=parties.recipient_supervisor)
    transfer = transfers.do_answer_transfer(_propose(parties), True, "", acting_user=parties.recipient_supervisor)
    case = Case.objects.select_related("person").get(pk=parties.case.pk)
    assert transfer.status == TransferStatus.ACCEPTED and case.organisation == parties.recipient
    year = timezone.localdate().year
    assert existing.reference == f"{year}-0001" and case.reference == transfer.new_reference == f"{year}-0002"
    assert transfer.reference == old_reference
    assert (case.team, case.assigned_to, case.person.organisation) == (None, None, parties.recipient)
    task.refresh_from_db()
    assert task.assigned_to is None
    # Scopes after the move: the receiving supervisor finds the person by name; the old organisation no longer.
    assert case_selectors.access_case(parties.recipient_supervisor, case.pk) == case
    assert set(case_selectors.search_cases(parties.recipient_supervisor, name="ana-maria popescu")) == {existing, case}
    for user in (parties.supervisor, parties.worker):
        with pytest.raises(Http404):
            case_selectors.access_case(user, case.pk)
        assert list(case_selectors.search_cases(user, name="popescu")) == []
    assert case_selectors.identity_of(case.person) == IDENTITY
    # Both trails record it; the proposer is told.
    accepted = AuditEvent.objects.filter(action="case.transfer_accept")
    assert sorted(accepted.values_list("organisation_id", flat=True)) == sorted(
        [parties.sender.pk, parties.recipient.pk]
    )
    assert Notification.objects.filter(user=parties.supervisor, title__contains="accepté par Foyer destinataire")
    assert verify_chain().ok


def test_rejecting_needs_a_reason_and_leaves_the_case_where_it_is(parties: Parties) -> None:
    consent_to(parties)
    transfer = _propose(parties)
    with pytest.raises(ReferralRefusedError, match="motif du refus"):
        transfers.do_answer_transfer(transfer, False, "", acting_user=parties.recipient_supervisor)
    with pytest.raises(PermissionDenied):
        transfers.do_answer_transfer(transfer, True, "", acting_user=parties.supervisor)
    transfer = transfers.do_answer_transfer(transfer, False, "Pas de place.", acting_user=parties.recipient_supervisor)
    assert transfer.status == TransferStatus.REJECTED
    assert Case.objects.get(pk=parties.case.pk).organisation == parties.sender
    assert AuditEvent.objects.filter(action="case.transfer_reject").count() == 2
    # Refused, another proposal may follow; the history keeps both.
    _propose(parties)
    assert CaseTransfer.objects.filter(case=parties.case).count() == 2


def test_withdrawing_consent_cancels_a_pending_transfer(parties: Parties) -> None:
    consent = consent_to(parties)
    transfer = _propose(parties)
    do_withdraw_consent(consent, "Ne souhaite plus partir.", acting_user=parties.worker)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REVOKED
    with pytest.raises(ReferralRefusedError, match="n'attend plus de réponse"):
        transfers.do_answer_transfer(transfer, True, "", acting_user=parties.recipient_supervisor)


def test_a_person_with_other_cases_is_not_transferred_alone(parties: Parties, make_user: Callable[..., User]) -> None:
    consent_to(parties)
    Case.objects.create(organisation=parties.sender, person=parties.case.person, reference="2020-0099",
                        created_by=parties.worker)  # fmt: skip
    with pytest.raises(ReferralRefusedError, match="d'autres dossiers"):
        _propose(parties)


def test_the_transfer_pages_of_both_sides(parties: Parties, login: Callable[[User], Any]) -> None:
    consent_to(parties)
    client = login(parties.supervisor)
    form = client.get(f"/dossiers/{parties.case.pk}/transferer/")
    assert form.status_code == 200 and "Foyer destinataire" in form.content.decode()
    response = client.post(f"/dossiers/{parties.case.pk}/transferer/", {
        "recipient": parties.recipient.pk, "services": [Service.SOCIAL_SUPPORT], "reason": "Déménagement.",
    })  # fmt: skip
    transfer = CaseTransfer.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/transferts/{transfer.pk}/"
    other = login(parties.recipient_supervisor)
    page = other.get(f"/transferts/{transfer.pk}/").content.decode()
    assert parties.case.reference in page and "Popescu" not in page and "Déménagement." in page
    assert other.get(f"/dossiers/{parties.case.pk}/").status_code == 404
    answer = other.post(f"/transferts/{transfer.pk}/reponse/", {"decision": "accept"})
    assert answer.status_code == 302 and answer["Location"] == f"/dossiers/{parties.case.pk}/"
    assert "POPESCU" in other.get(f"/dossiers/{parties.case.pk}/").content.decode()
    assert other.get("/transferts/").status_code == 200
