"""Elapsed times written the French way, short: « 2 j 5 h », « 3 h 20 min », « 12 min »."""

import datetime


def format_duration(delta: datetime.timedelta) -> str:
    """Return the two largest units of a duration; under a minute, « moins d'une minute ».

    >>> format_duration(datetime.timedelta(days=2, hours=5, minutes=7))
    '2 j 5 h'
    >>> format_duration(datetime.timedelta(hours=3, minutes=20)), format_duration(datetime.timedelta(seconds=30))
    ('3 h 20 min', "moins d'une minute")
    """
    minutes = max(int(delta.total_seconds()) // 60, 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "j"), (hours, "h"), (minutes, "min")]
    while parts and parts[0][0] == 0:
        parts.pop(0)
    if not parts:
        return "moins d'une minute"
    return " ".join(f"{n} {unit}" for n, unit in parts[:2] if n) or "moins d'une minute"
