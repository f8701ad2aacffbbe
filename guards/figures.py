"""Week aggregates of the guards app for the weekly bulletin. A fixed number of queries each."""
import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum

from config.dates import week_bounds
from guards.models import CertificateExam, Guard, PayoutLine, PointEntry, RosterEntry, SecurityCompany


def certificate_figures(*, on: datetime.date) -> dict:
    """Certificate rate by company on a day: active guards whose certificate is valid. One query."""
    active = Q(guards__status=Guard.Status.ACTIVE)
    valid = active & Q(guards__certificate_status=Guard.CertificateStatus.VALID, guards__certificate_expires_on__gte=on)
    rows = (
        SecurityCompany.objects.filter(active=True)
        .annotate(guards_active=Count("guards", filter=active), certified=Count("guards", filter=valid))
        .values("id", "name", "guards_active", "certified")
        .order_by("name")
    )
    by_company = [
        {
            "company_id": r["id"], "company": r["name"], "guards": r["guards_active"], "certified": r["certified"],
            "rate": round(100 * r["certified"] / r["guards_active"], 1) if r["guards_active"] else 0.0,
        }
        for r in rows
    ]
    guards = sum(r["guards"] for r in by_company)
    certified = sum(r["certified"] for r in by_company)
    return {"guards": guards, "certified": certified, "rate": round(100 * certified / guards, 1) if guards else 0.0, "by_company": by_company}


def exam_week_figures(*, monday: datetime.date) -> dict:
    sunday = monday + datetime.timedelta(days=6)
    return CertificateExam.objects.filter(taken_on__range=(monday, sunday)).aggregate(
        taken=Count("id"), passed=Count("id", filter=Q(passed=True))
    )


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


def training_week_figures(*, monday: datetime.date) -> dict:
    """Training sessions held in the week: guards expected, attended, absent. One query."""
    sunday = monday + datetime.timedelta(days=6)
    totals = RosterEntry.objects.filter(session__held_on__range=(monday, sunday)).aggregate(
        n_expected=Count("id"), n_attended=Count("id", filter=Q(attended=True)), n_absent=Count("id", filter=Q(attended=False)),
    )
    return {"expected": totals["n_expected"], "attended": totals["n_attended"], "absent": totals["n_absent"]}
