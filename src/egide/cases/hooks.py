"""What higher apps do when a consent is withdrawn or a person anonymised, unknown to the cases app.

An app registers its callables from its `AppConfig.ready()`. The cases app calls every hook
inside its own transaction, after its own change is saved, so that what a hook revokes or
erases commits with that change or not at all.
"""

from collections.abc import Callable
from typing import Any

from egide.cases.models import Consent, Person

ConsentWithdrawalHook = Callable[[Consent, Any], None]
AnonymisationHook = Callable[[Person], None]
_CONSENT_HOOKS: dict[str, ConsentWithdrawalHook] = {}
_ANONYMISATION_HOOKS: dict[str, AnonymisationHook] = {}


def register_consent_withdrawal_hook(name: str, hook: ConsentWithdrawalHook) -> None:
    """Add (or replace, so that reloading an app is harmless) a hook run on each withdrawal."""
    _CONSENT_HOOKS[name] = hook


def run_consent_withdrawal_hooks(consent: Consent, acting_user: Any) -> None:
    """Run the hooks in registration order; must run inside the withdrawal's transaction."""
    for hook in _CONSENT_HOOKS.values():
        hook(consent, acting_user)


def register_anonymisation_hook(name: str, hook: AnonymisationHook) -> None:
    """Add (or replace) a hook that erases what an app holds on a person being anonymised."""
    _ANONYMISATION_HOOKS[name] = hook


def run_anonymisation_hooks(person: Person) -> None:
    """Run the hooks in registration order; must run inside the anonymisation's transaction."""
    for hook in _ANONYMISATION_HOOKS.values():
        hook(person)
