"""The rules that make a patrol record trustworthy, in one place so pages, API, admin and tasks
apply them alike: the time windows of check-in, roll-call and scans, the night hours that count
toward the weekly minimum, and how a phone's position is judged against where the guard should be.

- check-in (guard's phone): from `PATROL_CHECKIN_EARLY_MINUTES` before the planned start until the
  planned end (or the actual end of a patrol that ran longer);
- roll-call marks (officer): from the same opening until `PATROL_ROLLCALL_GRACE_MINUTES` after the end;
- scans: only while the patrol is under way and inside its check-in window;
- overdue: past the end plus the grace, the patrol is closed by `patrols_close_overdue`.
"""
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape
from shapely.ops import transform

from liaison_points.geo import EARTH_RADIUS_M, haversine_m
from patrol.models import Patrol, PositionState


def when(moment: datetime.datetime) -> str:
    """A moment as people read it on a phone: 11-17 19:00 (local time)."""
    return timezone.localtime(moment).strftime("%m-%d %H:%M")


def span(opens: datetime.datetime, closes: datetime.datetime) -> str:
    """A window as 11-17 18:30–22:00 (the end's date only when it is another day)."""
    start, end = timezone.localtime(opens), timezone.localtime(closes)
    return f"{start:%m-%d %H:%M}–{end:%H:%M}" if start.date() == end.date() else f"{start:%m-%d %H:%M}–{end:%m-%d %H:%M}"


def _end(patrol: Patrol) -> datetime.datetime:
    return max(patrol.planned_end, patrol.actual_end or patrol.planned_end)


def checkin_window(patrol: Patrol) -> tuple[datetime.datetime, datetime.datetime]:
    """When a guard may check in from the phone."""
    opens = patrol.planned_start - datetime.timedelta(minutes=settings.PATROL_CHECKIN_EARLY_MINUTES)
    return opens, _end(patrol)


def rollcall_window(patrol: Patrol) -> tuple[datetime.datetime, datetime.datetime]:
    """When the officer may mark the roll-call: the check-in window plus the grace period."""
    opens, _closes = checkin_window(patrol)
    return opens, overdue_after(patrol)


def overdue_after(patrol: Patrol) -> datetime.datetime:
    """Past this moment a patrol still planned or under way is closed automatically."""
    return _end(patrol) + datetime.timedelta(minutes=settings.PATROL_ROLLCALL_GRACE_MINUTES)


def is_night(moment: datetime.datetime) -> bool:
    """Whether `moment` (local time) falls within the night hours."""
    t = timezone.localtime(moment).time()
    start, end = settings.PATROL_NIGHT_START, settings.PATROL_NIGHT_END
    return (t >= start or t < end) if start > end else (start <= t < end)


def _within_night(field: str) -> Q:
    start, end = settings.PATROL_NIGHT_START, settings.PATROL_NIGHT_END
    gte, lt = Q(**{f"{field}__time__gte": start}), Q(**{f"{field}__time__lt": end})
    return (gte | lt) if start > end else (gte & lt)


def night_q(prefix: str = "") -> Q:
    """A filter for patrols *started* within the night hours (local time): the actual start, or the
    planned start of a record that has none (entered afterwards)."""
    return _within_night(f"{prefix}actual_start") | (
        Q(**{f"{prefix}actual_start__isnull": True}) & _within_night(f"{prefix}planned_start")
    )


def night_hours_label() -> str:
    return f"{settings.PATROL_NIGHT_START:%H:%M}–{settings.PATROL_NIGHT_END:%H:%M}"


# Positions ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PositionCheck:
    state: str
    distance: int | None
    accuracy: int | None
    limit: int

    @property
    def flagged(self) -> bool:
        return self.state in (PositionState.FAR, PositionState.INACCURATE)


def clean_accuracy(accuracy) -> int | None:
    """The phone's stated accuracy in whole metres (None when not given or nonsense)."""
    if accuracy in (None, ""):
        return None
    try:
        value = float(accuracy)
    except (TypeError, ValueError):
        return None
    return int(round(value)) if 0 <= value < 10_000_000 else None


def _local_metres(lat0: float, lng0: float):
    """A projection to metres east/north of (lat0, lng0): good to well under 1% within a county."""
    import math

    k = math.pi / 180 * EARTH_RADIUS_M
    cos0 = math.cos(math.radians(lat0))

    def project(x, y, z=None):
        return (x - lng0) * k * cos0, (y - lat0) * k

    return project


def distance_to_area_m(area: dict, lat: float, lng: float) -> float:
    """Metres from (lat, lng) to a GeoJSON grid cell (0 inside) or route."""
    geometry = transform(_local_metres(lat, lng), shape(area))
    return geometry.distance(Point(0, 0))


def patrol_distance_m(patrol: Patrol, lat: float, lng: float) -> float:
    """Metres from the patrol's area or route when drawn, else from its liaison point."""
    if patrol.area and patrol.area.get("type"):
        return distance_to_area_m(patrol.area, lat, lng)
    point = patrol.liaison_point
    return haversine_m(lat, lng, float(point.latitude), float(point.longitude))


def position_check(*, latitude, longitude, accuracy, distance_m, limit_m: int) -> PositionCheck:
    """Judge a phone position: none sent; accuracy worse than PATROL_ACCURACY_MAX_METRES; farther
    than `limit_m` plus the stated accuracy ("far"); else confirmed. `distance_m` is a callable
    (lat, lng) → metres, called only when there is a position."""
    if latitude is None or longitude is None:
        return PositionCheck(PositionState.NONE, None, accuracy, limit_m)
    distance = int(round(distance_m(float(latitude), float(longitude))))
    if accuracy is not None and accuracy > settings.PATROL_ACCURACY_MAX_METRES:
        return PositionCheck(PositionState.INACCURATE, distance, accuracy, limit_m)
    if distance > limit_m + (accuracy or 0):
        return PositionCheck(PositionState.FAR, distance, accuracy, limit_m)
    return PositionCheck(PositionState.OK, distance, accuracy, limit_m)


def distance_label(metres: int | None) -> str:
    if metres is None:
        return ""
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres} m"


def position_note(state: str, distance: int | None, accuracy: int | None = None) -> str:
    """What a person reads about a flagged or missing position ("" when it checks out)."""
    if state == PositionState.FAR:
        return _("far: %(d)s away") % {"d": distance_label(distance)}
    if state == PositionState.INACCURATE:
        return _("position accurate only to %(a)s") % {"a": distance_label(accuracy)}
    if state == PositionState.NONE:
        return _("no position")
    return ""


# What the guard's phone says after acting (pages and API alike) -----------------------------------

def checkin_message(check_in) -> str:
    patrol = check_in.patrol
    text = _("Checked in at %(time)s to the patrol of %(point)s %(window)s: %(status)s.") % {
        "time": timezone.localtime(check_in.at).strftime("%H:%M"), "point": patrol.liaison_point.name,
        "window": span(patrol.planned_start, patrol.planned_end), "status": check_in.get_status_display(),
    }
    if check_in.position_state in (PositionState.FAR, PositionState.INACCURATE):
        text += " " + _("Recorded but flagged for the leading officer: %(note)s.") % {
            "note": position_note(check_in.position_state, check_in.distance, check_in.accuracy)}
    elif check_in.position_state == PositionState.NONE:
        text += " " + _("No position was sent: the leading officer sees this check-in without one.")
    return text


def visit_message(visit, radius: int) -> str:
    patrol = visit.patrol
    text = _("%(checkpoint)s recorded at %(time)s for the patrol of %(point)s %(window)s.") % {
        "checkpoint": visit.checkpoint.name, "time": timezone.localtime(visit.visited_at).strftime("%H:%M"),
        "point": patrol.liaison_point.name, "window": span(patrol.planned_start, patrol.planned_end),
    }
    if visit.position_state in (PositionState.FAR, PositionState.INACCURATE, PositionState.NONE):
        text += " " + _("Not counted as a visit: %(note)s (it must be within %(radius)s of the checkpoint). Scan again there.") % {
            "note": position_note(visit.position_state, visit.distance, visit.accuracy), "radius": distance_label(radius)}
    return text
