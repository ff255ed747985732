"""Dates and durations as they appear in exports: ``2024-03-05``, ``05.03.2024``, ``1h30m``.

Also groups days into reporting periods (weeks, months, quarters) with ``bucket_of``.
"""

from __future__ import annotations

import datetime as dt
import re

_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_DURATION_PART = re.compile(r"(\d+)\s*([dhms])")
_DAY_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d")

DayLike = dt.date | str


def parse_duration(text: str) -> int:
    """Read a duration written like ``1h30m``, ``2d 4h`` or ``45s`` as a number of seconds.

    Units are ``d`` (days), ``h`` (hours), ``m`` (minutes) and ``s`` (seconds); a bare
    number is taken as seconds.

    Args:
        text: The duration text.

    Returns:
        The total number of seconds.

    Raises:
        ValueError: If the text is not a duration.

    Example:
        >>> parse_duration("1h30m")
        5400
        >>> parse_duration("2d 4h")
        187200
        >>> parse_duration("90")
        90
    """
    cleaned = text.strip().lower()
    if cleaned.isdigit():
        return int(cleaned)
    parts = _DURATION_PART.findall(cleaned)
    if not parts or _DURATION_PART.sub("", cleaned).strip():
        raise ValueError(f"not a duration: {text!r}")
    return sum(int(amount) * _UNITS[unit] for amount, unit in parts)


def format_duration(seconds: int | float) -> str:
    """Write a number of seconds compactly, largest unit first, e.g. ``1h30m``.

    Args:
        seconds: The duration; it is rounded to whole seconds.

    Returns:
        The text; ``"0s"`` for zero.

    Example:
        >>> format_duration(5400)
        '1h30m'
        >>> format_duration(93784)
        '1d2h3m4s'
    """
    remaining = round(seconds)
    parts = []
    for unit, size in _UNITS.items():
        amount, remaining = divmod(remaining, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts) or "0s"


def parse_day(text: DayLike) -> dt.date:
    """Read a calendar day in one of the usual export formats.

    Accepts ``2024-03-05``, ``2024/03/05``, ``05.03.2024`` (day first) and ``20240305``;
    a ``datetime.date`` is returned unchanged.

    Args:
        text: The day.

    Returns:
        A ``datetime.date``.

    Raises:
        ValueError: If the text matches none of the formats.

    Example:
        >>> parse_day("05.03.2024")
        datetime.date(2024, 3, 5)
    """
    if isinstance(text, dt.date):
        return text
    for fmt in _DAY_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a day: {text!r}")


def bucket_of(day: DayLike, unit: str = "month") -> str:
    """Label the reporting period a day belongs to, so that days can be grouped by period.

    Args:
        day: A ``datetime.date`` or text that ``parse_day`` reads.
        unit: ``"day"`` (``2024-03-05``), ``"week"`` (ISO week, ``2024-W10``), ``"month"``
            (``2024-03``), ``"quarter"`` (``2024-Q1``) or ``"year"`` (``2024``).

    Returns:
        The period label; labels of the same unit sort in time order.

    Raises:
        ValueError: For an unknown unit.

    Example:
        >>> bucket_of("2024-03-05", "week")
        '2024-W10'
        >>> bucket_of("2024-03-05", "quarter")
        '2024-Q1'
    """
    day = parse_day(day)
    if unit == "day":
        return day.isoformat()
    if unit == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if unit == "month":
        return f"{day.year}-{day.month:02d}"
    if unit == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if unit == "year":
        return str(day.year)
    raise ValueError(f"unknown unit {unit!r}; use day, week, month, quarter or year")


def day_range(start: DayLike, end: DayLike) -> list[dt.date]:
    """List every calendar day from ``start`` to ``end``, both included.

    Args:
        start: The first day.
        end: The last day; before ``start`` gives an empty list.

    Returns:
        A list of ``datetime.date``.

    Example:
        >>> [d.day for d in day_range("2024-02-27", "2024-03-01")]
        [27, 28, 29, 1]
    """
    first, last = parse_day(start), parse_day(end)
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
