"""Calendar arithmetic for the date rules: days, ranges and months as ``EventDate`` values."""
from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from sitrep.model import EventDate


def as_date(published: date | str | None) -> date | None:
    """A publication date given as a date, a datetime or an ISO string ("2022-12-30T10:00")."""
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, str):
        return date.fromisoformat(published[:10])
    return published


def day(d: date, phrase: str) -> EventDate:
    return EventDate(d.isoformat(), "day", phrase=phrase)


def span(a: date, b: date, phrase: str) -> EventDate:
    if a >= b:
        return day(a, phrase)
    return EventDate(f"{a.isoformat()}/{b.isoformat()}", "range", phrase=phrase)


def month_date(y: int, m: int, phrase: str) -> EventDate:
    return EventDate(f"{y:04d}-{m:02d}", "month", phrase=phrase)


def unknown(phrase: str, source: str = "text") -> EventDate:
    return EventDate(None, "unknown", source=source, phrase=phrase)


def month_bounds(y: int, m: int) -> tuple[date, date]:
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def bounds(d: EventDate) -> tuple[date, date] | None:
    """First and last day an EventDate covers."""
    if d.value is None:
        return None
    if d.precision == "month":
        y, m = (int(x) for x in d.value.split("-"))
        return month_bounds(y, m)
    parts = [date.fromisoformat(p) for p in d.value.split("/")]
    return parts[0], parts[-1]


def period_bounds(pub: date, unit: str, offset: int) -> tuple[date, date]:
    if unit == "week":
        monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=offset)
        return monday, monday + timedelta(days=6)
    if unit == "weekend":
        saturday = pub - timedelta(days=(pub.weekday() - 5) % 7) + timedelta(weeks=offset)
        return saturday, saturday + timedelta(days=1)
    if unit == "month":
        return month_bounds(*add_months(pub.year, pub.month, offset))
    if unit == "year":
        return date(pub.year + offset, 1, 1), date(pub.year + offset, 12, 31)
    raise ValueError(f"unknown period unit {unit!r}")


def nearest_year(pub: date, month: int, day: int, future_days: int) -> int:
    """The year of a day-month written without one: the most recent on or before publication,
    unless it falls in the ``future_days`` after it (a planned visit "on January 5" in late December)."""
    soon = pub + timedelta(days=future_days)
    for year in (pub.year, pub.year + 1):
        try:
            if pub < date(year, month, day) <= soon:
                return year
        except ValueError:
            continue  # 29 February of a common year
    try:
        return pub.year if date(pub.year, month, day) <= pub else pub.year - 1
    except ValueError:
        return pub.year - 1
