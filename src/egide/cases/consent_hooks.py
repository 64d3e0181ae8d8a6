"""What higher apps do when a consent is withdrawn, without the cases app knowing them.

An app registers a callable `(consent, acting_user) -> None` from its `AppConfig.ready()`;
`do_withdraw_consent` calls every hook inside its own transaction, after the withdrawal is
saved, so that what a hook revokes commits with the withdrawal or not at all.
"""

from collections.abc import Callable
from typing import Any

from egide.cases.models import Consent

ConsentWithdrawalHook = Callable[[Consent, Any], None]
_HOOKS: dict[str, ConsentWithdrawalHook] = {}


def register_consent_withdrawal_hook(name: str, hook: ConsentWithdrawalHook) -> None:
    """Add (or replace, so that reloading an app is harmless) a hook run on each withdrawal."""
    _HOOKS[name] = hook


def run_consent_withdrawal_hooks(consent: Consent, acting_user: Any) -> None:
    """Run the hooks in registration order; must run inside the withdrawal's transaction."""
    for hook in _HOOKS.values():
        hook(consent, acting_user)
