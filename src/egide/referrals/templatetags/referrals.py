import datetime

from django import template

from egide.referrals.durations import format_duration

register = template.Library()


@register.filter
def duration(delta: datetime.timedelta | None) -> str:
    """Write an elapsed time shortly, « 2 j 5 h »."""
    return "" if delta is None else format_duration(delta)
