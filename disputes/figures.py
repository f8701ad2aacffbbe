"""Week aggregates of the disputes app for the weekly bulletin: counts only — never parties, texts
or informants. A fixed number of queries each."""
import datetime
import statistics

from django.db.models import Count, Q

from config.dates import week_bounds
from disputes.models import Dispute, Tip
from disputes.selectors import overdue_q


def dispute_weeks_figures(*, mondays: list[datetime.date]) -> dict:
    """dispute_week_figures for several weeks at once: {monday: figures}. Two queries."""
    bounds = {m: week_bounds(m) for m in mondays}
    aggs = {}
    for i, (start, end) in enumerate(bounds.values()):
        finished = Q(finished_at__gte=start, finished_at__lt=end)
        aggs |= {
            f"new_{i}": Count("id", filter=Q(reported_at__gte=start, reported_at__lt=end)),
            f"resolved_{i}": Count("id", filter=Q(status=Dispute.Status.RESOLVED) & finished),
            f"escalated_{i}": Count("id", filter=Q(status=Dispute.Status.ESCALATED) & finished),
            f"closed_{i}": Count("id", filter=Q(status=Dispute.Status.CLOSED) & finished),
            f"overdue_{i}": Count("id", filter=overdue_q(end) & Q(reported_at__lt=end)),
        }
    counts = Dispute.objects.aggregate(**aggs)
    first, last = min(s for s, _e in bounds.values()), max(e for _s, e in bounds.values())
    spans = list(Dispute.objects.filter(status=Dispute.Status.RESOLVED, finished_at__gte=first, finished_at__lt=last).values_list(
        "reported_at", "finished_at"
    ))
    out = {}
    for i, (monday, (start, end)) in enumerate(bounds.items()):
        days = [(done - reported).total_seconds() / 86400 for reported, done in spans if start <= done < end]
        out[monday] = {k: counts[f"{k}_{i}"] for k in ("new", "resolved", "escalated", "closed", "overdue")}
        out[monday]["median_days_to_resolve"] = round(statistics.median(days), 1) if days else None
    return out


def dispute_week_figures(*, monday: datetime.date) -> dict:
    """New, resolved, escalated and closed disputes in the week, overdue at the week's end, and the
    median days from report to resolution of those resolved. Two queries."""
    return dispute_weeks_figures(mondays=[monday])[monday]


def tip_weeks_figures(*, mondays: list[datetime.date], activity: bool = False) -> dict:
    """tip_week_figures for several weeks at once: {monday: figures}. One query. With `activity`,
    each week's figures carry "activity": the activity counts of its tips closed (as
    tip_activity_figures, in the same query)."""
    from django.db.models import Sum

    from config.activity import ACTIVITY_FIELDS

    keys = ("received", "verified", "cases_solved", "hazards_rectified", "people_found")
    aggs = {}
    for i, monday in enumerate(mondays):
        start, end = week_bounds(monday)
        finished = Q(finished_at__gte=start, finished_at__lt=end)
        aggs |= {
            f"received_{i}": Count("id", filter=Q(received_at__gte=start, received_at__lt=end)),
            f"verified_{i}": Count("id", filter=Q(verified_at__gte=start, verified_at__lt=end)),
            f"cases_solved_{i}": Count("id", filter=finished & Q(outcome=Tip.Outcome.CASE_SOLVED)),
            f"hazards_rectified_{i}": Count("id", filter=Q(rectified_at__gte=start, rectified_at__lt=end) | (finished & Q(outcome=Tip.Outcome.HAZARD_RECTIFIED))),
            f"people_found_{i}": Count("id", filter=finished & Q(outcome=Tip.Outcome.PERSON_FOUND)),
        }
        if activity:
            aggs |= {f"activity_{name}_{i}": Sum(name, filter=finished & Q(status=Tip.Status.CLOSED)) for name in ACTIVITY_FIELDS}
    totals = Tip.objects.aggregate(**aggs)
    out = {m: {k: totals[f"{k}_{i}"] for k in keys} for i, m in enumerate(mondays)}
    if activity:
        for i, m in enumerate(mondays):
            out[m]["activity"] = {name: totals[f"activity_{name}_{i}"] or 0 for name in ACTIVITY_FIELDS}
    return out


def tip_week_figures(*, monday: datetime.date) -> dict:
    """Tips received and verified in the week, and outcomes reached: cases solved, hazards
    rectified, people found. One query."""
    return tip_weeks_figures(mondays=[monday])[monday]


def tip_activity_figures(*, monday: datetime.date) -> dict:
    """Activity counts recorded on the tips closed in the ISO week starting `monday` and in the week
    before (issue 13). {"now": {field: n}, "before": {field: n}}. One aggregate query for both weeks."""
    from django.db.models import Sum

    from config.activity import ACTIVITY_FIELDS

    start, end = week_bounds(monday)
    previous_start, _previous_end = week_bounds(monday - datetime.timedelta(days=7))
    this_week = Q(finished_at__gte=start, finished_at__lt=end)
    last_week = Q(finished_at__gte=previous_start, finished_at__lt=start)
    sums = Tip.objects.filter(status=Tip.Status.CLOSED, finished_at__gte=previous_start, finished_at__lt=end).aggregate(
        **{f"now_{name}": Sum(name, filter=this_week) for name in ACTIVITY_FIELDS},
        **{f"before_{name}": Sum(name, filter=last_week) for name in ACTIVITY_FIELDS},
    )
    return {when: {name: sums[f"{when}_{name}"] or 0 for name in ACTIVITY_FIELDS} for when in ("now", "before")}
