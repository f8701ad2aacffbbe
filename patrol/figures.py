"""Week aggregates of the patrol app for the weekly bulletin and the dashboard. Each function runs
a fixed number of aggregate queries, whatever the number of patrols."""
import datetime

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum

from config.dates import week_bounds
from patrol.models import CheckIn, Patrol, PatrolMember, PositionState, VenueInspection
from patrol.selectors import patrol_week_coverage
from patrol.services.rules import night_hours_label, night_q

_ATTENDED = ("present", "late")


def _hours(duration: datetime.timedelta | None) -> float:
    return round(duration.total_seconds() / 3600, 1) if duration else 0.0


def _weeks_q(mondays, prefix: str = "planned_start"):
    """{monday: Q(that week)} and the Q of their whole span, on a datetime field."""
    bounds = {m: week_bounds(m) for m in mondays}
    each = {m: Q(**{f"{prefix}__gte": s, f"{prefix}__lt": e}) for m, (s, e) in bounds.items()}
    return each, Q(**{f"{prefix}__gte": min(s for s, _e in bounds.values()), f"{prefix}__lt": max(e for _s, e in bounds.values())})


def patrol_weeks_figures(*, mondays: list[datetime.date], activity: bool = False) -> dict:
    """patrol_week_figures for several weeks at once: {monday: figures}. 2 + len(mondays) queries.
    With `activity`, each week's figures carry "activity": the activity counts of its patrols done
    (as patrol_activity_figures, in the same query). Check-ins are filtered on the joined patrol
    (status and planned_start), never with `patrol_id IN (SELECT …)`, so the patrol index on
    (status, planned_start) bounds the join."""
    from config.activity import ACTIVITY_FIELDS

    each, span = _weeks_q(mondays)
    done = Q(status=Patrol.Status.DONE)
    totals = Patrol.objects.filter(span).aggregate(**{
        f"{k}_{i}": agg for i, m in enumerate(mondays) for k, agg in (
            ("count", Count("id", filter=each[m] & done & night_q())),
            ("day_done", Count("id", filter=each[m] & done & ~night_q())),
            ("missed", Count("id", filter=each[m] & Q(status=Patrol.Status.MISSED))),
            ("people", Sum("people_reached", filter=each[m] & done)),
            *((f"activity_{name}", Sum(name, filter=each[m] & done)) for name in (ACTIVITY_FIELDS if activity else ())),
        )
    })
    p_each, p_span = _weeks_q(mondays, "patrol__planned_start")
    duration = ExpressionWrapper(F("patrol__actual_end") - F("patrol__actual_start"), output_field=DurationField())
    attended = CheckIn.objects.filter(p_span, patrol__status=Patrol.Status.DONE, status__in=_ATTENDED)
    per_week = {f"{k}_{i}": agg for i, m in enumerate(mondays) for k, agg in (
        ("guards", Count("guard_id", distinct=True, filter=p_each[m])), ("hours", Sum(duration, filter=p_each[m])),
    )}
    overall = attended.aggregate(**per_week)
    per_point = list(attended.values("patrol__liaison_point_id").annotate(**per_week).order_by())
    minimum = settings.PATROLS_PER_WEEK_MIN
    out = {}
    for i, monday in enumerate(mondays):
        extras = {r["patrol__liaison_point_id"]: r for r in per_point if r[f"guards_{i}"]}
        by_point = []
        for row in patrol_week_coverage(monday=monday):
            extra = extras.get(row.point_id, {})
            by_point.append({
                "point_id": row.point_id, "code": row.code, "name": row.name, "township": row.township,
                "done": row.done, "planned": row.planned, "day_done": row.day_done, "missed": row.missed,
                "guards": extra.get(f"guards_{i}", 0), "guard_hours": _hours(extra.get(f"hours_{i}")), "below_minimum": row.done < minimum,
            })
        out[monday] = {
            "done": totals[f"count_{i}"],
            "day_done": totals[f"day_done_{i}"],
            "missed": totals[f"missed_{i}"],
            "night_hours": night_hours_label(),
            "people_reached": totals[f"people_{i}"] or 0,
            "guards_taking_part": overall[f"guards_{i}"],
            "guard_hours": _hours(overall[f"hours_{i}"]),
            "minimum": minimum,
            "by_point": by_point,
            "below_minimum": [p for p in by_point if p["below_minimum"]],
        }
        if activity:
            out[monday]["activity"] = {name: totals[f"activity_{name}_{i}"] or 0 for name in ACTIVITY_FIELDS}
    return out


def patrol_week_figures(*, monday: datetime.date) -> dict:
    """Patrols done, guard-hours, guards taking part and people reached in the week, overall and by
    liaison point, and the points below the weekly minimum. `done` counts night patrols (started
    within the night hours: the weekly minimum is about them); day patrols done and patrols missed
    (never started) are counted apart. Guard-hours and guards cover every patrol done. Four queries."""
    return patrol_weeks_figures(mondays=[monday])[monday]


def roll_call_weeks_figures(*, mondays: list[datetime.date]) -> dict:
    """roll_call_week_figures for several weeks at once: {monday: figures}. Two queries. By company
    means the company stored on the check-in (the guard's company when it was written)."""
    p_each, p_span = _weeks_q(mondays, "patrol__planned_start")
    done = Q(patrol__status=Patrol.Status.DONE) & p_span
    scheduled = PatrolMember.objects.filter(done).aggregate(**{f"n_{i}": Count("id", filter=p_each[m]) for i, m in enumerate(mondays)})
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
        n = scheduled[f"n_{i}"]
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
