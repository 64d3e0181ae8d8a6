"""Interactive counts on a release's year, with differential privacy (OpenDP) under a budget per release.

A count asked by a user is not a cell of a protected table: it gets discrete Laplace
noise of scale 1/ε over the year's distinct persons (one person weighs one unit), and its
ε is charged to the release's ledger, which refuses a query beyond the budget in French.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from egide.accounts.models import User
from egide.core.audit import record_event
from egide.observatory.publication import policies
from egide.observatory.publication.models import Release
from egide.observatory.publication.safety import ReleaseRefusedError
from egide.observatory.selectors import stat_records
from egide_analytics.sdc.privacy import NoisyCount, PrivacyBudgetError, PrivacyLedger, noisy_count
from egide_analytics.statistics import distinct_persons
from egide_analytics.submission import BY_NAME

DEFAULT_BUDGET = 1.0
MAX_QUERY_EPSILON = 1.0


def budget() -> float:
    """The total ε of a release (setting `EGIDE_RELEASE_PRIVACY_BUDGET`, default 1)."""
    return float(getattr(settings, "EGIDE_RELEASE_PRIVACY_BUDGET", DEFAULT_BUDGET))


def ledger_of(release: Release) -> PrivacyLedger:
    return PrivacyLedger.from_dict(release.privacy_ledger) if release.privacy_ledger else PrivacyLedger(budget())


@dataclass(frozen=True)
class Answer:
    variable: str
    code: str
    count: NoisyCount
    ledger: PrivacyLedger


def _check_query(release: Release, variable: str, code: str, epsilon: float) -> None:
    if release.run_id is None:
        raise ReleaseRefusedError("Cette publication ne repose sur aucun appariement.")
    spec = BY_NAME.get(variable)
    if spec is None:
        raise ReleaseRefusedError(f"Variable inconnue : « {variable} ».")
    if code not in spec.codes and variable != "nationality":
        raise ReleaseRefusedError(f"« {code} » n'est pas une valeur de « {spec.title} ».")
    if not 0 < epsilon <= MAX_QUERY_EPSILON:
        raise ReleaseRefusedError(f"Le ε d'une requête doit être compris entre 0 (exclu) et {MAX_QUERY_EPSILON:g}.")


def do_noisy_count(release: Release, variable: str, code: str, epsilon: float, *, acting_user: User) -> Answer:
    """Charge ε to the release's ledger and return the noisy count of distinct persons with `variable` = `code`."""
    if not policies.can_view_internal(acting_user):
        raise ReleaseRefusedError("Votre rôle ne permet pas d'interroger les données de l'observatoire.")
    _check_query(release, variable, code, epsilon)
    with transaction.atomic(durable=True):
        release = Release.objects.select_for_update().select_related("run").get(pk=release.pk)
        ledger = ledger_of(release)
        persons = distinct_persons(stat_records(release.run, release.year))
        label = f"{variable} = {code}"
        try:
            count = noisy_count(persons, epsilon, ledger, variable=variable, code=code, label=label)
        except PrivacyBudgetError as refused:
            raise ReleaseRefusedError(str(refused)) from None
        release.privacy_ledger = ledger.to_dict()
        release.save(update_fields=["privacy_ledger", "updated_at"])
        record_event("publication.release.noisy_count", actor=acting_user, target=release,
                     extra={"variable": variable, "code": code, "epsilon": epsilon, "spent": ledger.spent})  # fmt: skip
    return Answer(variable, code, count, ledger)
