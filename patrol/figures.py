"""Week aggregates of the patrol app for the weekly bulletin and the dashboard. Each function runs
a fixed number of aggregate queries, whatever the number of patrols."""
import datetime

from django.conf import settings
from django.db import connections
from django.db.models import Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum

from config.dates import week_bounds
from patrol.models import CheckIn, Patrol, PatrolMember, PositionState, VenueInspection
from patrol.selectors import patrol_weeks_coverage, weeks_q
from patrol.services.rules import night_hours_label

_ATTENDED = ("present", "late")


def _hours(duration: datetime.timedelta | None) -> float:
    return round(duration.total_seconds() / 3600, 1) if duration else 0.0


def guard_hours_weeks(*, mondays: list[datetime.date]) -> tuple[dict, list]:
    """Guards taking part (distinct) and guard-hours (each attended check-in counts its patrol's
    duration) of the patrols done in each week, per liaison point and overall: ({point id:
    [(guards, duration), …] one pair a week}, [(guards, duration), …]). On PostgreSQL one statement,
    one scan of the check-ins, grouped by GROUPING SETS ((point), ()) (the ORM has no grouping sets);
    elsewhere the same figures as the ORM's per-point query and an aggregate (issue 14: 128 + 121 →
    123 ms a province fortnight)."""
    connection = connections[CheckIn.objects.db]
    if connection.vendor == "postgresql":
        per_point, overall = _guard_hours_grouping_sets(connection, mondays)
    else:
        per_point, overall = _guard_hours_two_queries(mondays)
    pairs = [slice(2 * i, 2 * i + 2) for i in range(len(mondays))]
    return {point_id: [tuple(row[w]) for w in pairs] for point_id, *row in per_point}, [tuple(overall[w]) for w in pairs]


def _guard_hours_grouping_sets(connection, mondays: list[datetime.date]) -> tuple[list[tuple], tuple]:
    """(point id, guards, duration, … a pair a week) rows and the overall (guards, duration, …)."""
    bounds = [week_bounds(m) for m in mondays]
    week = "p.planned_start >= %s AND p.planned_start < %s"
    columns = ", ".join(f"COUNT(DISTINCT c.guard_id) FILTER (WHERE {week}), SUM(p.actual_end - p.actual_start) FILTER (WHERE {week})"
                        for _ in bounds)
    check_ins, patrols = (connection.ops.quote_name(model._meta.db_table) for model in (CheckIn, Patrol))
    sql = (f"SELECT GROUPING(p.liaison_point_id), p.liaison_point_id, {columns} "
           f"FROM {check_ins} c JOIN {patrols} p ON p.id = c.patrol_id "
           f"WHERE p.status = %s AND c.status IN ({', '.join(['%s'] * len(_ATTENDED))}) AND p.planned_start >= %s AND p.planned_start < %s "
           "GROUP BY GROUPING SETS ((p.liaison_point_id), ())")
    params = [v for start, end in bounds for v in (start, end, start, end)]
    params += [Patrol.Status.DONE.value, *_ATTENDED, min(s for s, _e in bounds), max(e for _s, e in bounds)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [row[1:] for row in rows if not row[0]], next(row[2:] for row in rows if row[0])


def _guard_hours_two_queries(mondays: list[datetime.date]) -> tuple[list[tuple], tuple]:
    """What _guard_hours_grouping_sets gives, through the ORM: the per-point query and an aggregate."""
    p_each, p_span = weeks_q(mondays, "patrol__planned_start")
    duration = ExpressionWrapper(F("patrol__actual_end") - F("patrol__actual_start"), output_field=DurationField())
    attended = CheckIn.objects.filter(p_span, patrol__status=Patrol.Status.DONE, status__in=_ATTENDED)
    aggregates = {f"{k}_{i}": agg for i, m in enumerate(mondays) for k, agg in (
        ("guards", Count("guard_id", distinct=True, filter=p_each[m])), ("hours", Sum(duration, filter=p_each[m])),
    )}
    overall = attended.aggregate(**aggregates)
    return list(attended.values_list("patrol__liaison_point_id").annotate(**aggregates).order_by()), tuple(overall[k] for k in aggregates)


def patrol_weeks_figures(*, mondays: list[datetime.date], activity: bool = False) -> dict:
    """patrol_week_figures for several weeks at once: {monday: figures}. Three queries whatever the
    number of weeks (four off PostgreSQL, where the guard-hours overall and per point are two).
    With `activity`, each week's figures carry "activity": the activity counts of its patrols done
    (as patrol_activity_figures, in the same query). Check-ins are filtered on the joined patrol
    (status and planned_start), never with `patrol_id IN (SELECT …)`, so the patrol index on
    (status, planned_start) bounds the join."""
    from config.activity import ACTIVITY_FIELDS

    totals, coverage = patrol_weeks_coverage(mondays=mondays, sums=("people_reached", *(ACTIVITY_FIELDS if activity else ())))
    per_point, overall = guard_hours_weeks(mondays=mondays)
    minimum = settings.PATROLS_PER_WEEK_MIN
    out = {}
    for i, monday in enumerate(mondays):
        by_point = _by_point(coverage[monday], per_point, i, minimum)
        guards, hours = overall[i]
        out[monday] = {
            "done": totals[monday]["count"],
            "day_done": totals[monday]["day_done"],
            "missed": totals[monday]["missed"],
            "night_hours": night_hours_label(),
            "people_reached": totals[monday]["people_reached"],
            "guards_taking_part": guards,
            "guard_hours": _hours(hours),
            "minimum": minimum,
            "by_point": by_point,
            "below_minimum": [p for p in by_point if p["below_minimum"]],
        }
        if activity:
            out[monday]["activity"] = {name: totals[monday][name] for name in ACTIVITY_FIELDS}
    return out


def _by_point(coverage: list[tuple], guard_hours: dict, week: int, minimum: int) -> list[dict]:
    """A week's line per active point: its coverage row (patrol_weeks_coverage) with its guards and
    guard-hours of that week (guard_hours_weeks), if any."""
    rows = []
    for point_id, code, name, township, done, planned, day_done, missed in coverage:
        guards, hours = guard_hours[point_id][week] if point_id in guard_hours else (0, None)
        rows.append({
            "point_id": point_id, "code": code, "name": name, "township": township, "done": done, "planned": planned,
            "day_done": day_done, "missed": missed, "guards": guards, "guard_hours": _hours(hours) if guards else 0.0,
            "below_minimum": done < minimum,
        })
    return rows


def patrol_week_figures(*, monday: datetime.date) -> dict:
    """Patrols done, guard-hours, guards taking part and people reached in the week, overall and by
    liaison point, and the points below the weekly minimum. `done` counts night patrols (started
    within the night hours: the weekly minimum is about them); day patrols done and patrols missed
    (never started) are counted apart. Guard-hours and guards cover every patrol done. Three queries
    (four off PostgreSQL)."""
    return patrol_weeks_figures(mondays=[monday])[monday]


def roll_call_weeks_figures(*, mondays: list[datetime.date]) -> dict:
    """roll_call_week_figures for several weeks at once: {monday: figures}. Two queries. By company
    means the company stored on the check-in (the guard's company when it was written)."""
    p_each, p_span = weeks_q(mondays, "patrol__planned_start")
    done = Q(patrol__status=Patrol.Status.DONE) & p_span
    # Team places counted per done patrol through the member index alone (COUNT(*), issue 14):
    # joining all team places lets the planner seq-scan them for a hash join.
    each, span = weeks_q(mondays)
    places = PatrolMember.objects.filter(patrol=OuterRef("pk")).order_by().values("patrol").annotate(n=Count("*")).values("n")
    scheduled = (Patrol.objects.filter(span, status=Patrol.Status.DONE).annotate(places=Subquery(places))
                 .aggregate(**{f"n_{i}": Sum("places", filter=each[m]) for i, m in enumerate(mondays)}))
    attended = Q(status__in=_ATTENDED)
    from_phone = Q(source=CheckIn.Source.GUARD)
    far = attended & from_phone & Q(position_state__in=[PositionState.FAR, PositionState.INACCURATE])
    no_position = attended & from_phone & Q(position_state=PositionState.NONE)
    plain = ~(far | no_position)
    keys = ("present", "late", "far", "no_position", "absent")
    conditions = {"present": Q(status="present") & plain, "late": Q(status="late") & plain, "far": far, "no_position": no_position,
                  "absent": Q(status="absent")}
    rows = list(
        CheckIn.objects.filter(done)
        .values("company_id", "company__name")
        .annotate(**{f"{k}_{i}": Count("id", filter=conditions[k] & p_each[m]) for i, m in enumerate(mondays) for k in keys})
        .order_by("company__name")
    )
    out = {}
    for i, monday in enumerate(mondays):
        by_company = []
        for r in rows:
            counts = {k: r[f"{k}_{i}"] for k in keys}
            total = sum(counts.values())
            if not total:
                continue
            by_company.append({
                "company_id": r["company_id"], "company": r["company__name"], "scheduled": total, **counts,
                "absence_rate": round(100 * counts["absent"] / total, 1) if total else 0.0,
            })
        sums = {k: sum(r[k] for r in by_company) for k in keys}
        n = scheduled[f"n_{i}"] or 0
        out[monday] = {
            "scheduled": n, **sums,
            "attendance_rate": round(100 * (sums["present"] + sums["late"] + sums["no_position"]) / n, 1) if n else 0.0,
            "by_company": by_company,
        }
    return out


def roll_call_week_figures(*, monday: datetime.date, company_id: int | None = None) -> dict:
    """Scheduled (team places on done patrols) against the roll-call, overall and by company. Each
    check-in falls in one column: "present, far" (a phone check-in flagged far or inaccurate that
    no officer confirmed), "present, no position" (from a phone that gave none), else present, late
    or absent. The attendance rate counts present, late and no position, never far. Two queries."""
    return roll_call_weeks_figures(mondays=[monday])[monday]


def inspection_weeks_figures(*, mondays: list[datetime.date]) -> dict:
    """inspection_week_figures for several weeks at once: {monday: figures}. One query."""
    aggs = {}
    for i, monday in enumerate(mondays):
        sunday = monday + datetime.timedelta(days=6)
        week = Q(inspected_on__range=(monday, sunday))
        aggs |= {
            f"count_{i}": Count("id", filter=week),
            f"violations_{i}": Count("id", filter=week & Q(violation_found=True)),
            f"rectified_{i}": Count("id", filter=week & Q(violation_found=True, rectified_on__isnull=False)),
            f"overdue_{i}": Count("id", filter=Q(violation_found=True, rectified_on__isnull=True,
                                                 rectification_due__lt=sunday + datetime.timedelta(days=1))),
        }
    totals = VenueInspection.objects.aggregate(**aggs)
    return {m: {"count": totals[f"count_{i}"], "violations": totals[f"violations_{i}"], "rectified": totals[f"rectified_{i}"],
                "rectification_overdue": totals[f"overdue_{i}"]} for i, m in enumerate(mondays)}


def inspection_week_figures(*, monday: datetime.date) -> dict:
    """Venues inspected, violations found and rectified in the week; rectifications overdue now.
    One query."""
    return inspection_weeks_figures(mondays=[monday])[monday]


def patrol_activity_figures(*, monday: datetime.date) -> dict:
    """Activity counts of the patrols done in the ISO week starting `monday` and in the week before
    (issue 13): suspects caught, fugitives assisted, residents helped, "three defences" guidance.
    {"now": {field: n}, "before": {field: n}}. One aggregate query for both weeks."""
    from config.activity import ACTIVITY_FIELDS

    start, end = week_bounds(monday)
    previous_start, _previous_end = week_bounds(monday - datetime.timedelta(days=7))
    this_week = Q(planned_start__gte=start, planned_start__lt=end)
    last_week = Q(planned_start__gte=previous_start, planned_start__lt=start)
    sums = Patrol.objects.filter(status=Patrol.Status.DONE, planned_start__gte=previous_start, planned_start__lt=end).aggregate(
        **{f"now_{name}": Sum(name, filter=this_week) for name in ACTIVITY_FIELDS},
        **{f"before_{name}": Sum(name, filter=last_week) for name in ACTIVITY_FIELDS},
    )
    return {when: {name: sums[f"{when}_{name}"] or 0 for name in ACTIVITY_FIELDS} for when in ("now", "before")}
