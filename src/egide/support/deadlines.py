"""The legal dates of residence procedures and of the exit-from-prostitution pathway.

Pure functions: dates in, deadlines out, each with its label and its legal source. No other
module computes a legal date; the delays themselves (lengths and sources) are named in
`egide.core.legal_delays`, which does the calendar arithmetic.
"""

import datetime
from dataclasses import dataclass

from egide.core import legal_delays as delays
from egide.core.legal_delays import Delay, add_months
from egide.support.vocabulary import DeadlineKind, ProcedureKind, ProcedureState

# One period plus at most three renewals of six months: 24 months.
MAX_PATHWAY_RENEWALS = delays.EXIT_PATHWAY_MAXIMUM.months // delays.EXIT_PATHWAY_PERIOD.months - 1

# Length of the document each kind of procedure delivers once granted (asylum: none here).
VALIDITY: dict[str, Delay] = {
    ProcedureKind.REFLECTION_PERIOD: delays.REFLECTION_PERIOD,
    ProcedureKind.TEMPORARY_CARD: delays.TEMPORARY_CARD,
    ProcedureKind.RESIDENT_CARD: delays.RESIDENT_CARD,
    ProcedureKind.PROVISIONAL_AUTHORISATION: delays.PROVISIONAL_AUTHORISATION,
}
# States after which a procedure has no deadline left: its successor carries them.
ENDED_STATES = frozenset({ProcedureState.REFUSED, ProcedureState.RENEWED, ProcedureState.EXPIRED})


class PathwayLimitError(ValueError):
    """The exit pathway would exceed its legal maximum; the message is French."""


@dataclass(frozen=True, order=True)
class Deadline:
    """A dated step a caseworker must act on, with the rule that sets it."""

    due_on: datetime.date
    rule_key: str
    label: str
    source: str
    kind: str


def reflection_end(receipt_on: datetime.date) -> datetime.date:
    """Return the end of the reflection period, which runs from the receipt's delivery."""
    return delays.REFLECTION_PERIOD.end(receipt_on)


def valid_until(kind: str, valid_from: datetime.date | None) -> datetime.date | None:
    """Return the end of validity of the document a granted procedure delivers."""
    delay = VALIDITY.get(kind)
    if delay is None or valid_from is None:
        return None
    return delay.end(valid_from)


def _expiry_and_renewal(kind: str, valid_from: datetime.date) -> list[Deadline]:
    delay = VALIDITY[kind]
    expiry = delay.end(valid_from)
    label = str(ProcedureKind(kind).label)
    return [
        Deadline(expiry, f"{kind}.expiry", f"Fin de validité : {label}", delay.source, DeadlineKind.PERMIT_EXPIRY),
        Deadline(
            delays.RENEWAL_REMINDER.before(expiry), f"{kind}.renewal", f"Demander le renouvellement : {label}",
            delays.RENEWAL_REMINDER.source, DeadlineKind.RENEWAL_REQUEST,
        ),
    ]  # fmt: skip


def procedure_deadlines(
    kind: str,
    state: str,
    *,
    receipt_on: datetime.date | None = None,
    valid_from: datetime.date | None = None,
) -> list[Deadline]:
    """Return the deadlines of a residence procedure in its present state, in date order."""
    if state in ENDED_STATES:
        return []
    found: list[Deadline] = []
    if kind == ProcedureKind.REFLECTION_PERIOD:
        if receipt_on is not None:
            found.append(Deadline(
                reflection_end(receipt_on), "reflection_period.end", "Fin du délai de réflexion",
                delays.REFLECTION_PERIOD.source, DeadlineKind.REFLECTION_END,
            ))  # fmt: skip
        return found
    if kind == ProcedureKind.TEMPORARY_CARD and state == ProcedureState.RECEIPT_DELIVERED and receipt_on:
        found.append(Deadline(
            delays.COMPLAINT_RECEIPT.end(receipt_on), "temporary_card.receipt_expiry",
            "Fin de validité du récépissé (carte L425-1 demandée)", delays.COMPLAINT_RECEIPT.source,
            DeadlineKind.RECEIPT_EXPIRY,
        ))  # fmt: skip
    if state == ProcedureState.GRANTED and valid_from is not None and kind in VALIDITY:
        found.extend(_expiry_and_renewal(kind, valid_from))
    return sorted(found)


def pathway_end(start_on: datetime.date, renewals: int) -> datetime.date:
    """Return the end of the pathway after `renewals` renewals; refuse beyond 24 months."""
    if renewals < 0:
        raise ValueError("renewals must not be negative")
    if renewals > MAX_PATHWAY_RENEWALS:
        raise PathwayLimitError(
            f"Le parcours de sortie ne peut pas dépasser {delays.EXIT_PATHWAY_MAXIMUM.months} mois "
            f"({MAX_PATHWAY_RENEWALS} renouvellements de {delays.EXIT_PATHWAY_PERIOD.months} mois au plus)."
        )
    # Counted from the start, not period by period, so month-end clamping never accumulates.
    return add_months(start_on, delays.EXIT_PATHWAY_PERIOD.months * (1 + renewals))


def pathway_deadlines(start_on: datetime.date, renewals: int) -> list[Deadline]:
    """Return the end of the current period and, while renewals remain, when to prepare one."""
    end = pathway_end(start_on, renewals)
    found = [Deadline(
        end, "exit_pathway.end", "Fin de la période du parcours de sortie",
        delays.EXIT_PATHWAY_PERIOD.source, DeadlineKind.PATHWAY_END,
    )]  # fmt: skip
    if renewals < MAX_PATHWAY_RENEWALS:
        found.append(Deadline(
            delays.EXIT_PATHWAY_RENEWAL_REMINDER.before(end), "exit_pathway.renewal",
            "Préparer le renouvellement du parcours de sortie (commission départementale)",
            delays.EXIT_PATHWAY_RENEWAL_REMINDER.source, DeadlineKind.PATHWAY_RENEWAL,
        ))  # fmt: skip
    return sorted(found)


def reminder_date(due_on: datetime.date, today: datetime.date) -> datetime.date | None:
    """Return the latest reminder date reached by `today` for a task due on `due_on`.

    Reminders fall a week before the due date, on the due date, then every week of delay;
    a job that missed days still raises the reminder it owes, once.
    """
    lead = delays.TASK_REMINDER_LEAD
    first = lead.before(due_on)
    if today < first:
        return None
    if today < due_on:
        return first
    step = lead.days
    return due_on + datetime.timedelta(days=step * ((today - due_on).days // step))


def referral_due_at(sent_at: datetime.datetime, urgency: str) -> datetime.datetime:
    """Return when the answer to a referral sent at `sent_at` with this urgency is due.

    Counted in clock hours (nights and week-ends included): an urgent referral does not wait
    for Monday. The lengths are the setting EGIDE_REFERRAL_RESPONSE_HOURS.
    """
    return delays.REFERRAL_RESPONSE[urgency].end(sent_at)
