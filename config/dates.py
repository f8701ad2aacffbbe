"""ISO weeks and quarters in the office's time zone (settings.TIME_ZONE, Asia/Shanghai)."""
import datetime
import re

from django.utils import timezone

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$")


def parse_iso_week(value: str) -> datetime.date:
    """'2026-W47' → the Monday of that ISO week. Raises ValueError with a readable message."""
    match = _WEEK.match((value or "").strip().upper())
    if not match:
        raise ValueError(f"{value!r} is not an ISO week such as 2026-W47.")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        return datetime.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{year} has no week {week}.") from None


def iso_week_label(monday: datetime.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def local_day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the office's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def week_bounds(monday: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of the ISO week beginning `monday`, in local time."""
    return local_day_start(monday), local_day_start(monday + datetime.timedelta(days=7))
