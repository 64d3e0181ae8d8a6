"""The screening journey through the pages: create, answer, result, four-eyes confirmation."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from egide.accounts.roles import Role
from egide.core.models import AuditEvent, AuditKind
from egide.identification import actions
from egide.identification.forms import answer_field, note_field
from egide.identification.models import Indicator, IndicatorList, Screening
from egide.identification.vocabulary import Answer, Conclusion, ScreeningStatus
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ADULT_PRESENT = [
    # coercive recruitment: 1 strong + 1 medium
    "violence_on_victim", "confiscation_of_documents",
    # exploitative conditions: 3 medium
    "bad_living_conditions", "hazardous_work", "low_or_no_salary",
    # coercion at destination: 2 strong
    "debt_bondage", "isolation_confinement_surveillance",
]  # fmt: skip


@pytest.fixture
def org() -> Any:
    actions.load_shipped_lists()
    return OrganisationFactory(name="Association du Nord")


def _create(client: Client, profile: str = "adult", form: str = "LABOUR_OTHER", **extra: str) -> Any:
    data = {"profile": profile, "exploitation_form": form, "screened_on": "2024-03-12", "place_code": "75056",
            "reference": "Personne rencontrée le 12/03, gare du Nord"} | extra  # fmt: skip
    return client.post("/reperages/nouveau/", data)


def _answers(screening: Screening, present: list[str], act: str = Answer.UNKNOWN) -> dict[str, str]:
    data = {"act_established": act}
    for indicator in Indicator.objects.filter(dimension__indicator_list=screening.indicator_list):
        data[answer_field(indicator.pk)] = Answer.YES if indicator.code in present else Answer.NO
        data[note_field(indicator.pk)] = ""
    return data


def test_full_journey_with_four_eyes_confirmation(
    org: Any, make_user: Callable[..., Any], login: Callable[..., Any]
) -> None:
    caseworker = make_user(Role.CASEWORKER, org)
    client = login(caseworker)
    response = _create(client)
    screening = Screening.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reperages/{screening.pk}/reponses/"
    assert screening.indicator_list.code == "adult_labour" and screening.organisation == org

    page = client.get(f"/reperages/{screening.pk}/reponses/").content.decode()
    assert "brouillon, à vérifier avec la brochure de l" in page and "<legend" in page

    response = client.post(f"/reperages/{screening.pk}/reponses/", _answers(screening, ADULT_PRESENT))
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.COMPLETED
    assert screening.conclusion == Conclusion.PRESUMED_VICTIM
    assert screening.dimension_results["coercive_recruitment"] == {
        # The same code in several dimensions counts in each (strength is per dimension).
        "positive": True,
        "evidence": [
            "violence_on_victim",
            "confiscation_of_documents",
            "debt_bondage",
            "isolation_confinement_surveillance",
        ],
    }
    assert screening.dimension_results["deceptive_recruitment"]["positive"] is False

    result = client.get(f"/reperages/{screening.pk}/").content.decode()
    assert "Victime présumée de traite (résultat de repérage, pas une identification formelle)" in result
    assert "En attente de confirmation" in result
    assert AuditEvent.objects.filter(action="screening.view", kind=AuditKind.ACCESS, actor_id=caseworker.pk).exists()

    supervisor = make_user(Role.CASE_SUPERVISOR, org)
    other_client = login(supervisor)
    assert other_client.post(f"/reperages/{screening.pk}/confirmer/", {"confirmation": "1"}).status_code == 302
    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.CONFIRMED and screening.confirmed_by == supervisor and screening.counts
    actions_done = list(AuditEvent.objects.filter(kind=AuditKind.WRITE, target_type="identification.screening",
                                                   target_id=str(screening.pk))
                        .values_list("action", flat=True))  # fmt: skip
    assert actions_done == ["screening.create", "screening.answer", "screening.confirm"]


def test_audit_keeps_counts_and_codes_never_answers_or_pseudonym(
    org: Any, make_user: Callable[..., Any], login: Callable[..., Any]
) -> None:
    client = login(make_user(Role.CASEWORKER, org))
    _create(client)
    screening = Screening.objects.get()
    data = _answers(screening, ADULT_PRESENT)
    data[
        note_field(
            Indicator.objects.get(
                dimension__indicator_list=screening.indicator_list,
                dimension__code="coercive_recruitment",
                code="debt_bondage",
            ).pk
        )
    ] = "Note X9"
    client.post(f"/reperages/{screening.pk}/reponses/", data)
    event = AuditEvent.objects.get(action="screening.answer")
    assert event.extra["answers"] == {"yes": 11, "no": 56, "unknown": 0}
    assert "debt_bondage" not in str(event.extra) and "Note X9" not in str(event.extra)
    assert not AuditEvent.objects.filter(target_label__icontains="gare du Nord").exists()
    assert not any("gare du Nord" in str(e.extra) for e in AuditEvent.objects.all())


def test_the_author_cannot_confirm_their_own_screening(
    org: Any, make_user: Callable[..., Any], login: Callable[..., Any]
) -> None:
    supervisor = make_user(Role.CASE_SUPERVISOR, org)
    client = login(supervisor)
    _create(client)
    screening = Screening.objects.get()
    client.post(f"/reperages/{screening.pk}/reponses/", _answers(screening, ADULT_PRESENT))
    assert "Confirmer (contrôle" not in client.get(f"/reperages/{screening.pk}/").content.decode()
    client.post(f"/reperages/{screening.pk}/confirmer/", {"confirmation": "1"})
    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.COMPLETED and screening.confirmed_by is None
    with pytest.raises(actions.ScreeningRefusedError):
        actions.do_confirm_screening(screening, acting_user=supervisor)


def test_a_negative_conclusion_is_not_confirmed(
    org: Any, make_user: Callable[..., Any], login: Callable[..., Any]
) -> None:
    client = login(make_user(Role.CASEWORKER, org))
    _create(client)
    screening = Screening.objects.get()
    client.post(f"/reperages/{screening.pk}/reponses/", _answers(screening, ["hazardous_work"]))
    screening.refresh_from_db()
    assert screening.conclusion == Conclusion.CRITERIA_NOT_MET
    assert "n&#x27;exclut pas la traite" in client.get(f"/reperages/{screening.pk}/").content.decode()
    with pytest.raises(actions.ScreeningRefusedError):
        actions.do_confirm_screening(screening, acting_user=make_user(Role.CASE_SUPERVISOR, org))


def test_a_child_needs_no_means_dimension(org: Any, make_user: Callable[..., Any], login: Callable[..., Any]) -> None:
    client = login(make_user(Role.CASEWORKER, org))
    _create(client, profile="child", form="LABOUR_DOMESTIC")
    screening = Screening.objects.get()
    assert screening.indicator_list.code == "child_labour"
    exploitation_only = ["excessive_working_days_or_hours", "hazardous_work"]
    client.post(f"/reperages/{screening.pk}/reponses/", _answers(screening, exploitation_only, act=Answer.YES))
    screening.refresh_from_db()
    assert screening.conclusion == Conclusion.PRESUMED_VICTIM
    client.post(f"/reperages/{screening.pk}/reponses/", _answers(screening, exploitation_only, act=Answer.UNKNOWN))
    screening.refresh_from_db()
    assert screening.conclusion == Conclusion.CRITERIA_NOT_MET


def test_no_screening_with_an_empty_sexual_exploitation_list(
    org: Any, make_user: Callable[..., Any], login: Callable[..., Any]
) -> None:
    client = login(make_user(Role.CASEWORKER, org))
    response = _create(client, form="SEXUAL", use_labour_list="on")
    assert response.status_code == 200
    refusal = "Aucune liste d&#x27;indicateurs n&#x27;est disponible pour « exploitation sexuelle »"
    assert refusal in response.content.decode()
    assert not Screening.objects.exists()


def test_begging_may_use_the_labour_list_only_when_asked(
    org: Any, make_user: Callable[..., Any], login: Callable[..., Any]
) -> None:
    client = login(make_user(Role.CASEWORKER, org))
    assert _create(client, form="BEGGING").status_code == 200
    assert not Screening.objects.exists()
    assert _create(client, form="BEGGING", use_labour_list="on").status_code == 302
    assert Screening.objects.get().indicator_list.code == "adult_labour"


def test_other_organisations_get_404_and_lists_show_own_screenings_only(
    org: Any, make_user: Callable[..., Any], login: Callable[..., Any]
) -> None:
    _create(login(make_user(Role.CASEWORKER, org)))
    screening = Screening.objects.get()
    stranger = make_user(Role.CASE_SUPERVISOR, OrganisationFactory(name="Autre association"))
    client = login(stranger)
    for url in (f"/reperages/{screening.pk}/", f"/reperages/{screening.pk}/reponses/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/reperages/{screening.pk}/confirmer/", {"confirmation": "1"}).status_code == 404
    assert client.get("/reperages/999999/").status_code == 404
    assert "gare du Nord" not in client.get("/reperages/").content.decode()


def test_past_screenings_keep_their_list_version(
    org: Any, make_user: Callable[..., Any], login: Callable[..., Any]
) -> None:
    client = login(make_user(Role.CASEWORKER, org))
    _create(client)
    screening = Screening.objects.get()
    old = screening.indicator_list
    IndicatorList.objects.filter(pk=old.pk).update(content_hash="stale")  # forces the reload to make v2
    loaded, _ = actions.load_shipped_lists()
    assert {lst.code: lst.version for lst in loaded}["adult_labour"] == 2
    screening.refresh_from_db()
    assert screening.indicator_list_id == old.pk
    response = client.post(f"/reperages/{screening.pk}/reponses/", _answers(screening, ADULT_PRESENT))
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.indicator_list_id == old.pk and screening.answers.count() == 67
    _create(client)
    assert Screening.objects.latest("id").indicator_list.version == 2
