"""Sealed case files and « break the glass »: reason, expiry, alert, audit of every read."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from egide.accounts.roles import Role
from egide.cases import sealing, selectors
from egide.cases.models import BreakGlass, Case
from egide.cases.tests.helpers import ADULT, CHILD, open_case
from egide.cases.vocabulary import SealReason
from egide.core.models import AuditEvent, AuditKind
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> Any:
    return OrganisationFactory(name="Foyer du Sud")


@pytest.fixture
def caseworker(org: Any, make_user: Callable[..., Any]) -> Any:
    return make_user(Role.CASEWORKER, org, email="suivi@example.org")


@pytest.fixture
def supervisor(org: Any, make_user: Callable[..., Any]) -> Any:
    return make_user(Role.CASE_SUPERVISOR, org, email="responsable@example.org")


@pytest.fixture
def sealed(caseworker: Any, supervisor: Any) -> Case:
    case = open_case(caseworker)
    return sealing.do_seal_case(case, SealReason.HIGH_RISK, acting_user=supervisor)


def test_a_minors_case_opens_sealed(caseworker: Any) -> None:
    case = open_case(caseworker, CHILD)
    assert case.sealed and case.seal_reason == SealReason.MINOR and case.age_status == "minor"
    assert AuditEvent.objects.filter(action="case.seal", target_id=str(case.pk)).exists()
    assert not open_case(caseworker, ADULT).sealed


def test_a_sealed_case_opens_only_to_its_caseworker(
    sealed: Case, caseworker: Any, supervisor: Any, login: Callable[..., Client]
) -> None:
    assert "POPESCU Ana-Maria" in login(caseworker).get(f"/dossiers/{sealed.pk}/").content.decode()
    response = login(supervisor).get(f"/dossiers/{sealed.pk}/")
    page = response.content.decode()
    assert response.status_code == 403 and "Dossier protégé" in page and "Briser la glace" in page
    assert "POPESCU" not in page.upper().replace("DOSSIER PROTÉGÉ", "")
    # The pages that change the case are refused alike.
    assert login(supervisor).get(f"/dossiers/{sealed.pk}/identite/").status_code == 403
    assert login(supervisor).get(f"/dossiers/{sealed.pk}/export/").status_code == 403


def test_the_list_shows_no_identity_of_a_sealed_case(
    sealed: Case, supervisor: Any, login: Callable[..., Client]
) -> None:
    page = login(supervisor).get("/dossiers/").content.decode()
    assert sealed.reference in page and "Dossier protégé" in page and "POPESCU" not in page
    assert selectors.display_names([sealed])[sealed.pk] == "Dossier protégé"


def test_break_the_glass_needs_a_reason_in_french_and_writes_nothing_without(
    sealed: Case, supervisor: Any, login: Callable[..., Client]
) -> None:
    response = login(supervisor).post(f"/dossiers/{sealed.pk}/bris-de-glace/", {"reason": "  ", "minutes": "30"})
    assert response.status_code == 200
    assert "Indiquez le motif du bris de glace" in response.content.decode()
    assert not BreakGlass.objects.exists()
    with pytest.raises(sealing.SealRefusedError, match="durée"):
        sealing.do_break_glass(sealed, "Urgence", 600, acting_user=supervisor)


def test_break_the_glass_lifecycle_alert_audit_and_expiry(
    sealed: Case,
    supervisor: Any,
    make_user: Callable[..., Any],
    login: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/dossiers/{sealed.pk}/bris-de-glace/",
            {"reason": "Personne aux urgences, appel nocturne", "minutes": "60"},
        )
    assert response.status_code == 302
    glass = BreakGlass.objects.get()
    assert glass.user == supervisor and timezone.now() + datetime.timedelta(minutes=59) < glass.expires_at

    # The alert goes to the other supervisors: the actor was the only one, so no e-mail yet.
    assert mail.outbox == []
    make_user(Role.CASE_SUPERVISOR, sealed.organisation, email="autre-resp@example.org")
    on_call = make_user(Role.CASE_SUPERVISOR, sealed.organisation, email="garde@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        sealing.do_break_glass(sealed, "Deuxième ouverture", 30, acting_user=on_call)
    assert [m.to for m in mail.outbox] == [["autre-resp@example.org", "responsable@example.org"]]
    assert sealed.reference in mail.outbox[0].body and "popescu" not in mail.outbox[0].body.lower()
    alerts = client.get("/dossiers/alertes/").content.decode()
    assert "Personne aux urgences" in alerts and sealed.reference in alerts and "POPESCU" not in alerts

    # Reads during the opening are audited as such.
    page = client.get(f"/dossiers/{sealed.pk}/").content.decode()
    assert "POPESCU Ana-Maria" in page and "bris de glace" in page
    read = AuditEvent.objects.filter(action="case.read_break_glass", actor_id=supervisor.pk).get()
    assert read.kind == AuditKind.ACCESS and read.reason == f"Bris de glace n° {glass.pk}"
    event = AuditEvent.objects.get(action="case.break_glass", actor_id=supervisor.pk)
    assert event.reason == "Personne aux urgences, appel nocturne" and event.extra["minutes"] == 60

    # After expiry the seal applies again.
    BreakGlass.objects.filter(pk=glass.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(f"/dossiers/{sealed.pk}/").status_code == 403


def test_the_caseworker_needs_no_glass_and_others_without_the_capability_cannot_break_it(
    sealed: Case, caseworker: Any, make_user: Callable[..., Any]
) -> None:
    with pytest.raises(sealing.SealRefusedError, match="déjà"):
        sealing.do_break_glass(sealed, "Pour voir", 30, acting_user=caseworker)
    volunteer = make_user(Role.VOLUNTEER, sealed.organisation)
    with pytest.raises(PermissionDenied):
        sealing.do_break_glass(sealed, "Pour voir", 30, acting_user=volunteer)
    stranger = make_user(Role.CASE_SUPERVISOR, OrganisationFactory())
    with pytest.raises(PermissionDenied):
        sealing.do_break_glass(sealed, "Pour voir", 30, acting_user=stranger)


def test_seal_and_unseal_need_the_capability_and_a_justification(
    sealed: Case, supervisor: Any, caseworker: Any, login: Callable[..., Client]
) -> None:
    with pytest.raises(PermissionDenied):
        sealing.do_unseal_case(sealed, "Fin du danger", acting_user=caseworker)
    response = login(supervisor).post(f"/dossiers/{sealed.pk}/protection/", {"justification": ""})
    assert "Indiquez pourquoi la protection du dossier est levée" in response.content.decode()
    assert (
        login(supervisor).post(f"/dossiers/{sealed.pk}/protection/", {"justification": "Fin du danger"}).status_code
        == 302
    )
    sealed.refresh_from_db()
    assert not sealed.sealed
    assert AuditEvent.objects.get(action="case.unseal").reason == "Fin du danger"
    assert login(supervisor).get(f"/dossiers/{sealed.pk}/").status_code == 200
