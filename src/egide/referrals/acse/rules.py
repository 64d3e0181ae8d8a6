"""The refusals of Ac.Sé's actions: French messages naming the field, and the date rules they share."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone


class AcseRefusedError(Exception):
    """Input the rules refuse; `field` names the form field, the message is French."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def today() -> datetime.date:
    return timezone.localdate()


def not_future(on: datetime.date, field: str, what: str) -> None:
    if on > today():
        raise AcseRefusedError(f"{what} ne peut pas être dans le futur.", field)


def not_before(on: datetime.date, earliest: datetime.date | None, field: str, message: str) -> None:
    if earliest is not None and on < earliest:
        raise AcseRefusedError(f"{message} (le {earliest:%d/%m/%Y}).", field)
