"""Week aggregates of the points ledger and payouts for the weekly bulletin. A fixed number of queries each."""
import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum

from config.dates import week_bounds
from rewards.models import PayoutLine, PointEntry


def top_guards(*, monday: datetime.date, limit: int = 10, company_id: int | None = None) -> list[dict]:
    """The week's top guards by points. One query."""
    sunday = monday + datetime.timedelta(days=6)
    qs = PointEntry.objects.filter(occurred_on__range=(monday, sunday))
    if company_id is not None:
        qs = qs.filter(guard__company_id=company_id)
    rows = (
        qs.values("guard_id", "guard__name", "guard__company_id", "guard__company__name")
        .annotate(points=Sum("points"))
        .filter(points__gt=0)
        .order_by("-points", "guard__name")[:limit]
    )
    return [
        {"guard_id": r["guard_id"], "guard": r["guard__name"], "company_id": r["guard__company_id"],
         "company": r["guard__company__name"], "points": r["points"]}
        for r in rows
    ]


def rewards_week_figures(*, monday: datetime.date) -> dict:
    """Rewards of payouts approved during the week: guards paid and yuan. One query."""
    start, end = week_bounds(monday)
    totals = PayoutLine.objects.filter(run__approved_at__gte=start, run__approved_at__lt=end, amount__gt=0).aggregate(
        guards=Count("guard_id", distinct=True), amount=Sum("amount")
    )
    amount = (totals["amount"] or Decimal("0")).quantize(Decimal("0.01"))
    return {"guards": totals["guards"], "amount": str(amount)}


def reward_rounds_week_figures(*, monday: datetime.date, company_id: int | None = None) -> dict:
    """Reward rounds approved during the ISO week starting `monday`, for a bulletin line (issue 13;
    not yet shown by the bulletin): rounds, guards and units rewarded, and yuan (with `company_id`:
    that unit's lines only). One query."""
    from rewards.models import RewardRoundLine

    start, end = week_bounds(monday)
    lines = RewardRoundLine.objects.filter(round__status="approved", round__approved_at__gte=start, round__approved_at__lt=end)
    if company_id is not None:
        lines = lines.filter(company_id=company_id)
    totals = lines.aggregate(
        rounds=Count("round_id", distinct=True),
        guards=Count("guard_id", distinct=True),
        units=Count("id", filter=Q(kind="unit")),
        amount=Sum("amount"),
    )
    amount = (totals["amount"] or Decimal("0")).quantize(Decimal("0.01"))
    return {"rounds": totals["rounds"], "guards": totals["guards"], "units": totals["units"], "amount": str(amount)}
