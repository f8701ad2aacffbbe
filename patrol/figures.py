"""Week aggregates of the patrol app for the weekly bulletin and the dashboard. Each function runs
a fixed number of aggregate queries, whatever the number of patrols."""
import datetime

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum

from config.dates import week_bounds
from patrol.models import CheckIn, Patrol, PatrolMember, VenueInspection
from patrol.selectors import patrol_week_coverage

_ATTENDED = ("present", "late")


def _hours(duration: datetime.timedelta | None) -> float:
    return round(duration.total_seconds() / 3600, 1) if duration else 0.0


def patrol_week_figures(*, monday: datetime.date) -> dict:
    """Patrols done, guard-hours, guards taking part and people reached in the week, overall and by
    liaison point, and the points below the weekly minimum. Four queries."""
    start, end = week_bounds(monday)
    done = Patrol.objects.filter(status=Patrol.Status.DONE, planned_start__gte=start, planned_start__lt=end)
    totals = done.aggregate(count=Count("id"), people=Sum("people_reached"))
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
            "done": row.done, "planned": row.planned, "guards": extra.get("guards", 0),
            "guard_hours": _hours(extra.get("hours")), "below_minimum": row.done < minimum,
        })
    return {
        "done": totals["count"],
        "people_reached": totals["people"] or 0,
        "guards_taking_part": overall["guards"],
        "guard_hours": _hours(overall["hours"]),
        "minimum": minimum,
        "by_point": by_point,
        "below_minimum": [p for p in by_point if p["below_minimum"]],
    }


def roll_call_week_figures(*, monday: datetime.date, company_id: int | None = None) -> dict:
    """Scheduled (team places on done patrols) against present, late and absent check-ins, overall
    and by company. Two queries."""
    start, end = week_bounds(monday)
    week = Q(patrol__status=Patrol.Status.DONE, patrol__planned_start__gte=start, patrol__planned_start__lt=end)
    scheduled = PatrolMember.objects.filter(week).count()
    rows = (
        CheckIn.objects.filter(week)
        .values("guard__company_id", "guard__company__name")
        .annotate(
            present=Count("id", filter=Q(status="present")),
            late=Count("id", filter=Q(status="late")),
            absent=Count("id", filter=Q(status="absent")),
        )
        .order_by("guard__company__name")
    )
    by_company = []
    for r in rows:
        total = r["present"] + r["late"] + r["absent"]
        by_company.append({
            "company_id": r["guard__company_id"], "company": r["guard__company__name"], "scheduled": total,
            "present": r["present"], "late": r["late"], "absent": r["absent"],
            "absence_rate": round(100 * r["absent"] / total, 1) if total else 0.0,
        })
    present = sum(r["present"] for r in by_company)
    late = sum(r["late"] for r in by_company)
    absent = sum(r["absent"] for r in by_company)
    return {
        "scheduled": scheduled, "present": present, "late": late, "absent": absent,
        "attendance_rate": round(100 * (present + late) / scheduled, 1) if scheduled else 0.0,
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
