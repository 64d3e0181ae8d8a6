"""Consent: versioned texts, a recipient for sharing only, withdrawal, audit, access."""

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from egide.accounts.roles import Role
from egide.cases import actions
from egide.cases.consent import ConsentRefusedError, do_record_consent, do_withdraw_consent, has_consent
from egide.cases.identity import Identity, PartialDate
from egide.cases.models import Case, Consent, ConsentText
from egide.cases.vocabulary import ConsentPurpose
from egide.core.models import AuditEvent, AuditKind
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

CASE_MANAGEMENT, SHARE = ConsentPurpose.CASE_MANAGEMENT, ConsentPurpose.SHARE_WITH_ORGANISATION
TODAY = timezone.localdate
IDENTITY = Identity(family_name="Dumitrescu", given_names="Elena", birth_date=PartialDate(1995, 2))


@pytest.fixture
def org() -> Any:
    return OrganisationFactory(name="Association du Sud")


@pytest.fixture
def caseworker(org: Any, make_user: Callable[..., Any]) -> Any:
    return make_user(Role.CASEWORKER, org)


@pytest.fixture
def case(org: Any, caseworker: Any) -> Case:
    return actions.do_open_case(org, IDENTITY, "female", ["SEXUAL"], acting_user=caseworker)


def _days_ago(n: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=n)


def test_the_four_purposes_ship_a_first_version_in_force() -> None:
    current = {t.purpose: t for t in ConsentText.objects.filter(is_current=True)}
    assert sorted(current) == sorted(ConsentPurpose.values)
    assert all(t.version == 1 and "J'accepte" in t.text for t in current.values())


def test_a_consent_keeps_the_version_shown_and_new_ones_use_the_new_version(case: Case, caseworker: Any) -> None:
    first = do_record_consent(case, CASE_MANAGEMENT, True, "fr", False, acting_user=caseworker)
    ConsentText.objects.filter(purpose=CASE_MANAGEMENT).update(is_current=False)
    ConsentText.objects.create(purpose=CASE_MANAGEMENT, version=2, text="Nouveau texte.", is_current=True)
    second = do_record_consent(case, CASE_MANAGEMENT, True, "ro", True, interpreter_name="M. Ionescu",
                               acting_user=caseworker)  # fmt: skip
    assert Consent.objects.get(pk=first.pk).text.version == 1
    assert (second.text.version, second.language, second.interpreter_name) == (2, "ro", "M. Ionescu")


def test_sharing_names_a_recipient_and_other_purposes_do_not(case: Case, caseworker: Any) -> None:
    partner = OrganisationFactory(name="Foyer partenaire")
    with pytest.raises(ConsentRefusedError, match="nomme l'organisation destinataire"):
        do_record_consent(case, SHARE, True, "fr", False, acting_user=caseworker)
    with pytest.raises(ConsentRefusedError, match="Seul un consentement au partage"):
        do_record_consent(case, CASE_MANAGEMENT, True, "fr", False, partner, acting_user=caseworker)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(case=case, text=ConsentText.objects.get(purpose=SHARE, version=1), purpose=SHARE,
                               given=True, language="fr", recorded_by=caseworker)  # fmt: skip
    do_record_consent(case, SHARE, True, "fr", False, partner, acting_user=caseworker)
    assert has_consent(case, SHARE, partner)
    assert not has_consent(case, SHARE, OrganisationFactory())
    assert not has_consent(case, SHARE)


def test_bad_language_and_future_date_are_refused(case: Case, caseworker: Any) -> None:
    with pytest.raises(ConsentRefusedError, match="ISO 639"):
        do_record_consent(case, CASE_MANAGEMENT, True, "xx", False, acting_user=caseworker)
    with pytest.raises(ConsentRefusedError, match="futur"):
        do_record_consent(case, CASE_MANAGEMENT, True, "fr", False, recorded_on=_days_ago(-1), acting_user=caseworker)
    assert not Consent.objects.exists()


def test_withdrawal_takes_effect_from_its_date(case: Case, caseworker: Any) -> None:
    consent = do_record_consent(case, CASE_MANAGEMENT, True, "fr", False, recorded_on=_days_ago(10),
                                acting_user=caseworker)  # fmt: skip
    assert has_consent(case, CASE_MANAGEMENT) and not has_consent(case, CASE_MANAGEMENT, on=_days_ago(11))
    do_withdraw_consent(consent, "La personne ne souhaite plus être suivie.", acting_user=caseworker)
    assert not has_consent(case, CASE_MANAGEMENT)
    assert has_consent(case, CASE_MANAGEMENT, on=_days_ago(1))
    with pytest.raises(ConsentRefusedError, match="déjà retiré"):
        do_withdraw_consent(consent, "encore", acting_user=caseworker)


def test_a_later_refusal_overrides_an_earlier_agreement(case: Case, caseworker: Any) -> None:
    do_record_consent(case, ConsentPurpose.RESEARCH, True, "fr", False, recorded_on=_days_ago(5),
                      acting_user=caseworker)  # fmt: skip
    refusal = do_record_consent(case, ConsentPurpose.RESEARCH, False, "fr", False, acting_user=caseworker)
    assert not has_consent(case, ConsentPurpose.RESEARCH)
    assert has_consent(case, ConsentPurpose.RESEARCH, on=_days_ago(1))
    with pytest.raises(ConsentRefusedError, match="Un refus ne se retire pas"):
        do_withdraw_consent(refusal, "erreur", acting_user=caseworker)


def test_audit_events_carry_codes_and_no_identity(case: Case, caseworker: Any) -> None:
    partner = OrganisationFactory(name="Foyer partenaire")
    consent = do_record_consent(case, SHARE, True, "ro", True, partner, interpreter_name="Mme Interprète",
                                acting_user=caseworker)  # fmt: skip
    do_withdraw_consent(consent, "Elena Dumitrescu a changé d'avis.", acting_user=caseworker)
    recorded = AuditEvent.objects.get(action="consent.record")
    assert recorded.extra == {"consent": consent.pk, "purpose": SHARE, "text_version": 1,
                              "recipient": partner.pk, "given": True}  # fmt: skip
    events = json.dumps(list(AuditEvent.objects.values()), default=str, ensure_ascii=False).lower()
    assert "dumitrescu" not in events and "elena" not in events and "interprète" not in events


def test_the_consent_page_shows_the_current_text_and_records_the_answer(
    case: Case, caseworker: Any, login: Callable[..., Client]
) -> None:
    client = login(caseworker)
    page = client.get(f"/dossiers/{case.pk}/consentements/?purpose=research").content.decode()
    assert ConsentText.objects.get(purpose="research", version=1).text.replace("'", "&#x27;") in page
    form = {"purpose": "research", "given": "yes", "language": "fr", "recorded_on": TODAY().isoformat()}
    assert client.post(f"/dossiers/{case.pk}/consentements/", form).status_code == 302
    assert has_consent(case, ConsentPurpose.RESEARCH)
    detail = client.get(f"/dossiers/{case.pk}/").content.decode()
    assert "Consentements" in detail and "version 1" in detail and "donné" in detail
    consent = Consent.objects.get()
    client.post(f"/dossiers/{case.pk}/consentements/retrait/", {"consent": consent.pk, "reason": "Changement."})
    assert not has_consent(case, ConsentPurpose.RESEARCH)
    assert "retiré le" in client.get(f"/dossiers/{case.pk}/").content.decode()


def test_the_consent_form_reports_a_missing_recipient_in_french_and_writes_nothing(
    case: Case, caseworker: Any, login: Callable[..., Client]
) -> None:
    client = login(caseworker)
    form = {"purpose": SHARE, "given": "yes", "language": "fr", "recorded_on": TODAY().isoformat()}
    page = client.post(f"/dossiers/{case.pk}/consentements/?purpose={SHARE}", form).content.decode()
    assert "Choisissez l&#x27;organisation avec laquelle partager" in page
    future = form | {"purpose": CASE_MANAGEMENT, "recorded_on": _days_ago(-2).isoformat()}
    assert (
        "ne peut pas être dans le futur" in client.post(f"/dossiers/{case.pk}/consentements/", future).content.decode()
    )
    assert not Consent.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditKind.WRITE, action__startswith="consent").exists()


def test_another_organisation_gets_404_and_changes_nothing(
    case: Case, caseworker: Any, make_user: Callable[..., Any], login: Callable[..., Client]
) -> None:
    consent = do_record_consent(case, CASE_MANAGEMENT, True, "fr", False, acting_user=caseworker)
    client = login(make_user(Role.CASE_SUPERVISOR, OrganisationFactory()))
    form = {"purpose": "research", "given": "yes", "language": "fr", "recorded_on": TODAY().isoformat()}
    assert client.get(f"/dossiers/{case.pk}/consentements/").status_code == 404
    assert client.post(f"/dossiers/{case.pk}/consentements/", form).status_code == 404
    retrait = client.post(f"/dossiers/{case.pk}/consentements/retrait/", {"consent": consent.pk, "reason": "x"})
    assert retrait.status_code == 404
    assert Consent.objects.count() == 1 and has_consent(case, CASE_MANAGEMENT)
