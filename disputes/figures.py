"""Week aggregates of the disputes app for the weekly bulletin: counts only — never parties, texts
or informants. A fixed number of queries each."""
import datetime
import statistics

from django.db.models import Count, Q

from config.dates import week_bounds
from disputes.models import Dispute, Tip
from disputes.selectors import overdue_q


def dispute_week_figures(*, monday: datetime.date) -> dict:
    """New, resolved, escalated and closed disputes in the week, overdue at the week's end, and the
    median days from report to resolution of those resolved. Three queries."""
    start, end = week_bounds(monday)
    counts = Dispute.objects.aggregate(
        new=Count("id", filter=Q(reported_at__gte=start, reported_at__lt=end)),
        resolved=Count("id", filter=Q(status=Dispute.Status.RESOLVED, finished_at__gte=start, finished_at__lt=end)),
        escalated=Count("id", filter=Q(status=Dispute.Status.ESCALATED, finished_at__gte=start, finished_at__lt=end)),
        closed=Count("id", filter=Q(status=Dispute.Status.CLOSED, finished_at__gte=start, finished_at__lt=end)),
    )
    counts["overdue"] = Dispute.objects.filter(overdue_q(end), reported_at__lt=end).count()
    spans = Dispute.objects.filter(status=Dispute.Status.RESOLVED, finished_at__gte=start, finished_at__lt=end).values_list(
        "reported_at", "finished_at"
    )
    days = [(done - reported).total_seconds() / 86400 for reported, done in spans]
    counts["median_days_to_resolve"] = round(statistics.median(days), 1) if days else None
    return counts


def tip_week_figures(*, monday: datetime.date) -> dict:
    """Tips received and verified in the week, and outcomes reached: cases solved, hazards
    rectified, people found. One query."""
    start, end = week_bounds(monday)
    finished = Q(finished_at__gte=start, finished_at__lt=end)
    return Tip.objects.aggregate(
        received=Count("id", filter=Q(received_at__gte=start, received_at__lt=end)),
        verified=Count("id", filter=Q(verified_at__gte=start, verified_at__lt=end)),
        cases_solved=Count("id", filter=finished & Q(outcome=Tip.Outcome.CASE_SOLVED)),
        hazards_rectified=Count("id", filter=Q(rectified_at__gte=start, rectified_at__lt=end) | (finished & Q(outcome=Tip.Outcome.HAZARD_RECTIFIED))),
        people_found=Count("id", filter=finished & Q(outcome=Tip.Outcome.PERSON_FOUND)),
    )
