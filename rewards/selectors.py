"""Reads of the points ledger and payouts. Every list goes through scope_for(user).apply(...): outside
the scope is 404. Each returns rows with what its page or serializer reads already joined."""
import datetime
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.scoping import scope_for
from rewards.models import PayoutLine, PayoutRun, PointEntry, PointRule


def guard_points_total(*, guard_ids, start: datetime.date, end: datetime.date) -> dict[int, int]:
    """Points per guard over [start, end], one aggregate query."""
    rows = (
        PointEntry.objects.filter(guard_id__in=guard_ids, occurred_on__range=(start, end))
        .values("guard_id")
        .annotate(total=Sum("points"))
    )
    return {r["guard_id"]: r["total"] for r in rows}


def point_entry_list_visible_to(*, user) -> QuerySet[PointEntry]:
    """Ledger lines: officers all, managers their company's guards', a guard their own."""
    qs = PointEntry.objects.select_related("guard", "guard__company", "created_by")
    return scope_for(user).apply(qs, company="guard__company_id", guard="guard_id")


def points_weekly_totals(*, entries: QuerySet[PointEntry], monday: datetime.date) -> QuerySet:
    """Totals per guard over the ISO week starting `monday`, aggregated in the database (one query
    per page): `total` (net points), `earned`, `deducted` (negative or 0) and `entries`. `entries` is an
    already scoped and filtered ledger queryset."""
    zero = Value(0, output_field=IntegerField())
    return (
        entries.filter(occurred_on__range=(monday, monday + datetime.timedelta(days=6)))
        .values("guard_id", "guard__name", "guard__company_id", "guard__company__name")
        .annotate(
            total=Coalesce(Sum("points"), zero),
            earned=Coalesce(Sum("points", filter=Q(points__gt=0)), zero),
            deducted=Coalesce(Sum("points", filter=Q(points__lt=0)), zero),
            entries=Count("id"),
        )
        .order_by("-total", "guard__name", "guard_id")
    )


def point_rule_list() -> QuerySet[PointRule]:
    return PointRule.objects.all()


def payout_run_list_visible_to(*, user) -> QuerySet[PayoutRun]:
    """Monthly payouts for officers (whole county) and managers (totals of their company only), each
    with `scoped_points`, `scoped_amount` and `scoped_guards`. Guards see none."""
    scope = scope_for(user)
    qs = PayoutRun.objects.select_related("approved_by")
    if scope.is_officer:
        return qs.annotate(scoped_points=F("total_points"), scoped_amount=F("total_amount"), scoped_guards=Count("lines"))
    if not scope.is_manager:
        return qs.none()
    mine = Q(lines__company_id=scope.company_id)
    return qs.annotate(
        scoped_points=Coalesce(Sum("lines__points", filter=mine & Q(lines__points__gt=0)), Value(0, output_field=IntegerField())),
        scoped_amount=Coalesce(
            Sum("lines__amount", filter=mine),
            Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2)),
        ),
        scoped_guards=Count("lines", filter=mine),
    )


def payout_line_list_visible_to(*, user, run: PayoutRun) -> QuerySet[PayoutLine]:
    """One run's lines: officers all, managers their company's, guards their own."""
    qs = PayoutLine.objects.filter(run=run).select_related("guard", "company")
    return scope_for(user).apply(qs, company="company_id", guard="guard_id")


def payout_company_totals(*, lines: QuerySet[PayoutLine]) -> list[dict]:
    """Per company: guards, points paid (negative balances count as 0) and amount. One query."""
    return list(
        lines.order_by()
        .values("company_id", "company__name")
        .annotate(
            guards=Count("id"),
            points=Coalesce(Sum("points", filter=Q(points__gt=0)), Value(0, output_field=IntegerField())),
            amount=Sum("amount"),
        )
        .order_by("company__name", "company_id")
    )


def points_visible_to(user):
    qs = PointEntry.objects.select_related("guard", "guard__company", "created_by")
    return scope_for(user).apply(qs, company="guard__company_id", guard="guard_id")


def weekly_totals(user, monday: datetime.date, limit: int = 20) -> list[dict]:
    """Top guards by points over the ISO week starting `monday`, one aggregate query."""
    qs = scope_for(user).apply(PointEntry.objects.all(), company="guard__company_id", guard="guard_id")
    return list(
        qs.filter(occurred_on__range=(monday, monday + datetime.timedelta(days=6)))
        .values("guard_id", "guard__name", "guard__company__name")
        .annotate(total=Sum("points"), entries=Count("id"))
        .order_by("-total", "guard__name")[:limit]
    )
