"""Who may read and write support data: the case's own rules, nothing more (deny by default).

Support data belongs to the case: whoever may read the case (members of its organisation
holding Cap.CASE_VIEW, within the scope the cases app applies) reads it, and whoever may
edit the case (Cap.CASE_CREATE) writes it.
"""

from typing import Any

from egide.cases import policies as case_policies
from egide.cases.models import Case


def can_view(user: Any, case: Case) -> bool:
    return case_policies.can_view(user, case)


def can_edit(user: Any, case: Case) -> bool:
    return case_policies.can_edit(user, case)
