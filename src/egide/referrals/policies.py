"""Who may do what with referrals and transfers (deny by default).

Two sides. The sending side is whoever may reach the case (its scope, `cases/access.py`):
they follow what became of the referral. The receiving side is the recipient
organisation's members holding `Cap.REFERRAL_ANSWER` (referrals) or `Cap.CASE_TRANSFER`
(transfers): they never reach the case itself, only what was shared with them.
"""

from typing import Any

from egide.accounts.roles import Cap
from egide.cases import policies as case_policies
from egide.cases import sealing
from egide.cases.models import Case
from egide.referrals.models import CaseTransfer, Referral


def _member_with(user: Any, capability: str, organisation_id: int) -> bool:
    return bool(user.is_authenticated) and user.has_capability_in(capability, organisation_id)


def can_send(user: Any, case: Case) -> bool:
    """Refer the case: the sending capability in the case's organisation, and the case in scope."""
    return _member_with(user, Cap.REFERRAL_SEND, case.organisation_id) and case_policies.can_view(user, case)


def can_override_consent(user: Any, case: Case) -> bool:
    return _member_with(user, Cap.REFERRAL_CONSENT_OVERRIDE, case.organisation_id)


def can_follow(user: Any, referral: Referral) -> bool:
    """The sending side: the case is within the user's scope."""
    return case_policies.can_view(user, referral.case)


def can_answer(user: Any, referral: Referral) -> bool:
    """The receiving side: answers and reads what was shared."""
    return _member_with(user, Cap.REFERRAL_ANSWER, referral.recipient_id)


def can_view(user: Any, referral: Referral) -> bool:
    return can_answer(user, referral) or can_follow(user, referral)


def can_withdraw(user: Any, referral: Referral) -> bool:
    return can_follow(user, referral) and _member_with(user, Cap.REFERRAL_SEND, referral.sender_id)


def may_read_shared_as_sender(user: Any, referral: Referral) -> bool:
    """What a sealed case shared is shown on the sending side only to whoever may open the case now."""
    return can_follow(user, referral) and sealing.may_open(user, referral.case)


def can_propose_transfer(user: Any, case: Case) -> bool:
    return _member_with(user, Cap.CASE_TRANSFER, case.organisation_id) and case_policies.can_view(user, case)


def can_answer_transfer(user: Any, transfer: CaseTransfer) -> bool:
    return _member_with(user, Cap.CASE_TRANSFER, transfer.recipient_id)


def can_view_transfer(user: Any, transfer: CaseTransfer) -> bool:
    """Either side: the proposing organisation's transfer managers, or the receiving one's."""
    return _member_with(user, Cap.CASE_TRANSFER, transfer.sender_id) or can_answer_transfer(user, transfer)
