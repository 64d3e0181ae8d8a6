"""Review of break-the-glass openings: who may review, what is recorded, what the alerts page shows."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from egide.accounts.roles import Role
from egide.cases import sealing, selectors
from egide.cases.models import BreakGlass, Case
from egide.cases.tests.helpers import open_case
from egide.cases.vocabulary import BreakGlassDecision, SealReason
from egide.core.audit import verify_chain
from egide.core.models import AuditEvent
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> Any:
    return OrganisationFactory(name="Foyer du Nord")


@pytest.fixture
def supervisor(org: Any, make_user: Callable[..., Any]) -> Any:
    return make_user(Role.CASE_SUPERVISOR, org, email="responsable@example.org")


@pytest.fixture
def on_call(org: Any, make_user: Callable[..., Any]) -> Any:
    """The supervisor on call who breaks the glass at night."""
    return make_user(Role.CASE_SUPERVISOR, org, email="garde@example.org")


@pytest.fixture
def sealed(org: Any, make_user: Callable[..., Any], supervisor: Any) -> Case:
    case = open_case(make_user(Role.CASEWORKER, org, email="suivi@example.org"))
    return sealing.do_seal_case(case, SealReason.HIGH_RISK, acting_user=supervisor)


@pytest.fixture
def glass(sealed: Case, on_call: Any) -> BreakGlass:
    return sealing.do_break_glass(sealed, "Appel du SAMU à 3 h", 30, acting_user=on_call)


def _review_url(glass: BreakGlass) -> str:
    return f"/dossiers/alertes/{glass.pk}/examen/"


def _fields(glass: BreakGlass, decision: str, comment: str = "") -> dict[str, str]:
    return {f"examen-{glass.pk}-decision": decision, f"examen-{glass.pk}-comment": comment}


def test_a_supervisor_reviews_an_opening_once_and_it_is_audited_without_the_comment(
    glass: BreakGlass, supervisor: Any, login: Callable[..., Client]
) -> None:
    comment = "Voir avec Mme Popescu pourquoi la personne qui suit n'a pas été appelée"
    client = login(supervisor)
    response = client.post(_review_url(glass), _fields(glass, BreakGlassDecision.TO_DISCUSS, comment))
    assert response.status_code == 302
    glass.refresh_from_db()
    assert (glass.decision, glass.review_comment, glass.reviewed_by) == (BreakGlassDecision.TO_DISCUSS, comment,
                                                                          supervisor)  # fmt: skip
    assert glass.reviewed_at is not None
    event = AuditEvent.objects.get(action="case.break_glass_review")
    assert event.actor_id == supervisor.pk and event.organisation_id == glass.case.organisation_id
    assert event.extra == {"reference": glass.case.reference, "break_glass": glass.pk, "decision": "to_discuss"}
    assert "Popescu" not in str(event.extra) + event.reason + event.target_label
    assert verify_chain().ok

    again = client.post(_review_url(glass), _fields(glass, BreakGlassDecision.JUSTIFIED))
    assert again.status_code == 200 and "déjà été examiné" in again.content.decode()
    with pytest.raises(sealing.SealRefusedError, match="déjà été examiné"):
        sealing.do_review_break_glass(glass, BreakGlassDecision.ABUSIVE, "Non", acting_user=supervisor)
    assert AuditEvent.objects.filter(action="case.break_glass_review").count() == 1


def test_a_comment_is_required_unless_justified(
    glass: BreakGlass, supervisor: Any, login: Callable[..., Client]
) -> None:
    for decision in (BreakGlassDecision.TO_DISCUSS, BreakGlassDecision.ABUSIVE):
        response = login(supervisor).post(_review_url(glass), _fields(glass, decision, "   "))
        assert response.status_code == 200 and "le commentaire est obligatoire" in response.content.decode()
    response = login(supervisor).post(_review_url(glass), {})
    assert "Choisissez votre appréciation" in response.content.decode()
    glass.refresh_from_db()
    assert not glass.is_reviewed and not AuditEvent.objects.filter(action="case.break_glass_review").exists()
    sealing.do_review_break_glass(glass, BreakGlassDecision.JUSTIFIED, "", acting_user=supervisor)
    assert BreakGlass.objects.get().decision == BreakGlassDecision.JUSTIFIED


def test_no_one_reviews_their_own_opening(glass: BreakGlass, on_call: Any, login: Callable[..., Client]) -> None:
    with pytest.raises(sealing.SealRefusedError, match="votre propre bris de glace"):
        sealing.do_review_break_glass(glass, BreakGlassDecision.JUSTIFIED, "", acting_user=on_call)
    client = login(on_call)
    page = client.get("/dossiers/alertes/").content.decode()
    assert "Appel du SAMU" in page and _review_url(glass) not in page and "un·e autre responsable" in page
    response = client.post(_review_url(glass), _fields(glass, BreakGlassDecision.JUSTIFIED))
    assert response.status_code == 200 and "votre propre bris de glace" in response.content.decode()
    assert not BreakGlass.objects.get().is_reviewed


def test_other_organisations_and_other_roles_cannot_review(
    glass: BreakGlass, make_user: Callable[..., Any], login: Callable[..., Client]
) -> None:
    stranger = make_user(Role.CASE_SUPERVISOR, OrganisationFactory())
    assert login(stranger).post(_review_url(glass), _fields(glass, BreakGlassDecision.JUSTIFIED)).status_code == 404
    assert glass.case.reference not in login(stranger).get("/dossiers/alertes/").content.decode()
    with pytest.raises(PermissionDenied):
        sealing.do_review_break_glass(glass, BreakGlassDecision.JUSTIFIED, "", acting_user=stranger)
    caseworker = make_user(Role.CASEWORKER, glass.case.organisation)
    assert login(caseworker).post(_review_url(glass), _fields(glass, "justified")).status_code == 403
    with pytest.raises(PermissionDenied):
        sealing.do_review_break_glass(glass, BreakGlassDecision.JUSTIFIED, "", acting_user=caseworker)
    assert not BreakGlass.objects.get().is_reviewed


def test_the_page_lists_unreviewed_first_with_the_reads_of_the_opening_and_filters(
    sealed: Case, glass: BreakGlass, supervisor: Any, on_call: Any, login: Callable[..., Client]
) -> None:
    selectors.read_case(on_call, sealed.pk)
    selectors.read_case(on_call, sealed.pk)
    older = BreakGlass.objects.create(
        case=sealed, user=on_call, reason="Ancienne ouverture", expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    BreakGlass.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(days=1, hours=1))
    newer = BreakGlass.objects.create(
        case=sealed, user=on_call, reason="Ouverture plus récente", expires_at=timezone.now()
    )
    sealing.do_review_break_glass(newer, BreakGlassDecision.JUSTIFIED, "", acting_user=supervisor)

    client = login(supervisor)
    page = client.get("/dossiers/alertes/").content.decode()
    # Unreviewed (the current one, then the older one) before the reviewed one, however recent.
    positions = [page.index(text) for text in ("Appel du SAMU", "Ancienne ouverture", "Ouverture plus récente")]
    assert positions == sorted(positions)
    assert "2 ouvertures à examiner" in page
    # The two reads fall in the current opening only: the older one expired before them.
    section = page[page.index(f'id="examen-{glass.pk}"') : page.index(f'id="examen-{older.pk}"')]
    assert "Consultations pendant l'ouverture (2)" in section
    assert section.count("consultation du dossier (bris de glace)") == 2
    assert "Aucune consultation pendant l'ouverture" in page[page.index(f'id="examen-{older.pk}"') :]

    to_review = client.get("/dossiers/alertes/?etat=a-examiner").content.decode()
    assert "Appel du SAMU" in to_review and "Ouverture plus récente" not in to_review
    reviewed = client.get("/dossiers/alertes/?etat=examinees").content.decode()
    assert "Ouverture plus récente" in reviewed and "Appel du SAMU" not in reviewed and "justifié" in reviewed


def test_the_dashboard_counts_the_openings_left_to_review(
    glass: BreakGlass, supervisor: Any, on_call: Any, login: Callable[..., Client]
) -> None:
    assert "1 bris de glace à examiner" in login(supervisor).get("/tableau-de-bord/").content.decode()
    # Their own opening is not theirs to review.
    assert "à examiner" not in login(on_call).get("/tableau-de-bord/").content.decode()
    sealing.do_review_break_glass(glass, BreakGlassDecision.JUSTIFIED, "", acting_user=supervisor)
    assert "bris de glace à examiner" not in login(supervisor).get("/tableau-de-bord/").content.decode()
