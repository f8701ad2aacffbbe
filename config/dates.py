"""ISO weeks and quarters in the office's time zone (settings.TIME_ZONE, Asia/Shanghai)."""
import datetime
import re

from django.conf import settings
from django.utils import timezone

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def year_range() -> tuple[int, int]:
    """The years a date may fall in (settings.DATE_YEAR_MIN..DATE_YEAR_MAX, 2000..2100 by default).

    Every date, week, month and quarter that comes in from a person or a client is held to this
    range, so nothing stored is near the calendar's ends (year 1 or 9999), where converting to the
    office's time zone or adding a week overflows and every page that shows the row fails."""
    return getattr(settings, "DATE_YEAR_MIN", 2000), getattr(settings, "DATE_YEAR_MAX", 2100)


def check_year(year: int) -> int:
    low, high = year_range()
    if not low <= year <= high:
        raise ValueError(f"The year must be between {low} and {high}.")
    return year


def in_date_range(value: datetime.date | datetime.datetime) -> bool:
    low, high = year_range()
    return low <= value.year <= high


def parse_iso_week(value: str) -> datetime.date:
    """'2026-W47' → the Monday of that ISO week. Raises ValueError with a readable message."""
    match = _WEEK.match((value or "").strip().upper())
    if not match:
        raise ValueError(f"{value!r} is not an ISO week such as 2026-W47.")
    year, week = check_year(int(match.group(1))), int(match.group(2))
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


_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$")


def parse_quarter(value: str) -> tuple[str, datetime.date, datetime.date]:
    """'2027Q1' → ('2027Q1', first day, last day). Raises ValueError with a readable message."""
    match = _QUARTER.match((value or "").strip().upper())
    if not match:
        raise ValueError(f"{value!r} is not a quarter such as 2027Q1.")
    year, q = check_year(int(match.group(1))), int(match.group(2))
    first = datetime.date(year, 3 * q - 2, 1)
    last = (datetime.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)) - datetime.timedelta(days=1)
    return f"{year}Q{q}", first, last


def quarter_of(day: datetime.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def next_quarter(quarter: str) -> str:
    _label, _first, last = parse_quarter(quarter)
    return quarter_of(last + datetime.timedelta(days=1))


def previous_quarter(quarter: str) -> str:
    _label, first, _last = parse_quarter(quarter)
    return quarter_of(first - datetime.timedelta(days=1))


def parse_month(value: str) -> datetime.date:
    """'2026-11' → the first day of that month. Raises ValueError with a readable message."""
    match = _MONTH.match((value or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"{value!r} is not a month such as 2026-11.")
    return datetime.date(check_year(int(match.group(1))), int(match.group(2)), 1)


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, nxt - datetime.timedelta(days=1)
