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


def patrol_week_figures(*, monday: datetime.date) -> dict:
    """Patrols done, guard-hours, guards taking part and people reached in the week, overall and by
    liaison point, and the points below the weekly minimum. `done` counts night patrols (started
    within the night hours: the weekly minimum is about them); day patrols done and patrols missed
    (never started) are counted apart. Guard-hours and guards cover every patrol done. Four queries."""
    start, end = week_bounds(monday)
    done = Patrol.objects.filter(status=Patrol.Status.DONE, planned_start__gte=start, planned_start__lt=end)
    totals = Patrol.objects.filter(planned_start__gte=start, planned_start__lt=end).aggregate(
        count=Count("id", filter=Q(status=Patrol.Status.DONE) & night_q()),
        day_done=Count("id", filter=Q(status=Patrol.Status.DONE) & ~night_q()),
        missed=Count("id", filter=Q(status=Patrol.Status.MISSED)),
        people=Sum("people_reached", filter=Q(status=Patrol.Status.DONE)),
    )
    duration = ExpressionWrapper(F("patrol__actual_end") - F("patrol__actual_start"), output_field=DurationField())
    attended = CheckIn.objects.filter(patrol__in=done, status__in=_ATTENDED)
    overall = attended.aggregate(guards=Count("guard_id", distinct=True), hours=Sum(duration))
    per_point = {
        row["patrol__liaison_point_id"]: row
        for row in attended.values("patrol__liaison_point_id").annotate(guards=Count("guard_id", distinct=True), hours=Sum(duration))
    }
    minimum = settings.PATROLS_PER_WEEK_MIN
    by_point = []
    for row in patrol_week_coverage(monday=monday):
        extra = per_point.get(row.point_id, {})
        by_point.append({
            "point_id": row.point_id, "code": row.code, "name": row.name, "township": row.township,
            "done": row.done, "planned": row.planned, "day_done": row.day_done, "missed": row.missed, "guards": extra.get("guards", 0),
            "guard_hours": _hours(extra.get("hours")), "below_minimum": row.done < minimum,
        })
    return {
        "done": totals["count"],
        "day_done": totals["day_done"],
        "missed": totals["missed"],
        "night_hours": night_hours_label(),
        "people_reached": totals["people"] or 0,
        "guards_taking_part": overall["guards"],
        "guard_hours": _hours(overall["hours"]),
        "minimum": minimum,
        "by_point": by_point,
        "below_minimum": [p for p in by_point if p["below_minimum"]],
    }


def roll_call_week_figures(*, monday: datetime.date, company_id: int | None = None) -> dict:
    """Scheduled (team places on done patrols) against the roll-call, overall and by company. Each
    check-in falls in one column: "present, far" (a phone check-in flagged far or inaccurate that
    no officer confirmed), "present, no position" (from a phone that gave none), else present, late
    or absent. The attendance rate counts present, late and no position, never far. Two queries."""
    start, end = week_bounds(monday)
    week = Q(patrol__status=Patrol.Status.DONE, patrol__planned_start__gte=start, patrol__planned_start__lt=end)
    scheduled = PatrolMember.objects.filter(week).count()
    attended = Q(status__in=_ATTENDED)
    from_phone = Q(source=CheckIn.Source.GUARD)
    far = attended & from_phone & Q(position_state__in=[PositionState.FAR, PositionState.INACCURATE])
    no_position = attended & from_phone & Q(position_state=PositionState.NONE)
    plain = ~(far | no_position)
    rows = (
        CheckIn.objects.filter(week)
        .values("guard__company_id", "guard__company__name")
        .annotate(
            present=Count("id", filter=Q(status="present") & plain),
            late=Count("id", filter=Q(status="late") & plain),
            far=Count("id", filter=far),
            no_position=Count("id", filter=no_position),
            absent=Count("id", filter=Q(status="absent")),
        )
        .order_by("guard__company__name")
    )
    keys = ("present", "late", "far", "no_position", "absent")
    by_company = []
    for r in rows:
        total = sum(r[k] for k in keys)
        by_company.append({
            "company_id": r["guard__company_id"], "company": r["guard__company__name"], "scheduled": total,
            **{k: r[k] for k in keys},
            "absence_rate": round(100 * r["absent"] / total, 1) if total else 0.0,
        })
    sums = {k: sum(r[k] for r in by_company) for k in keys}
    return {
        "scheduled": scheduled, **sums,
        "attendance_rate": round(100 * (sums["present"] + sums["late"] + sums["no_position"]) / scheduled, 1) if scheduled else 0.0,
        "by_company": by_company,
    }


def inspection_week_figures(*, monday: datetime.date) -> dict:
    """Venues inspected, violations found and rectified in the week; rectifications overdue now.
    Two queries."""
    sunday = monday + datetime.timedelta(days=6)
    week = VenueInspection.objects.filter(inspected_on__range=(monday, sunday))
    totals = week.aggregate(
        count=Count("id"),
        violations=Count("id", filter=Q(violation_found=True)),
        rectified=Count("id", filter=Q(violation_found=True, rectified_on__isnull=False)),
    )
    overdue = VenueInspection.objects.filter(
        violation_found=True, rectified_on__isnull=True, rectification_due__lt=sunday + datetime.timedelta(days=1)
    ).count()
    return {**totals, "rectification_overdue": overdue}
