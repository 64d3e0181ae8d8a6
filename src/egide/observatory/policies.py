"""Who may do what in the observatory (deny by default).

Two sides. A data holder's supervisor (`Cap.OBSERVATORY_SUBMIT` in that organisation)
sends and uploads the organisation's own submissions and sees them. The statistician
(`Cap.OBSERVATORY_SUBMISSIONS_MANAGE`) receives any holder's uploads and manages every
submission; linkage runs and their review need `Cap.OBSERVATORY_LINK`. The national
coordinator and the rapporteur (`Cap.OBSERVATORY_VIEW`) read submissions and runs.
"""

from typing import Any

from egide.accounts.roles import Cap
from egide.observatory.models import Submission


def _has(user: Any, capability: str) -> bool:
    return bool(user.is_authenticated) and bool(user.has_capability(capability))


def can_submit_for(user: Any, organisation_id: int) -> bool:
    """Send the organisation's submission from its case files: its own supervisors only."""
    return bool(user.is_authenticated) and user.has_capability_in(Cap.OBSERVATORY_SUBMIT, organisation_id)


def can_upload_for(user: Any, organisation_id: int) -> bool:
    """Upload a file for a holder: the statistician for any holder, a supervisor for their own."""
    return can_manage(user) or can_submit_for(user, organisation_id)


def can_manage(user: Any) -> bool:
    return _has(user, Cap.OBSERVATORY_SUBMISSIONS_MANAGE)


def can_view_all(user: Any) -> bool:
    """Read every submission and run: statisticians and the observatory's readers."""
    return can_manage(user) or _has(user, Cap.OBSERVATORY_VIEW) or can_link(user)


def can_view_submission(user: Any, submission: Submission) -> bool:
    return can_view_all(user) or can_submit_for(user, submission.organisation_id)


def can_withdraw(user: Any, submission: Submission) -> bool:
    return submission.is_current and (can_manage(user) or can_submit_for(user, submission.organisation_id))


def can_link(user: Any) -> bool:
    return _has(user, Cap.OBSERVATORY_LINK)


def submitting_organisation_ids(user: Any) -> list[int]:
    """Organisations whose submissions the user sends (supervisor of each)."""
    if not user.is_authenticated:
        return []
    return sorted(o for o in user.organisation_ids() if user.has_capability_in(Cap.OBSERVATORY_SUBMIT, o))
