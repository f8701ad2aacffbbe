"""Week aggregates of the points ledger and payouts for the weekly bulletin. A fixed number of queries each."""
import datetime
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import Rank

from config.dates import week_bounds
from guards.models import Guard
from rewards.models import PayoutLine, PointEntry


def top_guards(*, monday: datetime.date, limit: int = 10, company_id: int | None = None) -> list[dict]:
    """The week's top guards by points (ties by name). One query.

    The ledger is summed per guard first, from the (occurred_on, guard, points) index alone, and only
    the winners are joined to their guard and company (issue 14: a province week has ~25,000 ledger
    lines). The winners are the guards ranked `limit` or better (RANK: equal sums share a rank), so
    a tie at the cut-off still goes to the name, as it did with the join first."""
    sunday = monday + datetime.timedelta(days=6)
    qs = PointEntry.objects.filter(occurred_on__range=(monday, sunday))
    if company_id is not None:
        qs = qs.filter(guard__company_id=company_id)
    winners = (
        qs.order_by().values("guard_id").annotate(total=Sum("points")).filter(total__gt=0)
        .annotate(rank=Window(Rank(), order_by=F("total").desc())).filter(rank__lte=limit).values("guard_id")
    )
    own_sum = (qs.filter(guard_id=OuterRef("pk")).order_by().values("guard_id")
               .annotate(total=Sum("points")).values("total"))
    rows = (
        Guard.objects.filter(pk__in=winners)
        .annotate(points=Subquery(own_sum))
        .values("pk", "name", "company_id", "company__name", "points")
        .order_by("-points", "name")[:limit]
    )
    return [
        {"guard_id": r["pk"], "guard": r["name"], "company_id": r["company_id"],
         "company": r["company__name"], "points": r["points"]}
        for r in rows
    ]


def rewards_weeks_figures(*, mondays: list[datetime.date]) -> dict:
    """rewards_week_figures for several weeks at once: {monday: figures}. One query."""
    weeks = {m: Q(run__approved_at__gte=s, run__approved_at__lt=e) for m in mondays for s, e in [week_bounds(m)]}
    totals = PayoutLine.objects.filter(amount__gt=0).aggregate(**{
        f"{k}_{i}": agg for i, m in enumerate(mondays)
        for k, agg in (("guards", Count("guard_id", distinct=True, filter=weeks[m])), ("amount", Sum("amount", filter=weeks[m])))
    })
    return {m: {"guards": totals[f"guards_{i}"], "amount": str((totals[f"amount_{i}"] or Decimal("0")).quantize(Decimal("0.01")))}
            for i, m in enumerate(mondays)}


def rewards_week_figures(*, monday: datetime.date) -> dict:
    """Rewards of payouts approved during the week: guards paid and yuan. One query."""
    return rewards_weeks_figures(mondays=[monday])[monday]


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
