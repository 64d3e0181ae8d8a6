"""The deadline rules: properties over any dates (hypothesis) and worked examples."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egide.core.legal_delays import add_months
from egide.support import deadlines
from egide.support.deadlines import MAX_PATHWAY_RENEWALS, PathwayLimitError
from egide.support.vocabulary import DeadlineKind, ProcedureKind, ProcedureState

dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2090, 12, 31))
kinds = st.sampled_from(ProcedureKind.values)
states = st.sampled_from(ProcedureState.values)


@given(dates)
def test_reflection_period_always_ends_30_days_after_the_receipt(receipt_on: datetime.date) -> None:
    found = deadlines.procedure_deadlines(
        ProcedureKind.REFLECTION_PERIOD, ProcedureState.RECEIPT_DELIVERED, receipt_on=receipt_on
    )
    assert [(d.due_on - receipt_on).days for d in found] == [30]
    assert found[0].kind == DeadlineKind.REFLECTION_END and "R425-2" in found[0].source


@given(kinds, dates)
def test_renewal_request_falls_two_months_before_expiry_clamped_to_month_end(
    kind: str, valid_from: datetime.date
) -> None:
    found = deadlines.procedure_deadlines(kind, ProcedureState.GRANTED, valid_from=valid_from)
    by_kind = {d.kind: d.due_on for d in found}
    if kind in (ProcedureKind.REFLECTION_PERIOD, ProcedureKind.ASYLUM):
        assert DeadlineKind.RENEWAL_REQUEST not in by_kind
        return
    expiry, reminder = by_kind[DeadlineKind.PERMIT_EXPIRY], by_kind[DeadlineKind.RENEWAL_REQUEST]
    assert reminder == add_months(expiry, -2)
    assert 59 <= (expiry - reminder).days <= 62
    # Clamped: the reminder's day is the expiry's day, or the last day of a shorter month.
    assert reminder.day == expiry.day or (reminder + datetime.timedelta(days=1)).day == 1


@given(dates, st.integers(min_value=0, max_value=10))
def test_exit_pathway_never_exceeds_24_months_whatever_the_renewals(start: datetime.date, renewals: int) -> None:
    if renewals > MAX_PATHWAY_RENEWALS:
        with pytest.raises(PathwayLimitError, match="24 mois"):
            deadlines.pathway_end(start, renewals)
        return
    end = deadlines.pathway_end(start, renewals)
    assert start < end <= add_months(start, 24)
    assert end == add_months(start, 6 * (renewals + 1))


@given(kinds, states, st.one_of(st.none(), dates), st.one_of(st.none(), dates))
def test_deadlines_are_in_date_order_and_name_their_source(
    kind: str, state: str, receipt_on: datetime.date | None, valid_from: datetime.date | None
) -> None:
    found = deadlines.procedure_deadlines(kind, state, receipt_on=receipt_on, valid_from=valid_from)
    assert [d.due_on for d in found] == sorted(d.due_on for d in found)
    assert all(d.source and d.label and d.rule_key for d in found)
    assert len({d.rule_key for d in found}) == len(found)
    if state in deadlines.ENDED_STATES:
        assert found == []


@given(dates, st.integers(min_value=0, max_value=MAX_PATHWAY_RENEWALS))
def test_pathway_renewal_reminder_precedes_the_end_while_renewals_remain(start: datetime.date, renewals: int) -> None:
    found = deadlines.pathway_deadlines(start, renewals)
    assert [d.due_on for d in found] == sorted(d.due_on for d in found)
    has_reminder = any(d.kind == DeadlineKind.PATHWAY_RENEWAL for d in found)
    assert has_reminder == (renewals < MAX_PATHWAY_RENEWALS)


@given(dates, dates)
def test_reminder_dates_fall_on_the_weekly_schedule_and_never_after_today(
    due_on: datetime.date, today: datetime.date
) -> None:
    day = deadlines.reminder_date(due_on, today)
    if (due_on - today).days > 7:
        assert day is None
        return
    assert day is not None and day <= today
    offset = (day - due_on).days
    assert offset == -7 or (offset >= 0 and offset % 7 == 0)
    assert (today - day).days < 7


def test_worked_examples() -> None:
    # Receipt on 31 January: the reflection period ends on 2 March (2024 is a leap year).
    assert deadlines.reflection_end(datetime.date(2024, 1, 31)) == datetime.date(2024, 3, 1)
    # One-year card from 31 August 2024: expires 31 August 2025, renewal asked from 30 June 2025.
    card = deadlines.procedure_deadlines(
        ProcedureKind.TEMPORARY_CARD, ProcedureState.GRANTED, valid_from=datetime.date(2024, 8, 31)
    )
    assert [(d.kind, d.due_on) for d in card] == [
        (DeadlineKind.RENEWAL_REQUEST, datetime.date(2025, 6, 30)),
        (DeadlineKind.PERMIT_EXPIRY, datetime.date(2025, 8, 31)),
    ]
    # Complaint receipt on 10 March: the 4-month récépissé runs to 10 July.
    receipt = deadlines.procedure_deadlines(
        ProcedureKind.TEMPORARY_CARD, ProcedureState.RECEIPT_DELIVERED, receipt_on=datetime.date(2024, 3, 10)
    )
    assert [(d.kind, d.due_on) for d in receipt] == [(DeadlineKind.RECEIPT_EXPIRY, datetime.date(2024, 7, 10))]
    assert deadlines.valid_until(ProcedureKind.RESIDENT_CARD, datetime.date(2024, 2, 29)) == datetime.date(2034, 2, 28)
    assert deadlines.valid_until(ProcedureKind.PROVISIONAL_AUTHORISATION, datetime.date(2024, 1, 15)) == (
        datetime.date(2024, 7, 15)
    )
    # Pathway started 15 January: three renewals bring it to 15 January two years later, no further.
    assert deadlines.pathway_end(datetime.date(2024, 1, 15), 3) == datetime.date(2026, 1, 15)
    assert deadlines.procedure_deadlines(ProcedureKind.ASYLUM, ProcedureState.GRANTED, valid_from=None) == []
