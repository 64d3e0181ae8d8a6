"""Case export: password re-entry, PDF and JSON, masking, audit, no caching."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client

from egide.accounts.models import Membership, User
from egide.accounts.roles import Role
from egide.cases.export import case_data
from egide.cases.models import Case
from egide.cases.tests.helpers import open_case
from egide.core.models import AuditEvent
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"  # the conftest's


@pytest.fixture
def org() -> Any:
    return OrganisationFactory()


@pytest.fixture
def caseworker(org: Any, make_user: Callable[..., Any]) -> Any:
    return make_user(Role.CASEWORKER, org)


@pytest.fixture
def case(caseworker: Any) -> Case:
    return open_case(caseworker)


def test_a_wrong_password_is_refused_in_french_audited_and_counted(
    case: Case, caseworker: Any, login: Callable[..., Client]
) -> None:
    response = login(caseworker).post(f"/dossiers/{case.pk}/export/", {"password": "wrong", "format": "json"})
    page = response.content.decode()
    assert response.status_code == 200 and "Mot de passe incorrect" in page and "POPESCU" not in page
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="case.export_refused", actor_id=caseworker.pk).count() == 1
    assert not AuditEvent.objects.filter(action="case.export").exists()
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_json_export_holds_the_case_and_is_audited(case: Case, caseworker: Any, login: Callable[..., Client]) -> None:
    response = login(caseworker).post(f"/dossiers/{case.pk}/export/", {"password": PASSWORD, "format": "json"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store" and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["reference"] == case.reference and data["identity"]["family_name"] == "Popescu"
    assert data["identity"]["identity_documents"] == [{"kind": "passport", "number": "056123789"}]
    event = AuditEvent.objects.get(action="case.export")
    assert event.extra == {"reference": case.reference, "format": "json", "masked": []}


def test_pdf_export_is_a_real_pdf(case: Case, caseworker: Any, login: Callable[..., Client]) -> None:
    response = login(caseworker).post(f"/dossiers/{case.pk}/export/", {"password": PASSWORD, "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_export_applies_masking(case: Case, caseworker: Any) -> None:
    """A volunteer has no export capability; the masked dictionary is what any such export would hold."""
    volunteer = User.objects.create_user("benevole@example.org", PASSWORD, full_name="Bénévole")
    Membership.objects.create(user=volunteer, organisation=case.organisation, role=Role.VOLUNTEER)
    Case.objects.filter(pk=case.pk).update(assigned_to=volunteer)
    case.refresh_from_db()
    data = case_data(volunteer, case)
    assert data["identity"]["family_name"] == "Popescu" and not data["identity"]["identity_documents"]
    assert "056123789" not in json.dumps(data)


def test_others_cannot_export(case: Case, make_user: Callable[..., Any], login: Callable[..., Client]) -> None:
    stranger = make_user(Role.CASE_SUPERVISOR, OrganisationFactory())
    assert login(stranger).post(f"/dossiers/{case.pk}/export/", {"password": PASSWORD}).status_code == 404
    volunteer = make_user(Role.VOLUNTEER, case.organisation)
    assert login(volunteer).get(f"/dossiers/{case.pk}/export/").status_code == 403
