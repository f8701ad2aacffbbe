"""The dashboard's trends: five weekly series over the last 12 ISO weeks (this week so far included),
each from one or two aggregate queries grouped by week — never one bulletin per week.

The figures mean what the bulletin's do (tests compare them week by week with patrol.figures and
disputes.figures): patrols done are night patrols done (the weekly minimum is about them); coverage
is the active points whose night patrols done reach PATROLS_PER_WEEK_MIN, a zone patrol counting
toward every point of its zone; disputes resolved and tips confirmed fall in the week they were
resolved or verified; the roll-call rate is present, late and no-position check-ins of the week's
done patrols over their team places.

The completed weeks do not change once past, so each is stored once computed (TrendWeek) and the
eleven are cached together (keyed by the current week, which rolls the cache over every Monday):
an empty cache reads the stored weeks, and only a week never computed is computed. A late
correction to a past week's patrol, check-in, dispute or tip drops that week, and a point opened,
closed or rezoned drops them all (bulletins/receivers.py); TREND_STORED_SECONDS bounds how long a
bulk write, which sends no signal, takes to show. The current week, computed over its own week
only, is cached for a minute, as the week panel is."""
import datetime
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from bulletins.models import TrendWeek
from config.dates import iso_week_label, week_bounds, week_start
from disputes.models import Dispute, Tip
from liaison_points.models import LiaisonPoint
from patrol.models import CheckIn, Patrol, PatrolMember, PositionState
from patrol.services.rules import night_q

WEEKS = 12
TREND_CACHE_SECONDS = 60 * 60
# A stored completed week is computed again after a day: bulk writes to past weeks send no signal.
TREND_STORED_SECONDS = 24 * 60 * 60
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


def _night_patrols(start: datetime.datetime, end: datetime.datetime, minimum: int) -> tuple[Counter, Counter]:
    """Night patrols done in each week, and the active points whose night patrols done reach
    `minimum` in each week. Two queries: the night patrols done grouped by (point, zone, week),
    whose sum per week is the first figure, and the active points with their zone.

    A province has 2,000 points, so the grouped rows number 2,000 a week: they come as tuples (the
    week as a date, no time-zone conversion per row), and a zone whose patrols alone reach the
    minimum covers all its points at once instead of point by point."""
    tz = timezone.get_current_timezone()
    rows = (
        Patrol.objects.filter(night_q(), status=Patrol.Status.DONE, planned_start__gte=start, planned_start__lt=end)
        .annotate(trend_week=TruncWeek("planned_start", tzinfo=tz, output_field=DateField()))
        .values("liaison_point_id", "zone_id", "trend_week").annotate(n=Count("id")).order_by()
        .values_list("liaison_point_id", "zone_id", "trend_week", "n")
    )
    own: Counter = Counter()  # (point, week) → patrols held at the point
    zone_total: Counter = Counter()  # (zone, week) → the zone's patrols, wherever held
    own_in_zone: dict = {}  # (point, zone, week) → the zone's patrols held at the point
    done: Counter = Counter()  # week → night patrols done
    for point_id, zone_id, week, n in rows:
        done[week] += n
        own[point_id, week] += n
        if zone_id is not None:
            zone_total[zone_id, week] += n
            own_in_zone[point_id, zone_id, week] = own_in_zone.get((point_id, zone_id, week), 0) + n
    covered: Counter = Counter()
    if minimum <= 0:
        return done, covered  # every point is covered; the caller counts the active points instead
    zone_of = dict(LiaisonPoint.objects.filter(active=True).values_list("id", "zone_id"))
    zone_size = Counter(zone_id for zone_id in zone_of.values() if zone_id is not None)
    # A point's figure: its own patrols, plus its zone's patrols held at the zone's other points.
    for (point_id, week), n in own.items():
        if point_id not in zone_of:
            continue  # closed
        zone_id = zone_of[point_id]
        if zone_id is None:
            covered[week] += n >= minimum
            continue
        zone = zone_total[zone_id, week]
        if zone < minimum:  # else counted with the whole zone below
            covered[week] += zone + n - own_in_zone.get((point_id, zone_id, week), 0) >= minimum
    for (zone_id, week), n in zone_total.items():
        if n >= minimum:
            covered[week] += zone_size[zone_id]
    return done, covered


def _compute(first: datetime.date, last: datetime.date) -> dict[datetime.date, dict]:
    """The five figures of every week from Monday `first` to Monday `last`. Six queries."""
    start, _ = week_bounds(first)
    _, end = week_bounds(last)
    done_week = Q(patrol__status=Patrol.Status.DONE, patrol__planned_start__gte=start, patrol__planned_start__lt=end)
    minimum = settings.PATROLS_PER_WEEK_MIN
    patrols_done, covered = _night_patrols(start, end, minimum)
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
            "patrols_done": patrols_done[week],
            "points_covered": active if minimum <= 0 else covered.get(week, 0),
            "disputes_resolved": disputes.get(week, {}).get("n", 0),
            "tips_verified": tips.get(week, {}).get("n", 0),
            "roll_call_rate": round(100 * present / places, 1) if places else None,
        }
        week += datetime.timedelta(days=7)
    return figures


def _past_key(current: datetime.date) -> str:
    return f"bulletins:trends:v1:{iso_week_label(current)}:{WEEKS}"


def forget_past_weeks(today: datetime.date | None = None, weeks: Iterable[datetime.date] | None = None) -> None:
    """Drops the completed weeks, cached and stored (after a correction to a past week's records):
    those of `weeks` (Mondays) from the store, or every stored week when None."""
    today = today or timezone.localdate()
    key = _past_key(week_start(today))
    cache.delete_many([key, f"{key}:now:{today.isoformat()}"])
    stored = TrendWeek.objects.all()
    if weeks is not None:
        stored = stored.filter(week_start__in=list(weeks))
    stored.delete()


def _past_weeks(first: datetime.date, last: datetime.date) -> dict[datetime.date, dict]:
    """The completed weeks from Monday `first` to Monday `last`: stored ones as they are, the others
    (never computed, corrected since, older than TREND_STORED_SECONDS or computed with another
    weekly minimum) computed in one go over their span and stored. One query when all are stored;
    nine when any is not."""
    minimum = settings.PATROLS_PER_WEEK_MIN
    since = timezone.now() - datetime.timedelta(seconds=TREND_STORED_SECONDS)
    stored = {
        row.week_start: row.figures
        for row in TrendWeek.objects.filter(week_start__gte=first, week_start__lte=last, computed_at__gte=since)
        if row.figures.get("minimum") == minimum
    }
    mondays = [first + datetime.timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    missing = [monday for monday in mondays if monday not in stored]
    if missing:
        computed = _compute(missing[0], missing[-1])
        fresh = {monday: {**computed[monday], "minimum": minimum} for monday in missing}
        TrendWeek.objects.filter(week_start__in=missing).delete()
        TrendWeek.objects.bulk_create([TrendWeek(week_start=m, figures=f) for m, f in fresh.items()], ignore_conflicts=True)
        stored |= fresh
    return {monday: {k: v for k, v in stored[monday].items() if k != "minimum"} for monday in mondays}


def dashboard_trends(*, today: datetime.date | None = None) -> dict:
    """{"weeks": [{"week": "2026-W47", "monday": date, "current": bool, <SERIES>...}], "minimum": n}
    for the 12 ISO weeks ending with the current one. Six queries for the current week when not
    cached; for the eleven before, none when cached, one when stored (TrendWeek), nine when any
    week must be computed."""
    today = today or timezone.localdate()
    current = week_start(today)
    first = current - datetime.timedelta(weeks=WEEKS - 1)
    key = _past_key(current)
    past = cache.get(key)
    if past is None:
        past = _past_weeks(first, current - datetime.timedelta(weeks=1))
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
