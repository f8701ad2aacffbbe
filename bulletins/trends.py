"""The dashboard's trends: five weekly series over the last 12 ISO weeks (this week so far included),
each from one or two aggregate queries grouped by week — never one bulletin per week.

The figures mean what the bulletin's do (tests compare them week by week with patrol.figures and
disputes.figures): patrols done are night patrols done (the weekly minimum is about them); coverage
is the active points whose night patrols done reach PATROLS_PER_WEEK_MIN, a zone patrol counting
toward every point of its zone; disputes resolved and tips confirmed fall in the week they were
resolved or verified; the roll-call rate is present, late and no-position check-ins of the week's
done patrols over their team places.

The completed weeks do not change once past, so they are cached (keyed by the current week, which
rolls the cache over every Monday; TREND_CACHE_SECONDS bounds how long a late correction to a past
week takes to show). The current week, computed over its own week only, is cached for a minute,
as the dashboard's week panel is."""
import datetime
from collections import Counter, defaultdict

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from config.dates import iso_week_label, week_bounds, week_start
from disputes.models import Dispute, Tip
from liaison_points.models import LiaisonPoint
from patrol.models import CheckIn, Patrol, PatrolMember, PositionState
from patrol.services.rules import night_q

WEEKS = 12
TREND_CACHE_SECONDS = 15 * 60
CURRENT_WEEK_CACHE_SECONDS = 60  # as the week panel: every officer's dashboard shows the same county figures
SERIES = ("patrols_done", "points_covered", "disputes_resolved", "tips_verified", "roll_call_rate")
_ATTENDED = ("present", "late")


def _week_of(value) -> datetime.date:
    """TruncWeek's value (an aware datetime at Monday 00:00 local time, or a date) → that Monday."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return week_start(value)


def _by_week(queryset, field: str, **aggregates) -> dict[datetime.date, dict]:
    """One query: `aggregates` of `queryset` grouped by the local ISO week of `field`."""
    tz = timezone.get_current_timezone()
    rows = queryset.annotate(trend_week=TruncWeek(field, tzinfo=tz)).values("trend_week").annotate(**aggregates).order_by()
    result: dict[datetime.date, dict] = {}
    for row in rows:
        week = _week_of(row.pop("trend_week"))
        into = result.setdefault(week, Counter())
        into.update(row)
    return result


def _coverage(start: datetime.datetime, end: datetime.datetime, minimum: int) -> dict[datetime.date, int]:
    """Active points whose night patrols done in each week reach `minimum`. Two queries: the night
    patrols done grouped by (point, zone, week), and the active points with their zone."""
    tz = timezone.get_current_timezone()
    rows = (
        Patrol.objects.filter(night_q(), status=Patrol.Status.DONE, planned_start__gte=start, planned_start__lt=end)
        .annotate(trend_week=TruncWeek("planned_start", tzinfo=tz))
        .values("liaison_point_id", "zone_id", "trend_week").annotate(n=Count("id")).order_by()
    )
    own: Counter = Counter()  # (point, week) → patrols held at the point
    zone_total: Counter = Counter()  # (zone, week) → the zone's patrols, wherever held
    own_in_zone: Counter = Counter()  # (point, zone, week) → the zone's patrols held at the point
    weeks = set()
    for row in rows:
        week = _week_of(row["trend_week"])
        weeks.add(week)
        own[row["liaison_point_id"], week] += row["n"]
        if row["zone_id"] is not None:
            zone_total[row["zone_id"], week] += row["n"]
            own_in_zone[row["liaison_point_id"], row["zone_id"], week] += row["n"]
    covered: Counter = Counter()
    if minimum <= 0:
        return {}  # every point is covered; the caller counts the active points instead
    for point_id, zone_id in LiaisonPoint.objects.filter(active=True).values_list("id", "zone_id"):
        for week in weeks:
            done = own[point_id, week]
            if zone_id is not None:
                done += zone_total[zone_id, week] - own_in_zone[point_id, zone_id, week]
            if done >= minimum:
                covered[week] += 1
    return covered


def _compute(first: datetime.date, last: datetime.date) -> dict[datetime.date, dict]:
    """The five figures of every week from Monday `first` to Monday `last`. Seven queries."""
    start, _ = week_bounds(first)
    _, end = week_bounds(last)
    done_week = Q(patrol__status=Patrol.Status.DONE, patrol__planned_start__gte=start, patrol__planned_start__lt=end)
    patrols = _by_week(
        Patrol.objects.filter(night_q(), status=Patrol.Status.DONE, planned_start__gte=start, planned_start__lt=end),
        "planned_start", n=Count("id"),
    )
    minimum = settings.PATROLS_PER_WEEK_MIN
    covered = _coverage(start, end, minimum)
    if minimum <= 0:
        active = LiaisonPoint.objects.filter(active=True).count()
    disputes = _by_week(
        Dispute.objects.filter(status=Dispute.Status.RESOLVED, finished_at__gte=start, finished_at__lt=end), "finished_at", n=Count("id"),
    )
    tips = _by_week(Tip.objects.filter(verified_at__gte=start, verified_at__lt=end), "verified_at", n=Count("id"))
    scheduled = _by_week(PatrolMember.objects.filter(done_week), "patrol__planned_start", n=Count("id"))
    far = Q(source=CheckIn.Source.GUARD, position_state__in=[PositionState.FAR, PositionState.INACCURATE])
    attended = _by_week(
        CheckIn.objects.filter(done_week, status__in=_ATTENDED).exclude(far), "patrol__planned_start", n=Count("id"),
    )
    figures = {}
    week = first
    while week <= last:
        places = scheduled.get(week, {}).get("n", 0)
        present = attended.get(week, {}).get("n", 0)
        figures[week] = {
            "patrols_done": patrols.get(week, {}).get("n", 0),
            "points_covered": active if minimum <= 0 else covered.get(week, 0),
            "disputes_resolved": disputes.get(week, {}).get("n", 0),
            "tips_verified": tips.get(week, {}).get("n", 0),
            "roll_call_rate": round(100 * present / places, 1) if places else None,
        }
        week += datetime.timedelta(days=7)
    return figures


def _past_key(current: datetime.date) -> str:
    return f"bulletins:trends:v1:{iso_week_label(current)}:{WEEKS}"


def forget_past_weeks(today: datetime.date | None = None) -> None:
    """Drops the cached completed weeks (after a correction to a past week's records)."""
    today = today or timezone.localdate()
    key = _past_key(week_start(today))
    cache.delete_many([key, f"{key}:now:{today.isoformat()}"])


def dashboard_trends(*, today: datetime.date | None = None) -> dict:
    """{"weeks": [{"week": "2026-W47", "monday": date, "current": bool, <SERIES>...}], "minimum": n}
    for the 12 ISO weeks ending with the current one. Seven queries for the current week and seven
    for the eleven before, each set only when not cached."""
    today = today or timezone.localdate()
    current = week_start(today)
    first = current - datetime.timedelta(weeks=WEEKS - 1)
    key = _past_key(current)
    past = cache.get(key)
    if past is None:
        past = _compute(first, current - datetime.timedelta(weeks=1))
        cache.set(key, past, TREND_CACHE_SECONDS)
    now_key = f"{key}:now:{today.isoformat()}"
    this_week = cache.get(now_key)
    if this_week is None:
        this_week = _compute(current, current)
        cache.set(now_key, this_week, CURRENT_WEEK_CACHE_SECONDS)
    figures = {**past, **this_week}
    weeks = []
    for monday in sorted(figures):
        weeks.append({"week": iso_week_label(monday), "monday": monday, "current": monday == current, **figures[monday]})
    return {"weeks": weeks, "minimum": settings.PATROLS_PER_WEEK_MIN}
