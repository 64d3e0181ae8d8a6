"""Yearly reference numbers (« 2026-0042 », « AS-2026-0007 »): the next after the largest in use."""

from collections.abc import Iterable


def next_number(used: Iterable[str], prefix: str, width: int = 4) -> str:
    """Return `prefix` and the number after the largest one of `used` bearing it, zero-padded to `width`.

    Numbers are compared as numbers, not as text: « 10000 » comes after « 9999 ». The caller
    holds the lock that keeps two writers from drawing the same number.
    """
    numbers = (reference[len(prefix) :] for reference in used if reference.startswith(prefix))
    last = max((int(number) for number in numbers if number.isdigit()), default=0)
    return f"{prefix}{last + 1:0{width}d}"
