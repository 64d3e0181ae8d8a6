import pytest
from django.db import connection

from egide.core.audit import record_event, verify_chain
from egide.core.models import AuditEvent
from egide.core.tests.audit_helpers import append_events, tamper


@pytest.mark.django_db
def test_chain_of_untouched_events_verifies() -> None:
    append_events(5)
    report = verify_chain()
    assert report.ok and report.checked == 5


@pytest.mark.django_db
def test_each_event_links_to_the_previous_hash() -> None:
    append_events(3)
    events = list(AuditEvent.objects.order_by("id"))
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash


@pytest.mark.django_db
def test_changed_row_is_reported_as_first_break() -> None:
    append_events(5)
    third = AuditEvent.objects.order_by("id")[2]
    tamper("UPDATE core_auditevent SET reason = %s WHERE id = %s", ["falsifié", third.pk])
    report = verify_chain()
    assert not report.ok
    assert report.first_break is not None and report.first_break.event_id == third.pk


@pytest.mark.django_db
def test_deleted_row_breaks_the_next_link() -> None:
    append_events(5)
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    tamper("DELETE FROM core_auditevent WHERE id = %s", [ids[1]])
    report = verify_chain()
    assert report.first_break is not None and report.first_break.event_id == ids[2]


@pytest.mark.django_db
def test_orm_refuses_update_and_delete() -> None:
    append_events(1)
    event = AuditEvent.objects.get()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(reason="x")


@pytest.mark.django_db(transaction=True)
def test_database_refuses_update_even_through_raw_sql() -> None:
    append_events(1)
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'x'")


@pytest.mark.django_db(transaction=True)
def test_event_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError):
        record_event("test.outside", actor=None)


@pytest.mark.django_db
def test_audit_page_verifies_the_chain_only_when_asked(login, make_user) -> None:  # type: ignore[no-untyped-def]
    from egide.accounts.roles import Role

    client = login(make_user(Role.PLATFORM_ADMIN))
    append_events(3)
    assert "Vérifier l'intégrité" in client.get("/audit/").content.decode()
    assert "intègre (3 événements)" in client.get("/audit/?verifier=1").content.decode()
    first = AuditEvent.objects.order_by("id").first()
    assert first is not None
    tamper("UPDATE core_auditevent SET reason = %s WHERE id = %s", ["falsifié", first.pk])
    assert f"rompue à l'événement #{first.pk}" in client.get("/audit/?verifier=1").content.decode()
